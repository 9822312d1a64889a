// Property tests for the date helpers: the hand-rolled ISO parser agrees with a Date-based reference everywhere.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addYears, addYearsByDate, fromEpochDay, isIsoDate, toEpochDay } from './dates.js';

/** The previous, obviously-right implementation: regex, Date.UTC, and a round trip to refuse 31 Feb and such. */
function reference(iso: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return NaN;
  return ms / 86_400_000;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
/** Strings shaped like dates, most of them close to valid: months 0–13, days 0–32, any 4-digit year. */
const dateLike = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
  .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);

describe('toEpochDay', () => {
  it('agrees with the Date-based reference on date-shaped strings', () => {
    fc.assert(
      fc.property(dateLike, (s) => {
        expect(Object.is(toEpochDay(s), reference(s))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with the reference on arbitrary strings (malformed ones are NaN)', () => {
    const chars = fc.constantFrom(...'0123456789-+ Tx/.'.split(''));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(chars, { maxLength: 12 }).map((a) => a.join('')),
        ),
        (s) => {
          expect(Object.is(toEpochDay(s), reference(s))).toBe(true);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('round-trips every day from 1900 to 2100 through fromEpochDay', () => {
    for (let day = toEpochDay('1900-01-01'); day <= toEpochDay('2100-12-31'); day++)
      if (toEpochDay(fromEpochDay(day)) !== day) throw new Error(`day ${day} does not round-trip`);
    expect(toEpochDay('1970-01-01')).toBe(0);
    expect(toEpochDay('2024-02-29')).toBe(19_782);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('1900-02-29')).toBe(false);
  });

  it('addYears (integer arithmetic) equals the Date version on every day of 1890–2210 and any year count', () => {
    const from = toEpochDay('1890-01-01');
    const to = toEpochDay('2210-12-31');
    for (const years of [-120, -70, -60, -18, -16, -5, -4, -1, 0, 1, 2, 3, 4, 5, 8, 10, 30, 50, 100])
      for (let d = from; d <= to; d++)
        if (addYears(d, years) !== addYearsByDate(d, years)) expect([d, years]).toBe('equal');
    fc.assert(
      fc.property(
        fc.integer({ min: -800_000, max: 3_000_000 }),
        fc.integer({ min: -3000, max: 3000 }),
        (d, years) => {
          expect(Object.is(addYears(d, years), addYearsByDate(d, years))).toBe(true);
        },
      ),
      { numRuns: 20_000 },
    );
    expect(Object.is(addYears(NaN, 1), addYearsByDate(NaN, 1))).toBe(true);
    expect(Object.is(addYears(0.5, 1), addYearsByDate(0.5, 1))).toBe(true);
  });

  it('addYears clamps 29 February', () => {
    expect(fromEpochDay(addYears(toEpochDay('2024-02-29'), 1))).toBe('2025-02-28');
    expect(fromEpochDay(addYears(toEpochDay('2024-02-29'), 4))).toBe('2028-02-29');
  });
});
