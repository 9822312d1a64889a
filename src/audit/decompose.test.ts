// Decomposition identities on the hand-made population: contributions are worked out by hand and sum exactly.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decomposeMeanScore,
  decomposeShare,
  decompositionSum,
  shapleyAnyOf,
  shapleyBelowGrade,
} from './decompose.js';
import { Fraction } from './fraction.js';
import { smallPoints, smallPopulation } from './fixtures.js';
import { encodeAttribute } from './groups.js';
import type { PointsView } from './views.js';

const F = (n: number, d = 1) => new Fraction(n, d);
const byId = (view: PointsView, d: { contributions: { player: number; value: Fraction }[] }) =>
  Object.fromEntries(
    d.contributions.map((c) => [view.lines[c.player]?.id ?? 'residual', c.value.toString()]),
  );

describe('mean-score decomposition', () => {
  it('splits the rural–urban gap of −40 points into rule lines exactly', () => {
    const view = smallPoints();
    const hukou = smallPopulation().attributes[0]!;
    const d = decomposeMeanScore(view, hukou, 'rural', 'urban');
    expect(d.total.equals(F(-40))).toBe(true);
    expect(byId(view, d)).toEqual({
      'petition.beijing': '-30',
      'traffic.fine': '-4',
      'petition.province': '-4',
      'rural.straw': '-3',
      volunteer: '1',
    });
    expect(d.residual.isZero()).toBe(true);
    expect(decompositionSum(d).equals(d.total)).toBe(true);
  });
});

describe('share-below-A decomposition (Shapley)', () => {
  it('gives the hand-computed contributions for the rural–urban gap of 3/5', () => {
    const view = smallPoints();
    const hukou = smallPopulation().attributes[0]!;
    const e = shapleyBelowGrade(view, 'A');
    const d = decomposeShare(e, hukou, 'rural', 'urban');
    expect(d.total.toString()).toBe('3/5');
    expect(byId(view, d)).toEqual({
      'petition.beijing': '3/5',
      drink_driving: '-1/5',
      'traffic.fine': '1/10',
      'petition.province': '1/10',
    });
    expect(d.residual.isZero()).toBe(true);
    expect(decompositionSum(d).equals(d.total)).toBe(true);
  });

  it('puts an engine grade the counted points cannot explain into the residual, keeping the identity', () => {
    const view = smallPoints();
    view.grade[2] = 3; // u2 has no records but the "engine" says B
    const hukou = smallPopulation().attributes[0]!;
    const d = decomposeShare(shapleyBelowGrade(view, 'A'), hukou, 'rural', 'urban');
    expect(d.total.toString()).toBe('2/5');
    expect(d.residual.toString()).toBe('-1/5');
    expect(decompositionSum(d).equals(d.total)).toBe(true);
  });

  it('sums to the gap exactly on random populations (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            subject: fc.integer({ min: 0, max: 29 }),
            line: fc.integer({ min: 0, max: 5 }),
            points: fc.integer({ min: -60, max: 30 }),
            direct: fc.constantFrom(0, 0, 0, 4, 5),
          }),
          { maxLength: 80 },
        ),
        fc.array(fc.constantFrom('urban', 'rural', 'x'), { minLength: 30, maxLength: 30 }),
        (rows, hk) => {
          const n = 30;
          const view = smallPoints();
          const score = new Int32Array(n).fill(1000);
          const dir = new Int32Array(n).fill(-1);
          for (const r of rows) {
            score[r.subject] += r.points;
            if (r.direct) dir[r.subject] = Math.max(dir[r.subject]!, r.direct - 1);
          }
          const grade = new Uint8Array(n);
          for (let i = 0; i < n; i++)
            grade[i] = Math.max(
              view.bandMin.findIndex((m) => score[i]! >= m),
              dir[i]!,
            );
          const v: PointsView = {
            ...view,
            scored: new Uint8Array(n).fill(1),
            score,
            grade,
            contrib: {
              length: rows.length,
              subject: Uint32Array.from(rows.map((r) => r.subject)),
              line: Int32Array.from(rows.map((r) => r.line)),
              points: Int32Array.from(rows.map((r) => r.points)),
              direct: Uint8Array.from(rows.map((r) => r.direct)),
              record: new Int32Array(rows.length).fill(-1),
            },
          };
          const attr = encodeAttribute('hukou', [...hk.slice(0, 28), 'urban', 'rural']);
          const share = decomposeShare(shapleyBelowGrade(v, 'A'), attr, 'rural', 'urban');
          expect(share.residual.isZero()).toBe(true);
          expect(decompositionSum(share).equals(share.total)).toBe(true);
          const mean = decomposeMeanScore(v, attr, 'rural', 'urban');
          expect(mean.residual.isZero()).toBe(true);
          expect(decompositionSum(mean).equals(mean.total)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('any-of decomposition (measures, lists)', () => {
  it('splits each subject equally among the measures in force', () => {
    const hukou = smallPopulation().attributes[0]!;
    // r0 has measures 0 and 1, r1 has measure 0 (twice: one counted), u0 has measure 2.
    const e = shapleyAnyOf(
      'measures.any',
      10,
      3,
      [5, 5, 6, 6, 0],
      [0, 1, 0, 0, 2],
      new Uint8Array(10).fill(1),
    );
    const d = decomposeShare(e, hukou, 'rural', 'urban');
    expect(d.total.toString()).toBe('1/5');
    const m = Object.fromEntries(d.contributions.map((c) => [c.player, c.value.toString()]));
    expect(m).toEqual({ 0: '3/10', 1: '1/10', 2: '-1/5' });
    expect(decompositionSum(d).equals(d.total)).toBe(true);
  });
});
