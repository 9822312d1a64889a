// The ledger interface: an append-only store of credit records with row reads, columnar scans and export.
import type { Catalogue } from '../core/catalogue.js';
import type { CreditRecord, Subject } from '../core/types.js';
import type { EncodedBatch } from './encoded.js';

/**
 * A columnar snapshot of all records for engines: typed arrays, no object per record.
 * Dates are epoch days (days since 1970-01-01) in Uint16 (good to 2149).
 */
export interface RecordColumns {
  length: number;
  /** Index into `subjects`. */
  subject: Uint32Array;
  /** Index into the catalogue's kinds (Catalogue.index). */
  kind: Uint16Array;
  /** Index into `agencies`. */
  agency: Uint16Array;
  occurred: Uint16Array;
  reported: Uint16Array;
  /** NaN when the record has no amount. */
  amount: Float64Array;
  /** Kind-local severity code (Catalogue.severityCode): 0 = none. */
  severity: Uint8Array;
  /** 0 = none, else 1 + index in ISSUER_LEVELS. */
  level: Uint8Array;
  /** 0 original, 1 correction, 2 withdrawal (index in RECORD_STATUSES). */
  status: Uint8Array;
  /**
   * Sparse supersession pairs: record supersedeFrom[i] (a correction or withdrawal) supersedes record supersedeTo[i]
   * from its own reported date on. A target not in the ledger is -1.
   */
  supersedeFrom: Int32Array;
  supersedeTo: Int32Array;
  /** Dictionary of subject ids. */
  subjects: string[];
  /** Dictionary of agency codes. */
  agencies: string[];
}

/**
 * Most distinct agencies one ledger holds: RecordColumns.agency is a Uint16 index. Ingest checks it in validation
 * (ledger.dictionary_full at file:line), so a file that would overflow it is refused before anything is stored.
 */
export const MAX_AGENCIES = 65_536;

/** A file stored in full: what a re-run of the same bytes under the same catalogue version can answer at once. */
export interface FileReceipt {
  /** SHA-256 of the file's bytes, its size and the catalogue version it was validated against. */
  key: string;
  /** Data rows read, and records they held (stored now or found stored). */
  rows: number;
  records: number;
  /** ISO time it was stored. */
  at: string;
}

export interface AppendResult {
  inserted: number;
  duplicates: number;
}

export type ExportFormat = 'parquet' | 'csv' | 'jsonl';

export interface Ledger {
  /** 'memory' | 'duckdb' | 'postgres' */
  readonly adapter: string;
  readonly catalogue: Catalogue;
  /**
   * Append a batch atomically and idempotently: every record is validated first and a single bad record rejects
   * the whole batch (MosaicError listing each problem with its batch index); a record whose id is already stored,
   * or that appears twice in the batch, is stored once.
   */
  append(records: readonly CreditRecord[]): Promise<AppendResult>;
  /**
   * The bulk path (docs/decisions/0142): append a batch that ingest validated and encoded from one parse of a file
   * (EncodedRecords.push), atomically and idempotently as `append` does, without an object per record or a second
   * check. A storage error is located at ['records', i] (i: the record's position in the batch). Optional: ingest
   * stores through `append` on an adapter without it.
   */
  appendEncoded?(batch: EncodedBatch): Promise<AppendResult>;
  /**
   * True when `appendEncoded` refuses every batch handed over before an earlier one was refused (so a caller may hand
   * over the next batch before the previous one answers and still store a prefix of its batches; docs/decisions/0183).
   */
  readonly bulkAppendsChained?: boolean;
  /** Insert or replace register entries (register data, not credit statements). */
  putSubjects(subjects: readonly Subject[]): Promise<void>;
  getSubject(id: string): Promise<Subject | undefined>;
  subjects(): Promise<Subject[]>;
  /**
   * Register entries whose name starts with `prefix` (compared by code point), ordered by name then id, at most
   * `limit`: the portal's search. The stores answer it from their own structures without reading every subject into
   * the process (PostgreSQL: a B-tree on the name; docs/decisions/0097).
   */
  findSubjects(prefix: string, limit: number): Promise<Subject[]>;
  /** The distinct agency codes stored (at most MAX_AGENCIES), for checking a file against the limit before storing. */
  agencies(): Promise<string[]>;
  /**
   * One subject's statements known as of `asOf` (reportedAt <= asOf; all if omitted), ordered by
   * occurredAt, reportedAt, id. Superseded statements are included: engines decide what they mean.
   */
  readSubject(id: string, asOf?: string): Promise<CreditRecord[]>;
  /** All records as columns. */
  scan(): Promise<RecordColumns>;
  count(): Promise<number>;
  /** Write every record to a file; returns the number of rows written. */
  export(format: ExportFormat, file: string): Promise<number>;
  close(): Promise<void>;
  /**
   * A long job on this ledger reports how far it is (any unit, e.g. bytes read), so an adapter whose file other
   * processes cannot open meanwhile (DuckDB) can tell them when it expects to be done.
   */
  progress?(activity: string, done: number, total: number): void;
  /**
   * For each of `ids` that is a stored record's id, that record's subject (ids not stored, or not record ids, are left
   * out). One batched lookup, so ingest can check what a file's corrections supersede without a query per subject.
   */
  subjectsOf?(ids: readonly string[]): Promise<Map<string, string>>;
  /** The receipt of a file stored in full under this key (ingest), if any. */
  fileReceipt?(key: string): Promise<FileReceipt | undefined>;
  /**
   * Whether any receipt's key ends with `suffix` (`:<bytes>:<catalogue version>`): with none, no file of that size can
   * be unchanged, so ingest hashes the file while it stores it instead of before validating it.
   */
  fileReceiptEnding?(suffix: string): Promise<boolean>;
  /** Remember that a file was stored in full: called only after its last record is committed. */
  putFileReceipt?(receipt: FileReceipt): Promise<void>;
}

/** Zero-filled columns for `n` records with no supersession pairs (generators and adapters fill them in). */
export function allocColumns(n: number, subjects: string[], agencies: string[]): RecordColumns {
  return {
    length: n,
    subject: new Uint32Array(n),
    kind: new Uint16Array(n),
    agency: new Uint16Array(n),
    occurred: new Uint16Array(n),
    reported: new Uint16Array(n),
    amount: new Float64Array(n),
    severity: new Uint8Array(n),
    level: new Uint8Array(n),
    status: new Uint8Array(n),
    supersedeFrom: new Int32Array(0),
    supersedeTo: new Int32Array(0),
    subjects,
    agencies,
  };
}
