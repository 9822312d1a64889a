// Server state in the DuckDB ledger's own file, on a connection of its own, one operation at a time.
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { Serial } from '../../ledger/serial.js';
import { expand, normalizeRow, type Row, type StateDb, type StateQuery } from './state-db.js';

export class DuckDBState implements StateDb {
  readonly dialect = 'duckdb';
  private readonly serial = new Serial();
  private closed = false;

  constructor(private readonly con: DuckDBConnection) {}

  private async run<T extends Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const res = await this.con.runAndReadAll(expand(sql, ''), params as DuckDBValue[]);
    return res.getRowObjectsJS().map((r) => normalizeRow(r as Row) as T);
  }

  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.serial.run(() => this.run<T>(sql, params));
  }

  tx<T>(fn: (q: StateQuery) => Promise<T>): Promise<T> {
    return this.serial.run(async () => {
      await this.con.run('BEGIN TRANSACTION');
      try {
        const out = await fn({ query: (sql, params) => this.run(sql, params) });
        await this.con.run('COMMIT');
        return out;
      } catch (err) {
        await this.con.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  close(): Promise<void> {
    return this.serial.run(async () => {
      if (this.closed) return;
      this.closed = true;
      this.con.closeSync();
    });
  }
}
