// The decision index agrees with the reference interpreter on random worlds, built record by record or from a scan.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, fromEpochDay, toEpochDay } from '../../core/dates.js';
import { Rng } from '../../core/rng.js';
import type { CreditRecord } from '../../core/types.js';
import { decideReference, type Decision } from './decide.js';
import { DecisionIndex } from './decision-index.js';
import { entriesOf, statementsBySubject } from './lifecycle.js';
import { OUTCOME_CODE, shippedListPolicy } from './policy.js';
import { Register } from './register.js';
import { columnsOf, randomListWorld } from './synthetic.js';

const policy = shippedListPolicy();
const FROM = toEpochDay('2014-01-01');
const TO = toEpochDay('2030-12-31');

function world(seed: number) {
  const w = randomListWorld(new Rng(seed), policy, {
    naturals: 40,
    entities: 12,
    listed: 25,
    from: '2014-01-01',
    to: '2027-12-31',
  });
  return { ...w, register: new Register(w.subjects), of: statementsBySubject(w.records) };
}

/** A ledger stand-in for `sync`: full records of one subject. */
const reader = (records: CreditRecord[]) => ({
  readSubject: async (id: string) => records.filter((r) => r.subject === id),
});

/** A decision without case numbers, reasons in a total order (ties between entries differing only by case). */
const withoutCase = (d: Decision) => ({
  ...d,
  reasons: d.reasons.map(({ case: _c, ...r }) => JSON.stringify(r)).sort(),
});

describe('decision index vs reference', () => {
  it('agrees on every decision, built by apply() and from a columnar scan', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const w = world(seed);
        const inc = new DecisionIndex(policy, w.subjects);
        for (const r of w.records) inc.apply(r);
        const scan = DecisionIndex.fromColumns(
          policy,
          columnsOf(w.records, policy.catalogue),
          w.subjects,
          policy.catalogue,
        );
        await scan.sync(reader(w.records));
        const rng = new Rng(seed ^ 0x5bd1e995);
        for (let q = 0; q < 150; q++) {
          const s = rng.pick(w.subjects);
          const acts = policy.actions.filter((a) => a.subjects.includes(s.type));
          const action = rng.pick(acts).id;
          const day = rng.range(FROM, TO);
          const ref = decideReference(policy, w.register, w.of, s.id, action, day);
          const a = inc.decide(s.id, action, fromEpochDay(day));
          expect(a).toEqual(ref);
          const b = scan.decide(s.id, action, fromEpochDay(day));
          // A scan carries no case numbers (RecordColumns has no basis column); everything else must match.
          expect(withoutCase(b)).toEqual(withoutCase(ref));
          expect(inc.decideIdx(inc.indexOf(s.id), policy.actionIndex(action), day)).toBe(
            OUTCOME_CODE[ref.outcome],
          );
        }
      }),
      { numRuns: 25 },
    );
  });

  it('follows register changes: a new legal representative inherits the reach, the old one loses it', () => {
    const w = world(7);
    const inc = new DecisionIndex(policy, w.subjects);
    for (const r of w.records) inc.apply(r);
    const firm = w.subjects.find((s) => s.type === 'legal')!;
    const adults = w.subjects.filter((s) => s.type === 'natural' && (s.birthDate ?? '') < '1990-01-01');
    const newRep = adults.find((a) => a.id !== firm.legalRepresentative)!;
    const moved = { ...firm, legalRepresentative: newRep.id };
    inc.putSubject(moved);
    const register = new Register(w.subjects.map((s) => (s.id === firm.id ? moved : s)));
    const rng = new Rng(11);
    const people = [newRep.id, firm.legalRepresentative!];
    for (let q = 0; q < 300; q++) {
      const subj = rng.pick(people);
      const action = rng.pick(policy.actions.filter((a) => a.subjects.includes('natural'))).id;
      const day = rng.range(FROM, TO);
      expect(inc.decide(subj, action, fromEpochDay(day))).toEqual(
        decideReference(policy, register, w.of, subj, action, day),
      );
    }
  });
});

describe('properties', () => {
  it('no decision denies or restricts without a reason that names a legal basis', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const w = world(seed);
        const inc = new DecisionIndex(policy, w.subjects);
        for (const r of w.records) inc.apply(r);
        const rng = new Rng(seed);
        for (let q = 0; q < 200; q++) {
          const s = rng.pick(w.subjects);
          const action = rng.pick(policy.actions.filter((a) => a.subjects.includes(s.type))).id;
          const d = inc.decide(s.id, action, fromEpochDay(rng.range(FROM, TO)));
          if (d.outcome === 'allow') expect(d.reasons).toEqual([]);
          else {
            expect(d.reasons.length).toBeGreaterThan(0);
            expect(d.reasons.some((r) => r.outcome === d.outcome)).toBe(true);
          }
          for (const r of d.reasons) {
            expect(r.legalBasis.trim().length).toBeGreaterThan(0);
            expect(r.instrument.trim().length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('nothing is listed past its term without a recorded extension', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const w = world(seed);
        const extensions = new Map(
          w.records.filter((r) => r.kind.endsWith('_extended')).map((r) => [r.id, r]),
        );
        for (const s of w.subjects) {
          for (const e of entriesOf(policy, w.of(s.id)).entries) {
            if (e.baseTermEnd === null) continue;
            expect(e.until).not.toBeNull();
            let end = e.baseTermEnd;
            for (const x of e.extensions) {
              const rec = extensions.get(x.ref);
              expect(rec, 'an extension that is a recorded statement').toBeDefined();
              expect(rec!.amount).toBe(x.months);
              expect(toEpochDay(rec!.occurredAt)).toBeLessThan(end);
              end = addMonths(end, x.months);
            }
            expect(e.termEnd).toBe(end);
            expect(e.until!).toBeLessThanOrEqual(end);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a policy measure without a legal basis never reaches an engine', async () => {
    const { readListPolicy } = await import('./load.js');
    const { lintListPolicy } = await import('./lint.js');
    const { data } = readListPolicy();
    const bad = structuredClone(data!.memoranda[0]!.value);
    delete bad.measures[0]!.legal_basis;
    const issues = lintListPolicy({
      ...data!,
      memoranda: [{ value: bad, parsed: data!.memoranda[0]!.parsed }],
    });
    expect(issues.map((i) => i.code)).toContain('measure.no_legal_basis');
  });
});
