// Property tests for due-process deadlines on the working-day calendar (2024–2026, holidays and make-up days).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toEpochDay } from '../core/dates.js';
import { dueAfter, dueProcessCalendar, workingDaysLate } from './deadlines.js';
import { shippedDueProcessPolicy } from './policy.js';

const cal = dueProcessCalendar();
const policy = shippedDueProcessPolicy();
const first = toEpochDay('2024-01-01');
const last = toEpochDay('2026-10-31'); // leaves room for the longest limit inside the covered years
const day = fc.integer({ min: first, max: last });
const rules = policy.objections.channels.flatMap((c) => [c.deadline, ...(c.extended ? [c.extended] : [])]);
const rule = fc.constantFrom(...rules);

describe('deadlines', () => {
  it('a working-day limit ends on the n-th working day after the start, never earlier', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 30 }), (from, n) => {
        const due = dueAfter({ days: n, count: 'working' }, from, cal);
        expect(cal.isWorkingDay(due)).toBe(true);
        expect(cal.workingDaysBetween(from, due)).toBe(n);
        expect(cal.workingDaysBetween(from, due - 1)).toBe(n - 1);
      }),
    );
  });

  it('a calendar-day limit with roll ends on the first working day on or after start + n', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 30 }), (from, n) => {
        const due = dueAfter({ days: n, count: 'calendar', roll_to_working_day: true }, from, cal);
        expect(due).toBeGreaterThanOrEqual(from + n);
        expect(cal.isWorkingDay(due)).toBe(true);
        for (let d = from + n; d < due; d++) expect(cal.isWorkingDay(d)).toBe(false);
      }),
    );
  });

  it('every shipped rule is monotonic: a later start never gives an earlier due day', () => {
    fc.assert(
      fc.property(rule, day, fc.integer({ min: 0, max: 40 }), (r, a, k) => {
        expect(dueAfter(r, a + k, cal)).toBeGreaterThanOrEqual(dueAfter(r, a, cal));
      }),
    );
  });

  it('lateness counts the working days after the limit, and is zero on or before it', () => {
    fc.assert(
      fc.property(rule, day, fc.integer({ min: -10, max: 40 }), (r, from, k) => {
        const due = dueAfter(r, from, cal);
        const on = due + k;
        const late = workingDaysLate(due, on, cal);
        if (k <= 0) expect(late).toBe(0);
        else {
          let count = 0;
          for (let d = due + 1; d <= on; d++) if (cal.isWorkingDay(d)) count++;
          expect(late).toBe(count);
        }
      }),
    );
  });
});
