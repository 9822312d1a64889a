// The fastest way from a plain CSV line to an encoded record: the line's characters read in place (no string per
// field, no record object; a string only for a subject, agency or basis the file shows for the first time). Anything
// it cannot vouch for is left to CsvRecordBuilder and rowToRecord, which decide and report (docs/decisions/0185).
import type { Catalogue } from '../core/catalogue.js';
import { ISSUER_LEVELS } from '../core/types.js';
import { CharKeyMap } from '../ledger/char-keys.js';
import type { EncodedRecords, EncodedSlots } from '../ledger/encoded.js';
import { validateSubjectId } from '../core/identifiers.js';
import { MAX_DAY, MIN_DAY, parseDay, parseDayUnits, type SubjectTypeCode } from '../ledger/record-check.js';
import {
  amountKeyLength,
  idHashAmount,
  idHashBegin,
  idHashEnd,
  idHashUnits,
  idHashSeparator,
  idHashString,
  idOut,
} from '../ledger/record-id.js';
import { amountOutOfUnit, unsafeUnit } from './row-checks.js';
import { fieldOf, type RowCheckOptions } from './rows.js';

const COMMA = 44;
const ORIGINAL = 'original';
/** Where a field the header lacks "is": an empty range. */
const ABSENT = -1;

/**
 * Encodes a plain CSV line (no quotes, fields split on every comma) straight into EncodedRecords, or answers false.
 * It accepts a line only when every field is in a form whose verdict it can give exactly as the reference path
 * would (CsvRecordBuilder → RecordChecker and the ingest checks, or rowToRecord): subject, agency and basis looked up
 * in the file's string table by their characters (one found there was valid, admitted under the agency limit and not
 * blank when first seen; one not found is checked as the reference checks it, and stored only once the whole line
 * passed), catalogue codes found character by character, dates in YYYY-MM-DD, an amount of plain digits with at most two
 * decimals, status empty or `original`, no id and no supersedes, and no unsafe or control character. The record it
 * encodes is the one the reference would build, id included (a differential test holds the two equal). A false is
 * no verdict: the caller reads the line the ordinary way.
 */
export class CsvLineEncoder implements EncodedSlots {
  idHi = 0;
  idLo = 0;
  subject = 0;
  agency = 0;
  basis = 0;
  kind = 0;
  occurred = 0;
  reported = 0;
  amount = NaN;
  severity = 0;
  level = 0;
  status = 0;

  /** Column of each field in the line, ABSENT when the header has none. */
  private readonly col: Record<string, number> = {};
  private readonly columns: number;
  /** Start and end of each column's text in the line being read. */
  private readonly from: Int32Array;
  private readonly to: Int32Array;
  /** The text whose code units `units` holds (the chunk the lines are read from). */
  private text = '';
  private unitBytes = Buffer.alloc(0);
  private units = new Uint16Array(0);
  private readonly kinds = new CharKeyMap(64);
  /** Per kind: bit 1 natural persons allowed, bit 2 legal persons (as RecordChecker). */
  private readonly kindSubjects: Uint8Array;
  private readonly kindUnit: (string | undefined)[];
  private readonly severities = new CharKeyMap(64);
  /** severityCode[kind * severityCount + severity string's index] (Catalogue.severityCode; -1 unknown). */
  private readonly severityCodes: Int16Array;
  private readonly severityCount: number;
  private readonly levels = new CharKeyMap(16);
  /** Refuse dates after this epoch day (the report date), or Infinity; NaN: the report date is not a date, so never. */
  private readonly lastDay: number;

  constructor(
    header: readonly string[],
    private readonly cat: Catalogue,
    checks: RowCheckOptions,
    private readonly out: EncodedRecords,
    /** The agency limit's admission of an agency the table does not hold yet (AgencyLimit.admit). */
    private readonly admit: (agency: string) => boolean,
  ) {
    this.columns = header.length;
    this.from = new Int32Array(header.length + 1);
    this.to = new Int32Array(header.length + 1);
    for (const f of [
      'id',
      'subject',
      'kind',
      'occurredAt',
      'reportedAt',
      'agency',
      'basis',
      'amount',
      'severity',
      'level',
      'status',
      'supersedes',
    ])
      this.col[f] = ABSENT;
    header.forEach((name, i) => {
      const f = fieldOf(name);
      if (f !== undefined && this.col[f] === ABSENT) this.col[f] = i;
    });
    // The empty range of an absent field sits in the spare slot past the last column.
    this.from[header.length] = this.to[header.length] = 0;
    for (const f in this.col) if (this.col[f] === ABSENT) this.col[f] = header.length;
    const allSeverities: string[] = [];
    cat.kinds.forEach((k, i) => {
      this.kinds.set(k.code, i);
      for (const s of k.severities ?? [])
        if (this.severities.get(s) < 0) {
          this.severities.set(s, allSeverities.length);
          allSeverities.push(s);
        }
    });
    this.kindSubjects = new Uint8Array(
      cat.kinds.map((k) => (k.subjects.includes('natural') ? 1 : 0) | (k.subjects.includes('legal') ? 2 : 0)),
    );
    this.kindUnit = cat.kinds.map((k) => k.unit);
    this.severityCount = allSeverities.length;
    this.severityCodes = new Int16Array(cat.kinds.length * allSeverities.length);
    cat.kinds.forEach((_, ki) =>
      allSeverities.forEach(
        (s, si) => (this.severityCodes[ki * allSeverities.length + si] = cat.severityCode(ki, s)),
      ),
    );
    ISSUER_LEVELS.forEach((l, i) => this.levels.set(l, i + 1));
    // The reference compares dates as strings; for two YYYY-MM-DD dates that is the order of their days.
    this.lastDay = checks.reportDate === undefined ? Infinity : parseDay(checks.reportDate);
  }

  /**
   * Encode text[start, end) (one line, without its line end) as a record at `line`, or answer false having stored
   * nothing. The line may hold any character: one the text-safety check refuses (UNSAFE_TEXT), or any other control
   * character, gets no verdict here.
   */
  encode(text: string, start: number, end: number, line: number): boolean {
    if (!(this.lastDay >= 0)) return false;
    // The chunk's code units copied once into a typed array (a memcpy for two-byte text), read from there: indexing
    // it is cheaper than charCodeAt on the chunk's string, and every field below is read at least twice.
    if (text !== this.text) this.copyUnits(text);
    const units = this.units;
    // One pass over the characters: split on commas (exactly as many fields as the header, else the reference
    // reports the count) and refuse unsafe text (what the chunk's UNSAFE_TEXT scan did before; a second pass).
    const from = this.from;
    const to = this.to;
    const last = this.columns - 1;
    let k = 0;
    from[0] = start;
    for (let i = start; i < end; i++) {
      const c = units[i]!;
      if (c < 45) {
        if (c === COMMA) {
          if (k === last) return false;
          to[k++] = i;
          from[k] = i + 1;
          continue;
        }
        // Controls but the tab: those UNSAFE_TEXT refuses, and a line end that has no business inside a line.
        if (c < 32 && c !== 9) return false;
      } else if (c >= 127 && unsafeUnit(c)) return false;
    }
    if (k !== last) return false;
    to[k] = end;
    const col = this.col;
    // No id to compare and nothing superseded (a correction is noted by the caller, on the reference path).
    const cId = col.id!;
    const cSup = col.supersedes!;
    if (to[cId]! > from[cId]! || to[cSup]! > from[cSup]!) return false;
    const cStatus = col.status!;
    const st0 = from[cStatus]!;
    const st1 = to[cStatus]!;
    if (st1 > st0 && !isText(units, st0, st1, ORIGINAL)) return false;
    const cSubject = col.subject!;
    const s0 = from[cSubject]!;
    const s1 = to[cSubject]!;
    const strings = this.out.strings;
    if (s1 === s0) return false;
    let subject = strings.subjectAtUnits(units, s0, s1);
    // A subject the table does not hold yet is validated here, as the reference validates it (its id's rules).
    let subjectText = '';
    let type: number;
    if (subject >= 0) type = strings.subjectTypes[subject]!;
    else {
      subjectText = text.slice(s0, s1);
      const v = validateSubjectId(subjectText);
      if (!v.ok) return false;
      type = v.type === 'natural' ? 1 : 2;
    }
    const cKind = col.kind!;
    const k0 = from[cKind]!;
    const k1 = to[cKind]!;
    const ki = this.kinds.getUnits(units, k0, k1);
    if (ki < 0 || (this.kindSubjects[ki]! & type) === 0) return false;
    const cOcc = col.occurredAt!;
    const o0 = from[cOcc]!;
    const cRep = col.reportedAt!;
    const r0 = from[cRep]!;
    if (to[cOcc]! - o0 !== 10 || to[cRep]! - r0 !== 10) return false;
    const occ = parseDayUnits(units, o0);
    const rep = parseDayUnits(units, r0);
    // NaN fails every comparison, so this also refuses malformed dates.
    if (!(occ >= MIN_DAY && rep <= MAX_DAY && rep >= occ && rep <= this.lastDay)) return false;
    const cAgency = col.agency!;
    const a0 = from[cAgency]!;
    const a1 = to[cAgency]!;
    if (a1 === a0) return false;
    let agency = strings.agencyAtUnits(units, a0, a1);
    const cBasis = col.basis!;
    const b0 = from[cBasis]!;
    const b1 = to[cBasis]!;
    if (b1 === b0) return false;
    let basis = strings.basisAtUnits(units, b0, b1);
    const cAmount = col.amount!;
    const m0 = from[cAmount]!;
    const m1 = to[cAmount]!;
    let amount = NaN;
    let amountLength = 0;
    if (m1 > m0) {
      amount = plainAmount(units, m0, m1);
      const unit = this.kindUnit[ki];
      if (!(amount >= 0) || unit === undefined || amountOutOfUnit(amount, unit) !== undefined) return false;
      amountLength = amountKeyLength(amount);
      if (amountLength < 0) return false;
    } else if (this.kindUnit[ki] !== undefined) return false;
    const cSev = col.severity!;
    const v0 = from[cSev]!;
    const v1 = to[cSev]!;
    let severity = 0;
    if (v1 > v0) {
      const si = this.severities.getUnits(units, v0, v1);
      if (si < 0) return false;
      severity = this.severityCodes[ki * this.severityCount + si]!;
      if (severity <= 0) return false;
    }
    const cLevel = col.level!;
    const l0 = from[cLevel]!;
    const l1 = to[cLevel]!;
    let level = 0;
    if (l1 > l0) {
      level = this.levels.getUnits(units, l0, l1);
      if (level <= 0) return false;
    }
    // recordId's key: the fields in its order joined by nine separators, the status as the record holds it.
    idHashBegin(
      s1 -
        s0 +
        (k1 - k0) +
        10 +
        (a1 - a0) +
        (b1 - b0) +
        amountLength +
        (v1 - v0) +
        (l1 - l0) +
        ORIGINAL.length +
        9,
    );
    idHashUnits(units, s0, s1);
    idHashSeparator();
    idHashUnits(units, k0, k1);
    idHashSeparator();
    idHashUnits(units, o0, o0 + 10);
    idHashSeparator();
    idHashUnits(units, a0, a1);
    idHashSeparator();
    idHashUnits(units, b0, b1);
    idHashSeparator();
    if (amountLength > 0) idHashAmount();
    idHashSeparator();
    idHashUnits(units, v0, v1);
    idHashSeparator();
    idHashUnits(units, l0, l1);
    idHashSeparator();
    idHashString(ORIGINAL);
    idHashSeparator();
    idHashEnd();
    this.idHi = idOut.hi;
    this.idLo = idOut.lo;
    this.kind = ki;
    this.occurred = occ;
    this.reported = rep;
    this.amount = amount;
    this.severity = severity;
    this.level = level;
    this.status = 0;
    // New strings last, once the line is known valid: the agency admitted under the ledger's limit (past it, the
    // reference path reports the row), a blank agency or basis refused (checkNotBlank), then each one stored.
    if (agency < 0 || basis < 0) {
      const agencyText = agency < 0 ? text.slice(a0, a1) : '';
      const basisText = basis < 0 ? text.slice(b0, b1) : '';
      if (agency < 0 && (agencyText.trim() === '' || !this.admit(agencyText))) return false;
      if (basis < 0 && basisText.trim() === '') return false;
      if (agency < 0) agency = strings.agency(agencyText);
      if (basis < 0) basis = strings.basis(basisText);
    }
    if (subject < 0) subject = strings.subject(subjectText, type as SubjectTypeCode);
    this.subject = subject;
    this.agency = agency;
    this.basis = basis;
    this.out.pushCodes(this, line);
    return true;
  }

  /** Copy text's code units into `units`, in a buffer kept from chunk to chunk (grown when a chunk is longer). */
  private copyUnits(text: string): void {
    if (this.unitBytes.length < text.length * 2) {
      this.unitBytes = Buffer.allocUnsafe(Math.max(text.length * 2, 1 << 18));
      this.units = new Uint16Array(
        this.unitBytes.buffer,
        this.unitBytes.byteOffset,
        this.unitBytes.length >>> 1,
      );
    }
    this.unitBytes.write(text, 0, 'utf16le');
    this.text = text;
  }
}

/** units[start, end) is exactly s. */
function isText(units: Uint16Array, start: number, end: number, s: string): boolean {
  if (end - start !== s.length) return false;
  for (let i = 0; i < s.length; i++) if (units[start + i] !== s.charCodeAt(i)) return false;
  return true;
}

/**
 * Number(text[start, end)) for digits with at most two decimals and at most nine integer digits, else NaN (the
 * reference path then reads it). k / 10 and k / 100 are single correctly rounded divisions of exact integers, so
 * they equal the correctly rounded decimal Number() gives.
 */
function plainAmount(units: Uint16Array, start: number, end: number): number {
  let k = 0;
  let point = -1;
  for (let i = start; i < end; i++) {
    const c = units[i]!;
    if (c >= 48 && c <= 57) k = k * 10 + (c - 48);
    else if (c === 46 && point < 0) point = i;
    else return NaN;
  }
  if (point < 0) return end - start <= 9 ? k : NaN;
  const decimals = end - point - 1;
  if (point === start || point - start > 9 || decimals < 1 || decimals > 2) return NaN;
  return decimals === 1 ? k / 10 : k / 100;
}
