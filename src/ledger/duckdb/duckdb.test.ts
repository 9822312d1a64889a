// Runs the ledger contract against the DuckDB adapter, one database file per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledgerContract } from '../ledger.contract.js';
import type { Ledger } from '../ledger.js';
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
