// The points-scheme semantics every engine shares: validity windows, bands, grade floors, eligibility, subject classes.
import { addYears, ageOn } from '../../core/dates.js';
import { ISSUER_LEVELS, type IssuerLevel } from '../../core/types.js';
import { contains, normalize } from '../../policy/interval.js';
import {
  GRADES,
  type Band,
  type DirectGrade,
  type Grade,
  type SchemePack,
  type SubjectClass,
  type ValidityTable,
} from './types.js';

/**
 * A validity window is [start, addYears(start, years)): it counts on its first day and stops counting at the start of
 * the same calendar day `years` later (29 Feb → 28 Feb). A 1-year entry of 2021-03-15 counts on 2022-03-14, not on
 * 2022-03-15.
 */
export function windowEnd(startDay: number, years: number): number {
  return addYears(startDay, years);
}

export function isActive(startDay: number, years: number, asOfDay: number): boolean {
  return startDay <= asOfDay && asOfDay < windowEnd(startDay, years);
}

/**
 * The earliest start day whose `years` window still covers `asOfDay`: a window starting on t counts on asOfDay iff
 * windowStartBound(asOfDay, years) <= t <= asOfDay. addYears is monotone, so the set of such t is an interval; the
 * fast evaluator compares each record's day against this one number instead of adding years per record.
 */
export function windowStartBound(asOfDay: number, years: number): number {
  let t = addYears(asOfDay, -years) - 3;
  while (windowEnd(t, years) <= asOfDay) t++;
  return t;
}

/** Latest birth day at which a person is at least `minAge` on `asOfDay` (by ageOn). */
export function birthDayCutoff(asOfDay: number, minAge: number): number {
  // The last answer is kept: every evaluation asks it, and a report or a population asks it for one day.
  if (asOfDay === lastCutoff.day && minAge === lastCutoff.age) return lastCutoff.b;
  let b = addYears(asOfDay, -minAge) + 3;
  while (ageOn(b, asOfDay) < minAge) b--;
  lastCutoff.day = asOfDay;
  lastCutoff.age = minAge;
  lastCutoff.b = b;
  return b;
}
const lastCutoff = { day: NaN, age: NaN, b: 0 };

export function deductionYears(v: ValidityTable, magnitude: number): number {
  for (const d of v.deductions) if (contains(normalize(d.band), magnitude)) return d.years;
  // Lint guarantees the bands cover every positive magnitude.
  return v.deductions[v.deductions.length - 1]!.years;
}

export function bonusYears(v: ValidityTable, level: IssuerLevel | undefined): number {
  if (level === undefined) return v.bonusDefault;
  return v.bonusByLevel[level] ?? v.bonusDefault;
}

/** Years an entry of `points` counts, unless the rule fixes it. Zero points never count, so any value will do. */
export function pointsYears(v: ValidityTable, points: number, level: IssuerLevel | undefined): number {
  if (points < 0) return deductionYears(v, -points);
  return bonusYears(v, level);
}

export function directYears(v: ValidityTable, grade: DirectGrade): number {
  return v.direct[grade];
}

export const GRADE_RANK: Record<Grade, number> = { AAA: 0, AA: 1, A: 2, B: 3, C: 4, D: 5 };

/** Rank (0 = AAA … 5 = D) of the band holding `score`. Lint guarantees the bands cover every integer. */
export function bandRank(bands: readonly Band[], score: number): number {
  for (const b of bands)
    if ((b.min === undefined || score >= b.min) && (b.max === undefined || score <= b.max))
      return GRADE_RANK[b.grade];
  return GRADES.length - 1;
}

/**
 * Final grade code (index into GRADE_CODES) from the band rank, the worst uncancelled direct-grading cause, and the
 * worst floor from other sources (repairs, non-D causes). D reached through a direct cause records the grade it was
 * dropped from: DA (from AAA/AA/A), DB, DC; D reached by points alone is plain D.
 * Ranks are 0..5, or -1 for "none".
 */
export function finalGradeCode(
  band: number,
  directWorst: number,
  otherFloor: number,
  nonDDirectWorst: number,
): number {
  const floor = Math.max(directWorst, otherFloor);
  const rank = Math.max(band, floor);
  if (rank === 5 && directWorst === 5) {
    const pre = Math.max(band, otherFloor, nonDDirectWorst);
    return pre <= 2 ? 6 : pre === 3 ? 7 : pre === 4 ? 8 : 5;
  }
  return rank;
}

/** Subject-class bits: a rule applies to a subject iff (rule mask & subject bits) !== 0. */
export const CLASS_BITS: Record<SubjectClass, number> = {
  individual: 1,
  state_personnel: 2,
  village_cadre: 4,
  party_member: 8,
  legal_person: 16,
};

export function classMask(classes: readonly SubjectClass[]): number {
  let m = 0;
  for (const c of classes) m |= CLASS_BITS[c];
  return m;
}

/** Bits of a subject from its type and ROLE_BITS-encoded roles (types.ts). */
export function subjectClassBits(isLegal: boolean, roleBits: number): number {
  if (isLegal) return CLASS_BITS.legal_person;
  return (
    CLASS_BITS.individual |
    (roleBits & 1 ? CLASS_BITS.state_personnel : 0) |
    (roleBits & 2 ? CLASS_BITS.village_cadre : 0) |
    (roleBits & 4 ? CLASS_BITS.party_member : 0)
  );
}

export function levelIndex(level: IssuerLevel | undefined): number {
  return level === undefined ? 0 : ISSUER_LEVELS.indexOf(level) + 1;
}

/** Does a scheme score this kind of subject at all? */
export function schemeCovers(pack: SchemePack, isLegal: boolean): boolean {
  return pack.meta.subjects.includes(isLegal ? 'legal_person' : 'individual');
}

/** Cumulative amounts are summed in thousandths so every engine gets the same total whatever the order. */
export function toMilli(amount: number): number {
  return Math.round(amount * 1000);
}
