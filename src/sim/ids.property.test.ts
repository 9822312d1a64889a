// Property tests: the flat copy of an id is the same string however it was built, and the one-pass resident id equals
// the reference construction.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { flat, residentId, residentIdSlow } from './ids.js';

describe('flat', () => {
  it('returns a string equal to its input, for concatenations of any code units', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string(), (a, b) => flat(a + b) === a + b));
  });
});

describe('residentId', () => {
  it('equals the reference construction for any division code, birth day and sequence code', () => {
    const code = fc.oneof(
      fc.integer({ min: 0, max: 999_999 }).map((n) => String(n).padStart(6, '0')),
      fc.string({ maxLength: 8 }),
    );
    // 1800..2200: inside and outside the ISO cache (1900..2149), and odd sequence codes outside 0..999.
    const day = fc.integer({ min: -62_000, max: 84_000 });
    const seq = fc.oneof(fc.integer({ min: 0, max: 999 }), fc.integer({ min: -5, max: 5_000 }));
    fc.assert(
      fc.property(code, day, seq, (c, d, q) => residentId(c, d, q) === residentIdSlow(c, d, q)),
      { numRuns: 20_000 },
    );
  });
});
