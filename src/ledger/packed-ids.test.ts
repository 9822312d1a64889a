// The inline subject-id table against a Map: random ids of the packed alphabet and others, through growth.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PackedIdMap } from './packed-ids.js';
import { syntheticSubjectIds } from './synthetic.js';

/** Ids mostly of the inline alphabet (short, so prefixes and repeats are common), some that must fall back. */
const idArb = fc.oneof(
  fc.stringMatching(/^[0-9A-Z]{0,19}$/),
  fc.stringMatching(/^[0-9X]{1,3}$/),
  fc.string({ maxLength: 22 }),
  fc.constantFrom(
    ...['', '0', '00', '000', 'A', '0A', 'A0', '99999', '999999', 'ZZZZZZ', 'ZZZZZZ0', '000000', '0000000'],
    ...['Z'.repeat(17), 'Z'.repeat(18), 'Z'.repeat(19), '9'.repeat(18), 'Y'.repeat(12), 'ZZZZZY'],
  ),
);

/** getOrSet (`add`) or get on the map and the reference, checking the map's answer against the reference's. */
function step(t: PackedIdMap, ref: Map<string, number>, add: boolean, id: string): void {
  if (add) {
    expect(t.getOrSet(id, ref.size)).toBe(ref.get(id) ?? -1);
    if (!ref.has(id)) ref.set(id, ref.size);
  } else expect(t.get(id)).toBe(ref.get(id) ?? -1);
}

/** The map holds exactly the reference's keys and values. */
function holdsSame(t: PackedIdMap, ref: Map<string, number>): void {
  expect(t.size).toBe(ref.size);
  for (const [id, ix] of ref) expect(t.get(id)).toBe(ix);
}

describe('PackedIdMap', () => {
  it('getOrSet answers as get, then set when absent, would', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), idArb), { maxLength: 2000 }), (ops) => {
        const t = new PackedIdMap(1);
        const ref = new Map<string, number>();
        for (const [add, id] of ops) step(t, ref, add, id);
        holdsSame(t, ref);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every id through reserves to slot counts that are not powers of two (0182)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), idArb, fc.integer({ min: 0, max: 5000 })), {
          maxLength: 1500,
        }),
        (ops) => {
          const t = new PackedIdMap(1);
          const ref = new Map<string, number>();
          for (const [op, id, n] of ops) {
            if (op === 0) {
              t.reserve(n);
              // Room for n keys at 3/4 full, in a table of any size.
              expect(n * 4).toBeLessThanOrEqual(t.capacity * 3);
            } else step(t, ref, op < 6, id);
          }
          holdsSame(t, ref);
        },
      ),
      { numRuns: 200 },
    );
    // A reserve takes whole 4 KiB pages of 256 slots: 1000 keys need 1334 slots, i.e. 6 pages (not 2048 slots).
    const t = new PackedIdMap(1);
    t.reserve(1000);
    expect(t.capacity).toBe(6 * 256);
  });

  it('maps ids to the index they were given, exactly like a Map', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), idArb), { maxLength: 2000 }), (ops) => {
        const t = new PackedIdMap(1);
        const ref = new Map<string, number>();
        for (const [add, id] of ops) {
          expect(t.get(id)).toBe(ref.get(id) ?? -1);
          if (add && !ref.has(id)) {
            t.set(id, ref.size);
            ref.set(id, ref.size);
          }
        }
        expect(t.size).toBe(ref.size);
        for (const [id, ix] of ref) expect(t.get(id)).toBe(ix);
        t.clear();
        expect(t.size).toBe(0);
        for (const id of ref.keys()) expect(t.get(id)).toBe(-1);
      }),
      { numRuns: 200 },
    );
  });

  it('tells apart ids that differ only by length, position or the check character', () => {
    const ids = ['110105195001010011', '11010519500101001X', '11010519500101001', '0110105195001010011'];
    ids.push('91110108MA0000000X', '91110108MA00000000', '1', '01', '001', '10', '100');
    const t = new PackedIdMap();
    ids.forEach((id, i) => t.set(id, i));
    ids.forEach((id, i) => expect(t.get(id)).toBe(i));
    expect(t.get('110105195001010012')).toBe(-1);
    expect(t.get('x10105195001010011')).toBe(-1);
  });

  it('keeps the id whose insertion grows the table (synthetic subject ids, as the ledgers see them)', () => {
    const ids = syntheticSubjectIds(20_000);
    const t = new PackedIdMap();
    ids.forEach((id, i) => t.set(id, i));
    const lost = ids.filter((id, i) => t.get(id) !== i);
    expect(lost).toEqual([]);
  });

  it('holds 200,000 identifiers through growth', () => {
    const t = new PackedIdMap(1);
    const n = 200_000;
    for (let i = 0; i < n; i++) t.set('1101051950' + String(i).padStart(8, '0'), i);
    // Every id, not a sample: the ids set just as the table grows (3 × 2^k entries) are the ones a bug would lose.
    for (let i = 0; i < n; i++) expect(t.get('1101051950' + String(i).padStart(8, '0'))).toBe(i);
    expect(t.get('1101051950' + String(n).padStart(8, '0'))).toBe(-1);
    expect(t.size).toBe(n);
  });
});
