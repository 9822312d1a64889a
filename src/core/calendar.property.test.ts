// Property tests: the indexed calendar agrees with a day-by-day reference walk, and its arithmetic is consistent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { defaultCalendarPath, shippedCalendar } from './calendar.js';
import { toEpochDay, weekday } from './dates.js';

const strict = shippedCalendar();
const loose = shippedCalendar({ fallback: 'weekends' });
const FIRST = toEpochDay('2024-01-01');
const LAST = toEpochDay('2026-12-31');

// The reference reads the YAML with the plain parser (no schema, no index) and walks one day at a time.
interface RawHoliday {
  from: string;
  to: string;
  makeup: { date: string }[];
}
const raw = parse(readFileSync(defaultCalendarPath(), 'utf8')) as { years: { holidays: RawHoliday[] }[] };
const REF_WORKING = new Map<number, boolean>();
for (let d = FIRST; d <= LAST; d++) REF_WORKING.set(d, weekday(d) !== 0 && weekday(d) !== 6);
for (const y of raw.years)
  for (const h of y.holidays) {
    for (let d = toEpochDay(h.from); d <= toEpochDay(h.to); d++) REF_WORKING.set(d, false);
    for (const m of h.makeup) REF_WORKING.set(toEpochDay(m.date), true);
  }
const refWorking = (d: number) => REF_WORKING.get(d) ?? (weekday(d) !== 0 && weekday(d) !== 6);
function refAdd(d: number, n: number): number {
  let x = d;
  for (let left = Math.abs(n); left > 0;) {
    x += n > 0 ? 1 : -1;
    if (refWorking(x)) left--;
  }
  return x;
}
function refBetween(a: number, b: number): number {
  let c = 0;
  for (let d = Math.min(a, b) + 1; d <= Math.max(a, b); d++) if (refWorking(d)) c++;
  return b >= a ? c : 0 - c; // 0 - c, not -c: no negative zero when a > b with no working day between
}

const covered = fc.integer({ min: FIRST, max: LAST });
const wide = fc.integer({ min: FIRST - 800, max: LAST + 800 });
const count = fc.integer({ min: 1, max: 60 });

describe('calendar arithmetic', () => {
  it('explain() and isWorkingDay() agree with the raw data on every covered day', () => {
    for (let d = FIRST; d <= LAST; d++) {
      const e = strict.explain(d);
      expect(strict.isWorkingDay(d)).toBe(e.working);
      expect(e.working).toBe(REF_WORKING.get(d));
      const wd = weekday(d);
      if (e.kind === 'makeup') expect(wd === 0 || wd === 6).toBe(true);
      if (e.kind === 'workday') expect(wd >= 1 && wd <= 5).toBe(true);
    }
  });

  it('addWorkingDays(d, n) is a working day, matches the walk, and workingDaysBetween inverts it', () => {
    fc.assert(
      fc.property(covered, count, (d, n) => {
        const x = loose.addWorkingDays(d, n);
        expect(loose.isWorkingDay(x)).toBe(true);
        expect(x).toBe(refAdd(d, n));
        expect(loose.workingDaysBetween(d, x)).toBe(n);
        // No working day is skipped: exactly n − 1 working days lie strictly between d and x.
        expect(loose.workingDaysBetween(d, x - 1)).toBe(n - 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('is strictly monotone in n', () => {
    fc.assert(
      fc.property(covered, count, count, (d, a, b) => {
        if (a === b) return;
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(loose.addWorkingDays(d, lo)).toBeLessThan(loose.addWorkingDays(d, hi));
      }),
      { numRuns: 1000 },
    );
  });

  it('counts back symmetrically: the |n|-th working day before d leaves |n| working days in [x, d)', () => {
    fc.assert(
      fc.property(covered, count, (d, n) => {
        const x = loose.addWorkingDays(d, -n);
        expect(loose.isWorkingDay(x)).toBe(true);
        expect(x).toBe(refAdd(d, -n));
        expect(loose.workingDaysBetween(x - 1, d - 1)).toBe(n);
      }),
      { numRuns: 1000 },
    );
  });

  it('workingDaysBetween matches the walk and is additive, also across the fallback edges', () => {
    fc.assert(
      fc.property(wide, wide, wide, (a, b, c) => {
        expect(loose.workingDaysBetween(a, b)).toBe(refBetween(a, b));
        expect(loose.workingDaysBetween(a, b) + loose.workingDaysBetween(b, c)).toBe(
          loose.workingDaysBetween(a, c),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('fallback answers outside the data match a weekends-only walk, in both directions', () => {
    fc.assert(
      fc.property(wide, fc.integer({ min: -300, max: 300 }), (d, n) => {
        expect(loose.addWorkingDays(d, n)).toBe(n === 0 ? d : refAdd(d, n));
      }),
      { numRuns: 1000 },
    );
  });

  it('strict mode answers exactly where the data and the result stay within 2024–2026', () => {
    fc.assert(
      fc.property(covered, fc.integer({ min: -40, max: 40 }), (d, n) => {
        const want = n === 0 ? d : refAdd(d, n);
        if (want < FIRST || want > LAST) expect(() => strict.addWorkingDays(d, n)).toThrow(/out_of_range/);
        else expect(strict.addWorkingDays(d, n)).toBe(want);
      }),
      { numRuns: 1000 },
    );
  });
});
