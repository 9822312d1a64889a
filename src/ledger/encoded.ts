// Validated records kept as columns with file-wide dictionaries: what ingest keeps from its one parse of a file and
// hands to an adapter's bulk path (Ledger.appendEncoded), with no object per record (docs/decisions/0142).
import type { Catalogue } from '../core/catalogue.js';
import type { CreditRecord } from '../core/types.js';
import { CharKeyMap } from './char-keys.js';
import { buildRecord } from './codec.js';
import { PackedIdMap } from './packed-ids.js';
import { RecordChecker, rejectBatch, type SubjectTypeCode } from './record-check.js';
import { formatRecordId } from './record-id.js';

/**
 * The strings of a file's records, each stored once; batches hold indexes into them. Shared by every batch of one
 * file, so an adapter maps each distinct string to its own dictionary once per file, not once per row.
 */
export class EncodedStrings {
  /**
   * Records of the file encoded so far: the whole file by the time ingest stores anything (it validates the file
   * first), so an adapter can size its storage once for the file (docs/decisions/0175).
   */
  records = 0;
  readonly subjects: string[] = [];
  /** Type code of each subject (1 natural, 2 legal), as the checker found it. */
  subjectTypes = new Uint8Array(1024);
  readonly agencies: string[] = [];
  readonly bases: string[] = [];
  private readonly subjectIx = new PackedIdMap();
  // Keyed by characters, so the CSV line encoder looks a field up without slicing it (docs/decisions/0185).
  private readonly agencyIx = new CharKeyMap();
  private readonly basisIx = new CharKeyMap(4096);
  // Files hold long runs of one subject, agency or basis: a repeat skips the lookup.
  private lastSubject = '';
  private lastSubjectIx = -1;
  private lastAgency = '';
  private lastAgencyIx = -1;
  private lastBasis = '';
  private lastBasisIx = -1;

  subject(s: string, type: SubjectTypeCode): number {
    if (s === this.lastSubject) return this.lastSubjectIx;
    let ix = this.subjectIx.get(s);
    if (ix < 0) {
      ix = this.subjects.length;
      s = own(s);
      this.subjects.push(s);
      this.subjectIx.set(s, ix);
      if (ix >= this.subjectTypes.length) {
        const t = new Uint8Array(this.subjectTypes.length * 2);
        t.set(this.subjectTypes);
        this.subjectTypes = t;
      }
      this.subjectTypes[ix] = type;
    }
    this.lastSubject = s;
    this.lastSubjectIx = ix;
    return ix;
  }

  /**
   * The type code of a subject already in the table (0 if absent): validation asks here before validating the id
   * again, and the lookup is left as the last subject, so the `subject` call that follows for the same string costs
   * one comparison instead of a second hash lookup.
   */
  knownType(s: string): SubjectTypeCode {
    if (s === this.lastSubject && this.lastSubjectIx >= 0)
      return this.subjectTypes[this.lastSubjectIx] as SubjectTypeCode;
    const ix = this.subjectIx.get(s);
    if (ix < 0) return 0;
    this.lastSubject = s;
    this.lastSubjectIx = ix;
    return this.subjectTypes[ix] as SubjectTypeCode;
  }

  /**
   * Index of the subject units[start, end) already in the table, or -1 (absent, or not an inline-packed id): the CSV
   * line encoder's lookups over the code units of its chunk, no string made (docs/decisions/0185, 0188).
   */
  subjectAtUnits(units: Uint16Array, start: number, end: number): number {
    return this.subjectIx.getUnits(units, start, end);
  }

  /** Index of the agency units[start, end) already in the table, or -1. */
  agencyAtUnits(units: Uint16Array, start: number, end: number): number {
    return this.agencyIx.getUnits(units, start, end);
  }

  /** Index of the basis units[start, end) already in the table, or -1. */
  basisAtUnits(units: Uint16Array, start: number, end: number): number {
    return this.basisIx.getUnits(units, start, end);
  }

  agency(s: string): number {
    if (s === this.lastAgency) return this.lastAgencyIx;
    let ix = this.agencyIx.get(s);
    if (ix < 0) {
      ix = this.agencies.length;
      s = own(s);
      this.agencies.push(s);
      this.agencyIx.set(s, ix);
    }
    this.lastAgency = s;
    this.lastAgencyIx = ix;
    return ix;
  }

  basis(s: string): number {
    if (s === this.lastBasis) return this.lastBasisIx;
    let ix = this.basisIx.get(s);
    if (ix < 0) {
      ix = this.bases.length;
      s = own(s);
      this.bases.push(s);
      this.basisIx.set(s, ix);
    }
    this.lastBasis = s;
    this.lastBasisIx = ix;
    return ix;
  }
}

/**
 * A copy of s that holds only its own characters. A CSV field is a slice of its decoded chunk (V8 keeps substrings of
 * 13+ characters as views into the parent), so a table entry kept for the whole file would otherwise keep its whole
 * chunk alive: every chunk with a new subject, agency or basis, i.e. all of them, promoted to the old generation and
 * marked by every collection. Paid once per distinct string.
 */
export function own(s: string): string {
  return (' ' + s).slice(1);
}

/** Batches filled by EncodedRecords.push from a checker's verdict: the only ones an adapter's bulk path accepts. */
const sealed = new WeakSet<EncodedBatch>();

/** Bytes one record takes in a batch (the columns below, its line included), for memory limits. */
export const ENCODED_BYTES_PER_RECORD = 4 * 5 + 2 * 4 + 8 + 2 + 4;

/** A batch's typed columns (BatchColumns without its length and supersessions). */
type TypedColumns = Omit<BatchColumns, 'length' | 'supRow' | 'supHi' | 'supLo'>;

/** New zeroed typed columns for a batch of `capacity` rows. */
function freshColumns(capacity: number): TypedColumns {
  return {
    idHi: new Uint32Array(capacity),
    idLo: new Uint32Array(capacity),
    subject: new Uint32Array(capacity),
    agency: new Uint32Array(capacity),
    basis: new Uint32Array(capacity),
    kind: new Uint16Array(capacity),
    occurred: new Uint16Array(capacity),
    reported: new Uint16Array(capacity),
    amount: new Float64Array(capacity),
    severity: new Uint16Array(capacity),
    level: new Uint8Array(capacity),
    status: new Uint8Array(capacity),
    line: new Uint32Array(capacity),
  };
}

/** Up to `capacity` validated records as columns. Kinds and severities are catalogue codes (RecordChecker's). */
export class EncodedBatch {
  length = 0;
  readonly idHi: Uint32Array;
  readonly idLo: Uint32Array;
  /** Indexes into strings.subjects / agencies / bases. */
  readonly subject: Uint32Array;
  readonly agency: Uint32Array;
  readonly basis: Uint32Array;
  /** Catalogue kind index. */
  readonly kind: Uint16Array;
  /** Epoch days. */
  readonly occurred: Uint16Array;
  readonly reported: Uint16Array;
  /** NaN = absent. */
  readonly amount: Float64Array;
  /** Kind-local severity code (Catalogue.severityCode), 0 = none. */
  readonly severity: Uint16Array;
  /** 0 = none, else 1 + index in ISSUER_LEVELS. */
  readonly level: Uint8Array;
  /** Index in RECORD_STATUSES. */
  readonly status: Uint8Array;
  /** Rows that supersede another record (ascending) and the target's id halves: sparse, as in the ledgers. */
  readonly supRow: number[] = [];
  readonly supHi: number[] = [];
  readonly supLo: number[] = [];
  /** The file line of each record (ingest reports a storage error there). */
  readonly line: Uint32Array;

  constructor(
    readonly strings: EncodedStrings,
    readonly capacity: number,
    /** Columns to hold this batch's rows instead of new ones (each `capacity` long; appendParts, 0192). */
    columns?: TypedColumns,
  ) {
    const c = columns ?? freshColumns(capacity);
    this.idHi = c.idHi;
    this.idLo = c.idLo;
    this.subject = c.subject;
    this.agency = c.agency;
    this.basis = c.basis;
    this.kind = c.kind;
    this.occurred = c.occurred;
    this.reported = c.reported;
    this.amount = c.amount;
    this.severity = c.severity;
    this.level = c.level;
    this.status = c.status;
    this.line = c.line;
  }

  /** Record i as an object (the ingest lint, tests; the bulk paths never build one). */
  record(i: number, cat: Catalogue): CreditRecord {
    const s = this.strings;
    const k = this.kind[i]!;
    const sev = this.severity[i]!;
    const at = findRow(this.supRow, i);
    return buildRecord(
      formatRecordId(this.idHi[i]!, this.idLo[i]!),
      s.subjects[this.subject[i]!]!,
      cat.kinds[k]!.code,
      this.occurred[i]!,
      this.reported[i]!,
      s.agencies[this.agency[i]!]!,
      s.bases[this.basis[i]!]!,
      this.amount[i]!,
      sev ? cat.kinds[k]!.severities![sev - 1] : undefined,
      this.level[i]!,
      this.status[i]!,
      at >= 0 ? formatRecordId(this.supHi[at]!, this.supLo[at]!) : undefined,
    );
  }
}

/** True for a batch filled only by EncodedRecords.push (adapters check before trusting its contents). */
export function isSealedBatch(b: EncodedBatch): boolean {
  return sealed.has(b);
}

/**
 * A file's valid records, batch by batch. `push` takes a record the checker has just accepted, with its encoded
 * fields still in the checker's slots (RecordChecker.ok / okWithoutId with the id computed), so nothing is parsed
 * or hashed again.
 */
export class EncodedRecords {
  readonly strings = new EncodedStrings();
  readonly batches: EncodedBatch[] = [];
  private current: EncodedBatch | undefined;
  length = 0;
  /** Id halves of the record pushed last. */
  lastHi = 0;
  lastLo = 0;

  constructor(readonly batchSize: number) {}

  /** The batch the next record goes into (a new one when the last is full). */
  open(): EncodedBatch {
    let b = this.current;
    if (!b || b.length === b.capacity) {
      b = this.current = new EncodedBatch(this.strings, this.batchSize);
      sealed.add(b);
      this.batches.push(b);
    }
    return b;
  }

  /** A batch made elsewhere in this module (appendParts) joins the file's, as the one rows go into next. */
  adopt(b: EncodedBatch): void {
    sealed.add(b);
    this.batches.push(b);
    this.current = b;
    this.length += b.length;
    this.strings.records += b.length;
  }

  /** The batch rows go into next if it has room left, else undefined. */
  openBatch(): EncodedBatch | undefined {
    const b = this.current;
    return b && b.length < b.capacity ? b : undefined;
  }

  push(ck: RecordChecker, r: Omit<CreditRecord, 'id'>, line: number): void {
    const b = this.open();
    const i = b.length++;
    const s = this.strings;
    s.records++;
    b.idHi[i] = this.lastHi = ck.idHi;
    b.idLo[i] = this.lastLo = ck.idLo;
    b.subject[i] = s.subject(r.subject, ck.subjectType);
    b.agency[i] = s.agency(r.agency);
    b.basis[i] = s.basis(r.basis);
    b.kind[i] = ck.kind;
    b.occurred[i] = ck.occurred;
    b.reported[i] = ck.reported;
    b.amount[i] = ck.amount;
    b.severity[i] = ck.severity;
    b.level[i] = ck.level;
    b.status[i] = ck.status;
    b.line[i] = line;
    if (ck.hasSupersedes) {
      b.supRow.push(i);
      b.supHi.push(ck.supHi);
      b.supLo.push(ck.supLo);
    }
    this.length++;
  }

  /**
   * A record the CSV line encoder accepted (src/ingest/line-encoder.ts), already as codes: its subject, agency and
   * basis are indexes of this table's strings, and it supersedes nothing. The encoder's slots are read as `push`
   * reads a checker's.
   */
  pushCodes(e: EncodedSlots, line: number): void {
    const b = this.open();
    const i = b.length++;
    this.strings.records++;
    b.idHi[i] = this.lastHi = e.idHi;
    b.idLo[i] = this.lastLo = e.idLo;
    b.subject[i] = e.subject;
    b.agency[i] = e.agency;
    b.basis[i] = e.basis;
    b.kind[i] = e.kind;
    b.occurred[i] = e.occurred;
    b.reported[i] = e.reported;
    b.amount[i] = e.amount;
    b.severity[i] = e.severity;
    b.level[i] = e.level;
    b.status[i] = e.status;
    b.line[i] = line;
    this.length++;
  }
}

/** One record's columns as codes (the CSV line encoder's slots, read by EncodedRecords.pushCodes). */
export interface EncodedSlots {
  idHi: number;
  idLo: number;
  subject: number;
  agency: number;
  basis: number;
  kind: number;
  occurred: number;
  reported: number;
  amount: number;
  severity: number;
  level: number;
  status: number;
}

/** One batch's columns as plain data (EncodedBatch without its string table), as a worker posts them. */
export interface BatchColumns {
  length: number;
  idHi: Uint32Array;
  idLo: Uint32Array;
  subject: Uint32Array;
  agency: Uint32Array;
  basis: Uint32Array;
  kind: Uint16Array;
  occurred: Uint16Array;
  reported: Uint16Array;
  amount: Float64Array;
  severity: Uint16Array;
  level: Uint8Array;
  status: Uint8Array;
  line: Uint32Array;
  supRow: number[];
  supHi: number[];
  supLo: number[];
}

/** A part of a file's encoded records as plain data: its own string table and batches (parallel ingest, 0176). */
export interface EncodedParts {
  subjects: string[];
  subjectTypes: Uint8Array;
  agencies: string[];
  bases: string[];
  batches: BatchColumns[];
  length: number;
}

const COPIED = [
  'idHi',
  'idLo',
  'kind',
  'occurred',
  'reported',
  'amount',
  'severity',
  'level',
  'status',
] as const;

/** `records` as plain data, with the typed arrays to transfer (not copy) when it is posted to another thread. */
export function encodedParts(records: EncodedRecords): { parts: EncodedParts; transfer: ArrayBuffer[] } {
  const s = records.strings;
  const transfer: ArrayBuffer[] = [];
  const batches = records.batches.map((b) => {
    const c: BatchColumns = {
      length: b.length,
      idHi: b.idHi,
      idLo: b.idLo,
      subject: b.subject,
      agency: b.agency,
      basis: b.basis,
      kind: b.kind,
      occurred: b.occurred,
      reported: b.reported,
      amount: b.amount,
      severity: b.severity,
      level: b.level,
      status: b.status,
      line: b.line,
      supRow: b.supRow,
      supHi: b.supHi,
      supLo: b.supLo,
    };
    for (const k of [...COPIED, 'subject', 'agency', 'basis', 'line'] as const)
      transfer.push(c[k].buffer as ArrayBuffer);
    return c;
  });
  const parts: EncodedParts = {
    subjects: s.subjects,
    subjectTypes: s.subjectTypes.subarray(0, s.subjects.length),
    agencies: s.agencies,
    bases: s.bases,
    batches,
    length: records.length,
  };
  return { parts, transfer };
}

/**
 * Append the records of a later part of the same file, in order, as if they had been pushed here: its strings are
 * mapped into this table and its rows continue the current batch, so batches are still cut every `batchSize` records
 * of the file (the units a stopped ingest has acknowledged). `lineOffset` is added to each line.
 */
export function appendParts(to: EncodedRecords, p: EncodedParts, lineOffset: number): void {
  const s = to.strings;
  const subj = new Uint32Array(p.subjects.length);
  for (let i = 0; i < subj.length; i++)
    subj[i] = s.subject(p.subjects[i]!, p.subjectTypes[i]! as SubjectTypeCode);
  const ag = new Uint32Array(p.agencies.length);
  for (let i = 0; i < ag.length; i++) ag[i] = s.agency(p.agencies[i]!);
  const bs = new Uint32Array(p.bases.length);
  for (let i = 0; i < bs.length; i++) bs[i] = s.basis(p.bases[i]!);
  const size = to.batchSize;
  const src = p.batches;
  // The part's batches are cut at multiples of the batch size from its own start: full, each as long as ours, but
  // the last. Then its rows are re-cut in its own columns (a shift within a batch and the next batch's head moved
  // up), not copied into new batches: no fresh memory for half the file (docs/decisions/0192). Else copied.
  const fits = src.every(
    (b, j) => (j === src.length - 1 || b.length === size) && COLUMNS.every((k) => b[k].length === size),
  );
  if (!fits) {
    copyParts(to, p, lineOffset, subj, ag, bs);
    return;
  }
  // The open batch filled first, from the part's first rows.
  const open = to.openBatch();
  const d = open ? copyParts(to, p, lineOffset, subj, ag, bs, open.capacity - open.length) : 0;
  for (let k = 0; k < src.length; k++) {
    const b = src[k]!;
    const next = src[k + 1];
    // Rows [d, b.length) of this batch and the first d rows of the next: the part's rows from d + k * size on.
    const own = b.length - d;
    const take = next ? Math.min(d, next.length) : 0;
    const n = own + take;
    if (n <= 0) break;
    if (d > 0)
      for (const c of COLUMNS) {
        b[c].copyWithin(0, d, b.length);
        if (take) (b[c] as Uint32Array).set((next![c] as Uint32Array).subarray(0, take), own);
      }
    const sS = b.subject;
    const sA = b.agency;
    const sB = b.basis;
    const sL = b.line;
    for (let i = 0; i < n; i++) {
      sS[i] = subj[sS[i]!]!;
      sA[i] = ag[sA[i]!]!;
      sB[i] = bs[sB[i]!]!;
      sL[i] = sL[i]! + lineOffset;
    }
    const out = new EncodedBatch(s, size, b);
    out.length = n;
    for (let j = 0; j < b.supRow.length; j++)
      if (b.supRow[j]! >= d) {
        out.supRow.push(b.supRow[j]! - d);
        out.supHi.push(b.supHi[j]!);
        out.supLo.push(b.supLo[j]!);
      }
    if (next)
      for (let j = 0; j < next.supRow.length && next.supRow[j]! < take; j++) {
        out.supRow.push(next.supRow[j]! + own);
        out.supHi.push(next.supHi[j]!);
        out.supLo.push(next.supLo[j]!);
      }
    to.adopt(out);
  }
}

/** Every typed column of a batch. */
const COLUMNS = [...COPIED, 'subject', 'agency', 'basis', 'line'] as const;

/** appendParts by copying the part's rows (`rows` of them at most) into batches of `to`; returns how many. */
function copyParts(
  to: EncodedRecords,
  p: EncodedParts,
  lineOffset: number,
  subj: Uint32Array,
  ag: Uint32Array,
  bs: Uint32Array,
  rows = Infinity,
): number {
  const s = to.strings;
  let copied = 0;
  for (const src of p.batches) {
    let from = 0;
    let sup = 0;
    while (from < src.length && copied < rows) {
      const b = to.open();
      const n = Math.min(src.length - from, b.capacity - b.length, rows - copied);
      const at = b.length;
      for (const k of COPIED) b[k].set(src[k].subarray(from, from + n), at);
      const sS = src.subject;
      const sA = src.agency;
      const sB = src.basis;
      const sL = src.line;
      for (let k = 0; k < n; k++) {
        b.subject[at + k] = subj[sS[from + k]!]!;
        b.agency[at + k] = ag[sA[from + k]!]!;
        b.basis[at + k] = bs[sB[from + k]!]!;
        b.line[at + k] = sL[from + k]! + lineOffset;
      }
      for (; sup < src.supRow.length && src.supRow[sup]! < from + n; sup++) {
        b.supRow.push(src.supRow[sup]! - from + at);
        b.supHi.push(src.supHi[sup]!);
        b.supLo.push(src.supLo[sup]!);
      }
      b.length += n;
      to.length += n;
      s.records += n;
      from += n;
      copied += n;
    }
  }
  return copied;
}

/** Position of `row` in the ascending list `rows`, or -1. */
function findRow(rows: readonly number[], row: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = rows[mid]!;
    if (v === row) return mid;
    if (v < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Records checked one by one (RecordChecker.ok: the same verdict as Ledger.append) and encoded for the bulk path,
 * their line being their position + 1. One bad record throws the batch error append would, naming every bad one.
 */
export function encodeRecords(
  cat: Catalogue,
  records: readonly CreditRecord[],
  batchSize = 50_000,
): EncodedRecords {
  const ck = new RecordChecker(cat);
  const out = new EncodedRecords(batchSize);
  const bad: number[] = [];
  for (let i = 0; i < records.length; i++) {
    if (i % 100_000 === 0) ck.beginBatch();
    if (!ck.ok(records[i]!)) bad.push(i);
    else if (!bad.length) out.push(ck, records[i]!, i + 1);
  }
  if (bad.length) rejectBatch(records, bad, cat);
  return out;
}
