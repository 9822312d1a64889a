// The domain model: subjects (natural and legal persons) and credit records as statements with provenance.
import { hash64, hex32 } from './hash.js';
import { validateResidentId } from './identifiers.js';

/** A natural person is keyed by resident ID number (GB 11643); a legal person by USCC (GB 32100). */
export type SubjectType = 'natural' | 'legal';

/** Roles a scheme may select on (DOMAIN §2.7 subject types). */
export type Role = 'state_personnel' | 'village_cadre' | 'party_member' | 'legal_representative';
export const ROLES: readonly Role[] = [
  'state_personnel',
  'village_cadre',
  'party_member',
  'legal_representative',
];

export type Hukou = 'urban' | 'rural';
export type Sex = 'M' | 'F';

/** Register data about a subject: the attributes schemes select on and the links relational measures follow. */
export interface Subject {
  id: string;
  type: SubjectType;
  name?: string;
  /** GB/T 2260 administrative division code (6 digits) of household registration or registration place. */
  jurisdiction: string;
  hukou?: Hukou;
  roles: Role[];
  /** YYYY-MM-DD; for natural persons it is also encoded in the ID number. */
  birthDate?: string;
  sex?: Sex;
  /** Scheme ids the subject has consented to be scored by (Rongcheng 2021 Arts. 6–7). */
  consents?: string[];
  /** Legal persons: natural persons in charge. */
  legalRepresentative?: string;
  principal?: string;
  actualController?: string;
  /** Legal persons: persons directly responsible for the debt an enforcement concerns (2015 SPC consumption provisions
   * Art. 3); a court names them in its order. Held by the lists engines' register; the ledgers do not store it yet. */
  directlyResponsible?: string[];
  /** Natural persons: parents (for relational measures on children). */
  parents?: string[];
  district?: string;
}

/** Level of the issuing body; bonus validity depends on it (Wendeng Art. 20, DOMAIN §2.4.1). */
export type IssuerLevel =
  'county' | 'prefecture_dept' | 'prefecture' | 'province_dept' | 'province' | 'national';
export const ISSUER_LEVELS: readonly IssuerLevel[] = [
  'county',
  'prefecture_dept',
  'prefecture',
  'province_dept',
  'province',
  'national',
];

/**
 * original: a first statement. correction: replaces the statement in `supersedes` with new values.
 * withdrawal: the statement in `supersedes` no longer stands (e.g. its legal basis was revoked).
 */
export type RecordStatus = 'original' | 'correction' | 'withdrawal';
export const RECORD_STATUSES: readonly RecordStatus[] = ['original', 'correction', 'withdrawal'];

/** A credit record: a statement by a reporting agency about a subject. Never updated in place. */
export interface CreditRecord {
  /** Deterministic: a hash of the key fields (see recordId). */
  id: string;
  subject: string;
  /** A code from the record-kind catalogue. */
  kind: string;
  /** YYYY-MM-DD the conduct or decision occurred; validity windows run from here. */
  occurredAt: string;
  /** YYYY-MM-DD the agency entered it. */
  reportedAt: string;
  agency: string;
  /** Legal basis or document number. */
  basis: string;
  /** Yuan, hours, months or a count: the unit is declared by the kind in the catalogue. */
  amount?: number;
  /** A kind-local variant declared by the catalogue (e.g. 'warning', 'demerit'). */
  severity?: string;
  level?: IssuerLevel;
  status: RecordStatus;
  supersedes?: string;
}

export type RecordInput = Omit<CreditRecord, 'id' | 'status'> & { id?: string; status?: RecordStatus };

/**
 * The id is a hash of the fields that make a statement the same statement. reportedAt is left out on purpose:
 * re-reporting the same decision later must not create a second record.
 */
export function recordId(r: Omit<CreditRecord, 'id'>): string {
  const key = [
    r.subject,
    r.kind,
    r.occurredAt,
    r.agency,
    r.basis,
    r.amount ?? '',
    r.severity ?? '',
    r.level ?? '',
    r.status,
    r.supersedes ?? '',
  ].join('\u001f');
  const [hi, lo] = hash64(key);
  return 'r' + hex32(hi) + hex32(lo);
}

/** Fill in status and id. An id supplied by the caller must equal the computed one. */
export function makeRecord(input: RecordInput): CreditRecord {
  const base: Omit<CreditRecord, 'id'> = {
    subject: input.subject,
    kind: input.kind,
    occurredAt: input.occurredAt,
    reportedAt: input.reportedAt,
    agency: input.agency,
    basis: input.basis,
    status: input.status ?? 'original',
  };
  if (input.amount !== undefined) base.amount = input.amount;
  if (input.severity !== undefined) base.severity = input.severity;
  if (input.level !== undefined) base.level = input.level;
  if (input.supersedes !== undefined) base.supersedes = input.supersedes;
  return { id: recordId(base), ...base };
}

export function subjectTypeOf(id: string): SubjectType {
  return validateResidentId(id).ok ? 'natural' : 'legal';
}
