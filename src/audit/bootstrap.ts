// Seeded, stratified bootstrap confidence intervals for group rates, means, differences and ratios.
import { Rng } from '../core/rng.js';
import { MISSING, type Attribute } from './groups.js';
import { binomial, multinomial } from './sample.js';
import type { DisparityTable, Outcome } from './stats.js';

export interface BootstrapOptions {
  draws?: number;
  /** Seed of this table's stream; the stream is also keyed by outcome and attribute, so tables don't interact. */
  seed: number | string;
  /** Two-sided level: 0.05 gives 95 % intervals. */
  alpha?: number;
}

export type Interval = [number, number];

export interface GroupIntervals {
  group: string;
  rate: Interval;
  diff: Interval;
  ratio: Interval;
}

export interface BootstrapResult {
  outcome: string;
  attribute: string;
  draws: number;
  alpha: number;
  seed: string;
  groups: GroupIntervals[];
}

/** Quantile of sorted data, type 7 (linear interpolation, the R/NumPy default). */
export function quantileSorted(xs: Float64Array, q: number): number {
  if (xs.length === 0) return NaN;
  const h = (xs.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(xs.length - 1, lo + 1);
  return xs[lo]! + (h - lo) * (xs[hi]! - xs[lo]!);
}

function interval(draws: Float64Array, alpha: number): Interval {
  const finite = draws.filter((x) => Number.isFinite(x)).sort();
  return [quantileSorted(finite, alpha / 2), quantileSorted(finite, 1 - alpha / 2)];
}

/**
 * Resample each group with replacement, keeping group sizes as observed (a stratified bootstrap), and read off
 * percentile intervals. Resampling n members of a group is drawn exactly as a multinomial over the group's distinct
 * values (a binomial for 0/1 outcomes), which costs O(distinct values) per draw instead of O(n) — see
 * docs/decisions/0061-audit-bootstrap.md.
 */
export function bootstrapTable(
  attr: Attribute,
  o: Outcome,
  table: DisparityTable,
  opts: BootstrapOptions,
): BootstrapResult {
  const B = opts.draws ?? 1000;
  const alpha = opts.alpha ?? 0.05;
  const seed = `${opts.seed}|${o.name}|${attr.name}`;
  const rng = new Rng(seed);
  const groupIdx = table.rows.map((r) => attr.labels.indexOf(r.group));
  const hist = valueHistograms(attr, o, groupIdx);
  const G = groupIdx.length;
  const drawn = Array.from({ length: G }, () => new Float64Array(B));
  const counts = hist.map((h) => new Float64Array(h.values.length));
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < G; j++) {
      const h = hist[j]!;
      if (h.n === 0) {
        drawn[j]![b] = NaN;
        continue;
      }
      if (o.kind === 'binary') {
        drawn[j]![b] = binomial(rng, h.n, h.ones / h.n) / h.n;
      } else {
        multinomial(rng, h.n, h.probs, counts[j]!);
        let s = 0;
        for (let k = 0; k < h.values.length; k++) s += counts[j]![k]! * h.values[k]!;
        drawn[j]![b] = s / h.n;
      }
    }
  }
  const refJ = table.rows.findIndex((r) => r.group === table.reference);
  const groups = table.rows.map((r, j) => {
    const d = new Float64Array(B);
    const q = new Float64Array(B);
    for (let b = 0; b < B; b++) {
      const ref = refJ < 0 ? NaN : drawn[refJ]![b]!;
      d[b] = drawn[j]![b]! - ref;
      q[b] = ref === 0 ? NaN : drawn[j]![b]! / ref;
    }
    return {
      group: r.group,
      rate: interval(drawn[j]!, alpha),
      diff: interval(d, alpha),
      ratio: interval(q, alpha),
    };
  });
  return { outcome: o.name, attribute: attr.name, draws: B, alpha, seed, groups };
}

interface Hist {
  n: number;
  ones: number;
  values: Float64Array;
  probs: Float64Array;
}

function valueHistograms(attr: Attribute, o: Outcome, groupIdx: number[]): Hist[] {
  const slot = new Int32Array(attr.labels.length).fill(-1);
  groupIdx.forEach((g, j) => (slot[g] = j));
  const maps = groupIdx.map(() => new Map<number, number>());
  const n = new Float64Array(groupIdx.length);
  const ones = new Float64Array(groupIdx.length);
  const binary = o.kind === 'binary';
  for (let i = 0; i < attr.codes.length; i++) {
    const c = attr.codes[i]!;
    if (c === MISSING || (o.eligible && !o.eligible[i])) continue;
    const j = slot[c]!;
    if (j < 0) continue;
    const x = o.values[i]!;
    if (x !== x) continue;
    n[j]++;
    if (binary) ones[j] += x;
    else maps[j]!.set(x, (maps[j]!.get(x) ?? 0) + 1);
  }
  return maps.map((m, j) => {
    // Sorted values make the multinomial order, hence every draw, independent of insertion order.
    const values = Float64Array.from([...m.keys()].sort((a, b) => a - b));
    const probs = values.map((v) => m.get(v)! / n[j]!);
    return { n: n[j]!, ones: ones[j]!, values, probs };
  });
}
