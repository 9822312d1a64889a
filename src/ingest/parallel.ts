// Parallel validation of a CSV file (docs/decisions/0176): the file cut at a line end into two byte ranges, the
// second validated on a worker thread while the main thread validates the first, the results merged in file order.
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Catalogue } from '../core/catalogue-model.js';
import { MosaicError, type Issue } from '../core/errors.js';
import { compiledWorker } from '../core/paths.js';
import { appendParts, encodedParts, EncodedRecords, type EncodedParts } from '../ledger/encoded.js';
import { MAX_AGENCIES } from '../ledger/ledger.js';
import { CsvParser } from './csv.js';
import type { RowCheckOptions } from './rows.js';
import { MAX_LINE_CHARS, type ByteRange } from './source.js';
import { subjectSalt, type Supersessions } from './supersedes.js';
import { AgencyLimit, validRecords, type RowCounts } from './validate.js';

/** How ingest may split validation (tests choose the mode and the cut; the CLI takes the defaults). */
export interface ParallelOptions {
  /** 'worker' (default): the second range on a worker thread; 'inline': on this thread (tests); 'off'. */
  mode?: 'worker' | 'inline' | 'off';
  /** The byte from which the cut's line end is looked for (default: the middle of the data rows). */
  at?: number;
  /** Smaller files are validated on one thread (a worker costs tens of milliseconds to start). */
  minBytes?: number;
  /** Told whether the file was validated on two threads or, after trying, on one (tests). */
  onOutcome?: (outcome: 'two-threads' | 'one-thread') => void;
}

/** Below this a worker's start-up is a large share of the time it could save. */
export const PARALLEL_MIN_BYTES = 4 << 20;

/** Everything validation of one range found, as plain data a worker can post. */
export interface RangeResult {
  rows: number;
  rejected: number;
  /** Lines are counted from the range's first line as line 1 (the caller adds the lines before it). */
  issues: Issue[];
  moreIssues: number;
  /** Agencies of the range's valid records that the ledger does not hold. */
  agencies: string[];
  /** Undefined when the range held more valid records than the buffer keeps (then the file is read on one thread). */
  parts: EncodedParts | undefined;
  /** Sum of the parts' corrections (rows that supersede a record). */
  corrections: number;
}

export interface RangeJob {
  file: string;
  range: ByteRange;
  stored: string[];
  checks: RowCheckOptions;
  batchSize: number;
  bufferRecords: number;
  maxIssues: number;
}

/** Validate one byte range (a worker's whole job; tests call it in-process). */
export async function validateRange(
  cat: Catalogue,
  job: RangeJob,
): Promise<{ result: RangeResult; transfer: ArrayBuffer[] }> {
  const counts: RowCounts = { rows: 0, rejected: 0 };
  const issues: Issue[] = [];
  let moreIssues = 0;
  const report = (list: Issue[]) => {
    for (const i of list)
      if (issues.length < job.maxIssues) issues.push(i);
      else moreIssues++;
  };
  const limit = new AgencyLimit(job.stored);
  const encoded = new EncodedRecords(job.batchSize);
  let overflow = false;
  const sink = {
    encoded,
    full: () => {
      if (encoded.length >= job.bufferRecords) overflow = true;
      return overflow;
    },
  };
  const none = () => undefined;
  for await (const _ of validRecords(cat, job.file, 'csv', none, report, counts, limit, job.checks, {
    withIds: false,
    sink,
    range: job.range,
  })) {
    // the records are in `encoded`
  }
  const stored = new Set(job.stored);
  const agencies = [...limit.all].filter((a) => !stored.has(a));
  const { parts, transfer } = encodedParts(encoded);
  let corrections = 0;
  for (const b of parts.batches) corrections += b.supRow.length;
  const result: RangeResult = {
    ...counts,
    issues,
    moreIssues,
    agencies,
    parts: overflow ? undefined : parts,
    corrections,
  };
  return { result, transfer: overflow ? [] : transfer };
}

/** Where to cut: the header's names and the first byte after a line end past the middle of the rows. */
export interface Cut {
  header: string[];
  at: number;
}

/**
 * A cut for a CSV file of `bytes` bytes, or undefined to read it on one thread: a header that is not one plain line,
 * or no line end between the middle and the end. Whether the cut's line end really ends a record (it may sit inside
 * a quoted field) is known only once the first range is read (ByteRange.endedAtRecord); the caller falls back then.
 */
export async function findCut(file: string, bytes: number, opts: ParallelOptions): Promise<Cut | undefined> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(bytes, 1 << 16));
    await fh.read(head, 0, head.length, 0);
    const nl = head.indexOf(10);
    if (nl < 0) return undefined;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, nl + 1));
    } catch {
      return undefined;
    }
    const rows = new CsvParser().push(text);
    if (rows.length !== 1 || rows[0]!.error || rows[0]!.line !== 1) return undefined;
    const header = rows[0]!.fields.map((f) => f.trim());
    const from = Math.max(nl + 1, opts.at ?? nl + 1 + Math.floor((bytes - nl - 1) / 2));
    // The cut's line end is looked for as far as the longest line a file may hold.
    const look = Buffer.alloc(1 << 16);
    for (let pos = from; pos < bytes && pos - from <= MAX_LINE_CHARS * 4; pos += look.length) {
      const { bytesRead } = await fh.read(look, 0, look.length, pos);
      if (bytesRead <= 0) return undefined;
      const lf = look.subarray(0, bytesRead).indexOf(10);
      if (lf >= 0) return pos + lf + 1 < bytes ? { header, at: pos + lf + 1 } : undefined;
    }
    return undefined;
  } finally {
    await fh.close();
  }
}

/** The compiled worker, or undefined (tests run from sources: they use the build in dist/ when there is one). */
function workerScript(): string | undefined {
  return compiledWorker(import.meta.url, 'ingest/validate-worker.js');
}

/** Whether to try a cut at all (a worker would be used, or the test's inline mode). */
export function parallelWanted(bytes: number, opts: ParallelOptions = {}): boolean {
  const mode = opts.mode ?? 'worker';
  if (mode === 'off') return false;
  if (bytes < (opts.minBytes ?? PARALLEL_MIN_BYTES)) return false;
  if (mode === 'worker') return availableParallelism() > 1 && workerScript() !== undefined;
  return true;
}

/** A range being validated elsewhere: its result, or a way to stop it when it is not needed. */
export interface RangeRun {
  result: Promise<RangeResult>;
  stop: () => void;
}

export function startRange(cat: Catalogue, job: RangeJob, mode: 'worker' | 'inline'): RangeRun {
  if (mode === 'inline') {
    const result = validateRange(cat, job).then((r) => r.result);
    result.catch(() => undefined);
    return { result, stop: () => undefined };
  }
  const w = new Worker(workerScript()!, {
    workerData: { kinds: cat.kinds, version: cat.version, job },
  });
  const result = new Promise<RangeResult>((resolve, reject) => {
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`the validation worker stopped (exit code ${code})`)));
    w.once('message', (m: { result?: RangeResult; issues?: Issue[]; error?: string }) => {
      if (m.result) resolve(m.result);
      else if (m.issues) reject(new MosaicError(m.issues));
      else reject(new Error(m.error ?? 'the validation worker failed'));
    });
  });
  result.catch(() => undefined);
  // Settled or not, the thread is let go once its answer is in.
  void result.finally(() => void w.terminate()).catch(() => undefined);
  return { result, stop: () => void w.terminate() };
}

/** The ledger's and the first range's agencies plus the second's: refused (the file is read on one thread) past the limit. */
export function agenciesFit(first: AgencyLimit, second: readonly string[]): boolean {
  let size = first.size;
  for (const a of second) if (!first.all.has(a)) size++;
  return size <= MAX_AGENCIES;
}

/** An issue of the second range with its line counted from the file's start. */
function shifted(i: Issue, lines: number): Issue {
  const line = i.location?.line;
  if (line === undefined) return i;
  // The one message that names its own line (csv.ts end()).
  const message =
    i.code === 'csv.unterminated_quote'
      ? i.message.replace(`line ${line} `, `line ${line + lines} `)
      : i.message;
  return { ...i, message, location: { ...i.location, line: line + lines } };
}

/**
 * Fold the second range's findings into the first's, in file order: counts, issues (after the first's, as a
 * one-thread read reports them), encoded records (batches re-cut at multiples of batchSize), and the corrections'
 * bookkeeping (each record noted as the one-thread pass would have noted it).
 */
export function mergeRange(
  r: RangeResult,
  linesBefore: number,
  counts: RowCounts,
  report: (issues: Issue[]) => void,
  addMore: (n: number) => void,
  encoded: EncodedRecords,
  pending: Supersessions,
  cat: Catalogue,
): void {
  counts.rows += r.rows;
  counts.rejected += r.rejected;
  report(r.issues.map((i) => shifted(i, linesBefore)));
  addMore(r.moreIssues);
  const from = encoded.length;
  appendParts(encoded, r.parts!, linesBefore);
  if (!r.corrections && !pending.collecting) return;
  const size = encoded.batchSize;
  if (!pending.collecting) {
    // Only the corrections are noted (plain records are looked up in the encoded columns at the end).
    for (let bi = Math.floor(from / size); bi < encoded.batches.length; bi++) {
      const b = encoded.batches[bi]!;
      const first = bi === Math.floor(from / size) ? from % size : 0;
      for (let k = 0; k < b.supRow.length; k++) {
        const i = b.supRow[k]!;
        if (i >= first) pending.note(b.record(i, cat), b.line[i]!, b.idHi[i]!, b.idLo[i]!);
      }
    }
    return;
  }
  // Replay the second range's records into the corrections' bookkeeping, in file order.
  // Each subject's salt hashed once (0 marks one not hashed yet; a salt of 0 is hashed again, harmlessly).
  const subjects = encoded.strings.subjects;
  const salts = new Uint32Array(subjects.length);
  for (let bi = Math.floor(from / size); bi < encoded.batches.length; bi++) {
    const b = encoded.batches[bi]!;
    let i = bi === Math.floor(from / size) ? from % size : 0;
    let sup = 0;
    while (sup < b.supRow.length && b.supRow[sup]! < i) sup++;
    for (; i < b.length; i++) {
      if (sup < b.supRow.length && b.supRow[sup] === i) {
        sup++;
        pending.note(b.record(i, cat), b.line[i]!, b.idHi[i]!, b.idLo[i]!);
        continue;
      }
      if (!pending.collecting) continue;
      const s = b.subject[i]!;
      let salt = salts[s]!;
      if (salt === 0) salt = salts[s] = subjectSalt(subjects[s]!);
      pending.noteSalted(salt, b.idHi[i]!, b.idLo[i]!);
    }
  }
}
