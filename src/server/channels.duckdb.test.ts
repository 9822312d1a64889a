// Runs the data-channel API contract on the default storage: a DuckDB file holding the ledger and the server state.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../ledger/open.js';
import { channelsContract } from './channels.contract.js';

channelsContract('duckdb', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'issue-17-channels-'));
  const ledger = await openLedger({ adapter: 'duckdb', dataDir: dir, threads: 1 });
  return {
    ledger,
    dispose: async () => {
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
