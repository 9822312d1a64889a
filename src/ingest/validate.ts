// Validation of a file's rows (all of it, or a byte range of a CSV for parallel ingest): the valid records a read
// chunk at a time, every problem reported at its file line, storage limits checked as validation.
import type { Catalogue } from '../core/catalogue.js';
import { MosaicError, type Issue } from '../core/errors.js';
import type { CreditRecord } from '../core/types.js';
import { own, type EncodedRecords } from '../ledger/encoded.js';
import { MAX_AGENCIES } from '../ledger/ledger.js';
import { RecordChecker } from '../ledger/record-check.js';
import { CsvRecordBuilder } from './fast-rows.js';
import { CsvLineEncoder } from './line-encoder.js';
import { checkColumns, rowToRecord, type RowCheckOptions } from './rows.js';
import {
  lineFields,
  NO_ISSUES,
  readRows,
  rowObject,
  type ByteRange,
  type SourceInline,
  type SourceRow,
} from './source.js';

/** The counts validation keeps (IngestSummary's). */
export interface RowCounts {
  rows: number;
  rejected: number;
}

/** What a caller of validRecords wants besides the valid records. */
export interface ValidateOptions {
  /** Filled with the lines of the records each step yields. */
  lines?: number[];
  /** Give each record its id, sealed for the ledger (the store pass); validation alone needs none (0072). */
  withIds?: boolean;
  /** Keep each valid record encoded in `encoded` (ids computed, not sealed) until `full()` says stop. */
  sink?: { encoded: EncodedRecords; full: () => boolean };
  /** Sees each valid record with its line as it is accepted (after it is encoded); but see `onValidCorrections`. */
  onValid?: (record: CreditRecord, line: number) => void;
  /**
   * The caller's onValid needs only records that supersede another while records are encoded into the sink (a plain
   * record there is fully kept by the sink): plain lines may then be encoded in place, with no record object and no
   * onValid call (CsvLineEncoder, docs/decisions/0185). Without onValid, so may they.
   */
  onValidCorrections?: boolean;
  /** CSV only: read just these bytes of the file (parallel ingest, 0176). */
  range?: ByteRange;
}

export async function* validRecords(
  cat: Catalogue,
  file: string,
  format: 'csv' | 'jsonl',
  onBytes: (n: number) => void,
  report: (issues: Issue[]) => void,
  summary: RowCounts,
  limit: AgencyLimit,
  checks: RowCheckOptions,
  opts: ValidateOptions = {},
): AsyncGenerator<CreditRecord[]> {
  const { lines, withIds = lines !== undefined, sink, onValid, range } = opts;
  // Lines read in place need a sink to encode into, and a caller that wants no record object for a plain one.
  const inPlace =
    format === 'csv' && sink !== undefined && !lines && (!onValid || opts.onValidCorrections === true);
  let lineEncoder: CsvLineEncoder | undefined;
  // Records are yielded a read chunk at a time, not one by one: an async generator's step per record (a promise and
  // a microtask each) cost about as much as checking the record.
  // A bad header makes every row unreadable: stop at once, naming line 1.
  let header: string[] = [];
  let fast: CsvRecordBuilder | undefined;
  // Subject ids are validated once per run of rows (the checker's memo), not once per record; with a sink, a subject
  // already in the file's string table is known valid (and its lookup is the one the sink's push then reuses).
  const strings = sink?.encoded.strings;
  const ck = new RecordChecker(cat, strings ? (s) => strings.knownType(s) : undefined);
  const onHeader = (names: string[]) => {
    const issues = checkColumns(names, { file, line: 1 });
    if (issues.length) throw new MosaicError(issues);
    header = names;
    fast = new CsvRecordBuilder(names, ck, checks);
    if (inPlace) lineEncoder = new CsvLineEncoder(names, cat, checks, sink.encoded, (a) => limit.admit(a));
  };
  let sinceMemo = 0;
  // The valid records of the step (a read chunk) not kept only as codes: yielded when the step ends.
  let out: CreditRecord[] = [];
  /** A row's verdict: its record into `out` (and the sink), or its issues reported. */
  const take = (row: SourceRow): void => {
    if ((!row.value && !row.fields) || row.issues.length) {
      summary.rejected++;
      report(row.issues);
      return;
    }
    if (++sinceMemo === 100_000) {
      sinceMemo = 0;
      ck.beginBatch();
    }
    // CSV rows take the fast path; a row it does not accept (and every JSONL row) is decided by rowToRecord.
    const encode = sink !== undefined && !sink.full();
    let record =
      row.fields && fast ? fast.build(row.fields, withIds || encode, !encode, row.textSafe) : undefined;
    // The fast path left this record's encoded fields in the checker's slots.
    let inSlots = record !== undefined;
    if (!record) {
      const value = row.value ?? rowObject(header, row.fields!);
      const res = rowToRecord(value, { file, line: row.line }, cat, format === 'csv', checks);
      if (!res.record) {
        summary.rejected++;
        report(res.issues);
        return;
      }
      record = res.record;
      inSlots = false;
    }
    if (!limit.admit(record.agency)) {
      summary.rejected++;
      report([
        {
          code: 'ledger.dictionary_full',
          message: `agency: '${record.agency}' would be distinct agency ${limit.size + 1} of this ledger; a ledger holds at most ${MAX_AGENCIES}`,
          location: { file, line: row.line },
        },
      ]);
      return;
    }
    if (encode) {
      // A record rowToRecord accepted is checked once more, by the same checker the fast path uses, to fill its slots.
      if (!inSlots && !ck.ok(record))
        throw new MosaicError({
          code: 'ledger.internal',
          message: 'a row passed the reference check but not the fast check',
          location: { file, line: row.line },
        });
      sink.encoded.push(ck, record, row.line);
    }
    onValid?.(record, row.line);
    lines?.push(row.line);
    out.push(record);
  };
  /** A row as read: a lazy plain line encoded where it lies if the encoder can vouch for it, else split and taken. */
  const row = (row: SourceRow): void => {
    summary.rows++;
    if (row.text !== undefined) {
      if (
        lineEncoder !== undefined &&
        !sink!.full() &&
        lineEncoder.encode(row.text, row.start!, row.end!, row.line)
      )
        return;
      lineFields(row, header, file);
    }
    take(row);
  };
  // Lines read in place are taken as the parser finds them, with no row object for a plain one (0192).
  const inline: SourceInline | undefined = inPlace
    ? {
        plain(text, start, end, line) {
          summary.rows++;
          if (lineEncoder !== undefined && !sink.full() && lineEncoder.encode(text, start, end, line)) return;
          const r: SourceRow = { line, issues: NO_ISSUES, textSafe: false, text, start, end };
          lineFields(r, header, file);
          take(r);
        },
        row,
      }
    : undefined;
  for await (const rows of readRows(file, format, onBytes, onHeader, true, range, inPlace, inline)) {
    if (lines) lines.length = 0;
    for (const r of rows) row(r);
    if (out.length) {
      const step = out;
      out = [];
      yield step;
    }
  }
}

/** Distinct agencies of the ledger plus those admitted from the file so far, refusing any past MAX_AGENCIES. */
export class AgencyLimit {
  private readonly known: Set<string>;
  private last = '';

  constructor(stored: readonly string[]) {
    this.known = new Set(stored);
  }

  get size(): number {
    return this.known.size;
  }

  /** The ledger's agencies and those admitted so far. */
  get all(): ReadonlySet<string> {
    return this.known;
  }

  admit(agency: string): boolean {
    // Files usually hold long runs of one agency: skip the hash lookup for a repeat.
    if (agency === this.last) return true;
    if (!this.known.has(agency)) {
      if (this.known.size >= MAX_AGENCIES) return false;
      // A copy: the field is a slice of its read chunk, which the set would otherwise keep alive for the file.
      this.known.add(own(agency));
    }
    this.last = agency;
    return true;
  }
}
