// Confusion-matrix disparity on a hand-made table whose counts are known.
import { describe, expect, it } from 'vitest';
import { classifierDisparity } from './classifier.js';
import { encodeAttribute } from './groups.js';

describe('classifierDisparity', () => {
  it('gives per-group confusion matrices and Fairlearn-style summaries', () => {
    // group a: TP TP FP TN FN (5); group b: TP FN FN TN TN (5)
    const g = ['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'b'];
    const y = Uint8Array.from([1, 1, 0, 0, 1, 1, 1, 1, 0, 0]);
    const p = Uint8Array.from([1, 1, 1, 0, 0, 1, 0, 0, 0, 0]);
    const t = classifierDisparity(encodeAttribute('g', g), y, p, { reference: 'a' });
    const [a, b] = t.rows;
    expect(a).toMatchObject({
      group: 'a',
      tp: 2,
      fp: 1,
      tn: 1,
      fn: 1,
      selectionRate: 0.6,
      tpr: 2 / 3,
      fpr: 0.5,
    });
    expect(b).toMatchObject({
      group: 'b',
      tp: 1,
      fp: 0,
      tn: 2,
      fn: 2,
      selectionRate: 0.2,
      tpr: 1 / 3,
      fpr: 0,
    });
    expect(b!.selectionRatio).toBeCloseTo(1 / 3, 15);
    expect(b!.fourFifthsFlag).toBe(true);
    expect(a!.fourFifthsFlag).toBe(false);
    expect(t.demographicParityDifference).toBeCloseTo(0.4, 15);
    expect(t.demographicParityRatio).toBeCloseTo(1 / 3, 15);
    expect(t.equalizedOddsDifference).toBeCloseTo(0.5, 15); // FPR 0.5 vs 0 beats TPR 2/3 vs 1/3
  });
});
