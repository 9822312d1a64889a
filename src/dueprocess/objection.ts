// The objection workflow as a state machine: filed → (referred) → upheld | partly upheld | rejected, or withdrawn.
import type { WorkingCalendar } from '../core/calendar.js';
import { fromEpochDay, toEpochDay } from '../core/dates.js';
import { MosaicError } from '../core/errors.js';
import { dueAfter, isApproximate } from './deadlines.js';
import type { DueProcessPolicy } from './policy.js';
import type {
  EvidenceRef,
  ObjectionDecided,
  ObjectionEvidenceAdded,
  ObjectionFiled,
  ObjectionOutcome,
  ObjectionReferred,
  ObjectionWithdrawn,
  Target,
} from './statements.js';

export type ObjectionStatus = 'open' | ObjectionOutcome | 'withdrawn';

export interface ObjectionState {
  id: string;
  subject: string;
  filer: string;
  target: Target;
  kind?: string;
  channel: string;
  body: string;
  reasons: string;
  evidence: EvidenceRef[];
  /** Epoch days. */
  received: number;
  due: number;
  /** Which limit applies: the channel's ordinary one, or the extended one after a referral. */
  limit: 'ordinary' | 'extended';
  approximate: boolean;
  status: ObjectionStatus;
  closed?: number;
  outcomeReasons?: string;
  corrections: string[];
  /** Ids of the statements folded into this state, in order. */
  history: string[];
}

export type ObjectionStatement =
  ObjectionFiled | ObjectionEvidenceAdded | ObjectionReferred | ObjectionDecided | ObjectionWithdrawn;

function fail(code: string, message: string): never {
  throw new MosaicError({ code, message });
}

/** The state after a filing. */
export function fileState(s: ObjectionFiled, policy: DueProcessPolicy, cal: WorkingCalendar): ObjectionState {
  const channel = policy.channel(s.channel);
  if (s.evidence.length > policy.objections.evidence.max_files)
    fail(
      'objection.too_much_evidence',
      `${s.evidence.length} evidence files; at most ${policy.objections.evidence.max_files} per objection`,
    );
  if (!s.reasons.trim()) fail('objection.no_reasons', 'an objection states its reasons');
  const received = toEpochDay(s.day);
  const due = dueAfter(channel.deadline, received, cal);
  return {
    id: s.id,
    subject: s.subject,
    filer: s.filer,
    target: s.target,
    ...(s.kind !== undefined ? { kind: s.kind } : {}),
    channel: s.channel,
    body: s.body,
    reasons: s.reasons,
    evidence: [...s.evidence],
    received,
    due,
    limit: 'ordinary',
    approximate: isApproximate(received, due, cal),
    status: 'open',
    corrections: [],
    history: [s.id],
  };
}

/**
 * The state after one more statement; throws a coded MosaicError when the transition is not allowed. Never mutates
 * `prev`: earlier states stay valid, which is what makes as-of views reproducible.
 */
export function stepObjection(
  prev: ObjectionState,
  s: Exclude<ObjectionStatement, ObjectionFiled>,
  policy: DueProcessPolicy,
  cal: WorkingCalendar,
): ObjectionState {
  if (prev.status !== 'open')
    fail('objection.closed', `objection ${prev.id} is already ${prev.status}; file a new objection instead`);
  const day = toEpochDay(s.day);
  if (day < prev.received) fail('objection.before_filing', `${s.day} is before the objection was filed`);
  const next: ObjectionState = { ...prev, history: [...prev.history, s.id] };
  switch (s.type) {
    case 'objection.evidence_added': {
      const evidence = [...prev.evidence, ...s.evidence];
      if (evidence.length > policy.objections.evidence.max_files)
        fail(
          'objection.too_much_evidence',
          `${evidence.length} evidence files; at most ${policy.objections.evidence.max_files} per objection`,
        );
      next.evidence = evidence;
      return next;
    }
    case 'objection.referred': {
      const channel = policy.channel(prev.channel);
      if (!channel.extended)
        fail('objection.no_extension', `channel ${channel.code} has no extended limit (${channel.basis})`);
      if (prev.limit === 'extended')
        fail('objection.already_referred', `objection ${prev.id} is already referred`);
      if (day > prev.due)
        fail(
          'objection.extension_too_late',
          `the ordinary limit ran out on ${fromEpochDay(prev.due)}; a referral on ${s.day} cannot extend it`,
        );
      next.limit = 'extended';
      next.due = dueAfter(channel.extended, prev.received, cal);
      next.approximate = isApproximate(prev.received, next.due, cal);
      return next;
    }
    case 'objection.decided': {
      if (s.outcome !== 'upheld' && !s.reasons.trim())
        fail('objection.no_reasons', `a decision that is ${s.outcome} states its reasons`);
      const needsCorrection = prev.target.type === 'record' || prev.target.type === 'list_entry';
      if (s.outcome !== 'rejected' && needsCorrection && s.corrections.length === 0)
        fail(
          'objection.no_correction',
          `an objection ${s.outcome} against a ${prev.target.type} corrects or withdraws it by a new superseding record`,
        );
      if (s.outcome === 'rejected' && s.corrections.length)
        fail('objection.correction_on_rejection', 'a rejected objection corrects nothing');
      next.status = s.outcome;
      next.closed = day;
      next.outcomeReasons = s.reasons;
      next.corrections = [...s.corrections];
      return next;
    }
    case 'objection.withdrawn':
      next.status = 'withdrawn';
      next.closed = day;
      return next;
  }
}
