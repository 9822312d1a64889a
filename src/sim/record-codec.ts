// A district epoch's credit records as columns for the trip from a worker to the main thread: typed arrays handed over
// by transfer and two string arrays, instead of an object per record for structured clone to walk and rebuild.
import type { CreditRecord } from '../core/types.js';

/** Vocabulary slots of a record, in FIELDS order; an optional field absent from a record holds -1. */
const FIELDS = [
  'kind',
  'occurredAt',
  'reportedAt',
  'agency',
  'status',
  'severity',
  'level',
  'supersedes',
] as const;
const W = FIELDS.length;

export interface RecordColumnsMsg {
  /** Each record's W vocabulary indexes (FIELDS order), record after record. */
  fields: Int32Array;
  /** The strings the indexes point to: kinds, dates, agencies, codes (a few hundred per epoch). */
  vocab: string[];
  amount: Float64Array;
  /** 1 where the record has an amount. */
  hasAmount: Uint8Array;
  id: string[];
  basis: string[];
}

/**
 * The records as columns. The subject is not carried: the main thread names it from the record's subject index (the
 * district output's recordSubject), with the same function the worker named it with.
 */
export function encodeRecords(records: readonly CreditRecord[]): RecordColumnsMsg {
  const n = records.length;
  const fields = new Int32Array(n * W);
  const amount = new Float64Array(n);
  const hasAmount = new Uint8Array(n);
  const id = new Array<string>(n);
  const basis = new Array<string>(n);
  const vocab: string[] = [];
  const index = new Map<string, number>();
  const slot = (s: string | undefined): number => {
    if (s === undefined) return -1;
    let ix = index.get(s);
    if (ix === undefined) {
      ix = vocab.length;
      vocab.push(s);
      index.set(s, ix);
    }
    return ix;
  };
  for (let k = 0; k < n; k++) {
    const r = records[k]!;
    const o = k * W;
    fields[o] = slot(r.kind);
    fields[o + 1] = slot(r.occurredAt);
    fields[o + 2] = slot(r.reportedAt);
    fields[o + 3] = slot(r.agency);
    fields[o + 4] = slot(r.status);
    fields[o + 5] = slot(r.severity);
    fields[o + 6] = slot(r.level);
    fields[o + 7] = slot(r.supersedes);
    if (r.amount !== undefined) {
      amount[k] = r.amount;
      hasAmount[k] = 1;
    }
    id[k] = r.id;
    basis[k] = r.basis;
  }
  return { fields, vocab, amount, hasAmount, id, basis };
}

/** The buffers of `m` to hand over by transfer. */
export function recordBuffers(m: RecordColumnsMsg): ArrayBuffer[] {
  return [m.fields.buffer as ArrayBuffer, m.amount.buffer as ArrayBuffer, m.hasAmount.buffer as ArrayBuffer];
}

/**
 * The records again, each with its fields in makeRecord's order (the order the worker's objects had, so the main
 * thread sees records of the same shapes as before); `subjectOf` names a subject index.
 */
export function decodeRecords(
  m: RecordColumnsMsg,
  subjects: Int32Array,
  subjectOf: (subject: number) => string,
): CreditRecord[] {
  const n = m.id.length;
  const out = new Array<CreditRecord>(n);
  const { fields, vocab } = m;
  for (let k = 0; k < n; k++) {
    const o = k * W;
    const r: CreditRecord = {
      id: m.id[k]!,
      subject: subjectOf(subjects[k]!),
      kind: vocab[fields[o]!]!,
      occurredAt: vocab[fields[o + 1]!]!,
      reportedAt: vocab[fields[o + 2]!]!,
      agency: vocab[fields[o + 3]!]!,
      basis: m.basis[k]!,
      status: vocab[fields[o + 4]!]! as CreditRecord['status'],
    };
    if (m.hasAmount[k]) r.amount = m.amount[k]!;
    if (fields[o + 5]! >= 0) r.severity = vocab[fields[o + 5]!]!;
    if (fields[o + 6]! >= 0) r.level = vocab[fields[o + 6]!]! as NonNullable<CreditRecord['level']>;
    if (fields[o + 7]! >= 0) r.supersedes = vocab[fields[o + 7]!]!;
    out[k] = r;
  }
  return out;
}
