// Migration 1012 (decision 0178): record origins stored by the old text-keyed table come back, record for record,
// from the id-halves table and its batch rows, on DuckDB and on PostgreSQL.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import type { DuckDBLedger } from '../../ledger/duckdb/duckdb-ledger.js';
import { openLedger } from '../../ledger/open.js';
import { onPostgres } from '../../ledger/postgres/postgres.testkit.js';
import { formatRecordId } from '../../ledger/record-id.js';
import { idHalf } from '../submit.js';
import { DuckDBState } from './duckdb-state.js';
import { migrate, MIGRATIONS } from './migrations.js';
import { PgState } from './pg-state.js';
import type { StateDb } from './state-db.js';

interface Origin {
  record: string;
  batch: string;
  account: string;
  agency: string;
  jurisdiction: string;
}

/** Ids at the halves' edges (sign bit set or clear, zero, all ones) and random ones, in three batches. */
function oldOrigins(): Origin[] {
  const rng = new Rng(1012);
  const hex = () => (rng.next() * 2 ** 32) >>> 0;
  const halves: [number, number][] = [
    [0, 0],
    [0x80000000, 0xffffffff],
    [0x7fffffff, 0x80000000],
    [0xffffffff, 0],
    [1, 0x7fffffff],
  ];
  for (let i = 0; i < 300; i++) halves.push([hex(), hex()]);
  const batches = [
    ['acc_a:k1', 'acc_a', 'agency_a', '371082'],
    ['acc_a:k2', 'acc_a', 'agency_a', '371082'],
    ['acc_b:h', 'acc_b', 'agency_b', '371000'],
  ] as const;
  const seen = new Set<string>();
  const out: Origin[] = [];
  halves.forEach(([hi, lo], i) => {
    const record = formatRecordId(hi | 0, lo | 0);
    if (seen.has(record)) return;
    seen.add(record);
    const [batch, account, agency, jurisdiction] = batches[i % 3]!;
    out.push({ record, batch, account, agency, jurisdiction });
  });
  return out;
}

async function convertsOrigins(db: StateDb): Promise<void> {
  await migrate(
    db,
    MIGRATIONS.filter((m) => m.version !== 1012),
  );
  const before = oldOrigins();
  for (let i = 0; i < before.length; i += 100) {
    const part = before.slice(i, i + 100);
    await db.query(
      `INSERT INTO {t}server_record_origin VALUES ${part.map((_, j) => `($${5 * j + 1}, $${5 * j + 2}, $${5 * j + 3}, $${5 * j + 4}, $${5 * j + 5})`).join(', ')}`,
      part.flatMap((o) => [o.record, o.batch, o.account, o.agency, o.jurisdiction]),
    );
  }
  expect(await migrate(db)).toEqual([1012]);
  const rows = await db.query<{
    record_hi: number;
    record_lo: number;
    batch: string;
    account: string;
    agency: string;
    jurisdiction: string;
  }>(
    `SELECT o.record_hi, o.record_lo, b.batch, b.account, b.agency, b.jurisdiction
     FROM {t}server_origins o JOIN {t}server_batch_origin b ON b.no = o.batch_no`,
  );
  const after = rows
    .map((r) => ({
      record: formatRecordId(Number(r.record_hi), Number(r.record_lo)),
      batch: r.batch,
      account: r.account,
      agency: r.agency,
      jurisdiction: r.jurisdiction,
    }))
    .sort((a, b) => a.record.localeCompare(b.record));
  expect(after).toEqual([...before].sort((a, b) => a.record.localeCompare(b.record)));
  // The halves the server computes are the ones the migration stored.
  for (const r of rows.slice(0, 50)) {
    const id = formatRecordId(Number(r.record_hi), Number(r.record_lo));
    expect([idHalf(id, 0), idHalf(id, 1)]).toEqual([Number(r.record_hi), Number(r.record_lo)]);
  }
  expect(
    Number((await db.query<{ n: number }>(`SELECT count(*) AS n FROM {t}server_batch_origin`))[0]!.n),
  ).toBe(3);
  await expect(db.query(`SELECT count(*) FROM {t}server_record_origin`)).rejects.toThrow();
}

describe('migration 1012: record origins as id halves and batch numbers', () => {
  it('converts every stored origin on DuckDB', async () => {
    const ledger = (await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 })) as DuckDBLedger;
    const db = new DuckDBState(await ledger.connect());
    try {
      await convertsOrigins(db);
    } finally {
      await db.close();
      await ledger.close();
    }
  });
});

await onPostgres('migration 1012 (postgres)', (url) =>
  describe('migration 1012 on PostgreSQL', () => {
    it('converts every stored origin', async () => {
      const schema = `mosaic_origins_mig_${process.pid}_${Date.now().toString(36)}`;
      const db = await PgState.open(url, schema);
      try {
        await convertsOrigins(db);
      } finally {
        await db.query(`DROP SCHEMA "${schema}" CASCADE`);
        await db.close();
      }
    });
  }),
);
