// The fast date formatter agrees with the core's Date-based one everywhere Mosaic uses dates.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromEpochDay } from '../core/dates.js';
import { civil, iso } from './days.js';

describe('iso', () => {
  it('matches fromEpochDay from 1900 to 2149', () => {
    fc.assert(fc.property(fc.integer({ min: -25_567, max: 65_535 }), (d) => iso(d) === fromEpochDay(d)));
    for (let d = 19_700; d < 20_500; d++) expect(iso(d)).toBe(fromEpochDay(d));
  });
  it('decomposes into year, month, day', () => {
    const out = new Int32Array(3);
    expect(Array.from(civil(19_723, out))).toEqual([2024, 1, 1]);
    expect(Array.from(civil(19_782, out))).toEqual([2024, 2, 29]);
  });
});
