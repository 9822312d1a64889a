// Ingests a CSV or JSONL file of credit records into a ledger: validate every row, then append in batches.
import { statSync } from 'node:fs';
import { MosaicError, type Issue } from '../core/errors.js';
import type { CreditRecord } from '../core/types.js';
import type { Ledger } from '../ledger/ledger.js';
import { checkColumns, rowToRecord, type RowCheckOptions } from './rows.js';
import { dropDangling, Supersessions } from './supersedes.js';
import { formatOf, readRows } from './source.js';

export interface IngestOptions {
  /** Store the valid rows and report the bad ones, instead of storing nothing when any row is bad. */
  skipInvalid?: boolean;
  /** Records per ledger append (each append is atomic). */
  batchSize?: number;
  /** Called as bytes are read; `total` counts both passes when the file is validated before it is stored. */
  onProgress?: (done: number, total: number) => void;
  /** Runs once the file has passed validation, before the first record is stored (e.g. to store subjects). */
  beforeStore?: () => Promise<void>;
  /** Keep at most this many issues (the count of bad rows is always exact). */
  maxIssues?: number;
  /** Refuse statements dated after this day (the CLI passes today, or --report-date). */
  reportDate?: string;
}

export interface IngestSummary {
  file: string;
  /** Data rows read (excluding the CSV header and blank lines). */
  rows: number;
  inserted: number;
  duplicates: number;
  /** Rows not stored because they are invalid. */
  rejected: number;
  /** False when nothing was stored because a row was bad (and skipInvalid was off). */
  stored: boolean;
  issues: Issue[];
  /** Issues found beyond maxIssues, not kept. */
  moreIssues: number;
}

export const DEFAULT_BATCH = 50_000;

/**
 * All-or-nothing without holding the file in memory (docs/decisions/0022): unless skipInvalid, a first pass
 * validates every row and stores nothing if any is bad; the second pass re-reads and appends batch by batch.
 * Each batch is atomic in the ledger and record ids are content hashes, so a run interrupted in the second pass
 * is completed, without duplicates, by running the same command again. The file must not change between passes:
 * its size and mtime are compared and the second pass re-validates every row.
 */
export async function ingestFile(
  ledger: Ledger,
  file: string,
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const format = formatOf(file);
  const size = fileSize(file);
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const maxIssues = options.maxIssues ?? 10_000;
  const passes = options.skipInvalid ? 1 : 2;
  let done = 0;
  const onBytes = options.onProgress
    ? (n: number) => {
        done += n;
        options.onProgress!(done, size.bytes * passes);
      }
    : undefined;
  const summary: IngestSummary = {
    file,
    rows: 0,
    inserted: 0,
    duplicates: 0,
    rejected: 0,
    stored: false,
    issues: [],
    moreIssues: 0,
  };
  const report = (issues: Issue[]) => {
    for (const i of issues)
      if (summary.issues.length < maxIssues) summary.issues.push(i);
      else summary.moreIssues++;
  };

  const checks = { reportDate: options.reportDate };
  if (!options.skipInvalid) {
    const pending = new Supersessions();
    for await (const rec of validRecords(ledger, file, format, onBytes, report, summary, checks))
      pending.note(rec);
    if (pending.size) await pending.resolve(ledger, file, format, checks, report, summary);
    if (summary.rejected > 0) return summary;
    const now = fileSize(file);
    if (now.bytes !== size.bytes || now.mtimeMs !== size.mtimeMs)
      throw new MosaicError({
        code: 'ingest.file_changed',
        message: 'the file changed while it was being validated; nothing was stored',
        location: { file },
      });
    summary.rows = 0;
    summary.rejected = 0;
  }

  await options.beforeStore?.();
  let batch: CreditRecord[] = [];
  const flush = async () => {
    if (!batch.length) return;
    // Validated with the file above; in a single pass (skipInvalid) corrections are checked batch by batch.
    if (options.skipInvalid) batch = await dropDangling(ledger, batch, file, report, summary);
    const res = await ledger.append(batch);
    summary.inserted += res.inserted;
    summary.duplicates += res.duplicates;
    batch = [];
  };
  for await (const rec of validRecords(ledger, file, format, onBytes, report, summary, checks)) {
    batch.push(rec);
    if (batch.length >= batchSize) await flush();
  }
  if (summary.rejected > 0 && !options.skipInvalid)
    // Only reachable if the file changed after the size/mtime check; earlier batches are already stored.
    throw new MosaicError({
      code: 'ingest.file_changed',
      message:
        'the file changed between validation and storage; re-run after fixing it (stored batches stay)',
      location: { file },
    });
  await flush();
  summary.stored = true;
  return summary;
}

async function* validRecords(
  ledger: Ledger,
  file: string,
  format: 'csv' | 'jsonl',
  onBytes: ((n: number) => void) | undefined,
  report: (issues: Issue[]) => void,
  summary: IngestSummary,
  checks: RowCheckOptions = {},
): AsyncGenerator<CreditRecord> {
  // A bad header makes every row unreadable: stop at once, naming line 1.
  const onHeader = (names: string[]) => {
    const issues = checkColumns(names, { file, line: 1 });
    if (issues.length) throw new MosaicError(issues);
  };
  for await (const rows of readRows(file, format, onBytes, onHeader))
    for (const row of rows) {
      summary.rows++;
      if (!row.value || row.issues.length) {
        summary.rejected++;
        report(row.issues);
        continue;
      }
      const res = rowToRecord(
        row.value,
        { file, line: row.line },
        ledger.catalogue,
        format === 'csv',
        checks,
      );
      if (!res.record) {
        summary.rejected++;
        report(res.issues);
        continue;
      }
      yield res.record;
    }
}

function fileSize(file: string): { bytes: number; mtimeMs: number } {
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error(`${file} is not a regular file`);
    return { bytes: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    throw new MosaicError({ code: 'io.read_failed', message: (err as Error).message, location: { file } });
  }
}
