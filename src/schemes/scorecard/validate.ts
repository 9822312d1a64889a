// Validation of a scorecard: AUC, KS, Gini, calibration by score band and by group, population stability.
import type { ScorecardConfig } from './config.js';
import type { ScorecardModel } from './model.js';
import { pdOfScore } from './score.js';

function split(scores: Float64Array, y: Uint8Array): { goods: Float64Array; bads: Float64Array } {
  let nb = 0;
  for (let i = 0; i < y.length; i++) nb += y[i]!;
  const goods = new Float64Array(y.length - nb);
  const bads = new Float64Array(nb);
  let g = 0;
  let b = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i]) bads[b++] = scores[i]!;
    else goods[g++] = scores[i]!;
  }
  goods.sort();
  bads.sort();
  return { goods, bads };
}

/**
 * Area under the ROC curve for a score where higher means safer: P(a good outscores a bad) + ½ P(tie). Equals
 * scikit-learn's roc_auc_score(y, −score).
 */
export function auc(scores: Float64Array, y: Uint8Array): number {
  const { goods, bads } = split(scores, y);
  const G = goods.length;
  const B = bads.length;
  if (G === 0 || B === 0) return NaN;
  let lt = 0;
  let le = 0;
  let wins = 0;
  let ties = 0;
  for (let i = 0; i < B; i++) {
    const s = bads[i]!;
    while (lt < G && goods[lt]! < s) lt++;
    if (le < lt) le = lt;
    while (le < G && goods[le]! <= s) le++;
    wins += G - le;
    ties += le - lt;
  }
  return (wins + 0.5 * ties) / (G * B);
}

/** Kolmogorov–Smirnov: the largest gap between the cumulative score distributions of bads and goods. */
export function ks(scores: Float64Array, y: Uint8Array): number {
  const { goods, bads } = split(scores, y);
  const G = goods.length;
  const B = bads.length;
  if (G === 0 || B === 0) return NaN;
  let i = 0;
  let j = 0;
  let best = 0;
  while (i < G || j < B) {
    const s = Math.min(i < G ? goods[i]! : Infinity, j < B ? bads[j]! : Infinity);
    while (i < G && goods[i]! <= s) i++;
    while (j < B && bads[j]! <= s) j++;
    best = Math.max(best, Math.abs(j / B - i / G));
  }
  return best;
}

export const gini = (a: number): number => 2 * a - 1;

/** Quantile cut points of a score distribution (for bands and PSI); duplicates dropped. */
export function quantileCuts(scores: Float64Array, bands: number): number[] {
  const s = Float64Array.from(scores).sort();
  const cuts: number[] = [];
  for (let q = 1; q < bands; q++) {
    const v = s[Math.min(s.length - 1, Math.floor((q * s.length) / bands))]!;
    if (cuts.length === 0 || v > cuts[cuts.length - 1]!) cuts.push(v);
  }
  return cuts;
}

function bandOf(cuts: readonly number[], v: number): number {
  let k = 0;
  while (k < cuts.length && cuts[k]! <= v) k++;
  return k;
}

export interface CalibrationRow {
  label: string;
  n: number;
  bads: number;
  observed: number;
  /** Mean PD implied by the score. */
  predicted: number;
}

function calibrate(
  scaling: ScorecardModel['scaling'],
  scores: Float64Array,
  y: Uint8Array,
  keyOf: (i: number) => string,
  order?: string[],
): CalibrationRow[] {
  const acc = new Map<string, { n: number; b: number; p: number }>();
  for (let i = 0; i < scores.length; i++) {
    const k = keyOf(i);
    let a = acc.get(k);
    if (!a) acc.set(k, (a = { n: 0, b: 0, p: 0 }));
    a.n++;
    a.b += y[i]!;
    a.p += pdOfScore(scaling, scores[i]!);
  }
  const keys = order ? order.filter((k) => acc.has(k)) : [...acc.keys()].sort();
  return keys.map((k) => {
    const a = acc.get(k)!;
    return { label: k, n: a.n, bads: a.b, observed: a.b / a.n, predicted: a.p / a.n };
  });
}

export function calibrationByBand(
  model: Pick<ScorecardModel, 'scaling'>,
  scores: Float64Array,
  y: Uint8Array,
  bands: number,
): CalibrationRow[] {
  const cuts = quantileCuts(scores, bands);
  const labels = Array.from({ length: cuts.length + 1 }, (_, k) =>
    k === 0 ? `< ${cuts[0] ?? '∞'}` : k === cuts.length ? `≥ ${cuts[k - 1]}` : `[${cuts[k - 1]}, ${cuts[k]})`,
  );
  return calibrate(model.scaling, scores, y, (i) => labels[bandOf(cuts, scores[i]!)]!, labels);
}

export function calibrationByGroup(
  model: Pick<ScorecardModel, 'scaling'>,
  scores: Float64Array,
  y: Uint8Array,
  groups: readonly string[],
): CalibrationRow[] {
  return calibrate(model.scaling, scores, y, (i) => groups[i]!);
}

export interface PsiResult {
  psi: number;
  status: string;
  bands: { label: string; expected: number; actual: number; contribution: number }[];
}

/**
 * Population stability index between a base period (expected) and a later one (actual), on the base period's
 * quantile bands. An empty band counts as 0.0001 of its period so the index stays finite (the usual convention).
 */
export function psi(expected: Float64Array, actual: Float64Array, cfg: ScorecardConfig['psi']): PsiResult {
  const cuts = quantileCuts(expected, cfg.bands);
  const m = cuts.length + 1;
  const e = new Float64Array(m);
  const a = new Float64Array(m);
  for (let i = 0; i < expected.length; i++) e[bandOf(cuts, expected[i]!)]++;
  for (let i = 0; i < actual.length; i++) a[bandOf(cuts, actual[i]!)]++;
  const bands: PsiResult['bands'] = [];
  let total = 0;
  for (let k = 0; k < m; k++) {
    const pe = Math.max(e[k]! / expected.length, 1e-4);
    const pa = Math.max(a[k]! / actual.length, 1e-4);
    const c = (pa - pe) * Math.log(pa / pe);
    total += c;
    bands.push({
      label:
        k === 0
          ? `< ${cuts[0] ?? '∞'}`
          : k === cuts.length
            ? `≥ ${cuts[k - 1]}`
            : `[${cuts[k - 1]}, ${cuts[k]})`,
      expected: pe,
      actual: pa,
      contribution: c,
    });
  }
  const status = cfg.thresholds.find((t) => t.below === undefined || total < t.below)!.status;
  return { psi: total, status, bands };
}
