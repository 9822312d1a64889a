// Runs the API contract on the default storage: a DuckDB file holding the ledger and the server state.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../ledger/open.js';
import { serverContract } from './server.contract.js';

serverContract('duckdb', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'issue-12-server-'));
  const ledger = await openLedger({ adapter: 'duckdb', dataDir: dir, threads: 1 });
  return {
    ledger,
    dispose: async () => {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
