// Properties of the shared semantics: the fast window bound equals the window definition, ages, grade floors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageOn, toEpochDay } from '../../core/dates.js';
import {
  birthDayCutoff,
  finalGradeCode,
  isActive,
  subjectClassBits,
  windowEnd,
  windowStartBound,
} from './semantics.js';
import { GRADE_CODES } from './types.js';

const day = fc.integer({ min: toEpochDay('1950-01-01'), max: toEpochDay('2100-12-31') });

describe('validity windows', () => {
  it('windowStartBound(D, y) <= t <= D exactly when a y-year window starting on t counts on D', () => {
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: -2000, max: 2000 }),
        fc.integer({ min: 1, max: 10 }),
        (D, off, y) => {
          const t = D + off;
          expect(windowStartBound(D, y) <= t && t <= D).toBe(isActive(t, y, D));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('ends on the same calendar day, 29 February on 28 February', () => {
    expect(windowEnd(toEpochDay('2021-03-15'), 1)).toBe(toEpochDay('2022-03-15'));
    expect(windowEnd(toEpochDay('2020-02-29'), 1)).toBe(toEpochDay('2021-02-28'));
    expect(windowEnd(toEpochDay('2020-02-29'), 4)).toBe(toEpochDay('2024-02-29'));
    expect(isActive(toEpochDay('2021-03-15'), 1, toEpochDay('2022-03-14'))).toBe(true);
    expect(isActive(toEpochDay('2021-03-15'), 1, toEpochDay('2022-03-15'))).toBe(false);
  });
});

describe('age cutoff', () => {
  it('born on or before the cutoff exactly when at least minAge', () => {
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 0, max: 40_000 }),
        fc.integer({ min: 0, max: 100 }),
        (D, back, minAge) => {
          const b = D - back;
          expect(b <= birthDayCutoff(D, minAge)).toBe(ageOn(b, D) >= minAge);
        },
      ),
      { numRuns: 20_000 },
    );
  });
});

describe('grades', () => {
  const code = (band: number, direct: number, other: number, nonD: number) =>
    GRADE_CODES[finalGradeCode(band, direct, other, nonD)];
  it('takes the lower of band and floor, and records the grade a direct D dropped from', () => {
    expect(code(2, -1, -1, -1)).toBe('A');
    expect(code(0, 3, -1, 3)).toBe('B');
    expect(code(4, 3, -1, 3)).toBe('C');
    expect(code(0, 5, -1, -1)).toBe('DA');
    expect(code(1, 5, -1, -1)).toBe('DA');
    expect(code(3, 5, -1, -1)).toBe('DB');
    expect(code(2, 5, -1, 4)).toBe('DC');
    expect(code(2, 5, 3, -1)).toBe('DB');
    expect(code(5, 5, -1, -1)).toBe('D');
    expect(code(5, -1, -1, -1)).toBe('D');
    expect(code(2, -1, 3, -1)).toBe('B');
  });

  it('class bits: legal persons are disjoint from natural-person classes', () => {
    expect(subjectClassBits(true, 7)).toBe(16);
    expect(subjectClassBits(false, 0)).toBe(1);
    expect(subjectClassBits(false, 1 | 4)).toBe(1 | 2 | 8);
  });
});
