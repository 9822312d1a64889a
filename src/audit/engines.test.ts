// The audit's view of the municipal engine: contributions read from the interpreter's explanations add up to its
// scores, agree with the fast evaluator's contribution sink row for row, and make every decomposition exact with a
// zero residual.
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../core/catalogue.js';
import { fromEpochDay, toEpochDay } from '../core/dates.js';
import { shipped } from '../core/paths.js';
import type { CreditRecord, Subject } from '../core/types.js';
import { compileScheme } from '../schemes/municipal/compile.js';
import { columnsToRecords } from '../schemes/municipal/columns.js';
import { generateLedger } from '../schemes/municipal/generate.js';
import { loadSchemePack } from '../schemes/municipal/load.js';
import { factsAt, NO_BIRTH_DAY } from '../schemes/municipal/subjects.js';
import { GRADE_CODES, ROLE_BITS } from '../schemes/municipal/types.js';
import { decomposeMeanScore, decomposeShare, decompositionSum, shapleyBelowGrade } from './decompose.js';
import { checkLegality } from './legality.js';
import { factsFromRegister, pointsViewByCompiled, pointsViewByInterpreter } from './engines.js';
import { encodeAttribute } from './groups.js';

describe('pointsViewByInterpreter (Wendeng 2020 pack)', () => {
  const catalogue = loadCatalogue(defaultCataloguePath());
  const pack = loadSchemePack(shipped('policies', 'wendeng-points', '2020'), catalogue);
  const g = generateLedger(pack, catalogue, { subjects: 400, records: 6000, seed: 11, legalShare: 0 });
  const records = columnsToRecords(g.cols, catalogue);
  const bySubject = new Map<string, CreditRecord[]>();
  for (const r of records) bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), r]);
  const ids = g.cols.subjects;
  const asOf = '2021-06-30';
  const view = pointsViewByInterpreter(
    pack,
    ids,
    (i) => factsAt(g.subjects, i, ids[i]!),
    (i) => bySubject.get(ids[i]!) ?? [],
    asOf,
  );

  it('adds up to the interpreter score for every scored subject, and matches the fast evaluator', () => {
    const sums = new Float64Array(ids.length);
    for (let i = 0; i < view.contrib.length; i++) sums[view.contrib.subject[i]!] += view.contrib.points[i]!;
    const fast = compileScheme(pack, catalogue).scoreAll(g.cols, g.subjects, toEpochDay(asOf));
    let scored = 0;
    for (let i = 0; i < ids.length; i++) {
      expect(view.scored[i]).toBe(fast.status[i] === 0 ? 1 : 0);
      if (!view.scored[i]) continue;
      scored++;
      expect(view.base + sums[i]!).toBe(view.score[i]);
      expect(view.score[i]).toBe(fast.score[i]);
      expect(GRADE_CODES[view.grade[i]!]).toBe(GRADE_CODES[fast.grade[i]!]);
    }
    expect(scored).toBeGreaterThan(100);
    expect(view.contrib.length).toBeGreaterThan(300);
  });

  it('explains every grade below A by counted lines (zero residual) and decomposes gaps exactly', () => {
    const attr = encodeAttribute(
      'half',
      ids.map((_, i) => (i % 2 ? 'odd' : 'even')),
    );
    const e = shapleyBelowGrade(view, 'A');
    const share = decomposeShare(e, attr, 'odd', 'even');
    expect(share.residual.isZero()).toBe(true);
    expect(decompositionSum(share).equals(share.total)).toBe(true);
    const below = [...view.grade].filter((x, i) => view.scored[i] && x > 2).length;
    expect(below).toBeGreaterThan(10);
    const mean = decomposeMeanScore(view, attr, 'odd', 'even');
    expect(mean.residual.isZero()).toBe(true);
    expect(decompositionSum(mean).equals(mean.total)).toBe(true);
  });

  it('is the same view as the fast evaluator gives, row for row, in the same order of records', () => {
    // The generated subject columns as a register, so both paths read the same facts through factsFromRegister.
    const at = new Map(ids.map((id, i) => [id, i]));
    const division = pack.meta.eligibility.residence?.divisions[0] ?? pack.meta.jurisdiction.division;
    const subjectOf = (id: string): Subject | undefined => {
      const i = at.get(id);
      if (i === undefined) return undefined;
      const s: Subject = {
        id,
        type: g.subjects.type[i] === 1 ? 'legal' : 'natural',
        jurisdiction: g.subjects.resident[i] ? division.padEnd(6, '0') : '000000',
        roles: Object.entries(ROLE_BITS)
          .filter(([, bit]) => g.subjects.roles[i]! & bit)
          .map(([r]) => r as Subject['roles'][number]),
      };
      if (g.subjects.birthDay[i] !== NO_BIRTH_DAY) s.birthDate = fromEpochDay(g.subjects.birthDay[i]!);
      if (g.subjects.consent[i]) s.consents = [pack.meta.scheme];
      return s;
    };
    // A population in another order than the ledger's dictionary, with people who have no records.
    const pop = ['NOBODY-1', 'NOBODY-2', ...[...ids].reverse()];
    const byPop = pointsViewByInterpreter(
      pack,
      pop,
      factsFromRegister(pack, pop, subjectOf),
      (i) => bySubject.get(pop[i]!) ?? [],
      asOf,
      (id) => Number(id.slice(3)),
    );
    const fast = pointsViewByCompiled(pack, catalogue, g.cols, pop, subjectOf, asOf);
    expect(fast.scored).toEqual(byPop.scored);
    expect(fast.score).toEqual(byPop.score);
    expect(fast.grade).toEqual(byPop.grade);
    expect(fast.lines).toEqual(byPop.lines);
    expect(fast.contrib.length).toBe(byPop.contrib.length);
    const tuples = (v: typeof fast, withRecords: boolean) => {
      const out: string[] = [];
      for (let k = 0; k < v.contrib.length; k++)
        if (!withRecords || v.contrib.record[k]! >= 0)
          out.push(
            `${v.contrib.subject[k]} ${v.contrib.line[k]} ${v.contrib.points[k]} ${v.contrib.direct[k]} ${v.contrib.record[k]}`,
          );
      return out;
    };
    // Rows tied to records come in the interpreter's order; the others (caps, tiers, repairs) in some order per person.
    expect(tuples(fast, true)).toEqual(tuples(byPop, true));
    expect(tuples(fast, false).sort()).toEqual(tuples(byPop, false).sort());
    // Legality quotes the first few records counted past the cap: the same ones from both views.
    const legal = checkLegality(g.cols, catalogue, [fast], undefined, { disclosureCapYears: 1 });
    expect(legal.totals['legality.used_after_cap']).toBeGreaterThan(5);
    expect(legal).toEqual(checkLegality(g.cols, catalogue, [byPop], undefined, { disclosureCapYears: 1 }));
    expect(tuples(fast, true).length).toBeGreaterThan(300);
  });
});
