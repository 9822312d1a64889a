// Property test: the flat copy of an id is the same string, whatever its characters and however it was built.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { flat } from './ids.js';

describe('flat', () => {
  it('returns a string equal to its input, for concatenations of any code units', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string(), (a, b) => flat(a + b) === a + b));
  });
});
