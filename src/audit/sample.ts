// Exact binomial and multinomial draws from the seeded Rng (inversion for small means, Hörmann's BTRS otherwise).
import type { Rng } from '../core/rng.js';

const LOGFACT_TABLE = (() => {
  const t = new Float64Array(256);
  for (let i = 1; i < 256; i++) t[i] = t[i - 1]! + Math.log(i);
  return t;
})();

/** ln(k!) — a table below 256, Stirling's series (error < 1e-16 relative) above. */
export function logFactorial(k: number): number {
  if (k < 256) return LOGFACT_TABLE[k]!;
  const x = k + 1;
  const ix = 1 / x;
  const ix2 = ix * ix;
  return (
    (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + ix * (1 / 12 - ix2 * (1 / 360 - ix2 / 1260))
  );
}

/**
 * Binomial(n, p). Exact in distribution: inversion when n·min(p,1−p) < 10, else BTRS (W. Hörmann, "The generation
 * of binomial random variates", J. Stat. Comput. Simul. 46, 1993), the transformed-rejection method with squeeze.
 */
export function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  const q = 1 - p;
  if (n * p < 10) {
    const s = p / q;
    const a = (n + 1) * s;
    let r = Math.pow(q, n);
    let u = rng.next();
    let x = 0;
    while (u > r) {
      u -= r;
      x++;
      if (x > n) return n;
      r *= a / x - s;
    }
    return x;
  }
  const spq = Math.sqrt(n * p * q);
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / q);
  const m = Math.floor((n + 1) * p);
  const h = logFactorial(m) + logFactorial(n - m);
  for (;;) {
    const u = rng.next() - 0.5;
    let v = rng.next();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = Math.log((v * alpha) / (a / (us * us) + b));
    if (v <= h - logFactorial(k) - logFactorial(n - k) + (k - m) * lpq) return k;
  }
}

/** Multinomial(n, probs) by successive conditional binomials; writes counts into `out`. */
export function multinomial(rng: Rng, n: number, probs: ArrayLike<number>, out: Float64Array): void {
  let left = n;
  let mass = 1;
  const k = probs.length;
  for (let i = 0; i < k; i++) {
    if (left === 0 || i === k - 1) {
      out[i] = i === k - 1 ? left : 0;
      left -= out[i]!;
      continue;
    }
    const p = probs[i]!;
    const x = mass > 0 ? binomial(rng, left, Math.min(1, p / mass)) : 0;
    out[i] = x;
    left -= x;
    mass -= p;
  }
}
