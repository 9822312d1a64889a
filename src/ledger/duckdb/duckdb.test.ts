// Runs the ledger contract against the DuckDB adapter, one database file per test, and the adapter's own bulk-path cases.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../core/catalogue.js';
import { MosaicError } from '../../core/errors.js';
import { makeRecord } from '../../core/types.js';
import { encodeRecords } from '../encoded.js';
import { ledgerContract, TEST_CATALOGUE } from '../ledger.contract.js';
import { MAX_AGENCIES, type Ledger } from '../ledger.js';
import { residentIdAt } from '../synthetic.js';
import { DuckDBLedger } from './duckdb-ledger.js';

ledgerContract('duckdb', async (catalogue) => {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-duckdb-'));
  const file = join(dir, 'ledger.duckdb');
  let ledger: Ledger = await DuckDBLedger.open(file, catalogue);
  return {
    ledger,
    reopen: async () => {
      await ledger.close();
      ledger = await DuckDBLedger.open(file, catalogue);
      return ledger;
    },
    dispose: async () => {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('duckdb bulk path (appendEncoded)', () => {
  it('refuses a batch past the agency limit whole, taking out exactly the ids it added (0183)', async () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-duckdb-'));
    const ledger = await DuckDBLedger.open(join(dir, 'ledger.duckdb'), cat);
    try {
      const rec = (i: number, agency: string) =>
        makeRecord({
          subject: residentIdAt(i % 3_000),
          kind: 'court.defaulter',
          occurredAt: '2024-01-01',
          reportedAt: '2024-01-02',
          agency,
          basis: `依据 ${i}`,
        });
      // The ledger's agency dictionary filled to its last free entry.
      const fill = Array.from({ length: MAX_AGENCIES - 1 }, (_, i) => rec(i, `机构 ${i}`));
      expect(await ledger.appendEncoded(encodeRecords(cat, fill, fill.length).batches[0]!)).toEqual({
        inserted: fill.length,
        duplicates: 0,
      });
      const a = rec(100_000, '机构 0');
      const b = rec(100_001, '新机构 1');
      const c = rec(100_002, '新机构 2');
      // A stored id, a new one, the same new one again, the last free agency, then one past the limit.
      const batch = [fill[5]!, a, a, b, c, rec(100_003, '机构 1')];
      const err = await rejection(ledger.appendEncoded(encodeRecords(cat, batch, batch.length).batches[0]!));
      expect(err).toBeInstanceOf(MosaicError);
      expect((err as MosaicError).issues).toEqual([
        expect.objectContaining({
          code: 'ledger.dictionary_full',
          location: { path: ['records', 4, 'agency'] },
        }),
      ]);
      expect(await ledger.count()).toBe(fill.length);
      // Nothing of the refused batch is left in the id set: without its last-but-one row, every new row goes in, and
      // the stored one and the repeat stay duplicates.
      const retry = [fill[5]!, a, a, b, rec(100_003, '机构 1')];
      expect(await ledger.appendEncoded(encodeRecords(cat, retry, retry.length).batches[0]!)).toEqual({
        inserted: 3,
        duplicates: 2,
      });
      expect(await ledger.count()).toBe(fill.length + 3);
      expect((await ledger.agencies()).length).toBe(MAX_AGENCIES);
    } finally {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('duckdb bulk path: the next batch prepared while the last commits (0183)', () => {
  it('a failed COMMIT refuses the batch handed over after it and leaves the ledger as before both', async () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-duckdb-'));
    let ledger = await DuckDBLedger.open(join(dir, 'ledger.duckdb'), cat);
    try {
      const rec = (i: number, agency: string, drunk = false) =>
        makeRecord({
          subject: residentIdAt(i),
          kind: drunk ? 'traffic.drunk_driving' : 'court.defaulter',
          occurredAt: '2024-01-01',
          reportedAt: '2024-01-02',
          agency,
          basis: `依据 ${i}`,
          ...(drunk ? { severity: 'detention' } : {}),
        });
      const first = [rec(0, '甲'), rec(1, '甲'), rec(2, '乙')];
      expect(await ledger.appendEncoded(encodeRecords(cat, first, 3).batches[0]!)).toEqual({
        inserted: 3,
        duplicates: 0,
      });
      // Two batches of one file (one string table): new subjects, agencies, a kind and a severity the ledger has not
      // seen, a stored record, a repeat across them.
      const file = [
        rec(10, '丙'),
        first[1]!,
        rec(11, '丁', true),
        rec(12, '丙'),
        rec(10, '丙'),
        rec(13, '戊', true),
      ];
      const enc = encodeRecords(cat, file, 3);
      const con = (
        ledger as unknown as { con: { run: (sql: string, ...rest: unknown[]) => Promise<unknown> } }
      ).con;
      const real = con.run.bind(con);
      let fail = 1;
      con.run = (sql: string, ...rest: unknown[]) =>
        sql === 'COMMIT' && fail-- > 0 ? Promise.reject(new Error('disk full')) : real(sql, ...rest);
      // Handed over together, as ingest does: the second is prepared while the first commits.
      const a = rejection(ledger.appendEncoded(enc.batches[0]!));
      const b = rejection(ledger.appendEncoded(enc.batches[1]!));
      for (const err of [await a, await b]) {
        expect(err).toBeInstanceOf(MosaicError);
        expect((err as MosaicError).issues[0]!.code).toBe('ledger.write_failed');
      }
      expect(await ledger.count()).toBe(3);
      expect(await ledger.agencies()).toEqual(['甲', '乙']);
      expect((await ledger.scan()).subjects).toEqual(first.map((r) => r.subject));
      // Nothing of either is left in the id set or the dictionaries: the same batches go in whole, in either order.
      expect(await ledger.appendEncoded(enc.batches[1]!)).toEqual({ inserted: 3, duplicates: 0 });
      // rec(10) went in with the second batch; the first's stored record stays a duplicate.
      expect(await ledger.appendEncoded(enc.batches[0]!)).toEqual({ inserted: 1, duplicates: 2 });
      ledger = await reopen(ledger, join(dir, 'ledger.duckdb'), cat);
      expect(await ledger.count()).toBe(7);
      const want = [...first, ...file.filter((r, i) => i !== 1 && i !== 4)];
      for (const r of want) expect(await ledger.readSubject(r.subject)).toEqual([r]);
      expect((await ledger.agencies()).sort()).toEqual(['丁', '丙', '乙', '戊', '甲']);
    } finally {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("duckdb: corrections' targets looked up where they may be (0190)", () => {
  it("asks DuckDB for corrections' targets only where the ledger may hold them", async () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-duckdb-'));
    const ledger = await DuckDBLedger.open(join(dir, 'ledger.duckdb'), cat);
    try {
      const rec = (i: number) =>
        makeRecord({
          subject: residentIdAt(i),
          kind: 'court.defaulter',
          occurredAt: '2024-01-01',
          reportedAt: '2024-01-02',
          agency: '甲',
          basis: `依据 ${i}`,
        });
      const con = (
        ledger as unknown as { con: { runAndReadAll: (sql: string, ...rest: unknown[]) => Promise<unknown> } }
      ).con;
      const real = con.runAndReadAll.bind(con);
      const lookups: string[] = [];
      con.runAndReadAll = (sql: string, ...rest: unknown[]) => {
        if (sql.includes('VALUES')) lookups.push(sql);
        return real(sql, ...rest);
      };
      const [a, b, c] = [rec(1), rec(2), rec(3)];
      // Empty: nothing can be stored, so nothing is asked.
      expect(await ledger.subjectsOf([a.id, b.id])).toEqual(new Map());
      expect(lookups).toEqual([]);
      await ledger.appendEncoded(encodeRecords(cat, [a, b], 2).batches[0]!);
      // Only the ids the in-process set holds are looked up; the answer is as before.
      expect(await ledger.subjectsOf([a.id, c.id, 'nope', b.id])).toEqual(
        new Map([
          [a.id, a.subject],
          [b.id, b.subject],
        ]),
      );
      expect(lookups).toHaveLength(1);
      expect(lookups[0]!.match(/UINTEGER,/g)).toHaveLength(2);
      expect(await ledger.subjectsOf([c.id])).toEqual(new Map());
      expect(lookups).toHaveLength(1);
    } finally {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function reopen(l: DuckDBLedger, file: string, cat: ReturnType<typeof loadCatalogue>) {
  await l.close();
  return DuckDBLedger.open(file, cat);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
