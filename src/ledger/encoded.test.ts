// EncodedStrings: a file's string tables keep every subject, its index and its type across a reservation.
import { describe, expect, it } from 'vitest';
import { EncodedStrings } from './encoded.js';
import { residentIdAt, usccAt } from './synthetic.js';

describe('EncodedStrings.reserveSubjects (0190)', () => {
  it('keeps every subject, index and type, before and after, past the type array and the table sizes', () => {
    const s = new EncodedStrings();
    const id = (i: number) => (i % 3 ? residentIdAt(i) : usccAt(i));
    const type = (i: number) => (i % 3 ? 1 : 2);
    for (let i = 0; i < 1500; i++) expect(s.subject(id(i), type(i))).toBe(i);
    // Past the type array's 2,048 entries and the table's growth points, as a merge of a second part does.
    s.reserveSubjects(5000);
    for (let i = 0; i < 1500; i++) {
      expect(s.knownType(id(i))).toBe(type(i));
      expect(s.subject(id(i), type(i))).toBe(i);
    }
    for (let i = 1500; i < 6000; i++) expect(s.subject(id(i), type(i))).toBe(i);
    // A reservation below what is held changes nothing.
    s.reserveSubjects(10);
    for (let i = 0; i < 6000; i++) {
      expect(s.knownType(id(i))).toBe(type(i));
      expect(s.subjects[i]).toBe(id(i));
    }
    expect(s.subjectTypes.length).toBeGreaterThanOrEqual(6000);
  });
});
