// A DuckDB ledger held by another process: opening it says who holds it and until when (issue 18), and an ingest
// keeps that note up to date.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../core/catalogue.js';
import { MosaicError } from '../../core/errors.js';
import { ingestFile } from '../../ingest/ingest.js';
import { TEST_CATALOGUE } from '../ledger.contract.js';
import { syntheticRecords } from '../synthetic.js';
import { noteFile, readNote, WriterStatus, writeNote } from './busy.js';
import { DuckDBLedger } from './duckdb-ledger.js';

const cat = loadCatalogue(TEST_CATALOGUE);
const dir = mkdtempSync(join(tmpdir(), 'mosaic-18a-busy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function holdLock(file: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [new URL('../testdata/hold-lock.mjs', import.meta.url).pathname, file],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && resolve(child));
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
  });
}

describe('a DuckDB ledger another process is writing', () => {
  it('is refused with ledger.busy naming the writer, its progress and when it expects to finish', async () => {
    const file = join(dir, 'held.duckdb');
    const child = await holdLock(file);
    try {
      writeNote(file, {
        pid: child.pid!,
        command: 'mosaic ingest big.csv',
        since: '2026-12-04T18:00:00.000Z',
        activity: 'ingest big.csv',
        fraction: 0.4,
        until: '2026-12-04T18:05:00.000Z',
      });
      const err = await DuckDBLedger.open(file, cat).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(MosaicError);
      expect((err as MosaicError).code).toBe('ledger.busy');
      expect((err as MosaicError).message).toContain(`pid ${child.pid}: mosaic ingest big.csv`);
      expect((err as MosaicError).message).toContain(
        '40% done, expected to finish around 2026-12-04 18:05:00 UTC',
      );
      // A note left behind by some other (killed) process is not believed.
      writeNote(file, { pid: child.pid! + 1, command: 'stale', since: '2020-01-01T00:00:00.000Z' });
      const stale = await DuckDBLedger.open(file, cat).then(
        () => undefined,
        (e: unknown) => e as MosaicError,
      );
      expect(stale?.code).toBe('ledger.busy');
      expect(stale?.message).not.toContain('stale');
      expect(stale?.message).toContain(`(pid ${child.pid})`);
    } finally {
      child.stdin!.end();
      await new Promise((r) => child.on('exit', r));
    }
  });

  it('keeps the note current while it ingests, and removes it on close', async () => {
    const file = join(dir, 'ingest.duckdb');
    const csv = join(dir, 'records.csv');
    const recs = syntheticRecords(cat, { records: 2_000, subjects: 100, seed: 3 });
    const cols = [
      'subject',
      'kind',
      'occurredAt',
      'reportedAt',
      'agency',
      'basis',
      'amount',
      'severity',
      'level',
    ];
    writeFileSync(
      csv,
      [
        cols.join(','),
        ...recs
          .filter((r) => r.status === 'original')
          .map((r) =>
            cols
              .map((c) => JSON.stringify(String((r as unknown as Record<string, unknown>)[c] ?? '')))
              .join(','),
          ),
      ].join('\n') + '\n',
    );
    const ledger = await DuckDBLedger.open(file, cat);
    expect(readNote(file)).toMatchObject({ pid: process.pid });
    await ingestFile(ledger, csv);
    expect(readNote(file)).toMatchObject({ pid: process.pid, activity: `ingest ${csv}`, fraction: 1 });
    await ledger.close();
    expect(existsSync(noteFile(file))).toBe(false);
  });

  it('extrapolates the end of an activity from its progress', () => {
    let now = Date.parse('2026-12-04T18:00:00Z');
    const file = join(dir, 'clock.duckdb');
    const s = new WriterStatus(file, { pid: 1, command: 'x', since: 'y' }, () => now);
    s.progress('ingest a', 0, 100);
    now += 60_000;
    s.progress('ingest a', 25, 100);
    expect(readNote(file)).toMatchObject({ fraction: 0.25, until: '2026-12-04T18:04:00.000Z' });
  });
});
