// The exact samplers match the distributions they claim, and are deterministic on a seed.
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { bernoulliExp, discreteGaussian, discreteLaplace, ratioOf, uniformBig } from './noise.js';

describe('exact noise', () => {
  it('turns YAML decimals into exact ratios', () => {
    expect(ratioOf(0.25)).toEqual({ n: 25n, d: 100n });
    expect(ratioOf(2)).toEqual({ n: 2n, d: 1n });
    expect(() => ratioOf(-1)).toThrow();
  });

  it('draws uniform integers in range, also beyond 32 bits', () => {
    const rng = new Rng(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[Number(uniformBig(rng, 3n))]!++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
    const big = 1n << 40n;
    for (let i = 0; i < 100; i++) {
      const v = uniformBig(rng, big + 7n);
      expect(v >= 0n && v < big + 7n).toBe(true);
    }
  });

  it('Bernoulli(exp(-γ)) has rate exp(-γ), for γ below and above 1', () => {
    const rng = new Rng(2);
    for (const [n, d] of [
      [1n, 2n],
      [5n, 2n],
    ] as const) {
      let hits = 0;
      const N = 20000;
      for (let i = 0; i < N; i++) if (bernoulliExp(rng, n, d)) hits++;
      expect(Math.abs(hits / N - Math.exp(-Number(n) / Number(d)))).toBeLessThan(0.015);
    }
  });

  it('discrete Laplace(scale 2) puts (1-p)/(1+p) on zero, with p = exp(-1/2), and is symmetric', () => {
    const rng = new Rng(3);
    const N = 20000;
    let zero = 0;
    let sum = 0;
    let abs = 0;
    for (let i = 0; i < N; i++) {
      const x = Number(discreteLaplace(rng, 2n, 1n));
      if (x === 0) zero++;
      sum += x;
      abs += Math.abs(x);
    }
    const p = Math.exp(-0.5);
    expect(Math.abs(zero / N - (1 - p) / (1 + p))).toBeLessThan(0.015);
    expect(Math.abs(sum / N)).toBeLessThan(0.1);
    // E|X| = 2p/(1-p²) for the two-sided geometric distribution.
    expect(Math.abs(abs / N - (2 * p) / (1 - p * p))).toBeLessThan(0.1);
  });

  it('discrete Gaussian with σ² = 9/2 has variance close to σ²', () => {
    const rng = new Rng(4);
    const N = 20000;
    let s2 = 0;
    let s1 = 0;
    for (let i = 0; i < N; i++) {
      const x = Number(discreteGaussian(rng, 9n, 2n));
      s1 += x;
      s2 += x * x;
    }
    expect(Math.abs(s1 / N)).toBeLessThan(0.1);
    expect(Math.abs(s2 / N - 4.5)).toBeLessThan(0.25);
  });

  it('is deterministic on a seed', () => {
    const a = new Rng('s');
    const b = new Rng('s');
    const xs = Array.from({ length: 50 }, () => discreteGaussian(a, 50n, 1n));
    const ys = Array.from({ length: 50 }, () => discreteGaussian(b, 50n, 1n));
    expect(xs).toEqual(ys);
  });
});
