// Credit repair: the application check (each unmet condition stated) and the workflow applied → forwarded → decided.
import type { WorkingCalendar } from '../core/calendar.js';
import { addMonths, fromEpochDay, toEpochDay } from '../core/dates.js';
import { MosaicError } from '../core/errors.js';
import { isApproximate } from './deadlines.js';
import type { DueProcessPolicy } from './policy.js';
import { countdown, type PublicationState } from './publication.js';
import type { Regime, RepairStep } from './schema.js';
import type {
  ConditionResult,
  RepairApplied,
  RepairDecided,
  RepairForwarded,
  RepairOutcome,
} from './statements.js';

export interface EligibilityCheck {
  regime: string;
  class: string;
  eligible: boolean;
  checks: ConditionResult[];
}

/**
 * Check an application against the regime in force on `day`. Every condition is evaluated (not just up to the first
 * failure), so the applicant learns everything that is missing at once.
 */
export function checkRepair(
  pub: PublicationState,
  facts: Readonly<Record<string, boolean>>,
  day: number,
  policy: DueProcessPolicy,
  cal: WorkingCalendar,
): EligibilityCheck {
  const regime = policy.regimeOn(pub.family, day);
  const cls = policy.classOf(regime, pub.class);
  const checks: ConditionResult[] = [];
  const shown = countdown(pub, day, policy, cal);
  if (!shown.shown)
    checks.push({
      code: 'published',
      ok: false,
      message: `the information is not shown on ${fromEpochDay(day)} (${shown.hiddenBecause}); there is nothing to repair`,
      marker: cls.marker,
    });
  for (const c of regime.conditions) {
    if (c.classes && !c.classes.includes(cls.code)) continue;
    if (c.check === 'min_period') {
      if (!cls.early_stop || cls.min_months === undefined) {
        checks.push({
          code: c.code,
          ok: false,
          message: `${regime.code} allows no early stop for class ${cls.code} (${cls.en}); publication ends only at the maximum`,
          marker: cls.marker,
        });
        continue;
      }
      const from = addMonths(pub.published, cls.min_months);
      const ok = day >= from;
      checks.push({
        code: c.code,
        ok,
        message: ok
          ? `minimum period of ${cls.min_months} months from ${fromEpochDay(pub.published)} reached on ${fromEpochDay(from)}`
          : `minimum period of ${cls.min_months} months from ${fromEpochDay(pub.published)} runs until ${fromEpochDay(from - 1)}; apply from ${fromEpochDay(from)}`,
        marker: c.marker,
      });
    } else {
      const ok = facts[c.fact!] === true;
      checks.push({
        code: c.code,
        ok,
        message: ok ? `${c.en}: declared` : `${c.en}: not shown (fact '${c.fact}' missing or false)`,
        marker: c.marker,
      });
    }
  }
  return { regime: regime.code, class: cls.code, eligible: checks.every((c) => c.ok), checks };
}

export type RepairStatus = 'refused_at_intake' | 'applied' | 'forwarded' | RepairOutcome;

export interface RepairDeadline {
  step: RepairStep['code'];
  by: string;
  from: number;
  due: number;
  done?: number;
  approximate: boolean;
}

export interface RepairState {
  id: string;
  subject: string;
  publication: string;
  regime: string;
  class: string;
  /** The body that designated (and publishes) the information; it decides. */
  body: string;
  intake: string;
  applied: number;
  status: RepairStatus;
  checks: ConditionResult[];
  forwarded?: number;
  decided?: number;
  reasons?: string;
  /** The time limits of the steps taken or owed so far. */
  deadlines: RepairDeadline[];
  history: string[];
}

function stepsOf(regime: Regime, after: RepairStep['after']): RepairStep[] {
  return regime.steps.filter((s) => s.after === after);
}

function owed(
  regime: Regime,
  after: RepairStep['after'],
  from: number,
  state: RepairState,
  cal: WorkingCalendar,
): RepairDeadline[] {
  return stepsOf(regime, after).map((st) => {
    const due = cal.addWorkingDays(from, st.working_days);
    return {
      step: st.code,
      by: st.by === 'intake' ? state.intake : state.body,
      from,
      due,
      approximate: isApproximate(from, due, cal),
    };
  });
}

export function applyState(
  s: RepairApplied,
  pub: PublicationState,
  policy: DueProcessPolicy,
  cal: WorkingCalendar,
): RepairState {
  const regime = policy.regime(s.regime);
  const applied = toEpochDay(s.day);
  const state: RepairState = {
    id: s.id,
    subject: s.subject,
    publication: s.publication,
    regime: s.regime,
    class: s.class,
    body: pub.body,
    intake: regime.intake === 'credit_china' ? 'credit_china' : pub.body,
    applied,
    status: s.accepted ? 'applied' : 'refused_at_intake',
    checks: s.checks,
    deadlines: [],
    history: [s.id],
  };
  if (s.accepted) state.deadlines = owed(regime, 'applied', applied, state, cal);
  return state;
}

function close(deadlines: RepairDeadline[], step: RepairStep['code'], day: number): RepairDeadline[] {
  return deadlines.map((d) => (d.step === step && d.done === undefined ? { ...d, done: day } : d));
}

export function stepRepair(
  prev: RepairState,
  s: RepairForwarded | RepairDecided,
  policy: DueProcessPolicy,
  cal: WorkingCalendar,
): RepairState {
  const regime = policy.regime(prev.regime);
  const day = toEpochDay(s.day);
  if (day < prev.applied)
    throw new MosaicError({
      code: 'repair.before_application',
      message: `${s.day} is before the application`,
    });
  const next: RepairState = { ...prev, history: [...prev.history, s.id] };
  if (s.type === 'repair.forwarded') {
    if (prev.status !== 'applied')
      throw new MosaicError({
        code: 'repair.not_awaiting_forward',
        message: `repair ${prev.id} is ${prev.status}`,
      });
    if (!regime.steps.some((st) => st.code === 'forward'))
      throw new MosaicError({
        code: 'repair.no_forward_step',
        message: `under ${regime.code} the designating body receives applications itself; nothing is forwarded`,
      });
    next.status = 'forwarded';
    next.forwarded = day;
    next.deadlines = [...close(prev.deadlines, 'forward', day), ...owed(regime, 'forwarded', day, next, cal)];
    return next;
  }
  const awaiting = regime.steps.some((st) => st.code === 'forward') ? 'forwarded' : 'applied';
  if (prev.status !== awaiting)
    throw new MosaicError({
      code: 'repair.not_awaiting_decision',
      message: `repair ${prev.id} is ${prev.status}; a decision follows '${awaiting}'`,
    });
  if (s.outcome === 'refused' && !s.reasons.trim())
    throw new MosaicError({ code: 'repair.no_reasons', message: 'a refusal states its reasons' });
  next.status = s.outcome;
  next.decided = day;
  next.reasons = s.reasons;
  next.deadlines = [...close(prev.deadlines, 'decide', day)];
  if (s.outcome === 'granted') next.deadlines.push(...owed(regime, 'decided', day, next, cal));
  return next;
}
