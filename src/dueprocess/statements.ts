// Due-process statements: every act (filing, referral, decision, publication, application) is one immutable statement
// with a deterministic id; state is always a fold over them, so nothing is edited in place.
import { hash64, hex32 } from '../core/hash.js';
import type { TargetType } from './schema.js';

/** A stored evidence file, by content. */
export interface EvidenceRef {
  sha256: string;
  size: number;
  type: string;
  name: string;
}

export interface Target {
  type: TargetType;
  /** A ledger record id (record, list entry: the listing statement's id), a publication id or a repair id. */
  ref: string;
}

interface Base {
  /** Deterministic: a hash of every other field (see statementId). */
  id: string;
  /** YYYY-MM-DD the platform recorded the act; as-of views include a statement from this day on. */
  day: string;
}

export interface ObjectionFiled extends Base {
  type: 'objection.filed';
  subject: string;
  /** Who filed: the subject itself or its agent. */
  filer: string;
  agent?: boolean;
  target: Target;
  /** The record kind objected to, when the target is a record (routing looked at it). */
  kind?: string;
  reasons: string;
  evidence: EvidenceRef[];
  channel: string;
  /** The body that produced the data and must answer. */
  body: string;
}
export interface ObjectionEvidenceAdded extends Base {
  type: 'objection.evidence_added';
  objection: string;
  evidence: EvidenceRef[];
}
export interface ObjectionReferred extends Base {
  type: 'objection.referred';
  objection: string;
  /** Why other units are needed (switches the limit to the channel's extended one). */
  reason: string;
}
export const OBJECTION_OUTCOMES = ['upheld', 'partly_upheld', 'rejected'] as const;
export type ObjectionOutcome = (typeof OBJECTION_OUTCOMES)[number];
export interface ObjectionDecided extends Base {
  type: 'objection.decided';
  objection: string;
  outcome: ObjectionOutcome;
  reasons: string;
  /** Ids of the correction or withdrawal records appended to the ledger by this decision. */
  corrections: string[];
}
export interface ObjectionWithdrawn extends Base {
  type: 'objection.withdrawn';
  objection: string;
}

export interface PublicationPublished extends Base {
  type: 'publication.published';
  subject: string;
  /** The ledger record published (a penalty, a listing, a licence). */
  record: string;
  family: string;
  class: string;
  body: string;
  /** YYYY-MM-DD of the decision, when a publish-within limit applies. */
  decided?: string;
  /** Months of a production or practice restriction that may stretch the maximum. */
  restrictionMonths?: number;
}
export interface PublicationCorrected extends Base {
  type: 'publication.corrected';
  publication: string;
  evidence: EvidenceRef[];
}
export const STOP_CAUSES = ['repair', 'objection', 'withdrawn'] as const;
export type StopCause = (typeof STOP_CAUSES)[number];
export interface PublicationStopped extends Base {
  type: 'publication.stopped';
  publication: string;
  cause: StopCause;
  /** The repair or objection that stopped it. */
  ref?: string;
}

/** One condition as checked at intake: failures say why. */
export interface ConditionResult {
  code: string;
  ok: boolean;
  message: string;
  marker: string;
}
export interface RepairApplied extends Base {
  type: 'repair.applied';
  subject: string;
  publication: string;
  /** The regime in force on the application day and the class of the information. */
  regime: string;
  class: string;
  facts: Record<string, boolean>;
  evidence: EvidenceRef[];
  checks: ConditionResult[];
  /** False when a condition failed: the application is refused at intake, each failure stated. */
  accepted: boolean;
}
export interface RepairForwarded extends Base {
  type: 'repair.forwarded';
  repair: string;
  to: string;
}
export const REPAIR_OUTCOMES = ['granted', 'refused'] as const;
export type RepairOutcome = (typeof REPAIR_OUTCOMES)[number];
export interface RepairDecided extends Base {
  type: 'repair.decided';
  repair: string;
  body: string;
  outcome: RepairOutcome;
  reasons: string;
}

export type Statement =
  | ObjectionFiled
  | ObjectionEvidenceAdded
  | ObjectionReferred
  | ObjectionDecided
  | ObjectionWithdrawn
  | PublicationPublished
  | PublicationCorrected
  | PublicationStopped
  | RepairApplied
  | RepairForwarded
  | RepairDecided;

export type StatementType = Statement['type'];
/** A statement before its id is computed. */
export type Draft<S extends Statement = Statement> = S extends Statement ? Omit<S, 'id'> : never;

/** JSON with sorted keys, so equal statements hash equally whatever order their fields were written in. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The same act recorded twice gets the same id, so a retried write stores it once. */
export function statementId(d: Draft): string {
  const [hi, lo] = hash64(canonical(d));
  const prefix = d.type.startsWith('objection') ? 'o' : d.type.startsWith('repair') ? 'rp' : 'p';
  return prefix + hex32(hi) + hex32(lo);
}

export function makeStatement<S extends Statement>(d: Draft<S>): S {
  return { id: statementId(d), ...d } as unknown as S;
}
