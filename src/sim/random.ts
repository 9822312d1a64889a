// Distributions the simulation draws from, all on top of the one seeded Rng handed down by the caller.
import type { Rng } from '../core/rng.js';

/** Gamma(shape, scale) by Marsaglia–Tsang; shape < 1 uses the boost U^(1/shape). */
export function gamma(rng: Rng, shape: number, scale = 1): number {
  if (shape <= 0) return 0;
  if (shape < 1) return gamma(rng, shape + 1, scale) * Math.pow(1 - rng.next(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

/**
 * An individual propensity with mean 1 and coefficient of variation 1/sqrt(shape), capped at `cap` so that
 * thinning (see behaviour.ts) has a finite acceptance bound. The cap's mass is small for the shapes we use.
 */
export function propensity(rng: Rng, shape: number, cap: number): number {
  const g = gamma(rng, shape, 1 / shape);
  return g > cap ? cap : g;
}

/** Lognormal with the given arithmetic mean and log-sd. */
export function lognormalMean(rng: Rng, mean: number, sigma: number): number {
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return Math.exp(rng.normal(mu, sigma));
}

/** Integer in [lo, hi] from a triangular distribution with the given mode. */
export function triangularInt(rng: Rng, lo: number, mode: number, hi: number): number {
  const u = rng.next();
  const f = (mode - lo) / (hi - lo || 1);
  const x =
    u < f ? lo + Math.sqrt(u * (hi - lo) * (mode - lo)) : hi - Math.sqrt((1 - u) * (hi - lo) * (hi - mode));
  return Math.min(hi, Math.max(lo, Math.round(x)));
}

/** Cumulative weights for repeated categorical draws with `drawCum`. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    s += weights[i]!;
    out[i] = s;
  }
  return out;
}

/** Categorical draw by binary search over cumulative weights. */
export function drawCum(rng: Rng, cum: Float64Array): number {
  const x = rng.next() * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Uniform day offset in [0, n) — shorthand used when spreading events over a period. */
export function dayIn(rng: Rng, n: number): number {
  return rng.int(n);
}
