// PgState.insertRows (decision 0173) against the unnamed multi-row INSERT it replaced for the access log: the same
// rows stored for any strings, numbers and NULLs (and refused when that refused them), all of a call or none.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from '../../ledger/postgres/postgres.testkit.js';
import { PgState } from './pg-state.js';

await onPostgres('server state insertRows (postgres)', (url) =>
  describe('PgState.insertRows', () => {
    const schema = `mosaic_pgstate_test_${process.pid}_${Date.now().toString(36)}`;
    let db: PgState;
    const cols = [
      ['k', 'BIGINT'],
      ['s', 'VARCHAR'],
      ['n', 'INTEGER'],
    ] as const;
    beforeAll(async () => {
      db = await PgState.open(url, schema);
      for (const t of ['ir', 'peer'])
        await db.query(`CREATE TABLE {t}${t} (k BIGINT PRIMARY KEY, s VARCHAR, n INTEGER NOT NULL)`);
    });
    afterAll(async () => {
      await db.query(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    });

    /** The previous path: one INSERT with a placeholder per column per row. */
    const multiRow = (rows: { k: number; s: string | null; n: number }[]) =>
      db.query(
        `INSERT INTO {t}peer VALUES ${rows.map((_, j) => `($${j * 3 + 1}, $${j * 3 + 2}, $${j * 3 + 3})`).join(', ')}`,
        rows.flatMap((r) => [r.k, r.s, r.n]),
      );
    const read = (t: string, after: number) =>
      db.query(`SELECT k, s, n FROM {t}${t} WHERE k > $1 ORDER BY k`, [after]);

    it('stores what the multi-row INSERT stores, by column name, for any strings', async () => {
      let k = 0;
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              s: fc.option(
                fc.oneof(
                  fc.string({ maxLength: 30, unit: 'binary' }),
                  fc.constantFrom(
                    '',
                    'a,b',
                    '"q"',
                    '\\',
                    '{x}',
                    'NULL',
                    'null',
                    ' sp ',
                    'é中\n\t',
                    'nul\u0000',
                  ),
                ),
              ),
              n: fc.integer(),
            }),
            { minLength: 1, maxLength: 40 }, // named (≤ 32 rows) and unnamed statements
          ),
          async (rs) => {
            const from = k;
            // Keys in another order than the columns, and one the table does not have: both are ignored.
            const rows = rs.map((r) => ({ extra: 'x', n: r.n, s: r.s, k: ++k }));
            const peer = await multiRow(rows).then(
              () => true,
              () => false,
            );
            const mine = await db.insertRows('ir', cols, rows).then(
              () => true,
              () => false,
            );
            expect(mine).toBe(peer);
            if (!peer) refused++;
            expect(await read('ir', from)).toEqual(await read('peer', from));
          },
        ),
        { numRuns: 150, seed: 12 },
      );
      // PostgreSQL text holds no NUL: such groups are refused by both paths (and store nothing).
      expect(refused).toBeGreaterThan(0);
    });

    it('stores all rows of a call or none', async () => {
      await db.insertRows('ir', cols, [{ k: 1_000_000, s: 'a', n: 1 }]);
      await expect(
        db.insertRows('ir', cols, [
          { k: 1_000_001, s: 'b', n: 1 },
          { k: 1_000_000, s: 'c', n: 1 },
          { k: 1_000_002, s: 'd', n: 1 },
        ]),
      ).rejects.toThrow();
      expect(await read('ir', 999_999)).toEqual([{ k: 1_000_000, s: 'a', n: 1 }]);
    });

    it('takes groups past the parameter limit in one transaction, all or nothing', async () => {
      // 30,000 rows × 3 columns is two statements (65,535 parameters at most each).
      const rows = Array.from({ length: 30_000 }, (_, i) => ({ k: 2_000_000 + i, s: `r${i}`, n: i }));
      await expect(
        db.insertRows('ir', cols, [...rows, { k: 2_000_000, s: 'again', n: 0 }]),
      ).rejects.toThrow();
      expect((await read('ir', 1_999_999)).length).toBe(0);
      await db.insertRows('ir', cols, rows);
      expect((await read('ir', 1_999_999)).length).toBe(30_000);
    });
  }),
);
