// Parallel validation (docs/decisions/0176) must be invisible: over generated files (bad rows, quoted fields holding
// line ends, CRLF, lone CRs, corrections on either side of the cut) it stores the same records in the same batches
// and reports the same issues in the same order as one thread, and falls back to one thread where a cut cannot hold.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../core/catalogue.js';
import { MosaicError } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import type { CreditRecord } from '../core/types.js';
import type { EncodedBatch } from '../ledger/encoded.js';
import { TEST_CATALOGUE } from '../ledger/ledger.contract.js';
import { MemoryLedger } from '../ledger/memory/memory-ledger.js';
import { syntheticRecords } from '../ledger/synthetic.js';
import { formatCsvRow } from './csv.js';
import { ingestFile } from './ingest.js';
import { agenciesFit, type ParallelOptions } from './parallel.js';
import { ROW_COLUMNS } from './rows.js';
import { AgencyLimit } from './validate.js';

const cat = loadCatalogue(TEST_CATALOGUE);
const dir = mkdtempSync(join(tmpdir(), 'mosaic-parallel-'));
const COLS = ROW_COLUMNS;
// Corrections and withdrawals of earlier records included: shuffled, a target may land after its correction, on
// the other side of the cut, or be left out (a dangling correction, reported after every row's issues).
const pool = syntheticRecords(cat, { records: 80, subjects: 9, seed: 7 });

type Line = { t: 'valid' | 'quoted' | 'badKind' | 'badDate' | 'short' | 'blank'; i: number; eol: string };

function cells(r: CreditRecord): string[] {
  return COLS.map((c) => (r[c] === undefined ? '' : String(r[c])));
}

function text(lines: readonly Line[], bom: boolean, openQuote = false): string {
  let s = (bom ? '\uFEFF' : '') + formatCsvRow([...COLS]) + '\n';
  for (const l of lines) {
    const r = pool[l.i % pool.length]!;
    const c = cells(r);
    if (l.t === 'quoted') c[COLS.indexOf('basis')] = `${r.basis}, "quoted"\nacross a line end`;
    if (l.t === 'badKind') c[COLS.indexOf('kind')] = 'no_such_kind';
    if (l.t === 'badDate') c[COLS.indexOf('occurredAt')] = '2020-13-45';
    if (l.t === 'short') c.length = 3;
    s += (l.t === 'blank' ? '' : formatCsvRow(c)) + l.eol;
  }
  // A quoted field that never closes: its message names the line it opened on.
  return openQuote ? s + `${COLS.map(() => 'x').join(',')}\n"never closed,\n` : s;
}

interface Outcome {
  summary: unknown;
  batches: { lines: number[]; records: string[] }[];
  count: number;
  used?: string;
}

async function ingestWith(
  file: string,
  parallel: ParallelOptions,
  batchSize: number,
  maxIssues: number,
  bufferRecords?: number,
): Promise<Outcome> {
  const ledger = new MemoryLedger(cat);
  const batches: Outcome['batches'] = [];
  const bulk = ledger.appendEncoded.bind(ledger);
  ledger.appendEncoded = (b: EncodedBatch) => {
    batches.push({
      lines: [...b.line.subarray(0, b.length)],
      records: Array.from({ length: b.length }, (_, i) => JSON.stringify(b.record(i, cat))),
    });
    return bulk(b);
  };
  const out: Outcome = { summary: undefined, batches, count: 0 };
  try {
    out.summary = await ingestFile(ledger, file, {
      batchSize,
      maxIssues,
      bufferRecords,
      parallel: { ...parallel, onOutcome: (o) => (out.used = o) },
    });
  } catch (err) {
    out.summary = err instanceof MosaicError ? { thrown: err.issues } : { thrown: String(err) };
  }
  out.count = await ledger.count();
  return out;
}

const line = fc.record({
  t: fc.constantFrom<Line['t']>(
    ...([
      'valid',
      'valid',
      'valid',
      'valid',
      'valid',
      'quoted',
      'badKind',
      'badDate',
      'short',
      'blank',
    ] as const),
  ),
  i: fc.nat(pool.length - 1),
  eol: fc.constantFrom('\n', '\n', '\r\n', '\r\n', '\r'),
});

describe('parallel validation', () => {
  it('stores the same records in the same batches and reports the same issues as one thread', async () => {
    let file = 0;
    const used = { 'two-threads': 0, 'one-thread': 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 60 }),
        fc.boolean(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 12 }),
        fc.boolean(),
        async (lines, bom, where, batchSize, maxIssues, openQuote) => {
          const body = text(lines, bom, openQuote);
          const path = join(dir, `f${file++}.csv`);
          writeFileSync(path, body);
          const at = Math.floor(Buffer.byteLength(body) * where);
          const one = await ingestWith(path, { mode: 'off' }, batchSize, maxIssues);
          const two = await ingestWith(path, { mode: 'inline', at, minBytes: 0 }, batchSize, maxIssues);
          if (two.used) used[two.used as keyof typeof used]++;
          expect(two.summary).toEqual(one.summary);
          expect(two.batches).toEqual(one.batches);
          expect(two.count).toBe(one.count);
          // Every batch but the last holds batchSize records: the units a stopped ingest acknowledged.
          for (const b of two.batches.slice(0, -1)) expect(b.lines.length).toBe(batchSize);
        },
      ),
      { numRuns: 300, seed: 176 },
    );
    // Most cuts are taken; some fall inside a quoted field and go back to one thread.
    expect(used['two-threads']).toBeGreaterThan(100);
    expect(used['one-thread']).toBeGreaterThan(0);
  }, 120_000);

  const rows = (n: number, from = 0) =>
    Array.from({ length: n }, (_, k): Line => ({ t: 'valid', i: from + k, eol: '\n' }));

  it('falls back to one thread when the cut falls inside a quoted field', async () => {
    const body = text([...rows(10), { t: 'quoted', i: 11, eol: '\n' }, ...rows(10, 12)], false);
    const path = join(dir, 'quoted.csv');
    writeFileSync(path, body);
    // The cut's line end is the one inside the quoted basis.
    const at = Buffer.byteLength(body.slice(0, body.indexOf('across a line end'))) - 5;
    const one = await ingestWith(path, { mode: 'off' }, 4, 50);
    const two = await ingestWith(path, { mode: 'inline', at, minBytes: 0 }, 4, 50);
    expect(two.used).toBe('one-thread');
    expect(two.summary).toEqual(one.summary);
    expect(two.batches).toEqual(one.batches);
  });

  it('cuts after quotes and lone CRs when its line end ends a record, with lines counted as one thread counts them', async () => {
    const body = text(
      [
        ...rows(5),
        { t: 'quoted', i: 6, eol: '\r' },
        { t: 'badDate', i: 7, eol: '\r\n' },
        ...rows(5, 8),
        { t: 'short', i: 20, eol: '\n' },
      ],
      true,
    );
    const path = join(dir, 'cr.csv');
    writeFileSync(path, body);
    const at = Buffer.byteLength(body.slice(0, body.lastIndexOf('\n', body.length - 2))) - 3;
    const one = await ingestWith(path, { mode: 'off' }, 3, 50);
    const two = await ingestWith(path, { mode: 'inline', at, minBytes: 0 }, 3, 50);
    expect(two.used).toBe('two-threads');
    expect(two.summary).toEqual(one.summary);
    expect(two.batches).toEqual(one.batches);
    expect((one.summary as { issues: unknown[] }).issues.length).toBeGreaterThan(1);
  });

  it('falls back to one thread when the two parts together hold more records than the buffer keeps', async () => {
    const body = text(rows(40), false);
    const path = join(dir, 'buffer.csv');
    writeFileSync(path, body);
    const at = Math.floor(body.length / 2);
    const one = await ingestWith(path, { mode: 'off' }, 4, 50, 30);
    const two = await ingestWith(path, { mode: 'inline', at, minBytes: 0 }, 4, 50, 30);
    expect(two.used).toBe('one-thread');
    expect(two.summary).toEqual(one.summary);
    expect(two.count).toBe(40);
  });

  it('reports an encoding error after the cut as one thread does', async () => {
    const body = Buffer.concat([Buffer.from(text(rows(20), false)), Buffer.from([0xff, 0x0a])]);
    const path = join(dir, 'bad-utf8.csv');
    writeFileSync(path, body);
    const one = await ingestWith(path, { mode: 'off' }, 4, 50);
    const two = await ingestWith(path, { mode: 'inline', at: 200, minBytes: 0 }, 4, 50);
    expect(one.summary).toMatchObject({ thrown: [{ code: 'io.bad_encoding' }] });
    expect(two.summary).toEqual(one.summary);
  });

  it('reads a range in blocks cut as a whole-file read is (several MiB, a line too long after the cut)', async () => {
    const lines = Array.from({ length: 24_000 }, (_, k): Line => ({
      t: k % 4999 === 3 ? 'badKind' : 'valid',
      i: k,
      eol: k % 2 ? '\n' : '\r\n',
    }));
    const body = text(lines, false);
    const path = join(dir, 'blocks.csv');
    writeFileSync(path, body);
    const at = 1_234_567;
    const one = await ingestWith(path, { mode: 'off' }, 1000, 100);
    const two = await ingestWith(path, { mode: 'inline', at, minBytes: 0 }, 1000, 100);
    expect(two.used).toBe('two-threads');
    expect(two.summary).toEqual(one.summary);
    expect(two.batches).toEqual(one.batches);
    // A line longer than any record may be, after the cut: the same error at the same line.
    const long =
      body + `${'x,'.repeat(COLS.length - 1)}${'y'.repeat(1_100_000)}\n` + body.slice(body.indexOf('\n') + 1);
    writeFileSync(path, long);
    const oneLong = await ingestWith(path, { mode: 'off' }, 1000, 100);
    const twoLong = await ingestWith(
      path,
      { mode: 'inline', at: body.length - 1000, minBytes: 0 },
      1000,
      100,
    );
    expect(oneLong.summary).toMatchObject({ thrown: [{ code: 'ingest.line_too_long' }] });
    expect(twoLong.summary).toEqual(oneLong.summary);
  }, 60_000);

  it('counts agencies of both parts against the ledger limit', () => {
    const limit = new AgencyLimit(['a']);
    limit.admit('b');
    expect(agenciesFit(limit, ['a', 'b', 'c'])).toBe(true);
    const full = new AgencyLimit(Array.from({ length: 65_536 }, (_, i) => `x${i}`));
    expect(agenciesFit(full, ['x1'])).toBe(true);
    expect(agenciesFit(full, ['new'])).toBe(false);
  });

  // The worker itself runs compiled JavaScript (npm test builds first; vitest runs sources).
  it.runIf(existsSync(shipped('dist', 'src', 'ingest', 'validate-worker.js')))(
    'on a worker thread, gives what one thread gives',
    async () => {
      const lines = Array.from({ length: 3000 }, (_, k): Line => ({
        t: k % 97 === 5 ? 'badDate' : k % 131 === 7 ? 'quoted' : 'valid',
        i: k,
        eol: k % 3 ? '\n' : '\r\n',
      }));
      const path = join(dir, 'worker.csv');
      writeFileSync(path, text(lines, false));
      const one = await ingestWith(path, { mode: 'off' }, 500, 1000);
      const two = await ingestWith(path, { mode: 'worker', minBytes: 0 }, 500, 1000);
      expect(two.used).toBe('two-threads');
      expect(two.summary).toEqual(one.summary);
      expect(two.batches).toEqual(one.batches);
    },
  );
});
