// One subject seen by every scheme at once — points (with each counted record and rule), list entries, measures in
// force with their legal basis — plus counterfactuals. Many systems side by side, never one merged score.
import { fromEpochDay, toEpochDay } from '../core/dates.js';
import type { CreditRecord, Subject } from '../core/types.js';
import { decideReference } from '../schemes/lists/decide.js';
import { activeOn, entriesOf, statementOf, type ListEntry } from '../schemes/lists/lifecycle.js';
import type { ListPolicy } from '../schemes/lists/policy.js';
import { Register } from '../schemes/lists/register.js';
import { describeNeed, FieldNeeds, type FieldNeed } from '../schemes/municipal/field-needs.js';
import { evaluateSubject } from '../schemes/municipal/interpreter.js';
import type { SchemePack } from '../schemes/municipal/types.js';
import type { Choices } from './choices.js';
import { counterfactuals, listExit, type CounterfactualResult } from './counterfactual.js';
import { factsFromRegister } from './engines.js';

export interface ExplainedLine {
  type: string;
  rule?: string;
  ruleEn?: string;
  ruleZh?: string;
  points?: number;
  grade?: string;
  kind?: string;
  occurredAt?: string;
  agency?: string;
  basis?: string;
  from?: string;
  until?: string;
  detail?: string;
  /** For a record no line matches because it lacks a severity or level: the line and the field it needs. */
  needs?: FieldNeed;
}

export interface SchemeView {
  scheme: string;
  title: { en: string; zh: string };
  status: string;
  score?: number;
  grade?: string;
  base: number;
  lines: ExplainedLine[];
  counterfactual: CounterfactualResult;
}

export interface ExplainResult {
  subject: string;
  asOf: string;
  schemes: SchemeView[];
  lists: {
    list: string;
    en: string;
    zh: string;
    since: string;
    until: string | null;
    exit: ReturnType<typeof listExit>;
  }[];
  measures: {
    action: string;
    actionEn: string;
    actionZh: string;
    outcome: string;
    measure: string;
    measureName: string;
    list: string;
    relation: string;
    legalBasis: string;
    until: string | null;
  }[];
}

const SHOWN = new Set([
  'points',
  'tier',
  'cap',
  'direct',
  'repair',
  'frozen',
  'expired',
  'cancelled',
  'excluded',
  'unmatched',
]);

/**
 * What depends on the pack alone, made once per pack: a report server explains one subject per request, and
 * building the field needs and the rule titles anew each time cost about a sixth of an explanation.
 */
const PER_PACK = new WeakMap<
  SchemePack,
  { needs: FieldNeeds; rules: Map<string, { en: string; zh: string }> }
>();
function perPack(pack: SchemePack) {
  let p = PER_PACK.get(pack);
  if (!p) {
    p = {
      needs: new FieldNeeds([pack]),
      rules: new Map<string, { en: string; zh: string }>([
        ...pack.rules.map((r) => [r.id, r] as const),
        ...pack.direct.map((r) => [r.id, r] as const),
        ...pack.repairs.map((r) => [r.id, r] as const),
      ]),
    };
    PER_PACK.set(pack, p);
  }
  return p;
}

/** The record kinds that are list statements, per policy, made once. */
const LIFECYCLE = new WeakMap<ListPolicy, ReadonlySet<string>>();
function lifecycleKinds(policy: ListPolicy): ReadonlySet<string> {
  let k = LIFECYCLE.get(policy);
  if (!k) LIFECYCLE.set(policy, (k = new Set(policy.lifecycleKinds())));
  return k;
}

export function explainSubject(input: {
  id: string;
  register: readonly Subject[];
  records: readonly CreditRecord[];
  packs: readonly SchemePack[];
  policy?: ListPolicy;
  asOf: string;
  target?: string;
  /** Also show plans with actions a person cannot choose (labelled). */
  all?: boolean;
  choices?: Choices;
}): ExplainResult {
  const { id, asOf } = input;
  const byId = new Map(input.register.map((s) => [s.id, s]));
  const result: ExplainResult = { subject: id, asOf, schemes: [], lists: [], measures: [] };
  for (const pack of input.packs) {
    const facts = factsFromRegister(pack, [id], (x) => byId.get(x))(0);
    const ev = evaluateSubject(pack, facts, input.records, asOf);
    const { needs, rules } = perPack(pack);
    const view: SchemeView = {
      scheme: pack.id,
      title: { en: pack.meta.title.en, zh: pack.meta.title.zh },
      status: ev.status,
      base: pack.meta.baseScore,
      lines: ev.lines
        .filter((l) => SHOWN.has(l.type))
        .map((l) => {
          const x: ExplainedLine = { type: l.type };
          if (l.ruleId) {
            x.rule = l.ruleId;
            const r = rules.get(l.ruleId);
            if (r) {
              x.ruleEn = r.en;
              x.ruleZh = r.zh;
            }
          }
          if (l.points !== undefined) x.points = l.points;
          if (l.grade) x.grade = l.grade;
          if (l.record) {
            x.kind = l.record.kind;
            x.occurredAt = l.record.occurredAt;
            x.agency = l.record.agency;
            x.basis = l.record.basis;
          }
          if (l.from) x.from = l.from;
          if (l.until) x.until = l.until;
          if (l.detail) x.detail = l.detail;
          const need =
            l.type === 'unmatched' && l.detail === 'no_case' && l.record
              ? needs.missing(l.record)
              : undefined;
          if (need) x.needs = need;
          return x;
        }),
      counterfactual: counterfactuals(pack, facts, input.records, asOf, input.target ?? 'A', {
        all: input.all === true,
        now: ev, // the search starts from this evaluation instead of making it again
        ...(input.choices ? { choices: input.choices } : {}),
      }),
    };
    if (ev.score !== undefined) view.score = ev.score;
    if (ev.grade !== undefined) view.grade = ev.grade;
    result.schemes.push(view);
  }
  const policy = input.policy;
  // Lists and measures come only from the subject's own list statements (statementsOf below gives no one else any):
  // without one there is no entry and no measure, so the derivation is skipped (most subjects of a report server).
  const kinds = policy ? lifecycleKinds(policy) : undefined;
  if (policy && input.records.some((r) => kinds!.has(r.kind))) {
    const day = toEpochDay(asOf);
    // Made once: every action's decision below reads the same statements (entriesOf only reads them).
    const own = input.records.filter((r) => kinds!.has(r.kind)).map(statementOf);
    const statementsOf = (s: string) => (s === id ? own : []);
    // Each source's entries in force, derived once for the lists below and every action's decision (each decision
    // derived them again: a third of a report's allocations for a listed subject, decision 0172).
    const active = new Map<string, ListEntry[]>();
    const activeOf = (s: string): ListEntry[] => {
      let e = active.get(s);
      if (!e)
        active.set(s, (e = activeOn(entriesOf(policy, statementsOf(s), { knownAsOf: day }).entries, day)));
      return e;
    };
    for (const e of activeOf(id)) {
      const def = policy.list(e.list);
      const until = e.until === null ? null : fromEpochDay(e.until);
      result.lists.push({
        list: e.list,
        en: def?.en ?? e.list,
        zh: def?.zh ?? e.list,
        since: fromEpochDay(e.since),
        until,
        exit: listExit(until, asOf),
      });
    }
    const register = new Register(input.register.length ? input.register : []);
    if (register.get(id)) {
      const type = register.typeOf(id);
      for (const a of policy.actions) {
        if (!a.subjects.includes(type)) continue;
        const d = decideReference(policy, register, statementsOf, id, a.id, day, {
          knownAsOf: day,
          activeOf,
        });
        for (const r of d.reasons)
          result.measures.push({
            action: a.id,
            actionEn: a.en,
            actionZh: a.zh,
            outcome: r.outcome,
            measure: r.measure,
            measureName: r.measureName,
            list: r.list,
            relation: r.relation,
            legalBasis: r.legalBasis,
            until: r.until,
          });
      }
    }
  }
  return result;
}

const T = {
  en: {
    scheme: 'Scheme',
    status: 'status',
    score: 'score',
    grade: 'grade',
    base: 'base',
    counted: 'What counts',
    nothing: '(no records count)',
    notCounted: 'Not counted',
    valid: 'valid',
    cf: 'How to reach grade',
    already: 'already at or above the target grade',
    none: 'no lawful plan found within the search limits',
    unscored: 'no plan applies: the scheme gives this subject no score (see status)',
    plan: 'Plan',
    actions: (n: number) => (n === 0 ? 'no action' : n === 1 ? '1 action' : `${n} actions`),
    notChoosable: 'not a plan a person can choose',
    hidden:
      'A plan with fewer actions needs an action a person cannot choose (e.g. a donation of organs); --all shows it',
    limited: 'the search stopped at its limits; a plan with more actions may exist',
    reached: 'reaches',
    on: 'on',
    lists: 'List entries',
    noLists: '(not on any list)',
    measures: 'Measures in force',
    noMeasures: '(no measures apply)',
    basis: 'legal basis',
    until: 'until',
    open: 'open',
    note: 'Each scheme is shown on its own terms; Mosaic never merges them into one score.',
  },
  zh: {
    scheme: '方案',
    status: '状态',
    score: '分数',
    grade: '等级',
    base: '基础分',
    counted: '计分明细',
    nothing: '（无计分记录）',
    notCounted: '未计分',
    valid: '有效期',
    cf: '达到等级的途径',
    already: '已达到目标等级',
    none: '在搜索范围内未找到合法途径',
    unscored: '不适用：本办法不对该主体评分（见状态）',
    plan: '方案',
    actions: (n: number) => (n === 0 ? '无需行动' : `${n} 项行动`),
    notChoosable: '并非个人可选择的行动',
    hidden: '另有行动更少的方案，但需要个人无法选择的行动（如捐献器官）；--all 显示',
    limited: '搜索已达上限，可能存在行动更多的方案',
    reached: '达到',
    on: '日期',
    lists: '名单',
    noLists: '（未列入任何名单）',
    measures: '正在执行的措施',
    noMeasures: '（无适用措施）',
    basis: '法律依据',
    until: '至',
    open: '未定',
    note: '各系统分别展示，绝不合并为单一分数。',
  },
};

/** Human-readable explanation in English or Chinese. */
export function renderExplanation(r: ExplainResult, lang: 'en' | 'zh'): string {
  const t = T[lang];
  const L: string[] = [`${r.subject} — ${r.asOf}`, t.note, ''];
  for (const s of r.schemes) {
    L.push(`## ${t.scheme}: ${lang === 'zh' ? s.title.zh : s.title.en} (${s.scheme})`);
    L.push(
      `${t.status}: ${s.status}${s.score !== undefined ? `; ${t.score} ${s.score} (${t.base} ${s.base}); ${t.grade} ${s.grade}` : ''}`,
    );
    L.push(`${t.counted}:`);
    const counted = s.lines.filter((l) => l.type !== 'unmatched' && l.type !== 'excluded');
    if (!counted.length) L.push(`  ${t.nothing}`);
    for (const l of counted) {
      const rule = l.rule ? `${l.rule} ${lang === 'zh' ? (l.ruleZh ?? '') : (l.ruleEn ?? '')}` : '';
      const pts = l.points !== undefined ? ` ${l.points > 0 ? '+' : ''}${l.points}` : '';
      const g = l.grade ? ` → ${l.grade}` : '';
      const rec = l.kind ? ` [${l.kind} ${l.occurredAt}, ${l.agency}]` : '';
      const v = l.from ? ` ${t.valid} ${l.from}..${l.until ?? ''}` : '';
      L.push(`  ${l.type}: ${rule}${pts}${g}${rec}${v}${l.detail ? ` (${l.detail})` : ''}`);
    }
    // Records that score nothing only because a field their rule line needs is missing (not because the source is silent).
    const lacking = s.lines.filter((l) => l.needs);
    if (lacking.length) L.push(`${t.notCounted}:`);
    for (const l of lacking)
      L.push(`  [${l.kind} ${l.occurredAt}, ${l.agency}] ${describeNeed(l.needs!, lang)}`);
    const cf = s.counterfactual;
    L.push(`${t.cf} ${cf.target}:`);
    if (cf.alreadyThere) L.push(`  ${t.already}`);
    else if (cf.current.status !== 'scored') L.push(`  ${t.unscored}`);
    else if (!cf.plans.length) L.push(`  ${t.none}`);
    cf.plans.forEach((p, i) => {
      L.push(
        `  ${t.plan} ${i + 1}: ${t.reached} ${p.grade} (${p.score}) ${t.on} ${p.date}; ${t.actions(p.actions)}`,
      );
      for (const c of p.changes) {
        const not = c.type !== 'wait' && !c.choosable ? ` [${t.notChoosable}: ${c.why ?? ''}]` : '';
        L.push(`    - ${lang === 'zh' ? c.zh : c.en}${not}`);
      }
    });
    if (cf.hidden) L.push(`  (${t.hidden})`);
    if (cf.limited) L.push(`  (${t.limited})`);
    L.push('');
  }
  L.push(`## ${t.lists}`);
  if (!r.lists.length) L.push(`  ${t.noLists}`);
  for (const e of r.lists)
    L.push(
      `  ${lang === 'zh' ? e.zh : e.en} (${e.list}): ${e.since} – ${e.until ?? t.open}; ${lang === 'zh' ? e.exit.zh : e.exit.en}`,
    );
  L.push('', `## ${t.measures}`);
  if (!r.measures.length) L.push(`  ${t.noMeasures}`);
  for (const m of r.measures)
    L.push(
      `  ${lang === 'zh' ? m.actionZh : m.actionEn}: ${m.outcome} — ${m.measureName} (${m.list}, ${m.relation}); ${t.basis}: ${m.legalBasis}; ${t.until} ${m.until ?? t.open}`,
    );
  return L.join('\n') + '\n';
}
