// The reference point-of-service decision: may subject X do action A on day D, and every reason why not.
import { fromEpochDay } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { activeOn, entriesOf, type ListEntry, type ListStatement } from './lifecycle.js';
import {
  OUTCOME_CODE,
  OUTCOMES,
  outcomeOf,
  type AppliedMeasure,
  type ListPolicy,
  type Outcome,
} from './policy.js';
import type { Register } from './register.js';
import type { Effect, Relation } from './schema.js';

/** One reason: a list entry, the measure that follows from it, and the law it rests on. */
export interface Reason {
  outcome: Outcome;
  effect: Effect;
  list: string;
  listName: string;
  /** The listed party (the subject itself, or the entity or parent the subject is linked to). */
  listed: string;
  relation: Relation;
  case?: string;
  criterion?: string;
  /** YYYY-MM-DD of the listing decision, and the span the entry is in force (until: first day out; null = open). */
  listedOn: string;
  since: string;
  until: string | null;
  /** The instrument: memorandum number, or the list's own legal basis. */
  instrument: string;
  memorandum?: string;
  measure: string;
  measureName: string;
  catalogue?: string;
  /** Implementing agency. */
  agency: string;
  legalBasis: string;
  marker: 'V' | 'P' | 'U';
  note?: string;
}

export interface Decision {
  subject: string;
  action: string;
  date: string;
  outcome: Outcome;
  /** Every measure that applies, most severe first. Empty only for 'allow'. */
  reasons: Reason[];
}

/** Reject an unknown action or one the subject's type cannot perform (a firm does not board a plane). */
export function checkAction(policy: ListPolicy, register: Register, subject: string, action: string): number {
  const a = policy.actionIndex(action);
  if (a < 0)
    throw new MosaicError({
      code: 'decide.unknown_action',
      message: `no action '${action}' in the action catalogue`,
    });
  const type = register.typeOf(subject);
  if (!policy.actions[a]!.subjects.includes(type))
    throw new MosaicError({
      code: 'decide.action_subject_type',
      message: `action ${action} is not available to ${type} persons`,
    });
  return a;
}

export function reasonFor(
  policy: ListPolicy,
  e: ListEntry,
  am: AppliedMeasure,
  relation: Relation,
  effect: Effect,
): Reason {
  const m = am.measure;
  const r: Reason = {
    outcome: outcomeOf(effect),
    effect,
    list: e.list,
    listName: policy.list(e.list)?.en ?? e.list,
    listed: e.subject,
    relation,
    listedOn: fromEpochDay(e.listedOn),
    since: fromEpochDay(Math.max(e.since, am.from)),
    until: e.until === null ? null : fromEpochDay(e.until),
    instrument: am.instrument,
    measure: m.id,
    measureName: m.en,
    agency: m.agency,
    legalBasis: m.legal_basis ?? '',
    marker: m.marker,
  };
  if (e.case !== undefined) r.case = e.case;
  if (e.criterion !== undefined) r.criterion = e.criterion;
  if (am.memorandum) r.memorandum = am.memorandum.memorandum;
  if (m.catalogue) r.catalogue = m.catalogue;
  if (m.note) r.note = m.note;
  return r;
}

export function sortReasons(rs: Reason[]): Reason[] {
  return rs.sort(
    (a, b) =>
      OUTCOME_CODE[b.outcome] - OUTCOME_CODE[a.outcome] ||
      cmp(a.list, b.list) ||
      cmp(a.listed, b.listed) ||
      cmp(a.relation, b.relation) ||
      cmp(a.listedOn, b.listedOn) ||
      cmp(a.since, b.since) ||
      cmp(a.case ?? '', b.case ?? '') ||
      cmp(a.memorandum ?? '', b.memorandum ?? '') ||
      cmp(a.measure, b.measure),
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The measures of `entry`'s list that reach someone through `relation` for `action` on `day`. */
export function measuresReaching(
  policy: ListPolicy,
  entry: ListEntry,
  relation: Relation,
  action: string,
  day: number,
): { am: AppliedMeasure; effect: Effect }[] {
  const out: { am: AppliedMeasure; effect: Effect }[] = [];
  for (const am of policy.measuresOf(policy.listIndex(entry.list))) {
    if (am.from > day || !am.measure.actions.includes(action)) continue;
    if (
      am.measure.criteria &&
      (entry.criterion === undefined || !am.measure.criteria.includes(entry.criterion))
    )
      continue;
    const effect = policy.effectFor(am.measure, relation);
    if (effect) out.push({ am, effect });
  }
  return out;
}

/**
 * The reference decision. It re-derives every list entry from statements each time; the decision index must agree
 * with it (differential tests). `statementsOf(id)` returns a subject's lifecycle statements.
 */
export function decideReference(
  policy: ListPolicy,
  register: Register,
  statementsOf: (subject: string) => readonly ListStatement[],
  subject: string,
  action: string,
  day: number,
  opts: {
    knownAsOf?: number;
    /**
     * A source's entries in force on `day` (what `activeOn(entriesOf(…))` gives from its statements, known as of
     * `knownAsOf`), for a caller that decides many actions on one day and keeps them rather than deriving them again.
     */
    activeOf?: (source: string) => readonly ListEntry[];
  } = {},
): Decision {
  checkAction(policy, register, subject, action);
  const reasons: Reason[] = [];
  for (const link of register.sourcesOf(subject)) {
    const active =
      opts.activeOf?.(link.source) ??
      activeOn(entriesOf(policy, statementsOf(link.source), { knownAsOf: opts.knownAsOf }).entries, day);
    for (const e of active)
      for (const { am, effect } of measuresReaching(policy, e, link.relation, action, day))
        reasons.push(reasonFor(policy, e, am, link.relation, effect));
  }
  let code = 0;
  for (const r of reasons) code = Math.max(code, OUTCOME_CODE[r.outcome]);
  return {
    subject,
    action,
    date: fromEpochDay(day),
    outcome: OUTCOMES[code]!,
    reasons: sortReasons(reasons),
  };
}
