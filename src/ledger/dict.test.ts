// Unit tests of the string dictionaries: the subject dictionary's type table follows every entry, however added.
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
