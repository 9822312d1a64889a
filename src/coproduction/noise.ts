// Exact integer noise for released aggregates: the discrete Laplace and discrete Gaussian samplers of Canonne,
// Kamath & Steinke (2020), driven by the seeded Rng through exact rational Bernoulli trials.
//
// Why not `x + scale * ln(u)`: textbook floating-point Laplace leaks the true value through the low bits of its
// output (Mironov 2012, "On significance of the least significant bits for differential privacy"); OpenDP documents
// the same limit. Every quantity here is an integer or a ratio of BigInts, so the output distribution is exactly the
// one the privacy guarantee is proved for, and the output is an integer count or sum in the data's own unit.
import type { Rng } from '../core/rng.js';

/** A positive rational number n/d with BigInt parts. */
export interface Ratio {
  n: bigint;
  d: bigint;
}

/** A decimal number (as written in YAML) to an exact ratio: 0.25 → 1/4 (unreduced: 25/100). */
export function ratioOf(x: number): Ratio {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`not a non-negative finite number: ${x}`);
  const s = x.toString();
  if (s.includes('e')) {
    // Exponent notation only appears for very small or very large numbers; fix to 12 decimals.
    return ratioOf(Number(x.toFixed(12)));
  }
  const [int, frac = ''] = s.split('.');
  const d = 10n ** BigInt(frac.length);
  return { n: BigInt(int! + frac), d };
}

/** Uniform integer in [0, m) for any positive BigInt m, by rejection over whole 32-bit words (no modulo bias). */
export function uniformBig(rng: Rng, m: bigint): bigint {
  if (m <= 0n) throw new RangeError('uniformBig needs m > 0');
  let bits = 0;
  while (1n << BigInt(bits) < m) bits += 32;
  const limit = 1n << BigInt(bits);
  const accept = limit - (limit % m);
  for (;;) {
    let v = 0n;
    for (let b = 0; b < bits; b += 32) v = (v << 32n) | BigInt(rng.nextU32());
    if (v < accept) return v % m;
  }
}

/** Bernoulli(n/d), exactly. */
export function bernoulliRatio(rng: Rng, n: bigint, d: bigint): boolean {
  if (n <= 0n) return false;
  if (n >= d) return true;
  return uniformBig(rng, d) < n;
}

/** Bernoulli(exp(-n/d)), exactly (CKS20 Algorithm 1). */
export function bernoulliExp(rng: Rng, n: bigint, d: bigint): boolean {
  if (n < 0n) throw new RangeError('bernoulliExp needs n/d ≥ 0');
  // exp(-γ) = exp(-1)^floor(γ) · exp(-(γ - floor γ)).
  while (n > d) {
    if (!bernoulliExp1(rng, 1n, 1n)) return false;
    n -= d;
  }
  return bernoulliExp1(rng, n, d);
}

/** Bernoulli(exp(-γ)) for γ = n/d in [0, 1]: count successes of Bernoulli(γ/k); odd k means 1. */
function bernoulliExp1(rng: Rng, n: bigint, d: bigint): boolean {
  let k = 1n;
  while (bernoulliRatio(rng, n, d * k)) k++;
  return k % 2n === 1n;
}

/**
 * Discrete Laplace with scale t/s: P(x) ∝ exp(-|x|·s/t) (CKS20 Algorithm 2). With scale Δ/ε it gives ε-DP
 * for an integer query of sensitivity Δ.
 */
export function discreteLaplace(rng: Rng, t: bigint, s: bigint): bigint {
  if (t <= 0n || s <= 0n) throw new RangeError('discreteLaplace needs t, s > 0');
  for (;;) {
    const u = uniformBig(rng, t);
    if (!bernoulliExp(rng, u, t)) continue;
    let v = 0n;
    while (bernoulliExp(rng, 1n, 1n)) v++;
    const y = (u + t * v) / s;
    const negative = (rng.nextU32() & 1) === 1;
    if (negative && y === 0n) continue;
    return negative ? -y : y;
  }
}

/**
 * Discrete Gaussian with variance parameter σ² = a/b (CKS20 Algorithm 3): rejection from a discrete Laplace.
 * With σ² = Δ²/(2ρ) it gives ρ-zCDP for an integer query of sensitivity Δ.
 */
export function discreteGaussian(rng: Rng, a: bigint, b: bigint): bigint {
  if (a <= 0n || b <= 0n) throw new RangeError('discreteGaussian needs σ² > 0');
  const t = isqrt(a / b) + 1n; // floor(σ) + 1
  for (;;) {
    const y = discreteLaplace(rng, t, 1n);
    const ay = y < 0n ? -y : y;
    // Accept with probability exp(-(|y| - σ²/t)² / (2σ²)) = exp(-(|y|·t·b - a)² / (2·a·b·t²)).
    const num = ay * t * b - a;
    if (bernoulliExp(rng, num * num, 2n * a * b * t * t)) return y;
  }
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}
