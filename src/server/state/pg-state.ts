// Server state in the PostgreSQL ledger's schema, through a small pool (reads run concurrently, writes in transactions).
import pg from 'pg';
import { MosaicError } from '../../core/errors.js';
import { expand, normalizeRow, type Column, type Row, type StateDb, type StateQuery } from './state-db.js';

const INT8 = 20;
/** Groups of up to this many rows get a named statement each (the access log's groups under load are small). */
const NAMED_ROWS = 32;
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

  /** Statement names by table, column list and row count, for `insertRows`. */
  private readonly inserts = new Map<string, string>();

  /**
   * The rows as one multi-row INSERT with a placeholder per column per row, as a named statement for groups of up to
   * NAMED_ROWS rows (one per size), so each pooled connection parses and plans each size once; larger groups go
   * unnamed, in statements of at most 65,535 parameters (one transaction). Values are bound as before.
   */
  readonly insertRows = async (
    table: string,
    columns: readonly Column[],
    rows: readonly Row[],
  ): Promise<void> => {
    if (!rows.length) return;
    const names = columns.map(([n]) => `"${n}"`).join(', ');
    const text = (n: number) =>
      `INSERT INTO ${this.prefix}${table} (${names}) VALUES ${Array.from(
        { length: n },
        (_, j) => `(${columns.map((_, c) => `$${j * columns.length + c + 1}`).join(', ')})`,
      ).join(', ')}`;
    const values = (part: readonly Row[]) => part.flatMap((r) => columns.map(([n]) => r[n] ?? null));
    if (rows.length <= NAMED_ROWS) {
      const key = `${table}(${columns.map(([n, t]) => `${n} ${t}`).join(',')})×${rows.length}`;
      let name = this.inserts.get(key);
      if (!name) this.inserts.set(key, (name = `mosaic_state_insert_${this.inserts.size}`));
      await this.pool.query({ name, text: text(rows.length), values: values(rows) });
      return;
    }
    const per = Math.floor(65_535 / columns.length);
    if (rows.length <= per) await this.pool.query(text(rows.length), values(rows));
    else
      await this.tx(async (q) => {
        for (let i = 0; i < rows.length; i += per) {
          const part = rows.slice(i, i + per);
          await q.query(text(part.length), values(part));
        }
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
