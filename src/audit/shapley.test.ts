// Shapley values of the threshold-with-veto game: efficiency, symmetry, and the DP agreeing with enumeration.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Fraction, sumFractions } from './fraction.js';
import { shapleyThreshold, shapleyThresholdDP } from './shapley.js';

const fr = (num: number | bigint, den: number | bigint) => new Fraction(BigInt(num), BigInt(den));

describe('shapleyThreshold', () => {
  it('splits a pivotal pair equally and gives a bonus that cannot save the grade nothing', () => {
    // −30 and −20 are each harmless (970, 980) but together give 950 < 960.
    const a = shapleyThreshold([-30, -20], [false, false], 1000, 960);
    expect(a.num.map((x) => fr(x, a.den).toString())).toEqual(['1/2', '1/2']);
    // −50 alone is enough; +5 cannot bring 955 back over 960.
    const b = shapleyThreshold([-50, 5], [false, false], 1000, 960);
    expect(b.num.map((x) => fr(x, b.den).toString())).toEqual(['1', '0']);
    // −45 alone is enough (955) but +5 saves it (960): the bonus gets −1/2, the deduction +1/2 — sum 0.
    const c = shapleyThreshold([-45, 5], [false, false], 1000, 960);
    expect(c.num.map((x) => fr(x, c.den).toString())).toEqual(['1/2', '-1/2']);
  });

  it('is efficient: values sum to v(all) − v(∅) (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -80, max: 40 }), fc.boolean()), { minLength: 1, maxLength: 10 }),
        (ps) => {
          const w = ps.map((p) => p[0]);
          const veto = ps.map((p) => p[1] && p[0] % 3 === 0);
          const sh = shapleyThreshold(w, veto, 1000, 960);
          const total = sumFractions(sh.num.map((x) => fr(x, sh.den)));
          const vAll = veto.some(Boolean) || 1000 + w.reduce((a, b) => a + b, 0) < 960 ? 1 : 0;
          expect(total.equals(new Fraction(vAll))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('DP (used above 12 players) equals enumeration (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -60, max: 30 }), fc.boolean()), { minLength: 1, maxLength: 9 }),
        (ps) => {
          const w = ps.map((p) => p[0]);
          const veto = ps.map((p) => p[1] && p[0] < -40);
          const e = shapleyThreshold(w, veto, 1000, 960);
          const d = shapleyThresholdDP(w, veto, 1000, 960);
          expect(d.num.map((x) => fr(x, d.den).toString())).toEqual(
            e.num.map((x) => fr(x, e.den).toString()),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('handles 16 players through the DP path and stays efficient', () => {
    const w = Array.from({ length: 16 }, (_, i) => -5 - (i % 4));
    const sh = shapleyThreshold(w, new Array(16).fill(false), 1000, 960);
    expect(typeof sh.den).toBe('bigint');
    const total = sumFractions(sh.num.map((x) => fr(x, sh.den)));
    expect(total.equals(new Fraction(1))).toBe(true);
  });
});
