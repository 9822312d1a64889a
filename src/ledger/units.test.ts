// The typed-array readers CsvLineEncoder uses (docs/decisions/0188) against the string readers they stand in for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CharKeyMap } from './char-keys.js';
import { PackedIdMap } from './packed-ids.js';
import { parseDayAt, parseDayUnits } from './record-check.js';
import { idHashBegin, idHashEnd, idHashString, idHashUnits, idOut } from './record-id.js';

/** A text's code units, copied one by one (not the encoder's Buffer copy, so a fault in either shows). */
function unitsOf(s: string): Uint16Array {
  const u = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
  return u;
}

/** Keys of several scripts, identifier-shaped ones, lone surrogates, the empty one. */
const key = fc.oneof(
  fc.string({ maxLength: 8, unit: 'binary' }),
  fc.constantFrom(
    '',
    'A',
    '局1',
    '鲁2022〔54〕4127号',
    '\ud800',
    'a\udc00b',
    '2024-02-29',
    '2023-02-29',
    '0100-01-01',
  ),
  fc.stringMatching(/^[0-9A-Z]{0,20}$/),
  fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/),
);

describe('readers over code units', () => {
  it('answer as the string readers do, for the same range of a larger text', () => {
    fc.assert(
      fc.property(fc.uniqueArray(key, { maxLength: 30 }), key, key, key, (keys, probe, pre, post) => {
        const chars = new CharKeyMap(4);
        const ids = new PackedIdMap(4);
        keys.forEach((k, i) => {
          chars.set(k, i);
          ids.set(k, i);
        });
        for (const k of [probe, ...keys]) {
          const text = pre + k + post;
          const units = unitsOf(text);
          const s = pre.length;
          const e = s + k.length;
          expect(chars.getUnits(units, s, e)).toBe(chars.getRange(text, s, e));
          expect(ids.getUnits(units, s, e)).toBe(/^[0-9A-Z]{1,18}$/.test(k) ? ids.get(k) : -1);
          idHashBegin(k.length + 3);
          idHashString(k);
          idHashEnd();
          const want = [idOut.hi, idOut.lo];
          idHashBegin(k.length + 3);
          idHashUnits(units, s, e);
          idHashEnd();
          expect([idOut.hi, idOut.lo]).toEqual(want);
          if (k.length === 10) expect(parseDayUnits(units, s)).toBe(parseDayAt(text, s));
        }
      }),
      { numRuns: 3000 },
    );
  });
});
