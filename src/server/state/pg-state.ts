// Server state in the PostgreSQL ledger's schema, through a small pool (reads run concurrently, writes in transactions).
import pg from 'pg';
import { MosaicError } from '../../core/errors.js';
import { expand, normalizeRow, type Row, type StateDb, type StateQuery } from './state-db.js';

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
