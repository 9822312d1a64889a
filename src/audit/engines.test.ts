// The audit's view of the municipal engine: contributions read from the interpreter's explanations add up to its
// scores, agree with the fast evaluator, and make every decomposition exact with a zero residual.
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../core/catalogue.js';
import { toEpochDay } from '../core/dates.js';
import { shipped } from '../core/paths.js';
import type { CreditRecord } from '../core/types.js';
import { compileScheme } from '../schemes/municipal/compile.js';
import { columnsToRecords } from '../schemes/municipal/columns.js';
import { generateLedger } from '../schemes/municipal/generate.js';
import { loadSchemePack } from '../schemes/municipal/load.js';
import { factsAt } from '../schemes/municipal/subjects.js';
import { GRADE_CODES } from '../schemes/municipal/types.js';
import { decomposeMeanScore, decomposeShare, decompositionSum, shapleyBelowGrade } from './decompose.js';
import { pointsViewByInterpreter } from './engines.js';
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
});
