// Runs the due-process API contract on PostgreSQL (deployment mode): says loudly when it cannot, and fails when MOSAIC_REQUIRE_PG=1.
import pg from 'pg';
import { describe, it } from 'vitest';
import { DEFAULT_PG_URL, openLedger } from '../ledger/open.js';
import type { PostgresLedger } from '../ledger/postgres/postgres-ledger.js';
import { dueProcessContract } from './dueprocess.contract.js';

const url = process.env.MOSAIC_PG_URL ?? process.env.DATABASE_URL ?? DEFAULT_PG_URL;
const required = process.env.MOSAIC_REQUIRE_PG === '1';

async function reachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const problem = await reachable();

if (problem === undefined) {
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
  });
} else if (required) {
  describe('due-process API contract (postgres)', () => {
    it(`reaches PostgreSQL at ${url} (MOSAIC_REQUIRE_PG=1)`, () => {
      throw new Error(`cannot reach PostgreSQL at ${url}: ${problem}`);
    });
  });
} else {
  const reason = `due-process API contract on PostgreSQL SKIPPED: cannot reach ${url} (${problem}) (set MOSAIC_REQUIRE_PG=1 to make this fail)`;
  console.warn(reason);
  describe.skip(reason, () => {
    it('runs the due-process API contract against PostgreSQL', () => undefined);
  });
}
