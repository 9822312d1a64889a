// Who each rule line can reach, from the rule text alone (no simulation): per group, how many published lines and
// direct-grading items can apply, the largest deduction and bonus, and the lines that exist only for that group.
import type { AudienceTag, DirectGrade, PointRule, SchemePack, SubjectClass } from './types.js';

/** The groups the reach table reports, in print order. */
export const REACH_GROUPS = [
  { id: 'everyone', zh: '所有自然人', en: 'everyone (natural persons)' },
  { id: 'rural', zh: '农村户籍', en: 'rural household registration' },
  { id: 'urban', zh: '城镇户籍', en: 'urban household registration' },
  { id: 'state_personnel', zh: '国家工作人员', en: 'state personnel' },
  { id: 'village_cadre', zh: '村干部', en: 'village cadres' },
  { id: 'party_member', zh: '党员', en: 'Party members' },
  { id: 'enterprise_staff', zh: '企业职工', en: 'enterprise staff' },
  { id: 'legal_person', zh: '法人', en: 'legal persons' },
] as const;
export type ReachGroup = (typeof REACH_GROUPS)[number]['id'];

/** One published line (a one-line rule, or one case or tier of a tiered rule) or one direct-grading item. */
export interface ReachLine {
  id: string;
  /** Rule id plus the line's position when the rule groups several lines. */
  ref: string;
  zh: string;
  en: string;
  kind: 'points' | 'direct';
  subjects: SubjectClass[];
  audience: AudienceTag[];
  /** Most negative and most positive points the line can give (0 when it cannot). */
  worst: number;
  best: number;
  grade?: DirectGrade;
}

export interface GroupReach {
  group: ReachGroup;
  lines: number;
  only: string[];
  maxDeduction: number;
  maxBonus: number;
  direct: number;
  directOnly: string[];
  worstGrade?: DirectGrade;
}

export interface ReachTable {
  pack: string;
  lines: number;
  direct: number;
  groups: GroupReach[];
  /** Lines and items by ref, for printing the lines that exist only for a group. */
  byRef: Map<string, ReachLine>;
}

/** Does some member of the group meet the line's conditions (subject classes OR, audience AND)? */
export function canReach(l: ReachLine, g: ReachGroup): boolean {
  const legalLine = l.subjects.includes('legal_person');
  if (g === 'legal_person') return legalLine;
  if (!l.subjects.some((c) => c !== 'legal_person')) return false;
  if (g === 'everyone') return l.subjects.includes('individual') && l.audience.length === 0;
  // Household registration is the one exclusive attribute: a rural line never reaches the urban group, and back.
  if (g === 'rural' && l.audience.includes('urban')) return false;
  if (g === 'urban' && l.audience.includes('rural')) return false;
  return true;
}

/** Is the line written for the group alone (no subject outside it can be reached)? */
export function onlyFor(l: ReachLine, g: ReachGroup): boolean {
  if (g === 'everyone') return false;
  if (g === 'legal_person') return l.subjects.every((c) => c === 'legal_person');
  if (l.audience.includes(g as AudienceTag)) return true;
  const natural = l.subjects.filter((c) => c !== 'legal_person');
  return natural.length > 0 && !natural.includes('individual') && natural.every((c) => c === g);
}

function effectRange(rule: PointRule): { worst: number; best: number }[] {
  const out: { worst: number; best: number }[] = [];
  const one = (lo: number, hi: number) => ({ worst: Math.min(0, lo), best: Math.max(0, hi) });
  if (rule.tiers) for (const t of rule.tiers) out.push(one(t.points, t.points));
  else
    for (const c of rule.cases) {
      const e = c.effect;
      if (e.type === 'fixed') out.push(one(e.points, e.points));
      else if (e.type === 'range') out.push(one(e.min, e.max));
      else {
        // A formula's reach is its cap when it has one (donations: "min(10, …)"), else the annual cap.
        const m = /^min\((-?\d+),/.exec(e.text);
        const cap = m ? Number(m[1]) : (rule.annualCap ?? 0);
        out.push(one(0, cap));
      }
    }
  return out;
}

/** Every published line of a pack: a rule's cases or tiers with their own text are lines of their own. */
export function reachLines(pack: SchemePack): ReachLine[] {
  const lines: ReachLine[] = [];
  for (const rule of pack.rules) {
    const audience = rule.audience ?? [];
    const effects = effectRange(rule);
    const parts = rule.tiers ?? rule.cases;
    const own = parts.some((p) => p.zh !== undefined);
    if (!own) {
      lines.push({
        id: rule.id,
        ref: rule.id,
        zh: rule.zh,
        en: rule.en,
        kind: 'points',
        subjects: rule.subjects,
        audience,
        worst: Math.min(...effects.map((e) => e.worst)),
        best: Math.max(...effects.map((e) => e.best)),
      });
      continue;
    }
    // Several cases may encode one line (a ranking's three places, investment by industry or agriculture).
    const byPos = new Map<number, ReachLine>();
    parts.forEach((p, i) => {
      const pos = p.position ?? i + 1;
      const e = effects[i]!;
      const prev = byPos.get(pos);
      if (prev) {
        prev.worst = Math.min(prev.worst, e.worst);
        prev.best = Math.max(prev.best, e.best);
        return;
      }
      const l: ReachLine = {
        id: rule.id,
        ref: `${rule.id}#${pos}`,
        zh: p.zh ?? rule.zh,
        en: p.en ?? rule.en,
        kind: 'points',
        subjects: rule.subjects,
        audience,
        worst: e.worst,
        best: e.best,
      };
      byPos.set(pos, l);
      lines.push(l);
    });
  }
  for (const d of pack.direct)
    lines.push({
      id: d.id,
      ref: d.id,
      zh: d.zh,
      en: d.en,
      kind: 'direct',
      subjects: d.subjects,
      audience: d.audience ?? [],
      worst: 0,
      best: 0,
      grade: d.grade,
    });
  return lines;
}

const GRADE_ORDER: DirectGrade[] = ['B', 'C', 'D'];

export function reachTable(pack: SchemePack): ReachTable {
  const lines = reachLines(pack);
  const groups = REACH_GROUPS.map(({ id: g }): GroupReach => {
    const pts = lines.filter((l) => l.kind === 'points' && canReach(l, g));
    const dir = lines.filter((l) => l.kind === 'direct' && canReach(l, g));
    const r: GroupReach = {
      group: g,
      lines: pts.length,
      only: pts.filter((l) => onlyFor(l, g)).map((l) => l.ref),
      maxDeduction: Math.min(0, ...pts.map((l) => l.worst)),
      maxBonus: Math.max(0, ...pts.map((l) => l.best)),
      direct: dir.length,
      directOnly: dir.filter((l) => onlyFor(l, g)).map((l) => l.ref),
    };
    const worst = dir.reduce((w, l) => Math.max(w, GRADE_ORDER.indexOf(l.grade!)), -1);
    if (worst >= 0) r.worstGrade = GRADE_ORDER[worst];
    return r;
  });
  return {
    pack: pack.id,
    lines: lines.filter((l) => l.kind === 'points').length,
    direct: pack.direct.length,
    groups,
    byRef: new Map(lines.map((l) => [l.ref, l])),
  };
}

/** Display width: CJK characters take two columns in a terminal. */
const width = (s: string) => [...s].reduce((w, c) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(c) ? 2 : 1), 0);
const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
const lpad = (s: string, n: number) => ' '.repeat(Math.max(0, n - width(s))) + s;
const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The table as text lines; `detail` lists the lines that exist only for each group. */
export function formatReach(t: ReachTable, lang: 'en' | 'zh' = 'en', detail = true): string[] {
  const label = (g: ReachGroup) => {
    const x = REACH_GROUPS.find((r) => r.id === g)!;
    return lang === 'zh' ? x.zh : x.en;
  };
  const head =
    lang === 'zh'
      ? ['群体', '可适用条目', '仅此群体', '最大扣分', '最大加分', '直接判级', '仅此群体', '最低级别']
      : ['group', 'lines', 'only', 'max -', 'max +', 'direct', 'only', 'worst'];
  const W = 30;
  const out: string[] = [
    lang === 'zh'
      ? `${t.pack}：共 ${t.lines} 条积分条目、${t.direct} 项直接判级；各群体可能适用的条目（仅依规则文本，不含模拟）`
      : `${t.pack}: ${t.lines} point lines and ${t.direct} direct-grading items; what each group can be reached by (rule text only, no simulation)`,
    pad(head[0]!, W) +
      head
        .slice(1)
        .map((h) => lpad(h, 9))
        .join(''),
  ];
  for (const g of t.groups)
    out.push(
      pad(label(g.group), W) +
        [
          String(g.lines),
          g.group === 'everyone' ? '-' : String(g.only.length),
          signed(g.maxDeduction),
          signed(g.maxBonus),
          String(g.direct),
          g.group === 'everyone' ? '-' : String(g.directOnly.length),
          g.worstGrade ?? '-',
        ]
          .map((c) => lpad(c, lang === 'zh' ? 11 : 9))
          .join(''),
    );
  if (!detail) return out;
  for (const g of t.groups) {
    const refs = [...g.only, ...g.directOnly];
    if (!refs.length) continue;
    out.push(
      '',
      lang === 'zh'
        ? `仅适用于${label(g.group)}的条目（${refs.length}）：`
        : `Only for ${label(g.group)} (${refs.length}):`,
    );
    for (const ref of refs) {
      const l = t.byRef.get(ref)!;
      const v = l.kind === 'direct' ? `→${l.grade}` : l.worst < 0 ? signed(l.worst) : signed(l.best);
      out.push(`  ${pad(ref, 12)} ${lpad(v, 5)}  ${lang === 'zh' ? l.zh : l.en}`);
    }
  }
  return out;
}
