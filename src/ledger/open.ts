// Opens a ledger by adapter name: the one module that knows every adapter (others import only this and ledger.ts).
import { join } from 'node:path';
import { defaultCataloguePath, loadCatalogue, type Catalogue } from '../core/catalogue.js';
import { MosaicError } from '../core/errors.js';
import type { Ledger } from './ledger.js';

export const ADAPTERS = ['memory', 'duckdb', 'postgres'] as const;
export type AdapterName = (typeof ADAPTERS)[number];

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface OpenLedgerOptions {
  /** Default: env MOSAIC_LEDGER, else 'duckdb'. A string so CLI flags can be passed through; checked here. */
  adapter?: AdapterName | (string & {});
  /** DuckDB: directory of the database file (default './data'); the file is `<dataDir>/mosaic.duckdb`. */
  dataDir?: string;
  /** DuckDB: the database file itself, overriding dataDir (':memory:' for a throwaway database). */
  file?: string;
  /**
   * DuckDB: worker threads of the database (default: one per core). A caller that keeps the cores busy itself, such
   * as the simulation with its district workers, does better giving the database one.
   */
  threads?: number;
  /** PostgreSQL: default env MOSAIC_PG_URL, else DATABASE_URL, else DEFAULT_PG_URL. */
  pgUrl?: string;
  /** PostgreSQL schema holding the ledger tables (created if absent). Default env MOSAIC_PG_SCHEMA, else 'mosaic'. */
  schema?: string;
  /** Default: the shipped catalogue (policies/catalogue). */
  catalogue?: Catalogue;
}

export async function openLedger(opts: OpenLedgerOptions = {}): Promise<Ledger> {
  const adapter = opts.adapter ?? process.env.MOSAIC_LEDGER ?? 'duckdb';
  if (!(ADAPTERS as readonly string[]).includes(adapter))
    throw new MosaicError({
      code: 'ledger.unknown_adapter',
      message: `unknown ledger adapter '${adapter}' (expected ${ADAPTERS.join(', ')})`,
    });
  const catalogue = opts.catalogue ?? loadCatalogue(defaultCataloguePath());
  // Adapters load on demand: a memory ledger never loads the PostgreSQL driver, and so on.
  switch (adapter as AdapterName) {
    case 'memory': {
      const { MemoryLedger } = await import('./memory/memory-ledger.js');
      return new MemoryLedger(catalogue);
    }
    case 'duckdb': {
      const { DuckDBLedger } = await import('./duckdb/duckdb-ledger.js');
      return DuckDBLedger.open(opts.file ?? join(opts.dataDir ?? './data', 'mosaic.duckdb'), catalogue, {
        threads: opts.threads,
      });
    }
    case 'postgres': {
      const { PostgresLedger } = await import('./postgres/postgres-ledger.js');
      const url = opts.pgUrl ?? process.env.MOSAIC_PG_URL ?? process.env.DATABASE_URL ?? DEFAULT_PG_URL;
      return PostgresLedger.open(url, opts.schema ?? process.env.MOSAIC_PG_SCHEMA ?? 'mosaic', catalogue);
    }
  }
}
