// Group rates, differences, ratios and four-fifths flags on the hand-made population, figure by figure.
import { describe, expect, it } from 'vitest';
import { smallPoints, smallPopulation } from './fixtures.js';
import { encodeAttribute, intersect, MISSING } from './groups.js';
import { disparity, type Outcome } from './stats.js';

function belowA(): Outcome {
  const v = smallPoints();
  return {
    name: 'small.below_A',
    label: { en: 'below A', zh: '低于A级' },
    kind: 'binary',
    polarity: 'adverse',
    values: Uint8Array.from(v.grade, (g) => (g > 2 ? 1 : 0)),
  };
}

describe('disparity', () => {
  it('gives the exact rates, difference, ratio and flags for rural vs urban', () => {
    const hukou = smallPopulation().attributes[0]!;
    const t = disparity(hukou, belowA(), { reference: { label: 'urban' }, minGroupSize: 1 });
    expect(t.reference).toBe('urban');
    expect(t.overall).toEqual({ n: 10, rate: 0.5 });
    const [urban, rural] = t.rows;
    expect(urban).toMatchObject({
      group: 'urban',
      n: 5,
      sum: 1,
      rate: 0.2,
      diff: 0,
      ratio: 1,
      parityFlag: false,
    });
    expect(urban!.favourableRatio).toBe(1);
    expect(urban!.fourFifthsFlag).toBe(false);
    expect(rural).toMatchObject({ group: 'rural', n: 5, sum: 4, rate: 0.8, ratio: 4, parityFlag: true });
    expect(rural!.diff).toBeCloseTo(0.6, 15);
    // favourable (at A or above): rural 0.2 vs urban 0.8 → 0.25 < 0.8
    expect(rural!.favourableRatio).toBeCloseTo(0.25, 15);
    expect(rural!.fourFifthsFlag).toBe(true);
  });

  it('respects a configurable threshold and the minimum group size', () => {
    const hukou = smallPopulation().attributes[0]!;
    const loose = disparity(hukou, belowA(), {
      reference: { label: 'urban' },
      minGroupSize: 1,
      threshold: 0.2,
    });
    expect(loose.rows[1]!.fourFifthsFlag).toBe(false); // 0.25 ≥ 0.2
    expect(loose.rows[1]!.parityFlag).toBe(false); // 4 ≤ 1/0.2
    const small = disparity(hukou, belowA(), { reference: { label: 'urban' } });
    expect(small.rows.every((r) => r.small && !r.fourFifthsFlag && !r.parityFlag)).toBe(true);
    expect(() => disparity(hukou, belowA(), { threshold: 1.5 })).toThrow();
  });

  it('gives means, standard deviations and mean differences for scores', () => {
    const v = smallPoints();
    const hukou = smallPopulation().attributes[0]!;
    const t = disparity(
      hukou,
      {
        name: 'small.score',
        label: { en: 'score', zh: '分数' },
        kind: 'numeric',
        polarity: 'favourable',
        values: v.score,
      },
      { reference: { label: 'urban' } },
    );
    expect(t.rows.map((r) => [r.group, r.rate, r.diff])).toEqual([
      ['urban', 999, 0],
      ['rural', 959, -40],
    ]);
    // urban scores 990,1005,1000,1000,1000: deviations −9,6,1,1,1 → sample variance 120/4 = 30
    expect(t.rows[0]!.sd).toBeCloseTo(Math.sqrt(30), 12);
    expect(t.rows[0]!.fourFifthsFlag).toBe(false);
  });

  it('crosses two attributes and skips ineligible and missing subjects', () => {
    const pop = smallPopulation();
    const sex = pop.attributes.find((a) => a.name === 'sex')!;
    const x = intersect(pop.attributes[0]!, sex);
    expect(x.name).toBe('hukou×sex');
    expect(x.labels).toEqual(['urban×F', 'urban×M', 'rural×F', 'rural×M']);
    const o = belowA();
    o.eligible = Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    const t = disparity(x, o, { reference: { label: 'urban×F' }, minGroupSize: 1 });
    // urban×F: u0,u2,u4 → 0/3; rural×F: r1,r3 → 2/2; rural×M: r0,r2 (r4 ineligible) → 1/2; urban×M: u1,u3 → 1/2
    expect(t.rows.map((r) => [r.group, r.n, r.sum])).toEqual([
      ['urban×F', 3, 0],
      ['urban×M', 2, 1],
      ['rural×F', 2, 2],
      ['rural×M', 2, 1],
    ]);
    expect(Number.isNaN(t.rows[1]!.ratio)).toBe(true); // reference rate 0
    const m = encodeAttribute('a', ['x', null, '', 'y']);
    expect(Array.from(m.codes)).toEqual([0, MISSING, MISSING, 1]);
  });
});
