// Differential test: on seeded random ledgers and the case corpus the fast evaluator and the interpreter give identical
// results: scores, grades and what each rule line counts, record by record.
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { fromEpochDay, toEpochDay } from '../../core/dates.js';
import { shipped } from '../../core/paths.js';
import { compareRecords } from '../../ledger/codec.js';
import { makeRecord, type CreditRecord } from '../../core/types.js';
import { columnsToRecords } from './columns.js';
import { compileScheme, CONTRIB, ContributionSink } from './compile.js';
import { contributionsOf, ruleLineIds } from './contributions.js';
import { loadCases, runInterpreter } from './corpus.js';
import { recordsToColumns } from './columns.js';
import { generateLedger } from './generate.js';
import { evaluateSubject } from './interpreter.js';
import { loadSchemePack } from './load.js';
import { shippedSchemePacks } from './scheme.contract.js';
import { factsAt, subjectColumnsFor } from './subjects.js';
import { GRADE_CODES, GRADE_NONE, SCORE_STATUSES, type SchemePack } from './types.js';
import type { Evaluation } from './interpreter.js';

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

/** Rows of each subject in a sink (rows of one subject are contiguous). */
function sinkRows(sink: ContributionSink): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (let k = 0; k < sink.length; k++) {
    const s = sink.subject[k]!;
    const l = m.get(s);
    if (l) l.push(k);
    else m.set(s, [k]);
  }
  return m;
}

/** A subject's contributions as sorted `line points direct record` tuples, from the sink and from the interpreter. */
function fastTuples(sink: ContributionSink, rows: readonly number[]): string[] {
  return rows.map((k) => `${sink.line[k]} ${sink.points[k]} ${sink.direct[k]} ${sink.record[k]}`).sort();
}
function refTuples(
  pack: SchemePack,
  ev: Evaluation,
  lineIndex: Map<string, number>,
  rowOf: (id: string) => number,
): string[] {
  return contributionsOf(pack, ev, lineIndex)
    .map((c) => `${c.line} ${c.points} ${c.direct} ${c.record ? rowOf(c.record.id) : -1}`)
    .sort();
}
const rowOfSynthetic = (id: string) => Number(id.slice(3));

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
  const lineIndex = new Map(ruleLineIds(pack).map((id, i) => [id, i]));

  const kindsSeen = new Set<number>();
  const linesSeen = new Set<number>();

  it('numbers every rule line once', () => expect(lineIndex.size).toBe(ruleLineIds(pack).length));

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
    const sink = new ContributionSink();
    const kinds = new Set<number>();
    let rowsCompared = 0;
    for (const asOf of AS_OF) {
      const t = compiled.scoreAll(g.cols, g.subjects, toEpochDay(asOf), undefined, sink);
      const plain = compiled.scoreAll(g.cols, g.subjects, toEpochDay(asOf));
      // The sink changes nothing in the scores.
      expect(plain.score).toEqual(t.score);
      expect(plain.grade).toEqual(t.grade);
      expect(plain.status).toEqual(t.status);
      const bySink = sinkRows(sink);
      for (let k = 0; k < sink.length; k++) {
        kinds.add(sink.kind[k]!);
        linesSeen.add(sink.line[k]!);
      }
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
        const want = ev.status === 'scored' ? refTuples(pack, ev, lineIndex, rowOfSynthetic) : [];
        const got = fastTuples(sink, bySink.get(s) ?? []);
        if (got.join() !== want.join())
          expect({ subject: id, asOf, rows: got }).toEqual({ subject: id, asOf, rows: want });
        rowsCompared += want.length;
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
    // Every kind of contribution row was compared, not only plain points.
    expect(rowsCompared).toBeGreaterThan(1_000);
    for (const k of kinds) kindsSeen.add(k);
  });

  it('compared every kind of contribution row over the three seeds', () => {
    // Shipped repairs only deduct, so no repair bonus is ever frozen.
    const must = pack.direct.length
      ? Object.values(CONTRIB).filter((k) => k !== CONTRIB.frozenRepair)
      : [CONTRIB.points];
    for (const k of must) expect(kindsSeen, `${pack.id} never produced contribution kind ${k}`).toContain(k);
  });

  it('used every point rule and direct-grading item of the pack over the three seeds', () => {
    // Both engines were compared on rows of every line, so no line's agreement is vacuous.
    const ids = ruleLineIds(pack);
    const unused = ids
      .map((id, i) => [id, i] as const)
      .filter(([, i]) => i < pack.rules.length + pack.direct.length && !linesSeen.has(i))
      .map(([id]) => id);
    expect(unused).toEqual([]);
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

describe.each(shippedSchemePacks())('contributions on the case corpus: %s', (dir) => {
  const pack = loadSchemePack(dir, catalogue);
  const compiled = compileScheme(pack, catalogue);
  const lineIndex = new Map(ruleLineIds(pack).map((id, i) => [id, i]));
  const { cases } = loadCases(dir, pack);

  it('every case: the same rows from the sink as from the explanation', () => {
    const sink = new ContributionSink();
    let rows = 0;
    for (const c of cases) {
      // In the ledger's read order, so same-day ties resolve alike (the sink breaks them by row).
      const records = [...c.records].sort(compareRecords);
      const rowOf = new Map(records.map((r, i) => [r.id, i]));
      const cols = recordsToColumns(records, catalogue, [c.subject.id]);
      const subj = subjectColumnsFor([c.subject.id], () => c.subject, pack);
      compiled.scoreAll(cols, subj, toEpochDay(c.asOf), undefined, sink);
      const ev = runInterpreter(pack, c);
      const want = ev.status === 'scored' ? refTuples(pack, ev, lineIndex, (id) => rowOf.get(id)!) : [];
      expect({ case: c.name, rows: fastTuples(sink, sinkRows(sink).get(0) ?? []) }).toEqual({
        case: c.name,
        rows: want,
      });
      rows += want.length;
    }
    expect(cases.length).toBeGreaterThan(5);
    expect(rows).toBeGreaterThan(4);
  });
});

describe('contributions: same-day records of one annual-cap group', () => {
  const pack = loadSchemePack(shipped('policies', 'wendeng-points', '2020'), catalogue);
  const lineIndex = new Map(ruleLineIds(pack).map((id, i) => [id, i]));

  it('name the record the interpreter lists first (ids row10 < row9) on the frozen group', () => {
    const rec = (subject: string, kind: string, day: string, amount?: number) =>
      makeRecord({ subject, kind, occurredAt: day, reportedAt: day, agency: 'a', basis: 'b', amount });
    const other = Array.from({ length: 9 }, (_, i) =>
      rec('OTHER', 'charity.donation', `2020-0${i + 1}-01`, 200),
    );
    const records = [
      ...other,
      rec('S', 'charity.donation', '2021-05-01', 300),
      rec('S', 'charity.donation', '2021-05-01', 4000),
      // A direct B freezes bonuses, so the group's capped sum is cancelled on its first record.
      rec('S', 'traffic.drink_driving', '2021-04-01'),
    ];
    const cols = recordsToColumns(records, catalogue, ['S', 'OTHER']);
    const subject = {
      id: 'S',
      type: 'natural' as const,
      jurisdiction: pack.meta.jurisdiction.division.padEnd(6, '0'),
      birthDate: '1980-06-15',
      roles: [],
    };
    const subj = subjectColumnsFor(['S', 'OTHER'], (id) => (id === 'S' ? subject : undefined), pack);
    const sink = new ContributionSink();
    compileScheme(pack, catalogue).scoreAll(cols, subj, toEpochDay('2021-06-30'), undefined, sink);
    const ev = evaluateSubject(
      pack,
      factsAt(subj, 0, 'S'),
      columnsToRecords(cols, catalogue).filter((r) => r.subject === 'S'),
      '2021-06-30',
    );
    expect(ev.frozen).toBe(true);
    const want = refTuples(pack, ev, lineIndex, rowOfSynthetic);
    expect(want).toContain(`${lineIndex.get('W1-57-01')} -13 0 10`);
    expect(fastTuples(sink, sinkRows(sink).get(0) ?? [])).toEqual(want);
  });
});
