// Group rates, differences and ratios, four-fifths flags: the disparity core over typed arrays.
import { MISSING, type Attribute } from './groups.js';

/**
 * An outcome measured on every subject. Binary outcomes hold 0/1; numeric ones any number. Subjects with
 * eligible[i] = 0 (e.g. no consent, so no score) or a NaN value are left out.
 */
export interface Outcome {
  /** Stable key, e.g. 'municipal.wendeng.below_A'. */
  name: string;
  label: { en: string; zh: string };
  kind: 'binary' | 'numeric';
  /** adverse: a higher rate is worse (listed, below A); favourable: higher is better; neutral: no direction. */
  polarity: 'adverse' | 'favourable' | 'neutral';
  values: Uint8Array | Int32Array | Float64Array;
  eligible?: Uint8Array;
}

export interface GroupSums {
  n: Float64Array;
  sum: Float64Array;
  sumSq: Float64Array;
}

/** One pass: per-group count, sum and sum of squares (integers stay exact below 2^53). */
export function groupSums(attr: Attribute, o: Outcome): GroupSums {
  const g = attr.labels.length;
  const n = new Float64Array(g);
  const sum = new Float64Array(g);
  const sumSq = new Float64Array(g);
  const codes = attr.codes;
  const v = o.values;
  const el = o.eligible;
  const len = codes.length;
  if (v.length !== len) throw new RangeError(`outcome ${o.name} and attribute ${attr.name} differ in length`);
  for (let i = 0; i < len; i++) {
    const c = codes[i]!;
    if (c === MISSING || (el && !el[i])) continue;
    const x = v[i]!;
    if (x !== x) continue;
    n[c]++;
    sum[c] += x;
    sumSq[c] += x * x;
  }
  return { n, sum, sumSq };
}

export type ReferenceChoice = 'largest' | 'best' | { label: string };

export interface DisparityOptions {
  /** Four-fifths threshold τ (Aequitas `tau`); default 0.8. */
  threshold?: number;
  reference?: ReferenceChoice;
  /** Groups with fewer members are reported but never flagged (too small to say anything). Default 30. */
  minGroupSize?: number;
}

export interface DisparityRow {
  group: string;
  n: number;
  /** Count of 1s (binary) or sum of values (numeric). */
  sum: number;
  /** Share (binary) or mean (numeric). */
  rate: number;
  /** Standard deviation (numeric outcomes only). */
  sd?: number;
  /** rate − reference rate. */
  diff: number;
  /** rate ÷ reference rate (NaN when the reference rate is 0). */
  ratio: number;
  /** Aequitas parity test: ratio outside [τ, 1/τ]. Binary outcomes only. */
  parityFlag: boolean;
  /** EEOC four-fifths rule on the favourable rate: this group's favourable rate ÷ the best group's. */
  favourableRatio?: number;
  fourFifthsFlag: boolean;
  small: boolean;
}

export interface DisparityTable {
  outcome: string;
  label: { en: string; zh: string };
  kind: Outcome['kind'];
  polarity: Outcome['polarity'];
  attribute: string;
  reference: string;
  threshold: number;
  overall: { n: number; rate: number };
  rows: DisparityRow[];
}

/** Rates, differences, ratios and both four-fifths tests for every group of `attr` on outcome `o`. */
export function disparity(attr: Attribute, o: Outcome, opts: DisparityOptions = {}): DisparityTable {
  const tau = opts.threshold ?? 0.8;
  if (!(tau > 0 && tau <= 1)) throw new RangeError('four-fifths threshold must be in (0, 1]');
  const minN = opts.minGroupSize ?? 30;
  const s = groupSums(attr, o);
  const G = attr.labels.length;
  const rate = (g: number) => (s.n[g]! > 0 ? s.sum[g]! / s.n[g]! : NaN);
  const present = [...Array(G).keys()].filter((g) => s.n[g]! > 0);
  const ref = pickReference(attr, o, s, present, opts.reference ?? 'largest');
  const refRate = ref < 0 ? NaN : rate(ref);
  const binary = o.kind === 'binary';
  const fav = (g: number) => (o.polarity === 'adverse' ? 1 - rate(g) : rate(g));
  let bestFav = 0;
  if (binary && o.polarity !== 'neutral')
    for (const g of present) if (s.n[g]! >= minN || present.length === 1) bestFav = Math.max(bestFav, fav(g));
  let totN = 0;
  let totSum = 0;
  const rows: DisparityRow[] = present.map((g) => {
    const n = s.n[g]!;
    const r = rate(g);
    totN += n;
    totSum += s.sum[g]!;
    const ratio = refRate === 0 ? NaN : r / refRate;
    const small = n < minN;
    const row: DisparityRow = {
      group: attr.labels[g]!,
      n,
      sum: s.sum[g]!,
      rate: r,
      diff: r - refRate,
      ratio,
      parityFlag: binary && !small && Number.isFinite(ratio) && (ratio < tau || ratio > 1 / tau),
      fourFifthsFlag: false,
      small,
    };
    if (!binary)
      row.sd = n > 1 ? Math.sqrt(Math.max(0, (s.sumSq[g]! - (s.sum[g]! * s.sum[g]!) / n) / (n - 1))) : 0;
    if (binary && o.polarity !== 'neutral' && bestFav > 0) {
      row.favourableRatio = fav(g) / bestFav;
      row.fourFifthsFlag = !small && row.favourableRatio < tau;
    }
    return row;
  });
  return {
    outcome: o.name,
    label: o.label,
    kind: o.kind,
    polarity: o.polarity,
    attribute: attr.name,
    reference: ref < 0 ? '' : attr.labels[ref]!,
    threshold: tau,
    overall: { n: totN, rate: totN ? totSum / totN : NaN },
    rows,
  };
}

function pickReference(
  attr: Attribute,
  o: Outcome,
  s: GroupSums,
  present: number[],
  choice: ReferenceChoice,
): number {
  if (present.length === 0) return -1;
  if (typeof choice === 'object') {
    const i = attr.labels.indexOf(choice.label);
    if (i >= 0 && s.n[i]! > 0) return i;
    choice = 'largest';
  }
  if (choice === 'best' && o.polarity !== 'neutral') {
    const better = (a: number, b: number) => (o.polarity === 'adverse' ? a < b : a > b);
    let best = present[0]!;
    for (const g of present) if (better(s.sum[g]! / s.n[g]!, s.sum[best]! / s.n[best]!)) best = g;
    return best;
  }
  let big = present[0]!;
  for (const g of present) if (s.n[g]! > s.n[big]!) big = g;
  return big;
}
