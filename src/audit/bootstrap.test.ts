// Seeded bootstrap: exact binomial sampling, reproducible intervals, and agreement with a naive resampling bootstrap.
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { bootstrapTable, quantileSorted } from './bootstrap.js';
import { encodeAttribute } from './groups.js';
import { binomial, logFactorial, multinomial } from './sample.js';
import { disparity, type Outcome } from './stats.js';

describe('binomial sampler', () => {
  it('matches mean and variance in both regimes (inversion and BTRS)', () => {
    for (const [n, p] of [
      [20, 0.1],
      [1000, 0.3],
      [100_000, 0.02],
      [50, 0.9],
    ] as const) {
      const rng = new Rng(`binom-${n}-${p}`);
      const B = 20_000;
      let s = 0;
      let s2 = 0;
      let outside = 0;
      for (let i = 0; i < B; i++) {
        const x = binomial(rng, n, p);
        if (x < 0 || x > n || !Number.isInteger(x)) outside++;
        s += x;
        s2 += x * x;
      }
      expect(outside).toBe(0);
      const mean = s / B;
      const variance = s2 / B - mean * mean;
      const sdMean = Math.sqrt((n * p * (1 - p)) / B);
      expect(Math.abs(mean - n * p)).toBeLessThan(5 * sdMean);
      expect(variance / (n * p * (1 - p))).toBeGreaterThan(0.95);
      expect(variance / (n * p * (1 - p))).toBeLessThan(1.05);
    }
  });

  it('matches the exact pmf of Binomial(30, 0.4) (chi-square)', () => {
    const rng = new Rng(7);
    const n = 30;
    const p = 0.4;
    const B = 100_000;
    const counts = new Float64Array(n + 1);
    for (let i = 0; i < B; i++) counts[binomial(rng, n, p)]++;
    let chi = 0;
    let df = 0;
    for (let k = 0; k <= n; k++) {
      const pk = Math.exp(
        logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log(1 - p),
      );
      const e = pk * B;
      if (e < 5) continue;
      chi += (counts[k]! - e) ** 2 / e;
      df++;
    }
    expect(chi).toBeLessThan(df + 5 * Math.sqrt(2 * df));
  });

  it('logFactorial is continuous across the table edge', () => {
    expect(logFactorial(256) - logFactorial(255)).toBeCloseTo(Math.log(256), 10);
    expect(logFactorial(1000) - logFactorial(999)).toBeCloseTo(Math.log(1000), 10);
  });

  it('multinomial counts sum to n', () => {
    const out = new Float64Array(4);
    multinomial(new Rng(1), 1000, [0.1, 0.2, 0.3, 0.4], out);
    expect(out.reduce((a, b) => a + b, 0)).toBe(1000);
  });
});

function population(n: number, seed: number) {
  const rng = new Rng(seed);
  const g = Array.from({ length: n }, () => (rng.bernoulli(0.3) ? 'rural' : 'urban'));
  const below = Uint8Array.from(g, (x) => (rng.bernoulli(x === 'rural' ? 0.25 : 0.1) ? 1 : 0));
  const score = Int32Array.from(g, (x) => 1000 - (x === 'rural' ? 10 : 0) * rng.int(6) - 5 * rng.int(3));
  return { attr: encodeAttribute('hukou', g, ['urban', 'rural']), below, score };
}

describe('bootstrapTable', () => {
  const { attr, below, score } = population(5000, 3);
  const bin: Outcome = {
    name: 'b',
    label: { en: 'b', zh: 'b' },
    kind: 'binary',
    polarity: 'adverse',
    values: below,
  };
  const num: Outcome = {
    name: 's',
    label: { en: 's', zh: 's' },
    kind: 'numeric',
    polarity: 'favourable',
    values: score,
  };

  it('is reproducible from its seed and changes with it', () => {
    const t = disparity(attr, bin, { reference: { label: 'urban' } });
    const a = bootstrapTable(attr, bin, t, { seed: 42, draws: 500 });
    const b = bootstrapTable(attr, bin, t, { seed: 42, draws: 500 });
    const c = bootstrapTable(attr, bin, t, { seed: 43, draws: 500 });
    expect(a).toEqual(b);
    expect(a.groups[1]!.diff).not.toEqual(c.groups[1]!.diff);
  });

  it('brackets the point estimates and agrees with a naive resampling bootstrap', () => {
    for (const o of [bin, num]) {
      const t = disparity(attr, o, { reference: { label: 'urban' } });
      const r = bootstrapTable(attr, o, t, { seed: 'x', draws: 1000 });
      const rural = t.rows[1]!;
      const ci = r.groups[1]!;
      expect(ci.diff[0]).toBeLessThan(rural.diff);
      expect(ci.diff[1]).toBeGreaterThan(rural.diff);
      // Naive stratified bootstrap: resample members by index.
      const rng = new Rng('naive');
      const idx = [0, 1].map((c) => [...attr.codes.keys()].filter((i) => attr.codes[i] === c));
      const diffs = new Float64Array(1000);
      for (let b = 0; b < 1000; b++) {
        const m = idx.map((ix) => {
          let s = 0;
          for (let k = 0; k < ix.length; k++) s += o.values[ix[rng.int(ix.length)]!]!;
          return s / ix.length;
        });
        diffs[b] = m[1]! - m[0]!;
      }
      diffs.sort();
      const lo = quantileSorted(diffs, 0.025);
      const hi = quantileSorted(diffs, 0.975);
      const width = hi - lo;
      expect(Math.abs(ci.diff[0] - lo)).toBeLessThan(0.15 * width);
      expect(Math.abs(ci.diff[1] - hi)).toBeLessThan(0.15 * width);
    }
  });
});
