// OLS: recovers known coefficients from exact data and says NaN for a column with no variation.
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { ols } from './ols.js';

describe('ols', () => {
  it('recovers the coefficients of a noiseless linear model', () => {
    const r = new Rng(3);
    const n = 200;
    const x = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i * 2] = r.normal();
      x[i * 2 + 1] = r.next() < 0.3 ? 1 : 0;
      y[i] = 2 + 0.5 * x[i * 2]! - 1.25 * x[i * 2 + 1]!;
    }
    const b = ols(y, x, 2);
    expect(b[0]).toBeCloseTo(2, 9);
    expect(b[1]).toBeCloseTo(0.5, 9);
    expect(b[2]).toBeCloseTo(-1.25, 9);
  });

  it('gives NaN for a constant column', () => {
    const x = [1, 0, 2, 0, 3, 0, 4, 0];
    const b = ols([1, 2, 3, 4.5], x, 2);
    expect(b[1]).toBeGreaterThan(0);
    expect(Number.isNaN(b[2])).toBe(true);
  });
});
