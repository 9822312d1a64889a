// The due-process state as of a day: a fold of the statement log through the objection, publication and repair
// state machines. The same statements and day always give the same state; later statements cannot change it.
import type { WorkingCalendar } from '../core/calendar.js';
import { toEpochDay } from '../core/dates.js';
import { MosaicError } from '../core/errors.js';
import { fileState, stepObjection, type ObjectionState } from './objection.js';
import type { DueProcessPolicy } from './policy.js';
import { publishState, stepPublication, type PublicationState } from './publication.js';
import { applyState, checkRepair, stepRepair, type RepairState } from './repair.js';
import { canonical, type Statement } from './statements.js';

export interface DueProcessState {
  objections: Map<string, ObjectionState>;
  publications: Map<string, PublicationState>;
  repairs: Map<string, RepairState>;
  /** The last day of any statement folded in; new statements may not be dated before it. */
  lastDay?: string;
}

export function emptyState(): DueProcessState {
  return { objections: new Map(), publications: new Map(), repairs: new Map() };
}

function need<T>(m: Map<string, T>, id: string, what: string): T {
  const v = m.get(id);
  if (!v) throw new MosaicError({ code: `${what}.unknown`, message: `no ${what} ${id}` });
  return v;
}

/** Apply one statement in place (the maps change; the state objects in them are replaced, never mutated). */
export function applyStatement(
  st: DueProcessState,
  s: Statement,
  policy: DueProcessPolicy,
  cal: WorkingCalendar,
): void {
  if (st.lastDay !== undefined && s.day < st.lastDay)
    throw new MosaicError({
      code: 'dueprocess.backdated',
      message: `a statement dated ${s.day} comes after one dated ${st.lastDay}: as-of views of the days between would change`,
    });
  switch (s.type) {
    case 'objection.filed': {
      for (const o of st.objections.values())
        if (
          o.status === 'open' &&
          o.subject === s.subject &&
          o.target.type === s.target.type &&
          o.target.ref === s.target.ref
        )
          throw new MosaicError({
            code: 'objection.already_open',
            message: `objection ${o.id} against the same ${s.target.type} is still open`,
          });
      if (s.target.type === 'publication') need(st.publications, s.target.ref, 'publication');
      if (s.target.type === 'repair') need(st.repairs, s.target.ref, 'repair');
      st.objections.set(s.id, fileState(s, policy, cal));
      break;
    }
    case 'objection.evidence_added':
    case 'objection.referred':
    case 'objection.decided':
    case 'objection.withdrawn':
      st.objections.set(
        s.objection,
        stepObjection(need(st.objections, s.objection, 'objection'), s, policy, cal),
      );
      break;
    case 'publication.published':
      st.publications.set(s.id, publishState(s, policy));
      break;
    case 'publication.corrected':
      st.publications.set(
        s.publication,
        stepPublication(need(st.publications, s.publication, 'publication'), s),
      );
      break;
    case 'publication.stopped': {
      const pub = need(st.publications, s.publication, 'publication');
      st.publications.set(s.publication, stepPublication(pub, s));
      if (s.cause === 'repair' && s.ref) {
        const r = need(st.repairs, s.ref, 'repair');
        if (r.status !== 'granted')
          throw new MosaicError({
            code: 'repair.not_granted',
            message: `repair ${r.id} is ${r.status}, not granted`,
          });
        const day = toEpochDay(s.day);
        st.repairs.set(r.id, {
          ...r,
          deadlines: r.deadlines.map((d) =>
            d.step === 'stop' && d.done === undefined ? { ...d, done: day } : d,
          ),
          history: [...r.history, s.id],
        });
      }
      break;
    }
    case 'repair.applied': {
      const pub = need(st.publications, s.publication, 'publication');
      if (pub.subject !== s.subject)
        throw new MosaicError({
          code: 'repair.not_subject',
          message: `publication ${pub.id} is not about ${s.subject}`,
        });
      for (const r of st.repairs.values())
        if (r.publication === s.publication && (r.status === 'applied' || r.status === 'forwarded'))
          throw new MosaicError({
            code: 'repair.pending',
            message: `repair ${r.id} for the same publication is pending`,
          });
      // The stored check must be what the rules say on that day: a statement cannot smuggle in an acceptance.
      const check = checkRepair(pub, s.facts, toEpochDay(s.day), policy, cal);
      if (
        check.regime !== s.regime ||
        check.class !== s.class ||
        check.eligible !== s.accepted ||
        canonical(check.checks) !== canonical(s.checks)
      )
        throw new MosaicError({
          code: 'repair.checks_mismatch',
          message: `repair ${s.id}: the recorded check differs from the check under ${check.regime} on ${s.day}`,
        });
      st.repairs.set(s.id, applyState(s, pub, policy, cal));
      break;
    }
    case 'repair.forwarded':
    case 'repair.decided':
      st.repairs.set(s.repair, stepRepair(need(st.repairs, s.repair, 'repair'), s, policy, cal));
      break;
    default:
      throw new MosaicError({
        code: 'dueprocess.unknown_statement',
        message: `unknown statement type '${(s as { type: string }).type}'`,
      });
  }
  st.lastDay = s.day;
}

/** The state from every statement dated on or before `asOf` (all when omitted). */
export function foldStatements(
  statements: readonly Statement[],
  asOf: string | undefined,
  policy: DueProcessPolicy,
  cal: WorkingCalendar,
): DueProcessState {
  const st = emptyState();
  for (const s of statements) if (asOf === undefined || s.day <= asOf) applyStatement(st, s, policy, cal);
  return st;
}

/** A copy whose maps can take trial statements without touching the original. */
export function cloneState(st: DueProcessState): DueProcessState {
  return {
    objections: new Map(st.objections),
    publications: new Map(st.publications),
    repairs: new Map(st.repairs),
    ...(st.lastDay !== undefined ? { lastDay: st.lastDay } : {}),
  };
}
