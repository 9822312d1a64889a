// DuckDB state: parameters written as literals, and row groups inserted as one JSON value, come back exactly.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBLedger } from '../../ledger/duckdb/duckdb-ledger.js';
import { openLedger } from '../../ledger/open.js';
import { DuckDBState, inlineParams } from './duckdb-state.js';

describe('inlineParams', () => {
  it('quotes strings, writes numbers and NULL, and never re-reads a value as a placeholder', () => {
    expect(inlineParams('SELECT $1, $2, $3, $10', [`it's $2`, 7, null, 1, 2, 3, 4, 5, 6, true])).toBe(
      `SELECT 'it''s $2', 7, NULL, TRUE`,
    );
    expect(inlineParams('SELECT $1', [0.5])).toBe("SELECT '0.5'::DOUBLE");
  });
  it('leaves values it cannot write to binding', () => {
    expect(inlineParams('SELECT $1', ['x'.repeat(70_000)])).toBeUndefined();
    expect(inlineParams('SELECT $1', [Number.NaN])).toBeUndefined();
    expect(inlineParams('SELECT $1', [{ a: 1 }])).toBeUndefined();
    expect(inlineParams('SELECT $1', ['a\0b'])).toBeUndefined();
  });
});

describe('DuckDBState literals round-trip', () => {
  let ledger: DuckDBLedger;
  let db: DuckDBState;
  beforeAll(async () => {
    ledger = (await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 })) as DuckDBLedger;
    db = new DuckDBState(await ledger.connect());
    await db.query('CREATE TABLE rt (i BIGINT, s TEXT, d DOUBLE)');
  });
  afterAll(async () => {
    await db.close();
    await ledger.close();
  });
  it('stores and reads back arbitrary strings and numbers', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 40, unit: 'binary' }).filter((s) => !s.includes('\0')),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        async (s, i, d) => {
          n++;
          await db.query('INSERT INTO rt VALUES ($1, $2, $3)', [n, s, d]);
          const [r] = await db.query<{ i: number; s: string; d: number }>('SELECT * FROM rt WHERE i = $1', [
            n,
          ]);
          expect(r!.s).toBe(s);
          expect(r!.d).toBe(d === 0 ? 0 : d); // -0 and 0 compare equal in SQL
          const [q] = await db.query<{ v: number }>('SELECT $1 AS v', [i]);
          expect(Number(q!.v)).toBe(i);
        },
      ),
      { numRuns: 300, seed: 12 },
    );
  });
});

describe('DuckDBState.insertRows', () => {
  let ledger: DuckDBLedger;
  let db: DuckDBState;
  const cols = [
    ['k', 'BIGINT'],
    ['s', 'VARCHAR'],
    ['n', 'INTEGER'],
  ] as const;
  beforeAll(async () => {
    ledger = (await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 })) as DuckDBLedger;
    db = new DuckDBState(await ledger.connect());
    await db.query('CREATE TABLE ir (k BIGINT PRIMARY KEY, s TEXT, n INTEGER NOT NULL)');
  });
  afterAll(async () => {
    await db.close();
    await ledger.close();
  });
  it('stores every string (NUL included), number and NULL exactly, by column name', async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ s: fc.option(fc.string({ maxLength: 30, unit: 'binary' })), n: fc.integer() }), {
          minLength: 1,
          maxLength: 20,
        }),
        async (rs) => {
          // Keys in another order than the columns, and one the table does not have: both are ignored.
          const rows = rs.map((r) => ({ extra: 'x', n: r.n, s: r.s, k: ++k }));
          await db.insertRows('ir', cols, rows);
          const back = await db.query<{ k: number; s: string | null; n: number }>(
            'SELECT k, s, n FROM ir WHERE k > $1 ORDER BY k',
            [k - rows.length],
          );
          expect(back).toEqual(rows.map(({ k, s, n }) => ({ k, s, n })));
        },
      ),
      { numRuns: 100, seed: 12 },
    );
  });
  it('stores all rows of a call or none', async () => {
    const [{ c: before }] = (await db.query<{ c: number }>('SELECT count(*) AS c FROM ir')) as [
      { c: number },
    ];
    await db.insertRows('ir', cols, [{ k: 1_000_000, s: 'a', n: 1 }]);
    // The second row repeats the first's key: the statement fails, and the third row is not stored either.
    await expect(
      db.insertRows('ir', cols, [
        { k: 1_000_001, s: 'b', n: 1 },
        { k: 1_000_000, s: 'c', n: 1 },
        { k: 1_000_002, s: 'd', n: 1 },
      ]),
    ).rejects.toThrow();
    const [{ c: after }] = (await db.query<{ c: number }>('SELECT count(*) AS c FROM ir')) as [{ c: number }];
    expect(after).toBe(before + 1);
  });
});
