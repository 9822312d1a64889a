// Validation at the ledger's door: the reference check (core validateRecord plus ledger rules) and a fast path
// proven equal to it by differential tests, which also leaves each valid record's encoded fields behind.
import { levelCode, validateRecord, type Catalogue } from '../core/catalogue-model.js';
import { toEpochDay } from '../core/dates.js';
import { MosaicError, type Issue } from '../core/errors.js';
import { validateSubjectId } from '../core/identifiers.js';
import { RECORD_STATUSES, recordId, type CreditRecord, type SubjectType } from '../core/types.js';
import { PackedIdMap } from './packed-ids.js';
import { formatRecordId, idOut, parseRecordId, recordIdHalves } from './record-id.js';

/** Columns hold dates as Uint16 epoch days (RecordColumns), so every adapter accepts exactly this range. */
export const MIN_DAY = 0;
export const MAX_DAY = 65_535;
/** A batch error lists at most this many issues, then one `ledger.more_issues` summary. */
export const MAX_BATCH_ISSUES = 1000;

const REQUIRED_STRINGS = [
  'id',
  'subject',
  'kind',
  'occurredAt',
  'reportedAt',
  'agency',
  'basis',
  'status',
] as const;

function issue(code: string, message: string, field: string): Issue {
  return { code, message, location: { path: [field] } };
}

/**
 * The reference check of one record, in the order a reader would: shape, then core validateRecord, then the
 * ledger's own rules (id equals recordId of the fields, dates fit the columns, supersedes names an id).
 */
export function checkRecord(r: unknown, cat: Catalogue): Issue[] {
  if (typeof r !== 'object' || r === null || Array.isArray(r))
    return [{ code: 'record.not_object', message: 'a record must be an object', location: { path: [] } }];
  const rec = r as Record<string, unknown>;
  const shape: Issue[] = [];
  for (const f of REQUIRED_STRINGS)
    if (typeof rec[f] !== 'string')
      shape.push(issue('record.bad_type', `${f} must be a string, got ${describe(rec[f])}`, f));
  if (rec.amount !== undefined && typeof rec.amount !== 'number')
    shape.push(issue('record.bad_type', `amount must be a number, got ${describe(rec.amount)}`, 'amount'));
  for (const f of ['severity', 'level'] as const)
    if (rec[f] !== undefined && typeof rec[f] !== 'string')
      shape.push(issue('record.bad_type', `${f} must be a string, got ${describe(rec[f])}`, f));
  if (rec.supersedes !== undefined && rec.supersedes !== null && typeof rec.supersedes !== 'string')
    shape.push(
      issue('record.bad_type', `supersedes must be a string, got ${describe(rec.supersedes)}`, 'supersedes'),
    );
  if (shape.length) return shape;
  const cr = r as CreditRecord;
  const out = validateRecord(cr, cat);
  if (cr.id !== recordId(cr))
    out.push(
      issue(
        'record.bad_id',
        `id ${cr.id} is not the hash of the record's fields (expected ${recordId(cr)})`,
        'id',
      ),
    );
  for (const f of ['occurredAt', 'reportedAt'] as const) {
    const day = toEpochDay(cr[f]);
    if (!Number.isNaN(day) && (day < MIN_DAY || day > MAX_DAY))
      out.push(issue('record.date_out_of_range', `${f} ${cr[f]} is outside 1970-01-01..2149-06-06`, f));
  }
  if (cr.supersedes && !parseRecordId(cr.supersedes))
    out.push(
      issue('record.bad_supersedes', `supersedes '${cr.supersedes}' is not a record id`, 'supersedes'),
    );
  return out;
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

const STATUS_CODE = new Map<string, number>(RECORD_STATUSES.map((s, i) => [s, i]));

/**
 * Days since 1970-01-01 of a YYYY-MM-DD string, NaN if it is not one. Same answer as core/dates toEpochDay for
 * every input (including its rejection of years below 100, which Date.UTC would shift into the 1900s), by
 * arithmetic instead of a regex and two Date objects.
 */
export function parseDay(s: string): number {
  return s.length === 10 ? parseDayAt(s, 0) : NaN;
}

/** parseDay of the ten code units text[at, at + 10) (the caller has checked there are ten): no string sliced. */
export function parseDayAt(s: string, at: number): number {
  if (s.charCodeAt(at + 4) !== 45 || s.charCodeAt(at + 7) !== 45) return NaN;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const d = s.charCodeAt(at + i) - 48;
    if (d < 0 || d > 9) return NaN;
    y = y * 10 + d;
  }
  const m1 = s.charCodeAt(at + 5) - 48;
  const m2 = s.charCodeAt(at + 6) - 48;
  const d1 = s.charCodeAt(at + 8) - 48;
  const d2 = s.charCodeAt(at + 9) - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return NaN;
  return civilDay(y, m1 * 10 + m2, d1 * 10 + d2);
}

/** Days since 1970-01-01 of year y, month m, day d, NaN unless a date of a year ≥ 100 (parseDayAt's arithmetic). */
function civilDay(y: number, m: number, d: number): number {
  if (y < 100 || m < 1 || m > 12 || d < 1) return NaN;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  if (d > dim) return NaN;
  // Days from civil (H. Hinnant); y >= 100 keeps every division non-negative.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** parseDayAt over code units already copied out of the text (CsvLineEncoder's view of a chunk). */
export function parseDayUnits(s: Uint16Array, at: number): number {
  if (s[at + 4]! !== 45 || s[at + 7]! !== 45) return NaN;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const d = s[at + i]! - 48;
    if (d < 0 || d > 9) return NaN;
    y = y * 10 + d;
  }
  const m1 = s[at + 5]! - 48;
  const m2 = s[at + 6]! - 48;
  const d1 = s[at + 8]! - 48;
  const d2 = s[at + 9]! - 48;
  if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return NaN;
  return civilDay(y, m1 * 10 + m2, d1 * 10 + d2);
}

/** How a check treats the id: verify the given one, compute it, skip it, or trust a sealed record's (seal()). */
const ID_VERIFY = 0;
const ID_COMPUTE = 1;
const ID_SKIP = 2;
const ID_SEALED = 3;
/** Frozen records whose id a checker computed from their fields (see RecordChecker.seal). */
const verified = new WeakSet<object>();

/** Subject type codes used by the checker and the dictionaries: 0 unknown, 1 natural, 2 legal. */
export type SubjectTypeCode = 0 | 1 | 2;
export const subjectTypeCode = (t: SubjectType): SubjectTypeCode => (t === 'natural' ? 1 : 2);

/**
 * The fast path. `ok(r)` answers exactly `checkRecord(r, cat).length === 0` (differential tests hold it to that)
 * and, when true, leaves r's encoded fields in the public slots below for the adapter to copy into its columns.
 * Subject ids are validated once: `known` asks the adapter's dictionary, and a per-batch memo covers the rest.
 */
export class RecordChecker {
  idHi = 0;
  idLo = 0;
  kind = 0;
  occurred = 0;
  reported = 0;
  /** NaN when absent. */
  amount = NaN;
  severity = 0;
  level = 0;
  status = 0;
  hasSupersedes = false;
  supHi = 0;
  supLo = 0;
  subjectType: SubjectTypeCode = 0;

  /** Subject id → type code, for ids not in the adapter's dictionary: packed inline, no string compare (0140). */
  private readonly memo = new PackedIdMap();
  private readonly kindSubjects: Uint8Array;
  private readonly kindNeedsAmount: Uint8Array;

  constructor(
    readonly catalogue: Catalogue,
    private readonly known: (subject: string) => SubjectTypeCode = () => 0,
  ) {
    const n = catalogue.kinds.length;
    // Bit 1: natural persons allowed, bit 2: legal persons allowed.
    this.kindSubjects = new Uint8Array(n);
    this.kindNeedsAmount = new Uint8Array(n);
    catalogue.kinds.forEach((k, i) => {
      this.kindSubjects[i] =
        (k.subjects.includes('natural') ? 1 : 0) | (k.subjects.includes('legal') ? 2 : 0);
      this.kindNeedsAmount[i] = k.unit ? 1 : 0;
    });
  }

  /** Forget the per-batch subject memo (adapters call this once per batch so it stays batch-sized). */
  beginBatch(): void {
    this.memo.clear();
  }

  private typeOf(subject: string): SubjectTypeCode {
    const k = this.known(subject);
    if (k !== 0) return k;
    const m = this.memo.get(subject);
    if (m >= 0) return m as SubjectTypeCode;
    const v = validateSubjectId(subject);
    const t: SubjectTypeCode = v.ok ? (v.type === 'natural' ? 1 : 2) : 0;
    this.memo.set(subject, t);
    return t;
  }

  ok(r: CreditRecord): boolean {
    return this.check(r, verified.has(r) ? ID_SEALED : ID_VERIFY);
  }

  /**
   * `ok` for a record whose `id` is still to be computed (ingest builds records from rows): every check but the id's
   * own, and the id halves computed from the fields are left in idHi/idLo. The hash is the largest cost of a check,
   * so a row pays for it once. Answers `checkRecord({...r, id: recordId(r)}).length === 0` (tested).
   */
  okWithoutId(r: Omit<CreditRecord, 'id'>, computeId = true): boolean {
    if (!this.check(r as CreditRecord, computeId ? ID_COMPUTE : ID_SKIP)) return false;
    if (computeId) this.computed = r;
    return true;
  }

  /**
   * Give the record just accepted by okWithoutId its id, freeze it, and remember it as verified: a ledger checking it
   * later parses that id instead of hashing the fields again (freezing is what makes the memory sound).
   */
  seal(r: Omit<CreditRecord, 'id'>): CreditRecord {
    if (r !== this.computed) throw new Error('seal: not the record okWithoutId last accepted');
    this.computed = undefined;
    const rec = r as CreditRecord;
    rec.id = formatRecordId(this.idHi, this.idLo);
    verified.add(Object.freeze(rec));
    return rec;
  }

  private computed: object | undefined;

  private check(r: CreditRecord, idMode: number): boolean {
    if (typeof r !== 'object' || r === null) return false;
    const {
      id,
      subject,
      kind,
      occurredAt,
      reportedAt,
      agency,
      basis,
      status,
      amount,
      severity,
      level,
      supersedes,
    } = r;
    if (
      (typeof id !== 'string' && idMode !== ID_COMPUTE && idMode !== ID_SKIP) ||
      typeof subject !== 'string' ||
      typeof kind !== 'string' ||
      typeof occurredAt !== 'string' ||
      typeof reportedAt !== 'string' ||
      typeof agency !== 'string' ||
      typeof basis !== 'string' ||
      typeof status !== 'string' ||
      Array.isArray(r)
    )
      return false;
    if (agency.length === 0 || basis.length === 0) return false;
    const st = STATUS_CODE.get(status);
    if (st === undefined) return false;
    const ki = this.catalogue.index(kind);
    if (ki < 0) return false;
    const occ = parseDay(occurredAt);
    const rep = parseDay(reportedAt);
    // NaN fails every comparison, so this also rejects malformed dates.
    if (!(occ >= MIN_DAY && occ <= MAX_DAY && rep >= MIN_DAY && rep <= MAX_DAY) || rep < occ) return false;
    let amt = NaN;
    if (amount !== undefined) {
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) return false;
      amt = amount;
    } else if (this.kindNeedsAmount[ki] === 1 && st !== 2) return false;
    let sev = 0;
    if (severity !== undefined) {
      if (typeof severity !== 'string') return false;
      sev = this.catalogue.severityCode(ki, severity);
      if (sev <= 0) return false;
    }
    let lvl = 0;
    if (level !== undefined) {
      if (typeof level !== 'string') return false;
      lvl = levelCode(level);
      if (lvl <= 0) return false;
    }
    let hasSup = false;
    if (supersedes !== undefined && supersedes !== null) {
      if (typeof supersedes !== 'string') return false;
      if (supersedes.length > 0) {
        if (!parseRecordId(supersedes)) return false;
        this.supHi = idOut.hi;
        this.supLo = idOut.lo;
        hasSup = true;
      }
    }
    if (st !== 0 && !hasSup) return false;
    const t = this.typeOf(subject);
    if (t === 0 || (this.kindSubjects[ki]! & t) === 0) return false;
    if (idMode === ID_COMPUTE) recordIdHalves(r);
    else if (idMode === ID_SEALED) {
      if (!parseRecordId(id)) return false;
    } else if (idMode === ID_VERIFY) {
      if (!parseRecordId(id)) return false;
      const givenHi = idOut.hi;
      const givenLo = idOut.lo;
      recordIdHalves(r);
      if (idOut.hi !== givenHi || idOut.lo !== givenLo) return false;
    }
    this.idHi = idOut.hi;
    this.idLo = idOut.lo;
    this.kind = ki;
    this.occurred = occ;
    this.reported = rep;
    this.amount = amt;
    this.severity = sev;
    this.level = lvl;
    this.status = st;
    this.hasSupersedes = hasSup;
    this.subjectType = t;
    return true;
  }
}

/** Issues for the records of a batch that fail the fast path, each located at ['records', index, field]. */
export function batchIssues(records: readonly unknown[], bad: readonly number[], cat: Catalogue): Issue[] {
  const out: Issue[] = [];
  let more = 0;
  for (const i of bad) {
    for (const iss of checkRecord(records[i], cat)) {
      if (out.length >= MAX_BATCH_ISSUES) {
        more++;
        continue;
      }
      out.push({
        ...iss,
        location: { ...iss.location, path: ['records', i, ...(iss.location?.path ?? [])] },
      });
    }
  }
  if (more)
    out.push({
      code: 'ledger.more_issues',
      message: `${more} more issues in this batch were not listed`,
      location: { path: ['records'] },
    });
  return out;
}

/** Throw the batch's MosaicError (the caller has stored nothing): issues of the `bad` records, then `extra`. */
export function rejectBatch(
  records: readonly unknown[],
  bad: readonly number[],
  cat: Catalogue,
  extra: readonly Issue[] = [],
): never {
  const issues = [...batchIssues(records, bad, cat), ...extra];
  // The fast path and the reference disagree only if there is a bug; say so rather than throw an empty error.
  if (issues.length === 0)
    issues.push({
      code: 'ledger.internal',
      message: `records ${bad.slice(0, 5).join(', ')} failed the fast check but pass the reference check`,
    });
  throw new MosaicError(issues);
}
