// The run directory's own entries (docs/RUN-FORMAT.md): what a run may replace, and nothing else.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { prepareOutputDir } from '../core/outputs.js';

/** The folder `mosaic finance from-run RUN` writes the lenders', platforms' and firms' data for the run into. */
export const RUN_FINANCE = 'finance';

/**
 * Every entry a run writes into its directory, plus what later commands put there by default: the audit report
 * (`mosaic audit`) and the finance data (`mosaic finance from-run`). They derive from the run, so replacing the run
 * (--force) removes them too rather than leaving stale data beside a new run.
 */
export const RUN_ENTRIES = [
  'manifest.json',
  'ledger.duckdb',
  'ledger.duckdb.wal',
  'records.parquet',
  'population.parquet',
  'firms.parquet',
  'events.parquet',
  'timeseries.parquet',
  'timeseries.csv',
  'bank-loans.csv',
  '.scratch',
  'audit',
  RUN_FINANCE,
] as const;

/** A run written before output markers existed: its manifest and ledger are there and nothing foreign is. */
function legacyRun(dir: string, names: readonly string[]): boolean {
  const known = new Set<string>(RUN_ENTRIES);
  return (
    existsSync(join(dir, 'manifest.json')) &&
    existsSync(join(dir, 'ledger.duckdb')) &&
    names.every((n) => known.has(n))
  );
}

/** Create or reuse `dir` for a run: empty, new, or (with force) a previous run whose entries are removed first. */
export function prepareRunDir(dir: string, force: boolean): string {
  return prepareOutputDir(dir, { kind: 'sim-run', entries: RUN_ENTRIES, force, legacy: legacyRun });
}
