// Ingests a CSV or JSONL file of credit records into a ledger: validate every row, then append in batches.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { compiledWorker } from '../core/paths.js';
import { fileSha256 } from './file-hash.js';
import { MosaicError, type Issue } from '../core/errors.js';
import type { CreditRecord } from '../core/types.js';
import { ENCODED_BYTES_PER_RECORD, EncodedRecords } from '../ledger/encoded.js';
import type { AppendResult, Ledger } from '../ledger/ledger.js';
import {
  agenciesFit,
  findCut,
  mergeRange,
  parallelWanted,
  startRange,
  type ParallelOptions,
  type RangeResult,
} from './parallel.js';
import { formatOf, type ByteRange } from './source.js';
import { dropDangling, Supersessions } from './supersedes.js';
import { AgencyLimit, validRecords } from './validate.js';

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
  /** Sees each stored record with its file line, after its batch is stored (the ingest lint, src/ingest/field-lint.ts). */
  lint?: (record: CreditRecord, line: number) => void;
  /**
   * Most records kept encoded from the validation pass for the bulk path (Ledger.appendEncoded; 0142); a larger file
   * is read a second time to store it, as 0022 does, so memory stays bounded. Default: DEFAULT_BUFFER_RECORDS.
   */
  bufferRecords?: number;
  /** Validation on two threads (docs/decisions/0176); tests choose an in-process mode and the cut. */
  parallel?: ParallelOptions;
}

/** About 1 GiB of columns (ENCODED_BYTES_PER_RECORD each) plus the file's distinct strings. */
export const DEFAULT_BUFFER_RECORDS = Math.floor(2 ** 30 / ENCODED_BYTES_PER_RECORD);

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
  /** The same bytes were stored in full before, under the same catalogue version: nothing was read again. */
  unchanged?: boolean;
}

/**
 * Two DuckDB row groups (122,880 rows each). A batch that fills whole row groups is written by DuckDB straight into
 * the database file, compressed, while the transaction runs; a smaller one goes through the write-ahead log first and
 * is written again at the next checkpoint. Measured on the bench's 1M records stored alone: ≈ 1.6 s of process CPU at
 * this size against ≈ 2.5 s with batches of 50,000 (docs/decisions/0177).
 */
export const DEFAULT_BATCH = 2 * 122_880;

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
  const activity = `ingest ${file}`;
  const onBytes = (n: number) => {
    done += n;
    options.onProgress?.(done, size.bytes * passes);
    ledger.progress?.(activity, done, size.bytes * passes);
  };
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

  // A file stored in full before (same bytes, same catalogue version) is answered from its receipt: every row was
  // valid and every record is stored, so reading it again could only count duplicates (docs/decisions/0072).
  // When the ledger holds no receipt for a file of this size and catalogue, the file cannot be one stored before:
  // its hash (for the receipt written at the end) is then taken while it is stored, off the validation's path.
  const wantsKey = ledger.fileReceipt !== undefined && !options.skipInvalid;
  const hashFirst =
    wantsKey &&
    (!ledger.fileReceiptEnding ||
      (await ledger.fileReceiptEnding(`:${size.bytes}:${ledger.catalogue.version}`)));
  let key = hashFirst ? await receiptKey(file, ledger) : undefined;
  if (key) {
    const receipt = await ledger.fileReceipt!(key);
    if (receipt) {
      options.onProgress?.(1, 1);
      return { ...summary, rows: receipt.rows, duplicates: receipt.records, stored: true, unchanged: true };
    }
  }
  // Storage limits are validation: a row the ledger could not store is refused here, at its line, before anything
  // is stored (the second pass re-checks against the same stored set, so it admits exactly the same rows).
  const stored = await ledger.agencies();
  const checks = { reportDate: options.reportDate };
  let encoded: EncodedRecords | undefined;
  if (!options.skipInvalid) {
    const cat = ledger.catalogue;
    const bufferRecords = options.bufferRecords ?? DEFAULT_BUFFER_RECORDS;
    const par = options.parallel ?? {};
    // Two threads where they can help (0176): the file is cut at a line end, the part after the cut validated on a
    // worker while this thread validates the part before it, and the two merged in file order. Anything the cut
    // cannot answer for (a quoted field across it, more records than the buffer keeps, agencies past the limit
    // together) sends the file back through one thread, which decides as it always has.
    let cut =
      format === 'csv' && ledger.appendEncoded && parallelWanted(size.bytes, par)
        ? await findCut(file, size.bytes, par)
        : undefined;
    let pending: Supersessions;
    for (;;) {
      const limit = new AgencyLimit(stored);
      // One parse (0142): where the ledger has a bulk path, validation keeps every valid record encoded, and the
      // store pass below appends those batches instead of reading and checking the file again.
      encoded = ledger.appendEncoded ? new EncodedRecords(batchSize) : undefined;
      // With every valid record kept encoded, corrections' targets are looked up in those columns at the end
      // instead of noting each record's id as it passes.
      const notes = (pending = new Supersessions(encoded !== undefined));
      const sink = encoded && {
        encoded,
        // Past the limit the buffer is dropped and the file is read again to store it (memory stays bounded).
        full: () => {
          if (encoded && encoded.length >= bufferRecords) {
            notes.absorb(encoded);
            encoded = undefined;
          }
          return encoded === undefined;
        },
      };
      // Each valid record is noted as it is accepted, while its encoded id halves are at hand.
      const note = (rec: CreditRecord, line: number) => {
        if (encoded) notes.note(rec, line, encoded.lastHi, encoded.lastLo);
        else notes.note(rec, line);
      };
      const range: ByteRange | undefined = cut && { start: 0, end: cut.at };
      const second =
        cut &&
        startRange(
          cat,
          {
            file,
            range: { start: cut.at, end: size.bytes, header: cut.header, endsFile: true },
            stored: [...stored],
            checks,
            batchSize,
            bufferRecords,
            maxIssues,
          },
          par.mode === 'inline' ? 'inline' : 'worker',
        );
      try {
        await drain(
          validRecords(cat, file, format, onBytes, report, summary, limit, checks, {
            withIds: false,
            sink,
            onValid: note,
            // note() needs a plain record only once the buffer is dropped, and then nothing is encoded in place.
            onValidCorrections: true,
            range,
          }),
        );
      } catch (err) {
        second?.stop();
        throw err;
      }
      if (second && range && cut) {
        let r: RangeResult | undefined;
        if (range.endedAtRecord && encoded) {
          try {
            r = await second.result;
          } catch (err) {
            // The second part's error is the file's first: the first part read to its end without one.
            if (err instanceof MosaicError) throw err;
          }
        } else second.stop();
        const fits =
          r?.parts &&
          encoded &&
          encoded.length + r.parts.length <= bufferRecords &&
          agenciesFit(limit, r.agencies);
        par.onOutcome?.(fits ? 'two-threads' : 'one-thread');
        if (!fits) {
          cut = undefined;
          summary.rows = summary.rejected = summary.moreIssues = 0;
          summary.issues = [];
          done = 0;
          continue;
        }
        mergeRange(
          r!,
          range.linesRead!,
          summary,
          report,
          (n) => (summary.moreIssues += n),
          encoded!,
          notes,
          cat,
        );
        onBytes(size.bytes - cut.at);
      }
      break;
    }
    if (pending.size) {
      // Targets not stored and not seen from the first correction on are looked for in the rows before it, read
      // again through the same fast path.
      const records = async function* () {
        const quiet = { ...summary, issues: [] as Issue[] };
        // validRecords fills `lines` with the lines of the records it yields.
        const lines: number[] = [];
        const limit = new AgencyLimit(stored);
        const none = () => undefined;
        for await (const recs of validRecords(
          ledger.catalogue,
          file,
          format,
          none,
          none,
          quiet,
          limit,
          checks,
          { lines },
        ))
          for (let i = 0; i < recs.length; i++) yield { line: lines[i]!, record: recs[i]! };
      };
      await pending.resolve(ledger, file, format, checks, report, summary, records, encoded);
    }
    if (summary.rejected > 0) return summary;
    const now = fileSize(file);
    if (now.bytes !== size.bytes || now.mtimeMs !== size.mtimeMs)
      throw new MosaicError({
        code: 'ingest.file_changed',
        message: 'the file changed while it was being validated; nothing was stored',
        location: { file },
      });
    if (encoded)
      return storeEncoded(ledger, file, encoded, summary, options, key ?? wantsKey, size, (n) => onBytes(n));
    if (wantsKey && !key) key = await receiptKey(file, ledger);
    summary.rows = 0;
    summary.rejected = 0;
  }

  await options.beforeStore?.();
  let batch: CreditRecord[] = [];
  // Lines of the records in `batch` (validRecords pushes them; emptied in place after each append).
  const lines: number[] = [];
  // One batch is stored while the next is read and checked: the database works (DuckDB on its own threads,
  // PostgreSQL in its server process) while JavaScript parses. Appends still run one at a time and in file order,
  // each atomic, so a stop at any point leaves whole batches stored, as before (0022).
  let inFlight: Promise<void> = Promise.resolve();
  const store = (records: CreditRecord[], at: number[]) => async () => {
    let res;
    try {
      res = await ledger.append(records);
    } catch (err) {
      throw atLines(err, file, at);
    }
    summary.inserted += res.inserted;
    summary.duplicates += res.duplicates;
    if (options.lint) for (let i = 0; i < records.length; i++) options.lint(records[i]!, at[i]!);
  };
  const flush = async () => {
    if (!batch.length) return;
    if (options.skipInvalid) {
      // Corrections are checked batch by batch against what is stored: the previous batch must be in first.
      await inFlight;
      const kept = await dropDangling(ledger, batch, file, report, summary);
      if (kept.length !== batch.length) {
        const keep = new Set(kept);
        const keptLines = lines.filter((_, i) => keep.has(batch[i]!));
        lines.length = 0;
        lines.push(...keptLines);
      }
      batch = kept;
    }
    const previous = inFlight;
    inFlight = previous.then(store(batch, lines.slice()));
    // Marked handled here; whoever awaits inFlight still sees the failure.
    inFlight.catch(() => undefined);
    batch = [];
    lines.length = 0;
    await previous;
  };
  const limit = new AgencyLimit(stored);
  // The lines of each chunk's records, as validRecords yields them.
  const chunkLines: number[] = [];
  try {
    for await (const recs of validRecords(
      ledger.catalogue,
      file,
      format,
      onBytes,
      report,
      summary,
      limit,
      checks,
      { lines: chunkLines },
    ))
      for (let i = 0; i < recs.length; i++) {
        batch.push(recs[i]!);
        lines.push(chunkLines[i]!);
        if (batch.length >= batchSize) await flush();
      }
    if (summary.rejected > 0 && !options.skipInvalid) {
      await inFlight;
      // Only reachable if the file changed after the size/mtime check; earlier batches are already stored.
      throw new MosaicError({
        code: 'ingest.file_changed',
        message:
          'the file changed between validation and storage; re-run after fixing it (stored batches stay)',
        location: { file },
      });
    }
    await flush();
    await inFlight;
  } finally {
    // On any failure, no append is left running once ingestFile returns (the caller may close the ledger).
    await inFlight.catch(() => undefined);
  }
  summary.stored = true;
  if (key && summary.rejected === 0)
    await ledger.putFileReceipt?.({
      key,
      rows: summary.rows,
      records: summary.inserted + summary.duplicates,
      at: new Date().toISOString(),
    });
  return summary;
}

/**
 * The store pass of the bulk path: the batches validation kept, appended one at a time in file order, each atomic
 * (so a stop leaves whole batches, finished by a re-run as in 0022). Progress runs from the validated file's bytes
 * to twice them, as the second read of the two-pass path would.
 */
async function storeEncoded(
  ledger: Ledger,
  file: string,
  encoded: EncodedRecords,
  summary: IngestSummary,
  options: IngestOptions,
  /** The receipt key, or true to hash the file (on another thread where one can be had) while it is stored. */
  receipt: string | boolean,
  validated: { bytes: number; mtimeMs: number },
  onBytes: (n: number) => void,
): Promise<IngestSummary> {
  await options.beforeStore?.();
  const hashing = receipt === true ? hashElsewhere(file) : undefined;
  // Settled whatever happens below: a failed store still waits for (and lets go of) the hashing thread.
  hashing?.result.catch(() => undefined);
  const bytes = fileSize(file).bytes;
  let reported = 0;
  let storedRecords = 0;
  const batches = encoded.batches;
  // Where the ledger chains bulk appends, each batch is handed over before the one before it is awaited: DuckDB
  // prepares the next batch's rows while it commits the last (0183). Batches are still stored one at a time, in file
  // order, each atomic and acknowledged (awaited here) in that order; a refused batch refuses the one handed over
  // after it, so what is stored is always whole batches from the file's start.
  const ahead = ledger.bulkAppendsChained === true;
  let next: Promise<AppendResult> | undefined = batches.length
    ? ledger.appendEncoded!(batches[0]!)
    : undefined;
  for (let bi = 0; bi < batches.length; bi++) {
    const b = batches[bi]!;
    const current = next ?? ledger.appendEncoded!(b);
    next = ahead && bi + 1 < batches.length ? ledger.appendEncoded!(batches[bi + 1]!) : undefined;
    let res;
    try {
      res = await current;
    } catch (err) {
      hashing?.stop();
      // Settled (refused) before ingest returns, so the caller may close the ledger.
      await next?.catch(() => undefined);
      throw atLines(err, file, b.line);
    }
    summary.inserted += res.inserted;
    summary.duplicates += res.duplicates;
    if (options.lint)
      for (let i = 0; i < b.length; i++) options.lint(b.record(i, ledger.catalogue), b.line[i]!);
    storedRecords += b.length;
    const at = Math.round((bytes * storedRecords) / Math.max(1, encoded.length));
    onBytes(at - reported);
    reported = at;
  }
  // A file with no records to store (a header only) still ends its progress at the total.
  if (reported < bytes) onBytes(bytes - reported);
  summary.stored = true;
  let key = typeof receipt === 'string' ? receipt : undefined;
  if (hashing) {
    const hex = await hashing.result;
    // The receipt names the bytes that were validated: a file changed since is stored without one.
    const now = fileSize(file);
    if (hex && now.bytes === validated.bytes && now.mtimeMs === validated.mtimeMs)
      key = `sha256:${hex}:${validated.bytes}:${ledger.catalogue.version}`;
  }
  if (key)
    await ledger.putFileReceipt?.({
      key,
      rows: summary.rows,
      records: summary.inserted + summary.duplicates,
      at: new Date().toISOString(),
    });
  return summary;
}

/** Run an iterator to its end (its work is done in callbacks). */
async function drain(it: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of it) {
    // nothing: the values were seen by the callbacks
  }
}

/** A batch error located at ['records', i, …] re-located at the file line of record i. */
function atLines(err: unknown, file: string, lines: ArrayLike<number>): unknown {
  if (!(err instanceof MosaicError)) return err;
  return new MosaicError(
    err.issues.map((i) => {
      const at = i.location?.path?.[0] === 'records' ? lines[i.location.path[1] as number] : undefined;
      return at === undefined ? i : { ...i, location: { file, line: at } };
    }),
  );
}

/**
 * The file's SHA-256 (hex), computed on a worker thread when the built worker is at hand (vitest runs sources), else
 * on this one; undefined if the file could not be read whole (then no receipt is written).
 */
function hashElsewhere(file: string): { result: Promise<string | undefined>; stop: () => void } {
  const script = compiledWorker(import.meta.url, 'ingest/hash-worker.js');
  if (!script || availableParallelism() < 2)
    return {
      result: fileSha256(file).then(
        (h) => h.hex,
        () => undefined,
      ),
      stop: () => undefined,
    };
  const w = new Worker(script, { workerData: { file } });
  const result = new Promise<string | undefined>((resolve) => {
    w.once('message', (m: { hex?: string; bytes?: number }) => resolve(m.hex));
    w.once('error', () => resolve(undefined));
    w.once('exit', () => resolve(undefined));
  });
  void result.finally(() => void w.terminate());
  return { result, stop: () => void w.terminate() };
}

/** SHA-256 of the file's bytes (native, far faster than parsing them), with its size and the catalogue version. */
async function receiptKey(file: string, ledger: Ledger): Promise<string> {
  try {
    const { hex, bytes } = await fileSha256(file);
    return `sha256:${hex}:${bytes}:${ledger.catalogue.version}`;
  } catch (err) {
    throw new MosaicError({ code: 'io.read_failed', message: (err as Error).message, location: { file } });
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
