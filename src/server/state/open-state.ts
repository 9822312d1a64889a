// Opens the server state beside a ledger (same DuckDB file, or same PostgreSQL schema) and brings it up to date.
import { MosaicError } from '../../core/errors.js';
import type { Ledger } from '../../ledger/ledger.js';
import { DEFAULT_PG_URL } from '../../ledger/open.js';
import { migrate } from './migrations.js';
import type { StateDb } from './state-db.js';

interface DuckDBLike extends Ledger {
  connect(): Promise<import('@duckdb/node-api').DuckDBConnection>;
}
interface PgLike extends Ledger {
  readonly schema: string;
}

export async function openState(ledger: Ledger, opts: { pgUrl?: string | undefined } = {}): Promise<StateDb> {
  let db: StateDb;
  if (ledger.adapter === 'duckdb') {
    const { DuckDBState } = await import('./duckdb-state.js');
    db = new DuckDBState(await (ledger as DuckDBLike).connect());
  } else if (ledger.adapter === 'postgres') {
    const { PgState } = await import('./pg-state.js');
    const url = opts.pgUrl ?? process.env.MOSAIC_PG_URL ?? process.env.DATABASE_URL ?? DEFAULT_PG_URL;
    db = await PgState.open(url, (ledger as PgLike).schema);
  } else
    throw new MosaicError({
      code: 'server.unsupported_ledger',
      message: `the server keeps its state in the ledger's database; '${ledger.adapter}' has none (use duckdb or postgres)`,
    });
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}
