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
  /** Reported rates and means are the raw ones × scale (e.g. integer counts per person ÷ years). Default 1. */
  scale?: number;
}

export interface GroupSums {
  n: Float64Array;
  sum: Float64Array;
  sumSq: Float64Array;
}

const countCache = new WeakMap<Attribute, Map<Uint8Array | null, Float64Array>>();
const onesCache = new WeakMap<Outcome, Uint32Array>();

/** Members per group among the eligible (cached: every 0/1 outcome with the same eligibility shares it). */
export function groupCounts(attr: Attribute, eligible?: Uint8Array): Float64Array {
  let m = countCache.get(attr);
  if (!m) countCache.set(attr, (m = new Map()));
  const key = eligible ?? null;
  let n = m.get(key);
  if (n) return n;
  n = new Float64Array(attr.labels.length);
  const codes = attr.codes;
  if (eligible) {
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c !== MISSING && eligible[i]) n[c]++;
    }
  } else
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i]!;
      if (c !== MISSING) n[c]++;
    }
  m.set(key, n);
  return n;
}

/** Eligible subjects whose 0/1 outcome is 1 (cached per outcome). */
export function onesOf(o: Outcome): Uint32Array {
  let ones = onesCache.get(o);
  if (ones) return ones;
  const v = o.values;
  const el = o.eligible;
  let k = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === 1 && (!el || el[i])) k++;
  ones = new Uint32Array(k);
  k = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === 1 && (!el || el[i])) ones[k++] = i;
  onesCache.set(o, ones);
  return ones;
}

/**
 * Per-group count, sum and sum of squares of the raw values (integers stay exact below 2^53). 0/1 outcomes visit
 * only their ones and share the group counts; numeric ones take one pass.
 */
export function groupSums(attr: Attribute, o: Outcome): GroupSums {
  const g = attr.labels.length;
  const codes = attr.codes;
  const v = o.values;
  if (v.length !== codes.length)
    throw new RangeError(`outcome ${o.name} and attribute ${attr.name} differ in length`);
  if (o.kind === 'binary' && !(v instanceof Float64Array)) {
    const n = groupCounts(attr, o.eligible);
    const sum = new Float64Array(g);
    const ones = onesOf(o);
    for (let j = 0; j < ones.length; j++) {
      const c = codes[ones[j]!]!;
      if (c !== MISSING) sum[c]++;
    }
    return { n, sum, sumSq: sum };
  }
  const n = new Float64Array(g);
  const sum = new Float64Array(g);
  const sumSq = new Float64Array(g);
  const el = o.eligible;
  const x64 = asFloat64(o);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c === MISSING || (el !== undefined && el[i] === 0)) continue;
    const x = x64[i]!;
    if (x !== x) continue;
    n[c]++;
    sum[c] += x;
    sumSq[c] += x * x;
  }
  return { n, sum, sumSq };
}

const f64Cache = new WeakMap<Outcome, Float64Array>();

/** The outcome's values as doubles, so the hot loops see one array type (cached). */
function asFloat64(o: Outcome): Float64Array {
  if (o.values instanceof Float64Array) return o.values;
  let f = f64Cache.get(o);
  if (!f) f64Cache.set(o, (f = Float64Array.from(o.values)));
  return f;
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
  const k = o.kind === 'numeric' ? (o.scale ?? 1) : 1;
  const rate = (g: number) => (s.n[g]! > 0 ? (k * s.sum[g]!) / s.n[g]! : NaN);
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
    totSum += k * s.sum[g]!;
    const ratio = refRate === 0 ? NaN : r / refRate;
    const small = n < minN;
    const row: DisparityRow = {
      group: attr.labels[g]!,
      n,
      sum: k * s.sum[g]!,
      rate: r,
      diff: r - refRate,
      ratio,
      parityFlag: binary && !small && Number.isFinite(ratio) && (ratio < tau || ratio > 1 / tau),
      fourFifthsFlag: false,
      small,
    };
    if (!binary)
      row.sd = n > 1 ? k * Math.sqrt(Math.max(0, (s.sumSq[g]! - (s.sum[g]! * s.sum[g]!) / n) / (n - 1))) : 0;
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
