// Differential test: on seeded random ledgers the fast evaluator and the interpreter give identical results.
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { fromEpochDay, toEpochDay } from '../../core/dates.js';
import type { CreditRecord } from '../../core/types.js';
import { columnsToRecords } from './columns.js';
import { compileScheme } from './compile.js';
import { generateLedger } from './generate.js';
import { evaluateSubject } from './interpreter.js';
import { loadSchemePack } from './load.js';
import { shippedSchemePacks } from './scheme.contract.js';
import { factsAt } from './subjects.js';
import { GRADE_CODES, GRADE_NONE, SCORE_STATUSES } from './types.js';

const catalogue = loadCatalogue(defaultCataloguePath());
// Month ends and a leap day across the generated span (2016-2023), plus dates past it (windows running out).
function groupBySubject(records: CreditRecord[]): Map<string, CreditRecord[]> {
  const m = new Map<string, CreditRecord[]>();
  for (const r of records) {
    const l = m.get(r.subject);
    if (l) l.push(r);
    else m.set(r.subject, [r]);
  }
  return m;
}

const AS_OF = [
  '2016-02-29',
  '2017-12-31',
  '2019-06-30',
  '2020-02-29',
  '2021-03-01',
  '2022-09-30',
  '2023-12-31',
  '2026-01-01',
];

describe.each(shippedSchemePacks())('differential on random ledgers: %s', (dir) => {
  const pack = loadSchemePack(dir, catalogue);
  const compiled = compileScheme(pack, catalogue);

  it.each([1, 2, 3])('seed %i: every subject, eight as-of dates', (seed) => {
    const g = generateLedger(pack, catalogue, {
      subjects: 300,
      records: 8_000,
      seed: `${pack.id}:${seed}`,
      correctionShare: 0.05,
    });
    const records = columnsToRecords(g.cols, catalogue);
    const bySubject = groupBySubject(records);
    let compared = 0;
    const seen = new Set<string>();
    for (const asOf of AS_OF) {
      const t = compiled.scoreAll(g.cols, g.subjects, toEpochDay(asOf));
      for (let s = 0; s < g.subjects.length; s++) {
        const id = g.cols.subjects[s]!;
        const ev = evaluateSubject(pack, factsAt(g.subjects, s, id), bySubject.get(id) ?? [], asOf);
        const fast = {
          status: SCORE_STATUSES[t.status[s]!],
          score: t.status[s] === 0 ? t.score[s] : undefined,
          grade: t.grade[s] === GRADE_NONE ? undefined : GRADE_CODES[t.grade[s]!],
          frozen: t.frozen[s] === 1,
        };
        const ref = { status: ev.status, score: ev.score, grade: ev.grade, frozen: ev.frozen };
        if (JSON.stringify(fast) !== JSON.stringify(ref))
          expect({ subject: id, asOf, ...fast }).toEqual({ subject: id, asOf, ...ref });
        for (const l of ev.lines) seen.add(l.type);
        if (ev.grade) seen.add(`grade:${ev.grade}`);
        compared++;
      }
    }
    expect(compared).toBe(300 * AS_OF.length);
    // The random ledgers reach the constructs that matter, so agreement is not vacuous.
    for (const must of ['points', 'expired', 'superseded', 'withdrawal', 'unmatched', 'kept'])
      expect(seen, `${pack.id} never produced a ${must} line`).toContain(must);
    if (pack.direct.length)
      for (const must of ['direct', 'cancelled', 'repair', 'frozen', 'tier', 'cap', 'grade:DA'])
        expect(seen, `${pack.id} never produced ${must}`).toContain(must);
  });

  it('agrees on dates one day either side of every generated window boundary', () => {
    const g = generateLedger(pack, catalogue, { subjects: 40, records: 800, seed: `${pack.id}:edges` });
    const records = columnsToRecords(g.cols, catalogue);
    const bySubject = groupBySubject(records);
    const days = new Set<number>();
    for (const r of records.slice(0, 40)) {
      const o = toEpochDay(r.occurredAt);
      for (const y of [1, 2, 3, 5]) {
        const end = toEpochDay(`${Number(r.occurredAt.slice(0, 4)) + y}${r.occurredAt.slice(4)}`);
        if (!Number.isNaN(end)) for (const d of [end - 1, end, end + 1]) days.add(d);
      }
      days.add(o);
    }
    for (const d of days) {
      const asOf = fromEpochDay(d);
      const t = compiled.scoreAll(g.cols, g.subjects, d);
      for (let s = 0; s < g.subjects.length; s++) {
        const id = g.cols.subjects[s]!;
        const ev = evaluateSubject(pack, factsAt(g.subjects, s, id), bySubject.get(id) ?? [], asOf);
        if (ev.status === 'scored') {
          expect([asOf, id, t.score[s]]).toEqual([asOf, id, ev.score]);
          expect([asOf, id, GRADE_CODES[t.grade[s]!]]).toEqual([asOf, id, ev.grade]);
        } else expect(SCORE_STATUSES[t.status[s]!]).toBe(ev.status);
      }
    }
  });
});
