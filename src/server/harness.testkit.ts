// Test helper: the API harness (server.contract.ts) over a throwaway in-memory DuckDB ledger, closed by one call.
import type { Ledger } from '../ledger/ledger.js';
import { openLedger } from '../ledger/open.js';
import { harness, type Harness } from './server.contract.js';

export interface EmbeddedHarness extends Harness {
  ledger: Ledger;
  /** Close the app, the server context and the ledger, in that order. */
  close(): Promise<void>;
}

/** A running app over a seeded in-memory DuckDB ledger, with one key per role. */
export async function embeddedHarness(): Promise<EmbeddedHarness> {
  const ledger = await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 });
  const h = await harness({ ledger, dispose: () => ledger.close() });
  return {
    ...h,
    ledger,
    close: async () => {
      await h.app.close();
      await h.ctx.close();
      await ledger.close();
    },
  };
}
