// Subject attributes a points scheme selects on, as plain facts (interpreter) and as typed columns (fast evaluator).
import { toEpochDay } from '../../core/dates.js';
import { parseResidentId, validateResidentId } from '../../core/identifiers.js';
import type { Subject } from '../../core/types.js';
import { ROLE_BITS, type SchemePack } from './types.js';

/** What a scheme needs to know about one subject on a given date. */
export interface SubjectFacts {
  id: string;
  isLegal: boolean;
  /** ROLE_BITS bitmask. */
  roles: number;
  /** Epoch day, or undefined when unknown. */
  birthDay?: number;
  /** Has consented to this scheme (only read when the scheme requires consent). */
  consented: boolean;
  /** Meets the scheme's residence condition. */
  resident: boolean;
}

/** Sentinel for an unknown birth day in SubjectColumns.birthDay. */
export const NO_BIRTH_DAY = -2147483648;

/**
 * Subject attributes as columns, aligned with RecordColumns.subjects (index i describes subject i; rows past the
 * ledger's dictionary are subjects without records). The simulation fills these directly, with no object per person.
 */
export interface SubjectColumns {
  length: number;
  /** 0 natural, 1 legal. */
  type: Uint8Array;
  /** ROLE_BITS bitmask. */
  roles: Uint8Array;
  /** Epoch day of birth, NO_BIRTH_DAY if unknown (legal persons: ignored). */
  birthDay: Int32Array;
  /** 1 if the subject consented to this scheme. */
  consent: Uint8Array;
  /** 1 if the subject meets the scheme's residence condition. */
  resident: Uint8Array;
}

export function allocSubjectColumns(n: number): SubjectColumns {
  return {
    length: n,
    type: new Uint8Array(n),
    roles: new Uint8Array(n),
    birthDay: new Int32Array(n).fill(NO_BIRTH_DAY),
    consent: new Uint8Array(n),
    resident: new Uint8Array(n),
  };
}

export function roleBits(roles: readonly string[]): number {
  let b = 0;
  for (const r of roles) b |= (ROLE_BITS as Record<string, number>)[r] ?? 0;
  return b;
}

export function isResident(jurisdiction: string | undefined, pack: SchemePack): boolean {
  const divs = pack.meta.eligibility.residence?.divisions;
  if (!divs) return true;
  if (!jurisdiction) return false;
  return divs.some((d) => jurisdiction.startsWith(d));
}

/** A subject known only by its id (no register entry): type, birth date and place from the identifier. */
export function subjectFromId(id: string): Subject {
  if (validateResidentId(id).ok) {
    const p = parseResidentId(id);
    return {
      id,
      type: 'natural',
      jurisdiction: p.addressCode,
      roles: [],
      birthDate: p.birthDate,
      sex: p.sex,
    };
  }
  // USCC characters 3-8 are the registration authority's division code (GB 32100).
  return { id, type: 'legal', jurisdiction: id.slice(2, 8), roles: [] };
}

export function subjectFacts(s: Subject, pack: SchemePack): SubjectFacts {
  const birth =
    s.birthDate ??
    (s.type === 'natural' && validateResidentId(s.id).ok ? parseResidentId(s.id).birthDate : undefined);
  const day = birth !== undefined ? toEpochDay(birth) : NaN;
  const f: SubjectFacts = {
    id: s.id,
    isLegal: s.type === 'legal',
    roles: roleBits(s.roles ?? []),
    consented: (s.consents ?? []).includes(pack.meta.scheme),
    resident: isResident(s.jurisdiction, pack),
  };
  if (!Number.isNaN(day)) f.birthDay = day;
  return f;
}

/** Fill columns for subjects given by id, in the order of `ids` (e.g. RecordColumns.subjects). */
export function subjectColumnsFor(
  ids: readonly string[],
  lookup: (id: string) => Subject | undefined,
  pack: SchemePack,
): SubjectColumns {
  const cols = allocSubjectColumns(ids.length);
  ids.forEach((id, i) => {
    const f = subjectFacts(lookup(id) ?? subjectFromId(id), pack);
    cols.type[i] = f.isLegal ? 1 : 0;
    cols.roles[i] = f.roles;
    if (f.birthDay !== undefined) cols.birthDay[i] = f.birthDay;
    cols.consent[i] = f.consented ? 1 : 0;
    cols.resident[i] = f.resident ? 1 : 0;
  });
  return cols;
}

export function factsAt(cols: SubjectColumns, i: number, id: string): SubjectFacts {
  const f: SubjectFacts = {
    id,
    isLegal: cols.type[i] === 1,
    roles: cols.roles[i]!,
    consented: cols.consent[i] === 1,
    resident: cols.resident[i] === 1,
  };
  if (cols.birthDay[i] !== NO_BIRTH_DAY) f.birthDay = cols.birthDay[i]!;
  return f;
}
