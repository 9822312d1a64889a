// Deadlines owed by list owners: deletion within N working days, reminders and escalation, correction reviews.
import type { WorkingCalendar } from '../../core/calendar.js';
import { entriesOf, spanEnd, type ListEntry, type ListStatement } from './lifecycle.js';
import type { ListPolicy } from './policy.js';

export type DutyCode =
  | 'list.duty.expiry_deletion'
  | 'list.duty.deletion'
  | 'list.duty.escalation_reminder'
  | 'list.duty.escalation'
  | 'list.duty.correction_review';

/**
 * One deadline. `from` is the day the clock starts; working-day deadlines count from the next working day after it
 * (the event day itself is not counted, as in Chinese procedural time limits). `due` is the last day to comply.
 */
export interface Duty {
  code: DutyCode;
  list: string;
  subject: string;
  case?: string;
  entryRef?: string;
  from: number;
  due: number;
  /** The day the owner complied (the statement's reportedAt). */
  done?: number;
  status: 'done' | 'late' | 'open' | 'overdue';
  /** True when part of the span lies outside the calendar's covered years (weekends-only fallback answered). */
  approximate: boolean;
  basis: string;
}

function status(done: number | undefined, due: number, asOf: number): Duty['status'] {
  if (done !== undefined) return done <= due ? 'done' : 'late';
  return asOf <= due ? 'open' : 'overdue';
}

/**
 * Every duty arising from a subject's statements up to `asOf`. The calendar should be built with
 * `fallback: 'weekends'` when statements may fall outside its covered years; such duties are marked approximate.
 */
export function dutiesOf(
  policy: ListPolicy,
  calendar: WorkingCalendar,
  statements: readonly ListStatement[],
  asOf: number,
): Duty[] {
  const known = statements.filter((s) => s.reported <= asOf);
  const { entries } = entriesOf(policy, known);
  const out: Duty[] = [];
  const approx = (a: number, b: number) => a < calendar.first || b > calendar.last;
  const add = (d: Omit<Duty, 'status' | 'approximate'>) =>
    out.push({ ...d, status: status(d.done, d.due, asOf), approximate: approx(d.from, d.due) });

  for (const e of entries) {
    const list = policy.list(e.list)!;
    // Deletion once the term has run out (the entry's end names the statement that recorded it, if any).
    const n = list.expiry_deadline_working_days;
    if (
      n !== undefined &&
      list.kinds.expiry &&
      e.termEnd !== null &&
      e.termEnd <= asOf &&
      e.end?.cause === 'term'
    ) {
      const from = e.termEnd - 1;
      const due = calendar.addWorkingDays(from, n);
      add({
        code: 'list.duty.expiry_deletion',
        list: e.list,
        subject: e.subject,
        ...caseOf(e),
        from,
        due,
        ...doneAt(e.end.reported),
        basis: list.deletion.basis,
      });
    }
    // Deletion once a ground arose.
    const m = list.deletion.deadline_working_days;
    if (m !== undefined && e.end?.cause === 'deletion') {
      const from = e.end.day;
      const due = calendar.addWorkingDays(from, m);
      add({
        code: 'list.duty.deletion',
        list: e.list,
        subject: e.subject,
        ...caseOf(e),
        from,
        due,
        ...doneAt(e.end.reported),
        basis: list.deletion.basis,
      });
    }
    // Escalation to another list after a time on this one, with a reminder before.
    const esc = list.escalation;
    if (esc) {
      const mark = spanEnd(e.listedOn, esc.after);
      const stillListed = e.since <= mark && (e.until === null || e.until > mark);
      if (stillListed && asOf >= mark - esc.reminder_days_before) {
        const winFrom = mark - esc.reminder_days_before;
        const reminder = known.find(
          (s) =>
            s.kind === list.kinds.reminder &&
            s.status !== 'withdrawal' &&
            s.occurred >= winFrom &&
            s.occurred < mark,
        );
        add({
          code: 'list.duty.escalation_reminder',
          list: e.list,
          subject: e.subject,
          ...caseOf(e),
          from: winFrom,
          due: mark - 1,
          ...doneAt(reminder?.reported),
          basis: esc.basis,
        });
        if (asOf >= mark) {
          const target = policy.list(esc.to)!;
          const listed = known.find(
            (s) =>
              s.kind === target.kinds.listing &&
              s.severity === esc.ground &&
              s.status !== 'withdrawal' &&
              s.occurred >= mark,
          );
          const from = mark - 1;
          add({
            code: 'list.duty.escalation',
            list: esc.to,
            subject: e.subject,
            ...caseOf(e),
            from,
            due: calendar.addWorkingDays(from, esc.deadline_working_days),
            ...doneAt(listed?.reported),
            basis: esc.basis,
          });
        }
      }
    }
  }
  // Review of applications for correction.
  for (const list of policy.lists) {
    if (!list.correction || !list.kinds.correction_request) continue;
    const listingRefs = new Set(known.filter((s) => s.kind === list.kinds.listing).map((s) => s.ref));
    for (const req of known.filter((s) => s.kind === list.kinds.correction_request)) {
      const answered = known
        .filter(
          (s) =>
            s.reported >= req.occurred &&
            (s.kind === list.kinds.correction_rejected ||
              (s.status !== 'original' && s.supersedes !== undefined && listingRefs.has(s.supersedes)) ||
              (s.kind === list.kinds.deletion && s.severity === 'wrongly_listed')) &&
            (s.basis === undefined ||
              req.basis === undefined ||
              s.basis === req.basis ||
              s.status !== 'original'),
        )
        .sort((a, b) => a.reported - b.reported)[0];
      const from = req.occurred;
      add({
        code: 'list.duty.correction_review',
        list: list.list,
        subject: req.subject,
        ...(req.basis !== undefined ? { case: req.basis } : {}),
        from,
        due: from + list.correction.review_days,
        ...doneAt(answered?.reported),
        basis: `${list.legal_basis[list.legal_basis.length - 1]!.doc} (review within ${list.correction.review_days} days [${list.correction.marker}])`,
      });
    }
  }
  return out.sort((a, b) => a.due - b.due || (a.code < b.code ? -1 : 1));
}

const caseOf = (e: ListEntry) => ({ entryRef: e.ref, ...(e.case !== undefined ? { case: e.case } : {}) });
const doneAt = (d: number | undefined) => (d === undefined ? {} : { done: d });
