// Server state in the PostgreSQL ledger's schema, through a small pool (reads run concurrently, writes in transactions).
import pg from 'pg';
import { MosaicError } from '../../core/errors.js';
import { expand, normalizeRow, type Column, type Row, type StateDb, type StateQuery } from './state-db.js';

const INT8 = 20;
/** BIGINT as a number: the server's sequence numbers stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export class PgState implements StateDb {
  readonly dialect = 'postgres';
  private readonly prefix: string;

  private constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.prefix = `"${schema.replaceAll('"', '""')}".`;
  }

  static async open(url: string, schema: string): Promise<PgState> {
    const pool = new pg.Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 5000, types });
    pool.on('error', () => undefined); // a dropped idle client surfaces on the next query instead
    try {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replaceAll('"', '""')}"`);
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new MosaicError({
        code: 'server.state_open_failed',
        message: `cannot open server state in PostgreSQL: ${(err as Error).message}`,
      });
    }
    return new PgState(pool, schema);
  }

  /** Statement names by table and column list, for `insertRows`. */
  private readonly inserts = new Map<string, string>();

  /**
   * The rows as one array per column, bound to a named `INSERT … SELECT * FROM unnest(…)`: one statement text for
   * any number of rows, so each pooled connection parses and plans it once, where a multi-row INSERT's text (and
   * plan) changed with the group's size. Values reach PostgreSQL as the same text parameters, inside array literals
   * (pg quotes and escapes each element); null stays NULL. One statement: all rows are stored or none.
   */
  readonly insertRows = async (
    table: string,
    columns: readonly Column[],
    rows: readonly Row[],
  ): Promise<void> => {
    if (!rows.length) return;
    const key = `${table}(${columns.map(([n, t]) => `${n} ${t}`).join(',')})`;
    let name = this.inserts.get(key);
    if (!name) this.inserts.set(key, (name = `mosaic_state_insert_${this.inserts.size}`));
    const arrays = columns.map(([, t], c) => `$${c + 1}::${t}[]`).join(', ');
    await this.pool.query({
      name,
      text: `INSERT INTO ${this.prefix}${table} (${columns.map(([n]) => `"${n}"`).join(', ')})
             SELECT * FROM unnest(${arrays})`,
      values: columns.map(([n]) => rows.map((r) => r[n] ?? null)),
    });
  };

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const res = await this.pool.query(expand(sql, this.prefix), params as unknown[]);
    return res.rows.map((r: Row) => normalizeRow(r) as T);
  }

  async tx<T>(fn: (q: StateQuery) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn({
        query: async <R extends Row>(sql: string, params: readonly unknown[] = []) =>
          (await client.query(expand(sql, this.prefix), params as unknown[])).rows.map(
            (r: Row) => normalizeRow(r) as R,
          ),
      });
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
