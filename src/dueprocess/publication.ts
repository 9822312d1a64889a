// Publication periods: the state of each published item and its countdown (shown? until when? repairable from?).
import type { WorkingCalendar } from '../core/calendar.js';
import { addMonths, fromEpochDay, toEpochDay } from '../core/dates.js';
import { MosaicError } from '../core/errors.js';
import { dueAfter, workingDaysLate } from './deadlines.js';
import type { DueProcessPolicy } from './policy.js';
import type { PublicationClass, Regime } from './schema.js';
import type {
  PublicationCorrected,
  PublicationPublished,
  PublicationStopped,
  StopCause,
} from './statements.js';

export interface PublicationState {
  id: string;
  subject: string;
  record: string;
  family: string;
  class: string;
  body: string;
  published: number;
  decided?: number;
  restrictionMonths?: number;
  /** The day the conduct was shown corrected (obligations performed). */
  corrected?: number;
  stopped?: { day: number; cause: StopCause; ref?: string };
  history: string[];
}

export function publishState(s: PublicationPublished, policy: DueProcessPolicy): PublicationState {
  const regime = policy.regimeOn(s.family, s.day);
  policy.classOf(regime, s.class);
  if (s.decided !== undefined && s.decided > s.day)
    throw new MosaicError({
      code: 'publication.decided_after_publication',
      message: `decision ${s.decided} is after publication ${s.day}`,
    });
  return {
    id: s.id,
    subject: s.subject,
    record: s.record,
    family: s.family,
    class: s.class,
    body: s.body,
    published: toEpochDay(s.day),
    ...(s.decided !== undefined ? { decided: toEpochDay(s.decided) } : {}),
    ...(s.restrictionMonths !== undefined ? { restrictionMonths: s.restrictionMonths } : {}),
    history: [s.id],
  };
}

export function stepPublication(
  prev: PublicationState,
  s: PublicationCorrected | PublicationStopped,
): PublicationState {
  if (prev.stopped)
    throw new MosaicError({
      code: 'publication.stopped',
      message: `publication ${prev.id} stopped on ${fromEpochDay(prev.stopped.day)} (${prev.stopped.cause})`,
    });
  const day = toEpochDay(s.day);
  if (day < prev.published)
    throw new MosaicError({
      code: 'publication.before_publication',
      message: `${s.day} is before publication`,
    });
  const next: PublicationState = { ...prev, history: [...prev.history, s.id] };
  if (s.type === 'publication.corrected') {
    if (prev.corrected !== undefined)
      throw new MosaicError({
        code: 'publication.already_corrected',
        message: `publication ${prev.id} is already corrected`,
      });
    next.corrected = day;
  } else next.stopped = { day, cause: s.cause, ...(s.ref !== undefined ? { ref: s.ref } : {}) };
  return next;
}

/** Everything the portal says about one published item on one day, with the rule that made it. */
export interface Countdown {
  publication: string;
  record: string;
  /** The regime in force on the as-of day and the class: the rule version behind this answer. */
  regime: string;
  class: string;
  basis: string;
  marker: string;
  publishedOn: string;
  shown: boolean;
  /** Why it is not shown, when it is not. */
  hiddenBecause?: 'not_published_class' | 'stopped' | 'maximum_reached';
  stoppedOn?: string;
  stopCause?: StopCause | 'maximum';
  /** First day a repair application can succeed; absent when the class has no early stop. */
  repairableFrom?: string;
  /** Last day the item is shown when nothing changes; null when it stays until the conduct is corrected. */
  showUntil: string | null;
  /** The day the maximum period ends (the first day it may stop), when the class has a maximum. */
  maximumEndsOn?: string;
  /** Calendar days from the as-of day to showUntil (0 on the last day). */
  daysLeft: number | null;
  /** The publish-within limit, when the regime has one and the decision day is known. */
  publishDue?: string;
  publishedWorkingDaysLate?: number;
}

/** The day the maximum period ends (first day no longer shown), stretched by a longer restriction if the class says so. */
export function maximumEnd(pub: PublicationState, cls: PublicationClass): number | undefined {
  if (cls.max_months === undefined) return undefined;
  const months =
    cls.extends_to_restriction && pub.restrictionMonths !== undefined
      ? Math.max(cls.max_months, pub.restrictionMonths)
      : cls.max_months;
  return addMonths(pub.published, months);
}

export function countdown(
  pub: PublicationState,
  asOf: number,
  policy: DueProcessPolicy,
  cal: WorkingCalendar,
): Countdown {
  const regime: Regime = policy.regimeOn(pub.family, asOf < pub.published ? pub.published : asOf);
  const cls = policy.classOf(regime, pub.class);
  const base: Countdown = {
    publication: pub.id,
    record: pub.record,
    regime: regime.code,
    class: cls.code,
    basis: regime.legal_basis.map((b) => b.doc).join('; '),
    marker: cls.marker,
    publishedOn: fromEpochDay(pub.published),
    shown: true,
    showUntil: null,
    daysLeft: null,
  };
  if (cls.early_stop && cls.min_months !== undefined)
    base.repairableFrom = fromEpochDay(addMonths(pub.published, cls.min_months));
  if (regime.publish_within && pub.decided !== undefined) {
    const due = dueAfter(regime.publish_within, pub.decided, cal);
    base.publishDue = fromEpochDay(due);
    base.publishedWorkingDaysLate = workingDaysLate(due, pub.published, cal);
  }
  if (!cls.published) return { ...base, shown: false, hiddenBecause: 'not_published_class', daysLeft: 0 };
  const stopped = pub.stopped && pub.stopped.day <= asOf ? pub.stopped : undefined;
  const maxEnd = maximumEnd(pub, cls);
  if (maxEnd !== undefined) base.maximumEndsOn = fromEpochDay(maxEnd);
  // The automatic stop: at the maximum, or (auto_stop: corrected) at the later of the maximum and the correction.
  let autoStop: number | undefined;
  if (maxEnd !== undefined) {
    if (cls.auto_stop === 'always') autoStop = maxEnd;
    else if (pub.corrected !== undefined && pub.corrected <= asOf) autoStop = Math.max(maxEnd, pub.corrected);
  }
  if (stopped && (autoStop === undefined || stopped.day <= autoStop))
    return {
      ...base,
      shown: false,
      hiddenBecause: 'stopped',
      stoppedOn: fromEpochDay(stopped.day),
      stopCause: stopped.cause,
      showUntil: fromEpochDay(stopped.day - 1),
      daysLeft: 0,
    };
  if (autoStop !== undefined && autoStop <= asOf)
    return {
      ...base,
      shown: false,
      hiddenBecause: 'maximum_reached',
      stoppedOn: fromEpochDay(autoStop),
      stopCause: 'maximum',
      showUntil: fromEpochDay(autoStop - 1),
      daysLeft: 0,
    };
  if (autoStop !== undefined)
    return { ...base, showUntil: fromEpochDay(autoStop - 1), daysLeft: autoStop - 1 - asOf };
  // Not corrected yet (or no maximum): shown until the conduct is corrected, and at least until the maximum.
  return { ...base, showUntil: null, daysLeft: null };
}
