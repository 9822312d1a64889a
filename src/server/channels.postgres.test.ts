// Runs the data-channel API contract on PostgreSQL (deployment mode): says loudly when it cannot, and fails when MOSAIC_REQUIRE_PG=1.
import { openLedger } from '../ledger/open.js';
import type { PostgresLedger } from '../ledger/postgres/postgres-ledger.js';
import { onPostgres } from '../ledger/postgres/postgres.testkit.js';
import { channelsContract } from './channels.contract.js';

await onPostgres('data-channel API contract (postgres)', (url) =>
  channelsContract('postgres', async () => {
    const schema = `mosaic_channels_test_${process.pid}_${Date.now().toString(36)}`;
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
