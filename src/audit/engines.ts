// Adapters from the real engines to the audit's column views: the municipal fast evaluator's contribution sink (or
// the interpreter's explanations) become per-(record, rule line) contributions; the lists engine's reference
// decisions become entries, measures, denials.
import type { Catalogue } from '../core/catalogue.js';
import { toEpochDay } from '../core/dates.js';
import type { CreditRecord, Subject } from '../core/types.js';
import type { RecordColumns } from '../ledger/ledger.js';
import { compileScheme, ContributionSink } from '../schemes/municipal/compile.js';
import { contributionsOf } from '../schemes/municipal/contributions.js';
import { evaluateSubject } from '../schemes/municipal/interpreter.js';
import {
  allocSubjectColumns,
  subjectFacts,
  subjectFromId,
  type SubjectFacts,
} from '../schemes/municipal/subjects.js';
import { GRADE_CODES, GRADES, type SchemePack } from '../schemes/municipal/types.js';
import { activeOn, entriesOf, statementOf, type ListStatement } from '../schemes/lists/lifecycle.js';
import { measuresReaching } from '../schemes/lists/decide.js';
import { outcomeOf, type ListPolicy } from '../schemes/lists/policy.js';
import { Register } from '../schemes/lists/register.js';
import { REACH_GROUPS, reachTable } from '../schemes/municipal/reach.js';
import type { ListsView, PointsView, RuleLineInfo, RuleReach } from './views.js';

/** Players of a scheme: its point rules, direct-grading rules and repairs, in pack order. */
export function schemeLines(pack: SchemePack): RuleLineInfo[] {
  // Subject classes beyond "any natural person", and the groups a line's text singles out (rural, collectors, …).
  const roles = (cls: readonly string[], audience: readonly string[] = []) => [
    ...new Set([...cls.filter((c) => c !== 'individual' && c !== 'legal_person'), ...audience]),
  ];
  const sign = (r: SchemePack['rules'][number]) => {
    const e = r.tiers ? { points: r.tiers[0]?.points ?? 0 } : r.cases[0]?.effect;
    const p = e && 'points' in e ? e.points : e && 'min' in e ? e.min : 0;
    return p > 0 ? 'positive' : 'negative';
  };
  return [
    ...pack.rules.map((r) => ({
      id: r.id,
      family: r.domain,
      en: r.en,
      zh: r.zh,
      appliesTo: roles(r.subjects, r.audience),
      polarity: sign(r) as RuleLineInfo['polarity'],
    })),
    ...pack.direct.map((r) => ({
      id: r.id,
      family: `direct ${r.grade}`,
      en: r.en,
      zh: r.zh,
      appliesTo: roles(r.subjects, r.audience),
      polarity: 'direct' as const,
    })),
    ...pack.repairs.map((r) => ({
      id: r.id,
      family: 'repair',
      en: r.en,
      zh: r.zh,
      appliesTo: roles(r.subjects, r.audience),
      polarity: 'negative' as const,
    })),
  ];
}

export { contributionsOf, type Contribution } from '../schemes/municipal/contributions.js';

/**
 * The points scheme over a population as of a date, by the reference interpreter (explanations are the source of the
 * contributions). The audit uses pointsViewByCompiled, proven equal to this (src/audit/engines.test.ts); this path
 * stays as the reference and for tests. `recordsOf(i)` gives person i's statements;
 * `recordRow` maps a record id to its RecordColumns row (for legality checks), if known.
 */
export function pointsViewByInterpreter(
  pack: SchemePack,
  ids: readonly string[],
  factsOf: (i: number) => SubjectFacts,
  recordsOf: (i: number) => readonly CreditRecord[],
  asOf: string,
  recordRow?: (id: string) => number,
): PointsView {
  const lines = schemeLines(pack);
  const lineIndex = new Map(lines.map((l, i) => [l.id, i]));
  const n = ids.length;
  const scored = new Uint8Array(n);
  const score = new Int32Array(n);
  const grade = new Uint8Array(n).fill(255);
  const cs: number[] = [];
  const cl: number[] = [];
  const cp: number[] = [];
  const cd: number[] = [];
  const cr: number[] = [];
  for (let i = 0; i < n; i++) {
    const ev = evaluateSubject(pack, factsOf(i), recordsOf(i), asOf);
    if (ev.status !== 'scored') continue;
    scored[i] = 1;
    score[i] = ev.score!;
    grade[i] = GRADE_CODES.indexOf(ev.grade!);
    for (const c of contributionsOf(pack, ev, lineIndex)) {
      cs.push(i);
      cl.push(c.line);
      cp.push(c.points);
      cd.push(c.direct);
      cr.push(c.record && recordRow ? recordRow(c.record.id) : -1);
    }
  }
  return pointsView(pack, asOf, lines, scored, score, grade, {
    length: cs.length,
    subject: Uint32Array.from(cs),
    line: Int32Array.from(cl),
    points: Int32Array.from(cp),
    direct: Uint8Array.from(cd),
    record: Int32Array.from(cr),
  });
}

function pointsView(
  pack: SchemePack,
  asOf: string,
  lines: RuleLineInfo[],
  scored: Uint8Array,
  score: Int32Array,
  grade: Uint8Array,
  contrib: PointsView['contrib'],
): PointsView {
  const bandMin = GRADE_CODES.map((g) => {
    const b = pack.meta.bands.find((x) => x.grade === g);
    return b?.min ?? -Infinity;
  });
  return {
    scheme: pack.meta.scheme,
    label: { en: pack.meta.title.en, zh: pack.meta.title.zh },
    asOf,
    base: pack.meta.baseScore,
    grades: [...GRADE_CODES],
    bandMin,
    scored,
    score,
    grade,
    contrib,
    lines,
    reach: ruleReach(pack),
  };
}

/** The reach table of a pack in the audit's terms. */
export function ruleReach(pack: SchemePack): RuleReach {
  const t = reachTable(pack);
  return {
    lines: t.lines,
    direct: t.direct,
    groups: t.groups.map((g) => {
      const label = REACH_GROUPS.find((x) => x.id === g.group)!;
      const row: RuleReach['groups'][number] = {
        group: g.group,
        en: label.en,
        zh: label.zh,
        lines: g.lines,
        only: g.only.length,
        maxDeduction: g.maxDeduction,
        maxBonus: g.maxBonus,
        direct: g.direct,
        directOnly: g.directOnly.length,
      };
      if (g.worstGrade) row.worstGrade = g.worstGrade;
      return row;
    }),
  };
}

/**
 * The points scheme over a population as of a date, by the fast evaluator with a contribution sink: the same view as
 * pointsViewByInterpreter, row for row (tested), from the ledger columns directly. `ids` are the population (they
 * need not have records); `subjectOf` gives register entries. Each person's rows are put in the order the
 * interpreter's explanation lists them (kind, then the ledger's read order), so a check that quotes the first few
 * records (legality) quotes the same ones.
 */
export function pointsViewByCompiled(
  pack: SchemePack,
  catalogue: Catalogue,
  cols: RecordColumns,
  ids: readonly string[],
  subjectOf: (id: string) => Subject | undefined,
  asOf: string,
): PointsView {
  const lines = schemeLines(pack);
  // Subject rows: the ledger's dictionary first (as the evaluator requires), then people without records.
  const at = new Map(cols.subjects.map((id, i) => [id, i]));
  const all = [...cols.subjects];
  const rowOf = Int32Array.from(ids, (id) => {
    let r = at.get(id);
    if (r === undefined) {
      r = all.push(id) - 1;
      at.set(id, r);
    }
    return r;
  });
  const facts = factsFromRegister(pack, all, subjectOf);
  const subj = allocSubjectColumns(all.length);
  for (let i = 0; i < all.length; i++) {
    const f = facts(i);
    subj.type[i] = f.isLegal ? 1 : 0;
    subj.roles[i] = f.roles;
    if (f.birthDay !== undefined) subj.birthDay[i] = f.birthDay;
    subj.consent[i] = f.consented ? 1 : 0;
    subj.resident[i] = f.resident ? 1 : 0;
  }
  const sink = new ContributionSink();
  const t = compileScheme(pack, catalogue).scoreAll(cols, subj, toEpochDay(asOf), undefined, sink);

  // Rows of one subject are contiguous, subjects ascending.
  const first = new Int32Array(all.length).fill(-1);
  const count = new Int32Array(all.length);
  for (let k = 0; k < sink.length; k++) {
    const s = sink.subject[k]!;
    if (first[s]! < 0) first[s] = k;
    count[s]!++;
  }
  const { occurred, reported } = cols;
  const { kind, record } = sink;
  // The interpreter's order: kind of row, then records by occurredAt, reportedAt, id (`row<i>` as a string).
  const order = (a: number, b: number): number => {
    if (kind[a] !== kind[b]) return kind[a]! - kind[b]!;
    const ra = record[a]!;
    const rb = record[b]!;
    if (ra < 0 || rb < 0 || ra === rb) return 0;
    if (occurred[ra] !== occurred[rb]) return occurred[ra]! - occurred[rb]!;
    if (reported[ra] !== reported[rb]) return reported[ra]! - reported[rb]!;
    const sa = String(ra);
    const sb = String(rb);
    return sa < sb ? -1 : 1;
  };

  const n = ids.length;
  const scored = new Uint8Array(n);
  const score = new Int32Array(n);
  const grade = new Uint8Array(n).fill(255);
  let total = 0;
  for (let i = 0; i < n; i++) if (t.status[rowOf[i]!] === 0) total += count[rowOf[i]!]!;
  const contrib: PointsView['contrib'] = {
    length: total,
    subject: new Uint32Array(total),
    line: new Int32Array(total),
    points: new Int32Array(total),
    direct: new Uint8Array(total),
    record: new Int32Array(total),
  };
  let w = 0;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = rowOf[i]!;
    if (t.status[s] !== 0) continue;
    scored[i] = 1;
    score[i] = t.score[s]!;
    grade[i] = t.grade[s]!;
    rows.length = 0;
    for (let k = first[s]!, e = k + count[s]!; k < e; k++) rows.push(k);
    if (rows.length > 1) rows.sort(order);
    for (const k of rows) {
      contrib.subject[w] = i;
      contrib.line[w] = sink.line[k]!;
      contrib.points[w] = sink.points[k]!;
      contrib.direct[w] = sink.direct[k]!;
      contrib.record[w] = sink.record[k]!;
      w++;
    }
  }
  return pointsView(pack, asOf, lines, scored, score, grade, contrib);
}

export { GRADES };

/** Scheme facts of register subjects (or of the id alone when the register lacks them). */
export function factsFromRegister(
  pack: SchemePack,
  ids: readonly string[],
  subjectOf: (id: string) => Subject | undefined,
): (i: number) => SubjectFacts {
  return (i) => {
    const s = subjectOf(ids[i]!) ?? subjectFromId(ids[i]!);
    const f = subjectFacts(s, pack);
    // Consent may name the scheme ('meritown-points') or the pack version ('meritown-points@2021'): the simulation
    // writes the latter, the municipal engine reads the former. Either is consent to this scheme.
    if (!f.consented && (s.consents ?? []).includes(pack.id)) f.consented = true;
    return f;
  };
}

/**
 * Lists, measures in force and denied actions for every person of the population as of `asOf`, by the reference
 * decision path of the lists engine (entries re-derived from statements; measures reaching the person through every
 * link: themselves, firms they represent, parents).
 */
export function listsViewByReference(
  policy: ListPolicy,
  subjects: Iterable<Subject>,
  ids: readonly string[],
  statements: Map<string, ListStatement[]>,
  asOf: string,
): ListsView {
  const day = toEpochDay(asOf);
  const register = new Register(subjects);
  const listIds = policy.lists.map((l) => l.list);
  const measures = new Map<string, number>();
  const measureInfo: ListsView['measures'] = [];
  const eS: number[] = [];
  const eL: number[] = [];
  const aS: number[] = [];
  const aM: number[] = [];
  const aL: number[] = [];
  const dS: number[] = [];
  const dA: number[] = [];
  const entriesCache = new Map<string, ReturnType<typeof activeOn>>();
  const active = (source: string) => {
    let e = entriesCache.get(source);
    if (!e) {
      const st = statements.get(source);
      e = st ? activeOn(entriesOf(policy, st, { knownAsOf: day }).entries, day) : [];
      entriesCache.set(source, e);
    }
    return e;
  };
  ids.forEach((id, i) => {
    const own = active(id);
    for (const l of new Set(own.map((e) => listIds.indexOf(e.list)))) {
      eS.push(i);
      eL.push(l);
    }
    const seen = new Set<string>();
    const denied = new Set<number>();
    const links = register.get(id)
      ? register.sourcesOf(id)
      : [{ source: id, relation: 'listed_subject' as const }];
    for (const link of links)
      for (const e of active(link.source))
        policy.actions.forEach((a, ai) => {
          if (!a.subjects.includes('natural')) return;
          for (const { am, effect } of measuresReaching(policy, e, link.relation, a.id, day)) {
            const m = am.measure;
            let mi = measures.get(m.id);
            if (mi === undefined) {
              mi = measureInfo.length;
              measures.set(m.id, mi);
              measureInfo.push({
                id: m.id,
                en: m.en,
                zh: m.zh,
                basis: m.legal_basis ?? '',
                inCatalogue: !!m.catalogue,
              });
            }
            const key = `${mi}|${e.list}`;
            if (!seen.has(key)) {
              seen.add(key);
              aS.push(i);
              aM.push(mi);
              aL.push(listIds.indexOf(e.list));
            }
            if (outcomeOf(effect) === 'deny') denied.add(ai);
          }
        });
    for (const a of [...denied].sort((x, y) => x - y)) {
      dS.push(i);
      dA.push(a);
    }
  });
  return {
    asOf,
    lists: policy.lists.map((l) => ({ id: l.list, en: l.en, zh: l.zh })),
    entries: { length: eS.length, subject: Uint32Array.from(eS), list: Uint16Array.from(eL) },
    measures: measureInfo,
    applied: {
      length: aS.length,
      subject: Uint32Array.from(aS),
      measure: Uint16Array.from(aM),
      list: Int32Array.from(aL),
    },
    actions: policy.actions.map((a) => ({ id: a.id, en: a.en, zh: a.zh })),
    denied: { length: dS.length, subject: Uint32Array.from(dS), action: Uint16Array.from(dA) },
  };
}

/** Lifecycle statements of the lists engine, grouped by subject, from a subject's records. */
export function listStatements(
  policy: ListPolicy,
  records: Iterable<CreditRecord>,
): Map<string, ListStatement[]> {
  const kinds = new Set(policy.lifecycleKinds());
  const out = new Map<string, ListStatement[]>();
  for (const r of records) {
    if (!kinds.has(r.kind)) continue;
    const l = out.get(r.subject);
    if (l) l.push(statementOf(r));
    else out.set(r.subject, [statementOf(r)]);
  }
  return out;
}
