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
        expect.objectContaining({ code: 'ledger.dictionary_full', location: { path: ['records', 4, 'agency'] } }),
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

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
