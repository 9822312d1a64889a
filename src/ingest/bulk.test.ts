// The bulk path of ingest (docs/decisions/0142): one parse, validated records kept encoded and stored through
// Ledger.appendEncoded; it must store what the two-pass path stores, lint alike, and fall back when the file is large.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../core/catalogue.js';
import { MosaicError } from '../core/errors.js';
import type { CreditRecord } from '../core/types.js';
import { DuckDBLedger } from '../ledger/duckdb/duckdb-ledger.js';
import type { EncodedBatch } from '../ledger/encoded.js';
import { TEST_CATALOGUE } from '../ledger/ledger.contract.js';
import type { Ledger } from '../ledger/ledger.js';
import { MemoryLedger } from '../ledger/memory/memory-ledger.js';
import { syntheticRecords } from '../ledger/synthetic.js';
import { formatCsvRow } from './csv.js';
import { ingestFile } from './ingest.js';
import { ROW_COLUMNS } from './rows.js';

const cat = loadCatalogue(TEST_CATALOGUE);
const dir = mkdtempSync(join(tmpdir(), 'mosaic-bulk-'));
const COLS = ROW_COLUMNS;

// Generated records include corrections and withdrawals of earlier ones, so supersession is resolved in the file.
const records = syntheticRecords(cat, { records: 3_000, subjects: 400, seed: 42 });
const file = join(dir, 'records.csv');
writeFileSync(
  file,
  [COLS, ...records.map((r) => COLS.map((c) => (r[c] === undefined ? '' : String(r[c]))))]
    .map((row) => formatCsvRow([...row]))
    .join('\n') + '\n',
);

/** Wrap a ledger to count which append path ingest takes (and optionally fail the k-th bulk append). */
function observe(ledger: Ledger, failAt = -1) {
  const calls = { append: 0, appendEncoded: 0 };
  // A failure made up here, outside the ledger, does not refuse the batch handed over after it: the wrapped ledger
  // no longer chains its bulk appends (Ledger.bulkAppendsChained), so ingest must await each before the next.
  if (failAt >= 0) (ledger as { bulkAppendsChained?: boolean }).bulkAppendsChained = false;
  const append = ledger.append.bind(ledger);
  ledger.append = (rs: readonly CreditRecord[]) => {
    calls.append++;
    return append(rs);
  };
  const bulk = ledger.appendEncoded!.bind(ledger);
  ledger.appendEncoded = (b: EncodedBatch) => {
    if (calls.appendEncoded++ === failAt)
      return Promise.reject(
        new MosaicError({ code: 'ledger.write_failed', message: 'no', location: { path: ['records', 1] } }),
      );
    return bulk(b);
  };
  return calls;
}

async function contents(ledger: Ledger): Promise<string[]> {
  const subjects = [...new Set(records.map((r) => r.subject))].sort();
  const out: string[] = [];
  for (const s of subjects) for (const r of await ledger.readSubject(s)) out.push(JSON.stringify(r));
  return out;
}

/** A memory ledger without its bulk path: ingest takes the two-pass path of 0022 (the reference). */
function twoPass(): MemoryLedger {
  const ref = new MemoryLedger(cat);
  (ref as { appendEncoded?: unknown }).appendEncoded = undefined;
  return ref;
}

describe('ingest bulk path', () => {
  it('memory ledger: the bulk path stores what the two-pass path stores, with the same summary and lint', async () => {
    const ref = twoPass();
    const refLint: string[] = [];
    const refSum = await ingestFile(ref, file, {
      batchSize: 700,
      lint: (r, line) => refLint.push(`${line} ${r.id} ${r.kind}`),
    });
    const ledger = new MemoryLedger(cat);
    const calls = observe(ledger);
    const lint: string[] = [];
    const sum = await ingestFile(ledger, file, {
      batchSize: 700,
      lint: (r, line) => lint.push(`${line} ${r.id} ${r.kind}`),
    });
    expect(calls).toEqual({ append: 0, appendEncoded: Math.ceil(records.length / 700) });
    expect(sum).toEqual(refSum);
    expect(await contents(ledger)).toEqual(await contents(ref));
    expect(lint).toEqual(refLint);
    const [a, b] = [await ledger.scan(), await ref.scan()];
    expect([...a.supersedeFrom, ...a.supersedeTo]).toEqual([...b.supersedeFrom, ...b.supersedeTo]);
    // Re-ingesting the same records (other bytes, so no receipt answers) stores nothing.
    const other = join(dir, 'again-memory.csv');
    writeFileSync(other, readFileSync(file, 'utf8') + '\n');
    expect(await ingestFile(ledger, other)).toMatchObject({ inserted: 0, duplicates: records.length });
    expect(await ledger.count()).toBe(records.length);
  });

  it('parses once and stores through appendEncoded exactly what the two-pass path stores, lint included', async () => {
    const ref = twoPass();
    const refLint: string[] = [];
    const refSum = await ingestFile(ref, file, {
      batchSize: 700,
      lint: (r, line) => refLint.push(`${line} ${r.id} ${r.kind}`),
    });
    const ledger = await DuckDBLedger.open(':memory:', cat);
    try {
      const calls = observe(ledger);
      const lint: string[] = [];
      const progress: number[] = [];
      const sum = await ingestFile(ledger, file, {
        batchSize: 700,
        lint: (r, line) => lint.push(`${line} ${r.id} ${r.kind}`),
        onProgress: (d, t) => progress.push(d / t),
      });
      expect(calls).toEqual({ append: 0, appendEncoded: Math.ceil(records.length / 700) });
      expect({ ...sum, file: '' }).toEqual({ ...refSum, file: '' });
      expect(sum).toMatchObject({ rows: records.length, inserted: records.length, stored: true });
      expect(records.some((r) => r.supersedes)).toBe(true);
      expect(await contents(ledger)).toEqual(await contents(ref));
      expect(lint).toEqual(refLint);
      expect(progress.at(-1)).toBe(1);
      // The same records in other bytes (a trailing blank line; no receipt answers): all found stored, none added.
      const other = join(dir, 'again.csv');
      writeFileSync(other, readFileSync(file, 'utf8') + '\n');
      const again = await ingestFile(ledger, other, { batchSize: 1_000 });
      expect(again).toMatchObject({ inserted: 0, duplicates: records.length, stored: true });
      expect(again.unchanged).toBeUndefined();
      expect(calls.appendEncoded).toBe(Math.ceil(records.length / 700) + 3);
      expect(await ledger.count()).toBe(records.length);
    } finally {
      await ledger.close();
    }
  });

  it('keeps JSONL rows (decided by the reference path) for the bulk path too', async () => {
    const jsonl = join(dir, 'records.jsonl');
    writeFileSync(jsonl, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const ledger = await DuckDBLedger.open(':memory:', cat);
    try {
      const calls = observe(ledger);
      const sum = await ingestFile(ledger, jsonl, { batchSize: 1_000 });
      expect(calls).toEqual({ append: 0, appendEncoded: 3 });
      expect(sum).toMatchObject({ rows: records.length, inserted: records.length, stored: true });
      const ref = new MemoryLedger(cat);
      await ref.append(records);
      expect(await contents(ledger)).toEqual(await contents(ref));
    } finally {
      await ledger.close();
    }
  });

  it('ends its progress at the total for a file with nothing to store (a header only)', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, formatCsvRow([...COLS]) + '\n');
    const ledger = await DuckDBLedger.open(':memory:', cat);
    try {
      const progress: number[] = [];
      const sum = await ingestFile(ledger, empty, { onProgress: (d, t) => progress.push(d / t) });
      expect(sum).toMatchObject({ rows: 0, inserted: 0, stored: true });
      expect(progress.at(-1)).toBe(1);
    } finally {
      await ledger.close();
    }
  });

  it('reads a file larger than the buffer again to store it, with the same result', async () => {
    const ledger = await DuckDBLedger.open(':memory:', cat);
    try {
      const calls = observe(ledger);
      const sum = await ingestFile(ledger, file, { batchSize: 500, bufferRecords: 1_000 });
      expect(calls).toEqual({ append: Math.ceil(records.length / 500), appendEncoded: 0 });
      expect(sum).toMatchObject({ rows: records.length, inserted: records.length, stored: true });
      const ref = new MemoryLedger(cat);
      await ingestFile(ref, file);
      expect(await contents(ledger)).toEqual(await contents(ref));
    } finally {
      await ledger.close();
    }
  });

  it('stores nothing after a batch DuckDB refuses at its COMMIT, with the next batch already handed over (0183)', async () => {
    const ledger = await DuckDBLedger.open(':memory:', cat);
    try {
      const calls = observe(ledger);
      // The second COMMIT of a bulk batch fails inside the ledger, while the third batch is being prepared.
      const con = (
        ledger as unknown as { con: { run: (sql: string, ...rest: unknown[]) => Promise<unknown> } }
      ).con;
      const real = con.run.bind(con);
      let commits = 0;
      con.run = (sql: string, ...rest: unknown[]) =>
        sql === 'COMMIT' && ++commits === 2 ? Promise.reject(new Error('disk full')) : real(sql, ...rest);
      const err = await ingestFile(ledger, file, { batchSize: 1_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MosaicError);
      expect((err as MosaicError).issues[0]!.code).toBe('ledger.write_failed');
      // The third batch was handed over before the second answered (the overlap), and refused.
      expect(calls.appendEncoded).toBe(3);
      expect(await ledger.count()).toBe(1_000);
      // A re-run finishes the file, as after a kill.
      const again = await ingestFile(ledger, file, { batchSize: 1_000 });
      expect(again).toMatchObject({ inserted: records.length - 1_000, duplicates: 1_000, stored: true });
      const ref = new MemoryLedger(cat);
      await ingestFile(ref, file);
      expect(await contents(ledger)).toEqual(await contents(ref));
    } finally {
      await ledger.close();
    }
  });

  it('reports a refused bulk batch at the file line of its record and stores nothing after it', async () => {
    const ledger = await DuckDBLedger.open(':memory:', cat);
    try {
      observe(ledger, 1);
      const err = await ingestFile(ledger, file, { batchSize: 1_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MosaicError);
      // Batch 1 holds data rows 1,001..2,000 (file lines 1,002..2,001); its record 1 is on line 1,003.
      expect((err as MosaicError).issues[0]!.location).toEqual({ file, line: 1_003 });
      expect(await ledger.count()).toBe(1_000);
    } finally {
      await ledger.close();
    }
  });
});
