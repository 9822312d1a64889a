// The annual tax credit grade: score by deductions, direct D, the M grade, the bars on A; fixed each April and
// replaced by a re-evaluation from the day it is decided.
import { MosaicError } from '../../core/errors.js';
import { taxKey, type FirmData } from './data.js';
import type { TaxPolicy } from './policy.js';

export type TaxGrade = 'A' | 'B' | 'M' | 'C' | 'D';

export interface TaxEvaluation {
  firm: string;
  year: number;
  grade: TaxGrade;
  score: number;
  reasons: string[];
  /** The day the grade is fixed and published (publication month of the next year). */
  publishedOn: string;
  reEvaluatedOn?: string;
}

/** Evaluate one firm for one calendar year, as decided on `decidedOn` (re-evaluations decided by then apply). */
export function evaluateTax(
  p: TaxPolicy,
  d: FirmData,
  firm: string,
  year: number,
  decidedOn?: string,
): TaxEvaluation {
  const f = d.byId.get(firm);
  if (!f) throw new MosaicError({ code: 'firm.unknown', message: `no firm ${firm}` });
  const publishedOn = `${year + 1}-${String(p.publication.month).padStart(2, '0')}-01`;
  const reEval = d.reEvaluations
    .filter((r) => r.firm === firm && r.year === year && decidedOn !== undefined && r.decided <= decidedOn)
    .sort((a, b) => (a.decided < b.decided ? -1 : 1));
  const struck = new Set(reEval.flatMap((r) => r.struck.map((s) => `${s.date}|${s.kind}`)));
  const events = (d.events.get(firm) ?? []).filter(
    (e) => e.date.startsWith(`${year}-`) && !struck.has(`${e.date}|${e.kind}`),
  );
  const reasons: string[] = [];
  let score = p.start_score.value;
  for (const ded of p.deductions) {
    const n = events.filter((e) => e.kind === ded.indicator).length;
    if (n) {
      score -= n * ded.points;
      reasons.push(`${ded.indicator} ×${n}: −${n * ded.points}`);
    }
  }
  const out = (grade: TaxGrade): TaxEvaluation => {
    const e: TaxEvaluation = { firm, year, grade, score, reasons, publishedOn };
    if (reEval.length) e.reEvaluatedOn = reEval[reEval.length - 1]!.decided;
    return e;
  };
  const direct = events.filter((e) => p.direct_d.indicators.includes(e.kind));
  if (direct.length) {
    reasons.push(`direct grading to D: ${direct.map((e) => `${e.kind} (${e.date})`).join(', ')}`);
    return out('D');
  }
  if (f.established > `${year}-12-31`)
    throw new MosaicError({ code: 'tax.not_established', message: `${firm} was not established in ${year}` });
  const facts = d.taxYears.get(taxKey(firm, year));
  const isNew = f.established.startsWith(`${year}-`);
  const noIncome = facts !== undefined && facts.operating_income === 0;
  if (isNew || (noIncome && score >= p.grades.m_grade.min_score)) {
    reasons.push(
      isNew
        ? `newly established in ${year}: M`
        : `no operating income in ${year} and score ${score} ≥ ${p.grades.m_grade.min_score}: M`,
    );
    return out('M');
  }
  let grade = p.grades.bands.find((b) => score >= b.min)!.grade as TaxGrade;
  reasons.push(`score ${score}: band ${grade}`);
  if (grade === 'A') {
    const bars: string[] = [];
    const years = (Date.parse(`${year}-12-31`) - Date.parse(f.established)) / (365.25 * 86400000);
    if (years < p.a_bars.min_operating_years)
      bars.push(`operating ${years.toFixed(1)} < ${p.a_bars.min_operating_years} years`);
    if (f.established <= `${year - 1}-12-31`) {
      const prev = evaluateTax(p, d, firm, year - 1, decidedOn).grade;
      if (p.a_bars.previous_grade_not.includes(prev)) bars.push(`previous year's grade ${prev}`);
    }
    if (facts) {
      if (facts.zero_vat_consecutive > p.a_bars.max_consecutive_zero_vat_months)
        bars.push(`${facts.zero_vat_consecutive} consecutive months of zero or negative VAT declarations`);
      if (facts.zero_vat_total > p.a_bars.max_total_zero_vat_months)
        bars.push(`${facts.zero_vat_total} months of zero or negative VAT declarations`);
      if (p.a_bars.books_required && !facts.books_ok) bars.push('books not kept properly');
    }
    if (bars.length) {
      grade = 'B';
      reasons.push(`A barred (${bars.join('; ')}): B`);
    }
  }
  return out(grade);
}

/** The grade in force on a day: the latest year already published, re-evaluations decided by then included. */
export function taxGradeAsOf(
  p: TaxPolicy,
  d: FirmData,
  firm: string,
  asOf: string,
): TaxEvaluation | undefined {
  const f = d.byId.get(firm);
  if (!f) throw new MosaicError({ code: 'firm.unknown', message: `no firm ${firm}` });
  let y = Number(asOf.slice(0, 4));
  while (`${y + 1}-${String(p.publication.month).padStart(2, '0')}-01` > asOf) y--;
  if (f.established > `${y}-12-31`) return undefined;
  return evaluateTax(p, d, firm, y, asOf);
}
