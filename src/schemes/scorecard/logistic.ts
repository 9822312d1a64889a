// Unpenalised logistic regression by Newton–Raphson (IRLS) on a dense row-major design, with standard errors.
import { MosaicError } from '../../core/errors.js';

export interface LogitFit {
  /** Intercept first, then one coefficient per column. */
  coefficients: number[];
  standardErrors: number[];
  pValues: number[];
  logLik: number;
  iterations: number;
  converged: boolean;
}

/**
 * Fit P(y=1) = 1 / (1 + exp(-(b0 + x·b))). `x` is row-major n × k without the intercept column. Newton steps stop
 * when the largest step is below `tol` (statsmodels' Logit stops on the same Newton iteration to within 1e-8).
 */
export function fitLogit(x: Float64Array, y: Uint8Array, k: number, maxIter = 50, tol = 1e-12): LogitFit {
  const n = y.length;
  if (x.length !== n * k)
    throw new MosaicError({
      code: 'scorecard.design_shape',
      message: `design has ${x.length} cells, expected ${n}×${k}`,
    });
  const p1 = k + 1;
  const beta = new Float64Array(p1);
  const grad = new Float64Array(p1);
  const hess = new Float64Array(p1 * p1);
  const row = new Float64Array(p1);
  let iterations = 0;
  let converged = false;
  let logLik = 0;
  for (; iterations < maxIter;) {
    grad.fill(0);
    hess.fill(0);
    logLik = 0;
    for (let i = 0; i < n; i++) {
      row[0] = 1;
      let eta = beta[0]!;
      const base = i * k;
      for (let j = 0; j < k; j++) {
        const v = x[base + j]!;
        row[j + 1] = v;
        eta += beta[j + 1]! * v;
      }
      const p = 1 / (1 + Math.exp(-eta));
      const yi = y[i]!;
      logLik += yi ? -log1pExp(-eta) : -log1pExp(eta);
      const r = yi - p;
      const w = p * (1 - p);
      for (let a = 0; a < p1; a++) {
        const ra = row[a]!;
        grad[a]! += r * ra;
        const wa = w * ra;
        const off = a * p1;
        for (let c = a; c < p1; c++) hess[off + c]! += wa * row[c]!;
      }
    }
    for (let a = 0; a < p1; a++) for (let c = 0; c < a; c++) hess[a * p1 + c] = hess[c * p1 + a]!;
    const step = solveSpd(hess, grad, p1);
    let maxStep = 0;
    for (let a = 0; a < p1; a++) {
      beta[a]! += step[a]!;
      maxStep = Math.max(maxStep, Math.abs(step[a]!));
    }
    iterations++;
    if (!Number.isFinite(maxStep))
      throw new MosaicError({
        code: 'scorecard.not_converged',
        message: 'logistic regression diverged (perfect separation?)',
      });
    if (maxStep < tol) {
      converged = true;
      break;
    }
  }
  // Standard errors from the information matrix at the last evaluated point (the step taken after it is < tol).
  const inv = invertSpd(hess, p1);
  const se: number[] = [];
  const pv: number[] = [];
  for (let a = 0; a < p1; a++) {
    const s = Math.sqrt(inv[a * p1 + a]!);
    se.push(s);
    pv.push(2 * normalSf(Math.abs(beta[a]! / s)));
  }
  return { coefficients: [...beta], standardErrors: se, pValues: pv, logLik, iterations, converged };
}

function log1pExp(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let q = 0; q < j; q++) s -= l[i * n + q]! * l[j * n + q]!;
      if (i === j) {
        if (!(s > 0))
          throw new MosaicError({
            code: 'scorecard.singular',
            message: 'the information matrix is singular: two selected variables carry the same information',
          });
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  return l;
}

export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = cholesky(a, n);
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let q = 0; q < i; q++) s -= l[i * n + q]! * z[q]!;
    z[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let q = i + 1; q < n; q++) s -= l[q * n + i]! * x[q]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

function invertSpd(a: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    e.fill(0);
    e[c] = 1;
    const col = solveSpd(a, e, n);
    for (let r = 0; r < n; r++) inv[r * n + c] = col[r]!;
  }
  return inv;
}

/** Upper tail of the standard normal, from erfc. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

function erfc(x: number): number {
  // Numerical Recipes erfcc (Chebyshev), relative error < 1.2e-7: enough for p-values in a summary.
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const r =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
