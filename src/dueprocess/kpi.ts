// Overdue objections and repair steps per body, with working days late: the KPI a credit office is judged on.
import type { WorkingCalendar } from '../core/calendar.js';
import { fromEpochDay } from '../core/dates.js';
import { workingDaysLate } from './deadlines.js';
import type { DueProcessState } from './state.js';

export interface OverdueItem {
  kind: 'objection' | 'repair';
  id: string;
  subject: string;
  /** For repairs: the step owed (forward, decide, stop). */
  step?: string;
  due: string;
  /** When it was done, if it was done late. */
  done?: string;
  workingDaysLate: number;
  /** True when part of the span lies outside the calendar's covered years. */
  approximate: boolean;
}

export interface BodyKpi {
  body: string;
  /** Time limits that fell due by the as-of day. */
  due: number;
  onTime: number;
  /** Still not done after the limit. */
  overdue: number;
  /** Done, but after the limit. */
  late: number;
  maxWorkingDaysLate: number;
  items: OverdueItem[];
}

/** Every time limit owed by every body, as of `asOf` (epoch day), grouped by body and sorted by lateness. */
export function overdueByBody(st: DueProcessState, asOf: number, cal: WorkingCalendar): BodyKpi[] {
  const bodies = new Map<string, BodyKpi>();
  const add = (
    body: string,
    item: Omit<OverdueItem, 'workingDaysLate' | 'due' | 'done'>,
    due: number,
    done: number | undefined,
  ) => {
    const doneBy = done !== undefined && done <= asOf ? done : undefined;
    if (doneBy === undefined && asOf <= due) return; // still running
    let k = bodies.get(body);
    if (!k) {
      k = { body, due: 0, onTime: 0, overdue: 0, late: 0, maxWorkingDaysLate: 0, items: [] };
      bodies.set(body, k);
    }
    k.due++;
    if (doneBy !== undefined && doneBy <= due) {
      k.onTime++;
      return;
    }
    const late = workingDaysLate(due, doneBy ?? asOf, cal);
    if (doneBy === undefined) k.overdue++;
    else k.late++;
    k.maxWorkingDaysLate = Math.max(k.maxWorkingDaysLate, late);
    k.items.push({
      ...item,
      due: fromEpochDay(due),
      ...(doneBy !== undefined ? { done: fromEpochDay(doneBy) } : {}),
      workingDaysLate: late,
    });
  };
  for (const o of st.objections.values()) {
    // A withdrawal ends the duty like a decision does: on time if before the limit, late (not overdue) after it.
    add(
      o.body,
      { kind: 'objection', id: o.id, subject: o.subject, approximate: o.approximate },
      o.due,
      o.closed,
    );
  }
  for (const r of st.repairs.values())
    for (const d of r.deadlines)
      add(
        d.by,
        { kind: 'repair', id: r.id, subject: r.subject, step: d.step, approximate: d.approximate },
        d.due,
        d.done,
      );
  const out = [...bodies.values()];
  for (const k of out)
    k.items.sort((a, b) => b.workingDaysLate - a.workingDaysLate || (a.id < b.id ? -1 : 1));
  return out.sort((a, b) => b.overdue - a.overdue || b.late - a.late || (a.body < b.body ? -1 : 1));
}
