// Runs the ledger contract against PostgreSQL, one schema per test; says loudly when it cannot, and fails in CI.
import pg from 'pg';
import { describe, it } from 'vitest';
import { ledgerContract } from '../ledger.contract.js';
import type { Ledger } from '../ledger.js';
import { DEFAULT_PG_URL } from '../open.js';
import { PostgresLedger } from './postgres-ledger.js';

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
let n = 0;

if (problem === undefined) {
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
  });
} else if (required) {
  describe('PostgreSQL contract', () => {
    it(`reaches PostgreSQL at ${url} (MOSAIC_REQUIRE_PG=1)`, () => {
      throw new Error(`cannot reach PostgreSQL at ${url}: ${problem}`);
    });
  });
} else {
  const reason = `PostgreSQL contract SKIPPED: cannot reach ${url} (${problem}) (set MOSAIC_REQUIRE_PG=1 to make this fail)`;
  console.warn(reason);
  describe.skip(reason, () => {
    it('runs the ledger contract against PostgreSQL', () => undefined);
  });
}
