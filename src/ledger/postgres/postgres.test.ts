// Runs the ledger contract against PostgreSQL, one schema per test; says loudly when it cannot, and fails in CI.
import { ledgerContract } from '../ledger.contract.js';
import type { Ledger } from '../ledger.js';
import { PostgresLedger } from './postgres-ledger.js';
import { onPostgres } from './postgres.testkit.js';

let n = 0;

await onPostgres('PostgreSQL contract', (url) =>
  ledgerContract('postgres', async (catalogue) => {
    const schema = `mosaic_test_${process.pid}_${Date.now().toString(36)}_${n++}`;
    let ledger: PostgresLedger = await PostgresLedger.open(url, schema, catalogue);
    return {
      ledger: ledger as Ledger,
      reopen: async () => {
        await ledger.close();
        ledger = await PostgresLedger.open(url, schema, catalogue);
        return ledger;
      },
      dispose: async () => {
        await ledger.dropSchema();
        await ledger.close();
      },
    };
  }),
);
