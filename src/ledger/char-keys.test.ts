// CharKeyMap against a Map, looked up by string and by range of a larger text; PackedIdMap.getRange against get.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CharKeyMap, hashRange } from './char-keys.js';
import { PackedIdMap } from './packed-ids.js';

/** Keys that collide in length and share prefixes, in several scripts, the empty one included. */
const key = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('', 'a', 'ab', 'ba', '局', '局1', '鲁2022〔54〕4127号', '鲁2022〔54〕4127号 ', 'A', 'AB'),
  fc.stringMatching(/^[0-9A-Z]{0,20}$/),
);

describe('CharKeyMap', () => {
  it('answers as a Map does, for a string and for the same text inside a larger one', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), key)), fc.string({ maxLength: 3 }), (ops, pad) => {
        const m = new CharKeyMap(4);
        const ref = new Map<string, number>();
        for (const [add, k] of ops) {
          const want = ref.get(k) ?? -1;
          expect(m.get(k)).toBe(want);
          const text = pad + k + pad;
          expect(m.getRange(text, pad.length, pad.length + k.length)).toBe(want);
          if (add && want < 0) {
            m.set(k, ref.size);
            ref.set(k, ref.size);
          }
        }
        expect(m.size).toBe(ref.size);
        for (const [k, v] of ref) expect(m.get(k)).toBe(v);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps 100,000 keys through growth of its slots and its character pool', () => {
    const m = new CharKeyMap();
    for (let i = 0; i < 100_000; i++) m.set(`鲁${i}号`, i);
    for (let i = 0; i < 100_000; i += 7) expect(m.getRange(`x鲁${i}号y`, 1, 3 + String(i).length)).toBe(i);
    expect(m.get('鲁100000号')).toBe(-1);
  });
});

describe('CharKeyMap with equal hashes', () => {
  it('tells apart two keys of one length whose hashes are equal', () => {
    // A 32-bit hash collides within ~100k keys (birthday bound): find a pair.
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const k = `b${String(i).padStart(7, '0')}`;
      const h = hashRange(k, 0, k.length);
      const other = seen.get(h);
      if (other !== undefined) pair = [other, k];
      else seen.set(h, k);
    }
    const m = new CharKeyMap();
    m.set(pair[0], 7);
    expect(m.get(pair[1])).toBe(-1);
    m.set(pair[1], 8);
    expect([m.get(pair[0]), m.get(pair[1])]).toEqual([7, 8]);
  });
});

describe('PackedIdMap.getUnits', () => {
  it('answers as get for keys held inline, and -1 for any other', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), key)), fc.string({ maxLength: 3 }), (ops, pad) => {
        const m = new PackedIdMap(4);
        for (const [add, k] of ops) {
          const text = pad + k + pad;
          const units = Uint16Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));
          const got = m.getUnits(units, pad.length, pad.length + k.length);
          const inline = /^[0-9A-Z]{1,18}$/.test(k);
          expect(got).toBe(inline ? m.get(k) : -1);
          if (add && m.get(k) < 0) m.set(k, m.size);
        }
      }),
      { numRuns: 500 },
    );
  });
});
