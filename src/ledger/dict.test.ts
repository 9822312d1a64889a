// Unit tests of the string dictionaries: the subject dictionary's type table follows every entry, however added.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SubjectDict } from './dict.js';

describe('SubjectDict', () => {
  it('has a type slot for every entry past the first 1,024, typed or not', () => {
    const d = new SubjectDict();
    for (let i = 0; i < 3_000; i++) d.add(`s${i}`);
    expect(d.typeOf('s2999')).toBe(0);
    expect(d.lastIndex).toBe(2_999);
    d.addTyped('s2999', 2);
    d.addTyped('s4000', 1);
    expect(d.typeOf('s2999')).toBe(2);
    expect(d.typeOf('s4000')).toBe(1);
    expect(d.typeOf('nope')).toBe(0);
    expect(d.lastIndex).toBe(-1);
  });

  it('intern: adds a new subject with its type, types an untyped one, keeps a typed one, past every growth', () => {
    const d = new SubjectDict();
    const ref = new SubjectDict();
    // Identifier-shaped ids (packed inline) and others (the Map fallback), some loaded untyped first.
    const ids = Array.from({ length: 5_000 }, (_, i) =>
      i % 3 === 0 ? `x${i}` : String(110101199001010000 + i * 7919),
    );
    for (let i = 0; i < ids.length; i += 4) {
      d.add(ids[i]!);
      ref.add(ids[i]!);
    }
    for (let i = 0; i < ids.length; i++) {
      const type = ((i % 2) + 1) as 1 | 2;
      // The reference: what intern answered before it looked the subject up once.
      const t = ref.typeOf(ids[i]!);
      const want = ref.lastIndex < 0 || t === 0 ? ref.addTyped(ids[i]!, type) : ref.lastIndex;
      expect(d.intern(ids[i]!, type)).toBe(want);
    }
    expect(d.strings).toEqual(ref.strings);
    for (const s of ids) expect(d.typeOf(s)).toBe(ref.typeOf(s));
    d.truncate(100);
    expect(d.intern(ids[4999]!, 2)).toBe(100);
    expect(d.typeOf(ids[4999]!)).toBe(2);
  });

  it('forgets the types of truncated entries, so a reused index starts unchecked', () => {
    const d = new SubjectDict();
    d.addTyped('a', 1);
    d.addTyped('b', 2);
    d.truncate(1);
    expect(d.typeOf('b')).toBe(0);
    d.add('c');
    expect(d.typeOf('c')).toBe(0);
    expect(d.typeOf('a')).toBe(1);
  });

  it('finds identifier-shaped and other ids alike, before and after a truncate', () => {
    const d = new SubjectDict();
    const ids = ['110105195001010011', '91110108MA0000000X', 'x-other', '11010519500101001X', ''];
    ids.forEach((id, i) => expect(d.addTyped(id, 1)).toBe(i));
    ids.forEach((id, i) => expect(d.get(id)).toBe(i));
    d.truncate(2);
    expect(d.size).toBe(2);
    expect(d.get('110105195001010011')).toBe(0);
    expect(d.get('91110108MA0000000X')).toBe(1);
    for (const id of ids.slice(2)) expect(d.get(id)).toBe(-1);
    expect(d.add('11010519500101001X')).toBe(2);
    expect(d.typeOf('11010519500101001X')).toBe(0);
  });
});

describe('SubjectDict.appendNew (entries left out of the id map until a lookup, docs/decisions/0191)', () => {
  // Each step: append a subject known absent without a lookup, intern one (new or held), look one up, or truncate.
  const step = fc.oneof(
    fc.record({ op: fc.constant('appendNew' as const), type: fc.constantFrom(1 as const, 2 as const) }),
    fc.record({
      op: fc.constant('intern' as const),
      pick: fc.nat(),
      fresh: fc.boolean(),
      type: fc.constantFrom(1 as const, 2 as const),
    }),
    fc.record({ op: fc.constant('get' as const), pick: fc.nat() }),
    fc.record({ op: fc.constant('truncate' as const), pick: fc.nat() }),
  );
  it('answers every lookup as a dictionary that indexed each entry at once', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 400 }), fc.boolean(), (steps, packed) => {
        // Identifier-shaped ids go to the packed map, others to its Map fallback.
        const name = (k: number) => (packed ? `1101011990${String(k).padStart(8, '0')}` : `s${k}`);
        const d = new SubjectDict();
        const ref: { s: string; t: number }[] = [];
        let made = 0;
        for (const st of steps) {
          if (st.op === 'appendNew') {
            const s = name(made++);
            expect(d.appendNew(s, st.type)).toBe(ref.length);
            ref.push({ s, t: st.type });
          } else if (st.op === 'intern') {
            const s = st.fresh || ref.length === 0 ? name(made++) : ref[st.pick % ref.length]!.s;
            const at = ref.findIndex((e) => e.s === s);
            expect(d.intern(s, st.type)).toBe(at < 0 ? ref.length : at);
            if (at < 0) ref.push({ s, t: st.type });
          } else if (st.op === 'get') {
            const s = name(st.pick % (made + 1));
            const at = ref.findIndex((e) => e.s === s);
            expect(d.get(s)).toBe(at);
            expect(d.typeOf(s)).toBe(at < 0 ? 0 : ref[at]!.t);
          } else {
            const size = st.pick % (ref.length + 1);
            d.truncate(size);
            ref.length = size;
          }
          expect(d.size).toBe(ref.length);
        }
        expect(d.strings).toEqual(ref.map((e) => e.s));
        for (const [i, e] of ref.entries()) expect(d.get(e.s)).toBe(i);
        expect(d.unindexed).toBe(0);
      }),
    );
  });

  it('leaves appended entries out of the id map until the first lookup by string', () => {
    const d = new SubjectDict();
    d.intern('A1', 1);
    for (let i = 0; i < 1000; i++) d.appendNew(`1101011990${String(i).padStart(8, '0')}`, 1);
    expect(d.unindexed).toBe(1000);
    expect(d.get('110101199000000999')).toBe(1000);
    expect(d.unindexed).toBe(0);
  });
});
