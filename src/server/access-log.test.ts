// The access log's hash chain: intact logs verify; an edited, deleted or reordered row is named, by the function and
// by `mosaic access-log verify` on a tampered copy of a real database file.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { openLedger } from '../ledger/open.js';
import { AccessJournal, journalSegments, readJournal, SEGMENT_BYTES } from './access-journal.js';
import {
  AccessLog,
  COLUMNS_FOR_TEST,
  encodeRow,
  GENESIS,
  rowHash,
  verifyRows,
  type AccessRow,
} from './access-log.js';
import { openState } from './state/open-state.js';

function chain(n: number): AccessRow[] {
  const rows: AccessRow[] = [];
  let prev = GENESIS;
  for (let i = 1; i <= n; i++) {
    const base = {
      at: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
      actor: `acc_${i % 3}`,
      role: 'agency',
      action: 'report.read',
      target: `/v1/subjects/x/report`,
      subject: i % 2 ? '371082198207079437' : null,
      purpose: 'p',
      status: 200,
      detail: null,
      prev,
    };
    const row = { seq: i, ...base, hash: rowHash(base) };
    rows.push(row);
    prev = row.hash;
  }
  return rows;
}

describe('verifyRows', () => {
  it('accepts an intact chain', () => {
    expect(verifyRows(chain(20))).toMatchObject({ ok: true, rows: 20 });
    expect(verifyRows([])).toMatchObject({ ok: true, rows: 0, head: GENESIS });
  });

  it('names the first edited, deleted or reordered row, wherever it is', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 40 }),
        fc.nat(),
        fc.constantFrom('edited', 'deleted', 'renumbered', 'reordered'),
        (n, at, how) => {
          const rows = chain(n);
          const k = at % (n - 1); // index of the tampered row (0-based), leaving a successor for reorders
          if (how === 'edited') {
            rows[k] = { ...rows[k]!, purpose: 'something else' };
            expect(verifyRows(rows).first).toMatchObject({ seq: k + 1, problem: 'edited' });
          } else if (how === 'deleted') {
            rows.splice(k, 1);
            expect(verifyRows(rows).first).toMatchObject({ seq: k + 1, problem: 'deleted' });
          } else if (how === 'renumbered') {
            rows.splice(k, 1);
            for (let i = k; i < rows.length; i++) rows[i] = { ...rows[i]!, seq: i + 1 };
            expect(verifyRows(rows).first).toMatchObject({ seq: k + 1, problem: 'deleted' });
          } else {
            const [a, b] = [rows[k]!, rows[k + 1]!];
            rows[k] = { ...b, seq: a.seq };
            rows[k + 1] = { ...a, seq: b.seq };
            expect(verifyRows(rows).first).toMatchObject({ seq: k + 1, problem: 'reordered' });
          }
        },
      ),
    );
  });
});

describe('encodeRow', () => {
  it('hashes and writes exactly what rowHash and JSON.stringify(row) give, for any field values', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }));
    fc.assert(
      fc.property(
        fc.record({
          at: text,
          actor: text,
          role: text,
          action: text,
          target: text,
          subject: fc.option(text),
          purpose: fc.option(text),
          status: fc.integer({ min: 100, max: 599 }),
          detail: fc.option(text),
          prev: text,
        }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (base, seq) => {
          const { row, line } = encodeRow(seq, base);
          expect(row).toEqual({ seq, ...base, hash: rowHash(base) });
          expect(line).toBe(JSON.stringify(row));
          expect(Object.keys(row)).toEqual(Object.keys({ seq, ...base, hash: '' }));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('AccessLog', () => {
  it('chains concurrent appends in one order, stored in groups', async () => {
    const ledger = await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 });
    const state = await openState(ledger);
    try {
      const log = new AccessLog(state);
      const rows = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          log.append({ actor: `a${i}`, role: 'firm', action: 'decision', target: 't', status: 200 }),
        ),
      );
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      expect(await log.verify()).toMatchObject({ ok: true, rows: 300 });
      // A second log object over the same state continues the chain where the first stopped.
      await new AccessLog(state).append({ actor: 'b', role: 'admin', action: 'x', target: 't', status: 200 });
      expect(await log.verify()).toMatchObject({ ok: true, rows: 301 });
    } finally {
      await state.close();
      await ledger.close();
    }
  });
});

describe('AccessLog journal (a DuckDB ledger file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'issue-12-journal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('replays what a crash left in the journal: once, in order, a torn last line ignored, then continues', async () => {
    const file = join(dir, 'crash.duckdb');
    const rows = chain(20);
    // What a crash leaves: rows 1–5 folded into the table, 1–20 in the journal (two segments), a torn write after.
    const l1 = await openLedger({ adapter: 'duckdb', file, threads: 1 });
    const s1 = await openState(l1);
    await s1.insertRows!('server_access_log', COLUMNS_FOR_TEST, rows.slice(0, 5));
    const j = new AccessJournal(file, []);
    await j.write(
      rows.slice(0, 12),
      rows
        .slice(0, 12)
        .map((r) => JSON.stringify(r) + '\n')
        .join(''),
    );
    await j.close(false);
    const j2 = new AccessJournal(file, journalSegments(file));
    await j2.write(
      rows.slice(12),
      rows
        .slice(12)
        .map((r) => JSON.stringify(r) + '\n')
        .join('') + '{"seq":21,"at',
    );
    await j2.close(false);
    await s1.close();
    await l1.close();
    expect(journalSegments(file)).toHaveLength(2);

    const l2 = await openLedger({ adapter: 'duckdb', file, threads: 1 });
    const s2 = await openState(l2);
    try {
      const log = new AccessLog(s2, { journal: file });
      expect(await log.rows()).toEqual(rows);
      // The replayed segments are gone once their rows are in the table.
      expect(journalSegments(file)).toHaveLength(0);
      const next = await log.append({ actor: 'x', role: 'admin', action: 'y', target: 't', status: 200 });
      expect(next).toMatchObject({ seq: 21, prev: rows[19]!.hash });
      expect(await log.verify()).toMatchObject({ ok: true, rows: 21 });
      await log.close();
      expect(journalSegments(file)).toHaveLength(0);
    } finally {
      await s2.close();
      await l2.close();
    }
  }, 60_000);

  it('a journalled row edited before its fold is named by verify', async () => {
    const file = join(dir, 'tamper.duckdb');
    const rows = chain(8);
    const j = new AccessJournal(file, []);
    const bad = rows.map((r) => (r.seq === 6 ? { ...r, purpose: 'nothing to see' } : r));
    await j.write(bad, bad.map((r) => JSON.stringify(r) + '\n').join(''));
    await j.close(false);
    const l = await openLedger({ adapter: 'duckdb', file, threads: 1 });
    const s = await openState(l);
    try {
      const log = new AccessLog(s, { journal: file });
      expect((await log.verify()).first).toMatchObject({ seq: 6, problem: 'edited' });
      await log.close();
    } finally {
      await s.close();
      await l.close();
    }
  }, 60_000);

  it('segments are zero-filled ahead: rows end at the zeros, a torn write among them is ignored, rotation keeps order', async () => {
    const file = join(dir, 'zeroed.duckdb');
    const j = new AccessJournal(file, []);
    // Rows of about 100 KB: 200 of them fill three 8 MiB segments.
    const big = chain(200).map((r, i) => ({ ...r, detail: String(i).padEnd(100_000, 'x') }));
    for (let i = 0; i < big.length; i += 10) {
      const part = big.slice(i, i + 10);
      await j.write(part, part.map((r) => JSON.stringify(r) + '\n').join(''));
    }
    const segs = journalSegments(file);
    // The written segments, the open one and the spare prepared ahead: each made full size before its first row.
    expect(segs.length).toBeGreaterThanOrEqual(3);
    for (const s of segs) expect(statSync(s.path).size).toBe(SEGMENT_BYTES);
    expect(readJournal(file)).toEqual(big);
    // A crash mid-write: part of a line, then the zeros that were there.
    const last = segs.filter((s) => readFileSync(s.path).indexOf(0) > 0).at(-1)!;
    const bytes = readFileSync(last.path);
    const end = bytes.indexOf(0);
    bytes.write('{"seq":201,"at":"2026', end);
    writeFileSync(last.path, bytes);
    expect(readJournal(file)).toEqual(big);
    await j.close(true);
    expect(journalSegments(file)).toHaveLength(0);
  }, 60_000);

  it('a fold takes the rows journalled when it starts; rows arriving meanwhile wait for the next fold', async () => {
    const file = join(dir, 'fold-once.duckdb');
    const l = await openLedger({ adapter: 'duckdb', file, threads: 1 });
    const s = await openState(l);
    try {
      const log = new AccessLog(s, { journal: file });
      const entry = { actor: 'acc_1', role: 'firm', action: 'decision', target: 't', status: 200 };
      for (let i = 0; i < 5; i++) await log.append(entry);
      // A slow statement, as a busy DuckDB gives: rows keep arriving while it runs.
      const insertRows = s.insertRows!.bind(s);
      const statements: number[] = [];
      let arrivals: Promise<unknown> | undefined;
      (s as { insertRows: typeof insertRows }).insertRows = async (table, cols, rows, json) => {
        statements.push(rows.length);
        arrivals ??= Promise.all(Array.from({ length: 3 }, () => log.append(entry)));
        await arrivals;
        return insertRows(table, cols, rows, json);
      };
      await log.flush();
      // One statement of the five: a fold chasing the three that arrived would have run a second one at once.
      expect(statements).toEqual([5]);
      expect(await s.query(`SELECT count(*)::INTEGER AS n FROM {t}server_access_log`)).toEqual([{ n: 5 }]);
      expect(await log.rows()).toHaveLength(8);
      expect(statements).toEqual([5, 3]);
      expect((await log.verify()).ok).toBe(true);
      await log.close();
    } finally {
      await s.close();
      await l.close();
    }
  }, 60_000);

  it('an acknowledged row is durable in the journal before it is in the table; reads see it', async () => {
    const file = join(dir, 'ack.duckdb');
    const l = await openLedger({ adapter: 'duckdb', file, threads: 1 });
    const s = await openState(l);
    try {
      const log = new AccessLog(s, { journal: file });
      const row = await log.append({
        actor: 'acc_1',
        role: 'firm',
        action: 'decision',
        target: 'fly@2024-06-01',
        subject: '371082198207079437',
        purpose: 'why',
        status: 200,
      });
      expect(readJournal(file)).toEqual([row]);
      expect(await log.rows({ subject: '371082198207079437' })).toEqual([row]);
      await log.close();
      // Closed: nothing may bypass the journal into the table.
      await expect(
        log.append({ actor: 'a', role: 'admin', action: 'x', target: 't', status: 200 }),
      ).rejects.toThrow(/closed/);
    } finally {
      await s.close();
      await l.close();
    }
  }, 60_000);
});

describe('mosaic access-log verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'issue-12-accesslog-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function verify(dataDir: string): Promise<{ code: number; out: string }> {
    let out = '';
    const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      out += String(c);
      return true;
    });
    const before = process.exitCode;
    process.exitCode = 0;
    try {
      await main([
        'node',
        'mosaic',
        '--ledger',
        'duckdb',
        '--data-dir',
        dataDir,
        'access-log',
        'verify',
        '--json',
      ]);
      return { code: Number(process.exitCode ?? 0), out };
    } finally {
      o.mockRestore();
      process.exitCode = before;
    }
  }

  it('proves a real log untouched, and names the first edited row of a tampered copy', async () => {
    const live = join(dir, 'live');
    const ledger = await openLedger({ adapter: 'duckdb', dataDir: live, threads: 1 });
    const state = await openState(ledger);
    const log = new AccessLog(state);
    for (let i = 0; i < 10; i++)
      await log.append({
        actor: 'acc_1',
        role: 'agency',
        action: 'report.read',
        target: `t${i}`,
        subject: '371082198207079437',
        purpose: 'why',
        status: 200,
      });
    await state.close();
    await ledger.close();

    const ok = await verify(live);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ ok: true, rows: 10 });

    const copy = join(dir, 'copy');
    rmSync(copy, { recursive: true, force: true });
    mkdirSync(copy);
    copyFileSync(join(live, 'mosaic.duckdb'), join(copy, 'mosaic.duckdb'));
    const db = await DuckDBInstance.create(join(copy, 'mosaic.duckdb'));
    const con = await db.connect();
    await con.run(`UPDATE server_access_log SET purpose = 'nothing to see' WHERE seq = 4`);
    con.closeSync();
    db.closeSync();
    const bad = await verify(copy);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).first).toMatchObject({ seq: 4, problem: 'edited' });

    const db2 = await DuckDBInstance.create(join(copy, 'mosaic.duckdb'));
    const con2 = await db2.connect();
    await con2.run(`UPDATE server_access_log SET purpose = 'why' WHERE seq = 4`);
    await con2.run(`DELETE FROM server_access_log WHERE seq = 7`);
    con2.closeSync();
    db2.closeSync();
    expect(JSON.parse((await verify(copy)).out).first).toMatchObject({ seq: 7, problem: 'deleted' });
  }, 60_000);
});
