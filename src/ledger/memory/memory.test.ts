// Runs the ledger contract against the in-memory adapter.
import { ledgerContract } from '../ledger.contract.js';
import { MemoryLedger } from './memory-ledger.js';

ledgerContract('memory', async (catalogue) => {
  const ledger = new MemoryLedger(catalogue);
  return { ledger, dispose: () => ledger.close() };
});
