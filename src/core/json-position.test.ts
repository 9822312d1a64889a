// The JSON error locator agrees with JSON.parse on what is valid, and points at the first bad character.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorPosition } from './json-position.js';

describe('jsonErrorPosition', () => {
  it('finds nothing wrong in any JSON that JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
        expect(jsonErrorPosition(JSON.stringify(v, null, pretty ? 2 : undefined))).toBeUndefined();
      }),
    );
  });

  it('says invalid exactly when JSON.parse does', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'{}[]":,0-1e.tnul \n\\ab') }), (s) => {
        let ok = true;
        try {
          JSON.parse(s);
        } catch {
          ok = false;
        }
        expect(jsonErrorPosition(s) === undefined).toBe(ok);
      }),
    );
  });

  it('points at the first bad character', () => {
    expect(jsonErrorPosition('{\n  "seed": 1,\n  "population": ,\n}\n')).toEqual({ line: 3, column: 17 });
    expect(jsonErrorPosition('{"a": 1}\n{')).toEqual({ line: 2, column: 1 });
  });
});
