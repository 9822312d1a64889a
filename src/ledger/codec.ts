// Decoding stored columns back into CreditRecords, shared by the adapters: day strings, code tables, row order.
import { fromEpochDay } from '../core/dates.js';
import { MosaicError } from '../core/errors.js';
import { ISSUER_LEVELS, RECORD_STATUSES, type CreditRecord } from '../core/types.js';
import { parseDay } from './record-check.js';

const dayStrings: (string | undefined)[] = [];

/** 'YYYY-MM-DD' of an epoch day, memoised (exports and reads turn millions of days back into strings). */
export function dayString(day: number): string {
  return (dayStrings[day] ??= fromEpochDay(day));
}

/** Level code (0 none, 1 + index in ISSUER_LEVELS) back to its name. */
export function levelName(code: number): CreditRecord['level'] {
  return code === 0 ? undefined : ISSUER_LEVELS[code - 1];
}

export function statusName(code: number): CreditRecord['status'] {
  return RECORD_STATUSES[code]!;
}

/** The `asOf` argument of readSubject as an epoch day (Infinity when omitted). */
export function asOfDay(asOf: string | undefined): number {
  if (asOf === undefined) return Infinity;
  const day = parseDay(asOf);
  if (Number.isNaN(day))
    throw new MosaicError({ code: 'ledger.bad_date', message: `as-of date '${asOf}' is not YYYY-MM-DD` });
  return day;
}

/** readSubject order: occurredAt, reportedAt, id. */
export function compareRecords(a: CreditRecord, b: CreditRecord): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt ? -1 : 1;
  if (a.reportedAt !== b.reportedAt) return a.reportedAt < b.reportedAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Build a record with optional fields present only when set (the shape makeRecord produces). */
export function buildRecord(
  id: string,
  subject: string,
  kind: string,
  occurred: number,
  reported: number,
  agency: string,
  basis: string,
  amount: number,
  severity: string | undefined,
  level: number,
  status: number,
  supersedes: string | undefined,
): CreditRecord {
  const r: CreditRecord = {
    id,
    subject,
    kind,
    occurredAt: dayString(occurred),
    reportedAt: dayString(reported),
    agency,
    basis,
    status: statusName(status),
  };
  if (!Number.isNaN(amount)) r.amount = amount;
  if (severity !== undefined) r.severity = severity;
  const lv = levelName(level);
  if (lv !== undefined) r.level = lv;
  if (supersedes !== undefined) r.supersedes = supersedes;
  return r;
}
