// The market regulator's credit-risk class A–D as of a date, and the "double random, one public" draw that
// inspects a larger share of the riskier classes, with inspectors drawn at random too.
import { addYears, toEpochDay } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import type { FirmData } from './data.js';
import type { RiskPolicy } from './policy.js';

export type RiskClass = 'A' | 'B' | 'C' | 'D';

export interface RiskEvaluation {
  firm: string;
  asOf: string;
  score: number;
  class: RiskClass;
  reasons: string[];
}

export function riskClassAsOf(p: RiskPolicy, d: FirmData, firm: string, asOf: string): RiskEvaluation {
  const f = d.byId.get(firm);
  if (!f) throw new MosaicError({ code: 'firm.unknown', message: `no firm ${firm}` });
  const day = toEpochDay(asOf);
  const from = addYears(day, -p.window_years.value);
  const events = (d.events.get(firm) ?? []).filter((e) => e.date <= asOf);
  let score = p.start_score.value;
  const reasons: string[] = [];
  const ind = new Map(p.indicators.map((i) => [i.code, i.points]));
  if (ind.has('young_firm') && day - toEpochDay(f.established) < 365) {
    score += ind.get('young_firm')!;
    reasons.push(`registered ${f.established}, less than a year: ${ind.get('young_firm')}`);
  }
  for (const code of ['annual_report_late', 'annual_report_missing', 'permit_revoked', 'penalty'] as const) {
    if (!ind.has(code)) continue;
    const n = events.filter((e) => e.kind === code && toEpochDay(e.date) > from).length;
    if (n) {
      score += n * ind.get(code)!;
      reasons.push(`${code} ×${n} in ${p.window_years.value} years: ${n * ind.get(code)!}`);
    }
  }
  const onList = (listed: string, removed: string) => {
    let open = 0;
    for (const e of events) {
      if (e.kind === listed) open++;
      else if (e.kind === removed) open = Math.max(0, open - 1);
    }
    return open > 0;
  };
  if (ind.has('abnormal_listed') && onList('abnormal_listed', 'abnormal_removed')) {
    score += ind.get('abnormal_listed')!;
    reasons.push(`on the abnormal-operations list: ${ind.get('abnormal_listed')}`);
  }
  let cls = p.classes.cutoffs.find((c) => score >= c.min)!.class as RiskClass;
  reasons.push(`score ${score}: class ${cls}`);
  for (const dr of p.direct)
    if (onList('serious_listed', 'serious_removed')) {
      cls = dr.class;
      reasons.push(`on the serious illegal and untrustworthy list: class ${dr.class}`);
    }
  return { firm, asOf, score, class: cls, reasons };
}

export interface InspectionDraw {
  round: string;
  byClass: Record<RiskClass, { firms: number; drawn: number; share: number }>;
  inspections: { firm: string; class: RiskClass; inspectors: [string, string] }[];
}

/**
 * Draw firms per class at the policy's share (rounded up, so a class with a positive share is never skipped) and two inspectors per firm from the
 * pool, both at random from the seed and the round's label: the same round draws the same firms.
 */
export function drawInspections(
  p: RiskPolicy,
  classes: readonly RiskEvaluation[],
  seed: string | number,
  round: string,
  inspectors: number,
): InspectionDraw {
  const rng = new Rng(`${seed}|${round}`);
  const pool = Array.from(
    { length: Math.max(2, inspectors) },
    (_, i) => `I${String(i + 1).padStart(3, '0')}`,
  );
  const byClass = {} as InspectionDraw['byClass'];
  const inspections: InspectionDraw['inspections'] = [];
  for (const c of ['A', 'B', 'C', 'D'] as const) {
    const firms = classes
      .filter((x) => x.class === c)
      .map((x) => x.firm)
      .sort();
    const share = p.inspections.share[c];
    const k = Math.ceil(share * firms.length - 1e-9);
    // Partial Fisher–Yates: the first k positions are a uniform sample without replacement.
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(firms.length - i);
      [firms[i], firms[j]] = [firms[j]!, firms[i]!];
    }
    const drawn = firms.slice(0, k).sort();
    byClass[c] = { firms: firms.length, drawn: k, share };
    for (const f of drawn) {
      const a = rng.int(pool.length);
      let b = rng.int(pool.length - 1);
      if (b >= a) b++;
      inspections.push({ firm: f, class: c, inspectors: [pool[a]!, pool[b]!] });
    }
  }
  return { round, byClass, inspections };
}
