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
  const hist = valueHistograms(attr, o, table, groupIdx);
  const G = groupIdx.length;
  const scale = o.scale ?? 1;
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
        drawn[j]![b] = (scale * s) / h.n;
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

const levelCache = new WeakMap<Outcome, { levels: Float64Array; idx: Uint32Array }>();
const NONE = 0xffffffff;

/** Distinct values of a numeric outcome (sorted) and each subject's level index; cached per outcome. */
function levelsOf(o: Outcome): { levels: Float64Array; idx: Uint32Array } {
  const hit = levelCache.get(o);
  if (hit) return hit;
  const v = o.values;
  const el = o.eligible;
  const idx = new Uint32Array(v.length).fill(NONE);
  let lo = Infinity;
  let hi = -Infinity;
  let integral = true;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x !== x || (el && !el[i])) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
    if (integral && !Number.isInteger(x)) integral = false;
  }
  let levels: Float64Array;
  if (!Number.isFinite(lo)) levels = new Float64Array(0);
  else if (integral && hi - lo < 1 << 20) {
    // Integer values in a modest range: index by offset, then compact to the values that occur.
    const seen = new Int32Array(hi - lo + 1).fill(-1);
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x !== x || (el && !el[i])) continue;
      seen[x - lo] = 0;
    }
    let L = 0;
    for (let d = 0; d < seen.length; d++) if (seen[d] === 0) seen[d] = L++;
    levels = new Float64Array(L);
    for (let d = 0; d < seen.length; d++) if (seen[d]! >= 0) levels[seen[d]!] = lo + d;
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x !== x || (el && !el[i])) continue;
      idx[i] = seen[x - lo]!;
    }
  } else {
    const set = new Set<number>();
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x === x && (!el || el[i])) set.add(x);
    }
    levels = Float64Array.from(set).sort();
    const at = new Map<number, number>();
    levels.forEach((x, j) => at.set(x, j));
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x === x && (!el || el[i])) idx[i] = at.get(x)!;
    }
  }
  const out = { levels, idx };
  levelCache.set(o, out);
  return out;
}

function valueHistograms(attr: Attribute, o: Outcome, table: DisparityTable, groupIdx: number[]): Hist[] {
  if (o.kind === 'binary')
    return table.rows.map((r) => ({
      n: r.n,
      ones: r.sum,
      values: new Float64Array(0),
      probs: new Float64Array(0),
    }));
  const { levels, idx } = levelsOf(o);
  const L = levels.length;
  const slot = new Int32Array(attr.labels.length).fill(-1);
  groupIdx.forEach((g, j) => (slot[g] = j));
  const counts = new Float64Array(groupIdx.length * L);
  const codes = attr.codes;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    const l = idx[i]!;
    if (c === MISSING || l === NONE) continue;
    const j = slot[c]!;
    if (j >= 0) counts[j * L + l]++;
  }
  return groupIdx.map((_, j) => {
    const row = counts.subarray(j * L, (j + 1) * L);
    let n = 0;
    let K = 0;
    for (let l = 0; l < L; l++)
      if (row[l]) {
        n += row[l]!;
        K++;
      }
    // Only the values present in the group enter its multinomial, in ascending order (deterministic draws).
    const values = new Float64Array(K);
    const probs = new Float64Array(K);
    K = 0;
    for (let l = 0; l < L; l++)
      if (row[l]) {
        values[K] = levels[l]!;
        probs[K++] = row[l]! / n;
      }
    return { n, ones: 0, values, probs };
  });
}
