// Runs the due-process API contract on PostgreSQL (deployment mode): says loudly when it cannot, and fails when MOSAIC_REQUIRE_PG=1.
import { openLedger } from '../ledger/open.js';
import type { PostgresLedger } from '../ledger/postgres/postgres-ledger.js';
import { onPostgres } from '../ledger/postgres/postgres.testkit.js';
import { dueProcessContract } from './dueprocess.contract.js';

await onPostgres('due-process API contract (postgres)', (url) =>
  dueProcessContract('postgres', async () => {
    const schema = `mosaic_dueprocess_test_${process.pid}_${Date.now().toString(36)}`;
    const ledger = (await openLedger({ adapter: 'postgres', pgUrl: url, schema })) as PostgresLedger;
    return {
      ledger,
      pgUrl: url,
      dispose: async () => {
        await ledger.dropSchema();
        await ledger.close();
      },
    };
  }),
);
