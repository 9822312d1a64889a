// Adapters from the real engines to the audit's column views: the municipal interpreter's explanations become
// per-(record, rule line) contributions; the lists engine's reference decisions become entries, measures, denials.
import { toEpochDay } from '../core/dates.js';
import type { CreditRecord, Subject } from '../core/types.js';
import { evaluateSubject, type Evaluation } from '../schemes/municipal/interpreter.js';
import { GRADE_RANK } from '../schemes/municipal/semantics.js';
import { subjectFacts, subjectFromId, type SubjectFacts } from '../schemes/municipal/subjects.js';
import { GRADE_CODES, GRADES, type SchemePack } from '../schemes/municipal/types.js';
import { activeOn, entriesOf, statementOf, type ListStatement } from '../schemes/lists/lifecycle.js';
import { measuresReaching } from '../schemes/lists/decide.js';
import { outcomeOf, type ListPolicy } from '../schemes/lists/policy.js';
import { Register } from '../schemes/lists/register.js';
import type { ListsView, PointsView, RuleLineInfo } from './views.js';

/** Players of a scheme: its point rules, direct-grading rules and repairs, in pack order. */
export function schemeLines(pack: SchemePack): RuleLineInfo[] {
  const roles = (cls: readonly string[]) => cls.filter((c) => c !== 'individual' && c !== 'legal_person');
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
      appliesTo: roles(r.subjects),
      polarity: sign(r) as RuleLineInfo['polarity'],
    })),
    ...pack.direct.map((r) => ({
      id: r.id,
      family: `direct ${r.grade}`,
      en: r.en,
      zh: r.zh,
      appliesTo: roles(r.subjects),
      polarity: 'direct' as const,
    })),
    ...pack.repairs.map((r) => ({
      id: r.id,
      family: 'repair',
      en: r.en,
      zh: r.zh,
      appliesTo: roles(r.subjects),
      polarity: 'negative' as const,
    })),
  ];
}

export interface Contribution {
  line: number;
  points: number;
  /** 0 or 1 + grade rank of a direct grading in force. */
  direct: number;
  record?: CreditRecord;
}

/**
 * What each rule line counts for one evaluated subject, from the interpreter's explanation. Per-record points lines
 * of an annual-cap group are followed by one adjustment row (capped − raw) on the same line; frozen bonuses by a
 * row that cancels them. So Σ points = score − base exactly (tested against the interpreter).
 */
export function contributionsOf(
  pack: SchemePack,
  ev: Evaluation,
  lineIndex: Map<string, number>,
): Contribution[] {
  const out: Contribution[] = [];
  const capGroupOf = new Map(pack.rules.map((r) => [r.id, r.capGroup]));
  const raw = new Map<string, number>();
  const at = (id: string | undefined) => lineIndex.get(id ?? '') ?? -1;
  for (const l of ev.lines) {
    if (l.type === 'points' && l.points) {
      const c: Contribution = { line: at(l.ruleId), points: l.points, direct: 0 };
      if (l.record) c.record = l.record;
      out.push(c);
      const g = capGroupOf.get(l.ruleId ?? '');
      if (g !== undefined && l.record) {
        const k = `${g}\u0000${new Date(toEpochDay(l.record.occurredAt) * 86_400_000).getUTCFullYear()}`;
        raw.set(k, (raw.get(k) ?? 0) + l.points);
      }
    } else if (l.type === 'cap' && l.points !== undefined) {
      const m = /^cap (.*) (\d{4}) /.exec(l.key);
      const k = m ? `${m[1]}\u0000${m[2]}` : '';
      out.push({ line: at(l.ruleId), points: l.points - (raw.get(k) ?? 0), direct: 0 });
    } else if (l.type === 'tier' && l.points) out.push({ line: at(l.ruleId), points: l.points, direct: 0 });
    else if (l.type === 'repair') {
      if (l.points) out.push({ line: at(l.ruleId), points: l.points, direct: 0 });
      else if (l.grade)
        out.push({
          line: at(l.ruleId),
          points: 0,
          direct: GRADE_RANK[l.grade as keyof typeof GRADE_RANK] + 1,
        });
    } else if (l.type === 'frozen') {
      // The key carries the amount frozen; for an annual-cap group `points` holds only the group's first line.
      const m = /^frozen \S+ ([+-]\d+)/.exec(l.key);
      const frozen = m ? Number(m[1]) : (l.points ?? 0);
      if (!frozen) continue;
      const c: Contribution = { line: at(l.ruleId), points: -frozen, direct: 0 };
      if (l.record) c.record = l.record;
      out.push(c);
    } else if (l.type === 'direct' && l.grade) {
      const c: Contribution = {
        line: at(l.ruleId),
        points: 0,
        direct: GRADE_RANK[l.grade as keyof typeof GRADE_RANK] + 1,
      };
      if (l.record) c.record = l.record;
      out.push(c);
    }
  }
  return out;
}

/**
 * The points scheme over a population as of a date, by the reference interpreter (explanations are the source of the
 * contributions, so they can never drift from what a subject is told). `recordsOf(i)` gives person i's statements;
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
    contrib: {
      length: cs.length,
      subject: Uint32Array.from(cs),
      line: Int32Array.from(cl),
      points: Int32Array.from(cp),
      direct: Uint8Array.from(cd),
      record: Int32Array.from(cr),
    },
    lines,
  };
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
