// The resolved points-scheme pack: what the loader produces and every engine reads (no YAML, no files).
import type { Location } from '../../core/errors.js';
import type { IssuerLevel } from '../../core/types.js';
import type { Expr } from '../../policy/expr.js';
import type { Interval } from '../../policy/interval.js';

/** Who a rule line applies to (DOMAIN §2.7). Roles are natural persons; legal_person is disjoint from the rest. */
export const SUBJECT_CLASSES = [
  'individual',
  'state_personnel',
  'village_cadre',
  'party_member',
  'legal_person',
] as const;
export type SubjectClass = (typeof SUBJECT_CLASSES)[number];

/**
 * Groups a rule line singles out in its text, beyond the subject classes the engine gates on: household registration
 * (rural/urban), and roles the register does not hold (collectors, enterprise staff and officers, deputies of the "two
 * representatives and one member", key professions, militia, public-institution staff). A line with an audience can
 * reach only subjects in every listed group. Read by `mosaic policy reach`; scoring never reads it (the record kind
 * already says whom the reporting body reports).
 */
export const AUDIENCE_TAGS = [
  'rural',
  'urban',
  'state_personnel',
  'village_cadre',
  'party_member',
  'collector',
  'enterprise_staff',
  'enterprise_officer',
  'deputy',
  'professional',
  'militia',
  'public_institution_staff',
] as const;
export type AudienceTag = (typeof AUDIENCE_TAGS)[number];

/** Where an item stands in the primary text (attachment 0 = the Measures' articles). */
export interface Place {
  attachment: number;
  section?: string;
  subsection?: string;
  position?: number;
  article?: number;
  item?: number;
}

/** The verbatim line a case or tier encodes, when a rule groups several published lines. */
export interface LineText {
  zh?: string;
  en?: string;
  position?: number;
  marker?: Marker;
}

/** Grades best to worst; the index is the grade's rank (higher = worse). */
export const GRADES = ['AAA', 'AA', 'A', 'B', 'C', 'D'] as const;
export type Grade = (typeof GRADES)[number];
export const DIRECT_GRADES = ['B', 'C', 'D'] as const;
export type DirectGrade = (typeof DIRECT_GRADES)[number];

/**
 * Grade codes in engine output (Uint8Array): 0..5 = AAA..D, 6..8 = DA/DB/DC (dropped to D directly from an A-grade,
 * B or C; DOMAIN §2.2), 255 = not scored (see status).
 */
export const GRADE_CODES = ['AAA', 'AA', 'A', 'B', 'C', 'D', 'DA', 'DB', 'DC'] as const;
export type GradeCode = (typeof GRADE_CODES)[number];
export const GRADE_NONE = 255;

/** Why a subject has or has no score. Codes are the index (Uint8Array status column). */
export const SCORE_STATUSES = [
  'scored',
  'not_in_force',
  'no_consent',
  'under_age',
  'age_unknown',
  'not_resident',
  'not_covered',
] as const;
export type ScoreStatus = (typeof SCORE_STATUSES)[number];

export type Marker = 'V' | 'P' | 'U';

/** Where an item came from: its legal basis, the document it was read in, the verification marker, its file. */
export interface Provenance {
  basis: string;
  source: string;
  marker: Marker;
  note?: string;
  /** file:line:column of the item. */
  loc: Location;
  /** `scheme@version` of the pack file that defined it (differs from the pack for inherited items). */
  origin: string;
}

export interface Conditions {
  severity?: string[];
  level?: IssuerLevel[];
  amount?: Interval;
}

export type Effect =
  | { type: 'fixed'; points: number }
  /** A change decided by the reporting body within [min, max]; the record's amount carries the decided magnitude. */
  | { type: 'range'; min: number; max: number }
  | { type: 'formula'; text: string; expr: Expr };

export interface RuleCase extends LineText {
  when: Conditions;
  effect: Effect;
  note?: string;
}

/** Cumulative threshold: awarded once, on the day the running total of the kind's amount first reaches it. */
export interface Tier extends LineText {
  atLeast: number;
  points: number;
  note?: string;
}

export interface PointRule extends Provenance {
  id: string;
  domain: string;
  subItem: string;
  zh: string;
  en: string;
  kind: string;
  subjects: SubjectClass[];
  audience?: AudienceTag[];
  place?: Place;
  /** Either cases (one matches a record) or tiers (cumulative); never both. */
  cases: RuleCase[];
  tiers?: Tier[];
  /** Bound on |sum of points| per calendar year (of occurrence) and cap group. */
  annualCap?: number;
  capGroup?: string;
  /** Overrides the validity table. */
  validityYears?: number;
}

export interface DirectRule extends Provenance {
  id: string;
  zh: string;
  en: string;
  kind: string;
  subjects: SubjectClass[];
  audience?: AudienceTag[];
  place?: Place;
  when: Conditions;
  grade: DirectGrade;
  validityYears?: number;
}

export type RepairEffect = { points: number; years: number } | { grade: DirectGrade; years: number };

export interface RepairRule extends Provenance {
  id: string;
  zh: string;
  en: string;
  /** Alternatives: a record matching any one is a trigger. */
  triggers: { kind: string; when: Conditions }[];
  subjects: SubjectClass[];
  audience?: AudienceTag[];
  place?: Place[];
  /** Direct-grading rule ids whose causes this repair converts. */
  cancels: string[];
  effect: RepairEffect;
}

export interface ValidityTable extends Provenance {
  /** On the magnitude of a deduction. */
  deductions: { band: Interval; years: number }[];
  bonusByLevel: Partial<Record<IssuerLevel, number>>;
  bonusDefault: number;
  direct: Record<DirectGrade, number>;
}

export interface Interaction extends Provenance {
  id: string;
  zh: string;
  en: string;
  effect: 'freeze_bonuses';
  whileDirect: DirectGrade[];
}

export interface Exclusion extends Provenance {
  id: string;
  zh: string;
  en: string;
  kinds: string[];
}

export interface Band {
  grade: Grade;
  min?: number;
  max?: number;
}

export interface Label {
  zh: string;
  en: string;
}

export interface SchemeMeta extends Provenance {
  scheme: string;
  version: string;
  title: Label;
  jurisdiction: { division: string; zh: string; en: string };
  effective: { from: string; to?: string };
  baseScore: number;
  /** Subject classes the scheme scores: 'individual' (natural persons) and/or 'legal_person'. */
  subjects: SubjectClass[];
  eligibility: { minAge?: number; residence?: { divisions: string[] } };
  consentRequired: boolean;
  bands: Band[];
  notes: string[];
}

export interface SchemePack {
  dir: string;
  /** `scheme@version`. */
  id: string;
  /** Pack ids from this one up the extends chain. */
  chain: string[];
  meta: SchemeMeta;
  rules: PointRule[];
  direct: DirectRule[];
  repairs: RepairRule[];
  validity: ValidityTable;
  interactions: Interaction[];
  exclusions: Exclusion[];
  labels: { grades: Partial<Record<Grade, Label>>; domains: Record<string, Label> };
  catalogueVersion: string;
}

export const ROLE_BITS = {
  state_personnel: 1,
  village_cadre: 2,
  party_member: 4,
  legal_representative: 8,
} as const;
