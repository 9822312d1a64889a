// Counterfactuals verified by re-scoring: applying each plan's changes to the records and evaluating with the
// interpreter on the plan's date reaches the target grade; nothing shorter (or earlier, for waiting) does.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultCataloguePath, loadCatalogue } from '../core/catalogue.js';
import { fromEpochDay, toEpochDay } from '../core/dates.js';
import { shipped } from '../core/paths.js';
import { makeRecord, type CreditRecord } from '../core/types.js';
import { evaluateSubject } from '../schemes/municipal/interpreter.js';
import { loadSchemePack } from '../schemes/municipal/load.js';
import type { SubjectFacts } from '../schemes/municipal/subjects.js';
import { counterfactuals, type Plan } from './counterfactual.js';

const catalogue = loadCatalogue(defaultCataloguePath());
const pack = loadSchemePack(shipped('policies', 'wendeng-points', '2020'), catalogue);
const facts: SubjectFacts = {
  id: 'P1',
  isLegal: false,
  roles: 0,
  birthDay: toEpochDay('1980-05-05'),
  consented: true,
  resident: true,
};
const rec = (kind: string, day: string, extra: Partial<CreditRecord> = {}) =>
  makeRecord({
    subject: 'P1',
    kind,
    occurredAt: day,
    reportedAt: day,
    agency: 'test',
    basis: 'test',
    ...extra,
  });

/** Apply a plan to the records and rescore on its date. */
function rescore(records: CreditRecord[], p: Plan) {
  const added = p.changes.flatMap((c) => (c.type === 'wait' ? [] : [c.record]));
  return evaluateSubject(pack, facts, [...records, ...added], p.date);
}
const rank = (g: string) => Math.min(5, ['AAA', 'AA', 'A', 'B', 'C', 'D', 'DA', 'DB', 'DC'].indexOf(g));

describe('counterfactuals (Wendeng 2020)', () => {
  const asOf = '2024-06-30';

  it('finds the waiting date and a bonus plan for two −50 deductions, both verified by rescoring', () => {
    const records = [
      rec('online.bad_information', '2023-03-01'),
      rec('online.bad_information', '2023-09-01'),
    ];
    const now = evaluateSubject(pack, facts, records, asOf);
    expect(now.score).toBe(900);
    expect(now.grade).toBe('B');
    const cf = counterfactuals(pack, facts, records, asOf, 'A');
    expect(cf.plans.length).toBeGreaterThanOrEqual(2);
    for (const p of cf.plans) {
      const ev = rescore(records, p);
      expect(rank(ev.grade!)).toBeLessThanOrEqual(2);
      expect(ev.score).toBe(p.score);
    }
    const wait = cf.plans.find((p) => p.changes[0]!.type === 'wait')!;
    // The first −50 expires after 2 years (deductions > 40 count 2 years): 2025-03-01 gives 950, still B;
    // the second expires 2025-09-01, giving 1000.
    expect(wait.date).toBe('2025-09-01');
    const dayBefore = fromEpochDay(toEpochDay(wait.date) - 1);
    expect(rank(evaluateSubject(pack, facts, records, dayBefore).grade!)).toBeGreaterThan(2);
    const bonus = cf.plans.find((p) => p.changes.every((c) => c.type === 'bonus'))!;
    expect(bonus.date).toBe(asOf);
    // One bonus fewer does not reach A.
    const shorter = { ...bonus, changes: bonus.changes.slice(0, -1) };
    expect(rank(rescore(records, shorter).grade!)).toBeGreaterThan(2);
  });

  it('converts a defaulter listing by performance (repair W-R-01) and verifies the result', () => {
    const records = [rec('court.defaulter_listed', '2024-01-10', { severity: 'e1' })];
    const now = evaluateSubject(pack, facts, records, asOf);
    expect(['D', 'DA']).toContain(now.grade);
    const cf = counterfactuals(pack, facts, records, asOf, 'A');
    const repair = cf.plans.find((p) => p.changes.some((c) => c.type === 'repair'));
    expect(repair).toBeDefined();
    expect(repair!.changes[0]).toMatchObject({ type: 'repair', repair: 'W-R-01', cancels: ['W-D-02'] });
    const ev = rescore(records, repair!);
    expect(rank(ev.grade!)).toBeLessThanOrEqual(2);
    // After the conversion the subject holds −50 (950, B) and needs bonuses on top.
    expect(repair!.changes.length).toBeGreaterThan(1);
    for (const p of cf.plans) expect(rank(rescore(records, p).grade!)).toBeLessThanOrEqual(2);
  });

  it('says so when the subject is already at the target', () => {
    const cf = counterfactuals(pack, facts, [], asOf, 'A');
    expect(cf.alreadyThere).toBe(true);
    expect(cf.plans).toEqual([]);
  });
});

interface GoldenCase {
  name: string;
  asOf: string;
  target: string;
  all?: boolean;
  records: { kind: string; occurredAt: string; severity?: string }[];
  expect: {
    hidden: number;
    plans: {
      actions: number;
      change: number;
      choosable: boolean;
      score: number;
      grade: string;
      date: string;
      rules: string[];
    }[];
  };
}

describe('counterfactual golden cases (src/audit/testdata/counterfactuals.yaml)', () => {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'counterfactuals.yaml');
  const cases = (parse(readFileSync(file, 'utf8')) as { cases: GoldenCase[] }).cases;
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const records = c.records.map((r) =>
      rec(r.kind, r.occurredAt, r.severity ? { severity: r.severity } : {}),
    );
    const cf = counterfactuals(pack, facts, records, c.asOf, c.target, { all: c.all === true });
    expect({
      hidden: cf.hidden,
      plans: cf.plans.map((p) => ({
        actions: p.actions,
        change: p.change,
        choosable: p.choosable,
        score: p.score,
        grade: p.grade,
        date: p.date,
        rules: p.changes.map((x) => (x.type === 'wait' ? 'wait' : x.type === 'repair' ? x.repair : x.rule)),
      })),
    }).toEqual(c.expect);
    for (const p of cf.plans) {
      const ev = rescore(records, p);
      expect([ev.score, ev.grade]).toEqual([p.score, p.grade]);
      expect(rank(ev.grade!)).toBeLessThanOrEqual(rank(c.target));
    }
  });
});
