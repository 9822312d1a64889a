// Deadline arithmetic for due process on the working-day calendar: when a limit falls due and how late an act was.
import { shippedCalendar, type WorkingCalendar } from '../core/calendar.js';
import type { DeadlineRule } from './schema.js';

/**
 * The calendar due process counts on. Outside the covered years it falls back to Monday–Friday; answers that use the
 * fallback are marked approximate (see `isApproximate`), never silently exact.
 */
export function dueProcessCalendar(): WorkingCalendar {
  return shippedCalendar({ fallback: 'weekends' });
}

/**
 * The last day to comply with `rule` for a clock started on `from` (epoch days). Working-day limits count from the
 * next working day ("within N working days after"); calendar-day limits add N days and, when the rule says so, move
 * a last day that is a rest day to the next working day.
 */
export function dueAfter(
  rule: Pick<DeadlineRule, 'days' | 'count' | 'roll_to_working_day'>,
  from: number,
  cal: WorkingCalendar,
): number {
  if (rule.count === 'working') return cal.addWorkingDays(from, rule.days);
  return cal.addCalendarDays(from, rule.days, { rollToWorkingDay: rule.roll_to_working_day === true });
}

/** Working days after `due` up to and including `on`: 0 when on time. */
export function workingDaysLate(due: number, on: number, cal: WorkingCalendar): number {
  return on <= due ? 0 : cal.workingDaysBetween(due, on);
}

/** True when any day of from..to lies outside the calendar's covered years. */
export function isApproximate(from: number, to: number, cal: WorkingCalendar): boolean {
  return from < cal.first || to > cal.last;
}

/** How a rule reads in an explanation: "3 working days" or "20 days (rolled to a working day)". */
export function describeRule(rule: Pick<DeadlineRule, 'days' | 'count' | 'roll_to_working_day'>): string {
  if (rule.count === 'working') return `${rule.days} working days`;
  return `${rule.days} days${rule.roll_to_working_day ? ' (a last day on a rest day rolls to the next working day)' : ''}`;
}
