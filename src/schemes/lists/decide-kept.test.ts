// decideReference with a source's entries in force kept across actions (what explainSubject passes, decision 0172)
// decides exactly as deriving them per decision: every subject × action of random list worlds, on random days.
import { describe, expect, it } from 'vitest';
import { toEpochDay } from '../../core/dates.js';
import { Rng } from '../../core/rng.js';
import { decideReference } from './decide.js';
import { activeOn, entriesOf, statementsBySubject, type ListEntry } from './lifecycle.js';
import { shippedListPolicy } from './policy.js';
import { Register } from './register.js';
import { randomListWorld } from './synthetic.js';

const policy = shippedListPolicy();

describe('decideReference with kept entries', () => {
  it('gives the same decision as deriving the entries per decision', () => {
    let reasons = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const rng = new Rng(seed);
      const w = randomListWorld(rng, policy, {
        naturals: 30,
        entities: 10,
        listed: 25,
        from: '2014-01-01',
        to: '2027-12-31',
      });
      const of = statementsBySubject(w.records);
      const register = new Register(w.subjects);
      for (let q = 0; q < 6; q++) {
        const day = rng.range(toEpochDay('2014-01-01'), toEpochDay('2030-12-31'));
        const known = rng.int(2) ? day : undefined;
        for (const s of w.subjects) {
          // One kept map per (subject, day), shared by every action, as explainSubject does.
          const kept = new Map<string, ListEntry[]>();
          const activeOf = (src: string) => {
            let e = kept.get(src);
            if (!e)
              kept.set(src, (e = activeOn(entriesOf(policy, of(src), { knownAsOf: known }).entries, day)));
            return e;
          };
          for (const a of policy.actions) {
            if (!a.subjects.includes(register.typeOf(s.id))) continue;
            const want = decideReference(policy, register, of, s.id, a.id, day, { knownAsOf: known });
            const got = decideReference(policy, register, of, s.id, a.id, day, {
              knownAsOf: known,
              activeOf,
            });
            expect(got).toEqual(want);
            reasons += want.reasons.length;
          }
        }
      }
    }
    // The worlds list people and link entities to them: many decisions have reasons, some through a link.
    expect(reasons).toBeGreaterThan(500);
  });
});
