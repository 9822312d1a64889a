// Property: the counterfactual plan reaches the target when rescored, and brute force over every multiset of the same
// options finds no plan with fewer actions, nor one with as many actions and a smaller change (small cases).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../core/catalogue.js';
import { shipped } from '../core/paths.js';
import { makeRecord, ISSUER_LEVELS, type CreditRecord, type IssuerLevel } from '../core/types.js';
import { evaluateSubject } from '../schemes/municipal/interpreter.js';
import { loadSchemePack } from '../schemes/municipal/load.js';
import type { SubjectFacts } from '../schemes/municipal/subjects.js';
import { Choices } from './choices.js';
import { bonusOptions, counterfactuals } from './counterfactual.js';

const catalogue = loadCatalogue(defaultCataloguePath());
const pack = loadSchemePack(shipped('policies', 'wendeng-points', '2020'), catalogue);
const facts: SubjectFacts = {
  id: 'P1',
  isLegal: false,
  roles: 0,
  birthDay: 3000,
  consented: true,
  resident: true,
};
// A small world of choices keeps brute force cheap: eight options worth 10, 5, 5, 3, 3, 2, 1, 1 points.
const choices = new Choices(
  'test',
  new Map(
    [
      'health.blood_donation',
      'community.environment_campaign',
      'community.other_cooperation',
      'rural.integrity_education_attended',
    ].map((k) => [k, { choosable: true, reason: 'test', marker: 'P' as const }]),
  ),
);
const options = bonusOptions(pack, choices).filter((o) => o.choosable);
const MAX = 4;
const asOf = '2024-06-30';

// Deductions without direct grading: [kind, severity] pairs with −5 … −50.
const DEDUCTIONS: [string, string | undefined][] = [
  ['admin.penalty', 'warning'],
  ['admin.penalty', 'fine_low'],
  ['admin.penalty', 'fine_heavier'],
  ['finance.loan_overdue', 'bank_loan'],
  ['online.bad_information', undefined],
];

let serial = 0;
const optionRecord = (i: number): CreditRecord => {
  const o = options[i]!;
  return makeRecord({
    subject: 'P1',
    kind: o.kind,
    occurredAt: asOf,
    reportedAt: asOf,
    agency: 'brute',
    basis: `brute ${++serial}`,
    ...(o.when.severity?.length ? { severity: o.when.severity[0]! } : {}),
    level: (o.when.level?.[o.when.level.length - 1] as IssuerLevel) ?? ISSUER_LEVELS[0],
  });
};

/** The smallest (actions, change) over all multisets of at most `max` options that reach grade A, by brute force. */
function bruteForce(records: CreditRecord[], max: number): { actions: number; change: number } | undefined {
  const base = evaluateSubject(pack, facts, records, asOf).score!;
  let best: { actions: number; change: number } | undefined;
  const walk = (from: number, picked: CreditRecord[]) => {
    if (picked.length) {
      const ev = evaluateSubject(pack, facts, [...records, ...picked], asOf);
      if (ev.status === 'scored' && ['AAA', 'AA', 'A'].includes(ev.grade!)) {
        const cand = { actions: picked.length, change: ev.score! - base };
        if (
          !best ||
          cand.actions < best.actions ||
          (cand.actions === best.actions && cand.change < best.change)
        )
          best = cand;
        return; // adding more only adds actions
      }
    }
    if (picked.length === max) return;
    for (let i = from; i < options.length; i++) walk(i, [...picked, optionRecord(i)]);
  };
  walk(0, []);
  return best;
}

describe('counterfactual search against brute force', () => {
  it('finds the plan with fewest actions, then smallest change, and it reaches the target', () => {
    expect(options.map((o) => o.points)).toEqual([10, 5, 5, 3, 3, 2, 1, 1]);
    let withPlan = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(DEDUCTIONS.length - 1), fc.integer({ min: 1, max: 150 })), {
          minLength: 1,
          maxLength: 3,
        }),
        (picks) => {
          const records = picks.map(([k, daysAgo], i) => {
            const [kind, severity] = DEDUCTIONS[k]!;
            const day = new Date(Date.UTC(2024, 5, 30 - daysAgo)).toISOString().slice(0, 10);
            return makeRecord({
              subject: 'P1',
              kind,
              occurredAt: day,
              reportedAt: day,
              agency: 'a',
              basis: `b${i}`,
              ...(severity ? { severity } : {}),
            });
          });
          const cf = counterfactuals(pack, facts, records, asOf, 'A', { choices, maxActions: MAX });
          const plan = cf.plans.find((p) => p.actions > 0);
          const brute = cf.alreadyThere ? undefined : bruteForce(records, MAX);
          expect(cf.limited).toBe(false);
          expect(plan && { actions: plan.actions, change: plan.change }).toEqual(brute);
          if (plan) {
            withPlan++;
            const added = plan.changes.flatMap((c) => (c.type === 'wait' ? [] : [c.record]));
            const ev = evaluateSubject(pack, facts, [...records, ...added], plan.date);
            expect([ev.score, ev.grade]).toEqual([plan.score, plan.grade]);
            expect(['AAA', 'AA', 'A']).toContain(ev.grade);
            expect(plan.changes.every((c) => c.type === 'wait' || c.choosable)).toBe(true);
          }
        },
      ),
      { numRuns: 40, seed: 18 },
    );
    // The property is not vacuous: many generated cases have a plan within the limit.
    expect(withPlan).toBeGreaterThan(10);
  });
});
