// Renders an interpreter Evaluation as readable text in Chinese or English, each line with its rule and legal basis.
import { describeNeed, FieldNeeds } from './field-needs.js';
import type { ExplainLine, Evaluation } from './interpreter.js';
import type { SchemePack } from './types.js';

export type Lang = 'zh' | 'en';

const T = {
  en: {
    status: 'Status',
    scored: 'scored',
    notScored: 'not scored',
    score: 'Score',
    base: 'base',
    deductions: 'deductions',
    bonuses: 'bonuses',
    frozen: 'frozen bonuses',
    grade: 'Grade',
    band: 'band',
    floor: 'direct-grading floor',
    valid: 'counts',
    until: 'until',
    basis: 'basis',
    statuses: {
      scored: 'scored',
      not_in_force: 'the measures are not in force on this date',
      no_consent: 'no consent: records are kept, no score is computed',
      under_age: 'under the minimum age',
      age_unknown: 'age unknown',
      not_resident: 'outside the scheme’s area of residence',
      not_covered: 'the scheme does not score this kind of subject',
    } as Record<string, string>,
    types: {
      points: 'counted',
      frozen: 'frozen (logged, does not count while a direct-grading cause is uncorrected)',
      expired: 'expired',
      tier: 'cumulative tier',
      cap: 'annual cap',
      direct: 'direct grading',
      cancelled: 'direct grading converted by repair',
      repair: 'repair conversion',
      superseded: 'superseded',
      withdrawal: 'withdrawn',
      excluded: 'excluded from the data set',
      unmatched: 'no rule line applies',
      unused_trigger: 'repair trigger with no cause in force',
      kept: 'kept (not scored)',
    } as Record<string, string>,
    reasons: {
      no_rule: 'no rule of this scheme uses this kind',
      subject_class: 'the rule lines apply to other subjects',
      no_case: 'no case of the rule line fits (the source may be silent)',
      missing_amount: 'the record has no amount',
    } as Record<string, string>,
  },
  zh: {
    status: '状态',
    scored: '已评分',
    notScored: '未评分',
    score: '积分',
    base: '基础分',
    deductions: '扣分',
    bonuses: '加分',
    frozen: '冻结加分',
    grade: '等级',
    band: '分数段',
    floor: '直接降级下限',
    valid: '有效期',
    until: '至',
    basis: '依据',
    statuses: {
      scored: '已评分',
      not_in_force: '该日期办法尚未施行或已失效',
      no_consent: '未授权:记录照常保存,不计算积分',
      under_age: '未满最低年龄',
      age_unknown: '年龄不详',
      not_resident: '不在本办法适用的居住范围内',
      not_covered: '本办法不评价此类主体',
    } as Record<string, string>,
    types: {
      points: '计分',
      frozen: '冻结(直接降级事由未纠正期间只记录不计分)',
      expired: '已过有效期',
      tier: '累计档次',
      cap: '年度上限',
      direct: '直接降级',
      cancelled: '经信用修复转换的直接降级',
      repair: '信用修复转换',
      superseded: '已被更正',
      withdrawal: '已撤回',
      excluded: '不纳入数据范围',
      unmatched: '无适用条目',
      unused_trigger: '修复事由无对应在效降级',
      kept: '保存(不计分)',
    } as Record<string, string>,
    reasons: {
      no_rule: '本办法没有使用此类记录的条目',
      subject_class: '条目适用于其他主体',
      no_case: '条目中没有相符的情形(原文可能未规定)',
      missing_amount: '记录缺少数额',
    } as Record<string, string>,
  },
};

function ruleLabel(
  pack: SchemePack,
  id: string | undefined,
  lang: Lang,
): { title: string; basis: string } | undefined {
  if (!id) return undefined;
  const item =
    pack.rules.find((r) => r.id === id) ??
    pack.direct.find((r) => r.id === id) ??
    pack.repairs.find((r) => r.id === id) ??
    pack.exclusions.find((r) => r.id === id);
  if (!item) return undefined;
  return {
    title: lang === 'zh' ? item.zh : item.en,
    basis: `${item.basis}; ${item.source} [${item.marker}]`,
  };
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

function renderLine(l: ExplainLine, pack: SchemePack, lang: Lang, needs: FieldNeeds): string[] {
  const t = T[lang];
  const head = t.types[l.type] ?? l.type;
  const label = ruleLabel(pack, l.ruleId, lang);
  const parts = [`- ${head}`];
  if (l.ruleId) parts.push(`${l.ruleId}${label ? ` ${label.title}` : ''}`);
  if (l.points !== undefined) parts.push(signed(l.points));
  if (l.grade && l.type !== 'grade') parts.push(`→ ${l.grade}`);
  if (l.from) parts.push(`${t.valid} ${l.from} ${t.until} ${l.until}`);
  const rec = l.record
    ? `[${l.record.kind} ${l.record.occurredAt}, ${l.record.agency}, ${l.record.basis}]`
    : '';
  if (rec) parts.push(rec);
  // A record that lacks the severity or level its rule line needs: name the field, not the source.
  const need =
    l.type === 'unmatched' && l.detail === 'no_case' && l.record ? needs.missing(l.record) : undefined;
  if (need) parts.push(`(${describeNeed(need, lang)})`);
  else if (l.type === 'unmatched' && l.detail) parts.push(`(${t.reasons[l.detail] ?? l.detail})`);
  else if (l.detail) parts.push(`(${l.detail})`);
  const out = [parts.join(' ')];
  if (label) out.push(`    ${t.basis}: ${label.basis}`);
  return out;
}

export function renderEvaluation(ev: Evaluation, pack: SchemePack, lang: Lang): string[] {
  const t = T[lang];
  const title = lang === 'zh' ? pack.meta.title.zh : pack.meta.title.en;
  const out = [`${title} (${pack.id}) — ${ev.subject} — ${ev.asOf}`];
  out.push(`${t.status}: ${t.statuses[ev.status] ?? ev.status}`);
  if (ev.score !== undefined) {
    const tt = ev.totals;
    out.push(
      `${t.score}: ${ev.score} = ${t.base} ${tt.base} ${tt.deductions} (${t.deductions}) +${tt.bonuses} (${t.bonuses})` +
        (tt.frozenBonuses ? `; ${t.frozen} ${tt.frozenBonuses}` : ''),
    );
    const gl = ev.grade
      ? pack.labels.grades[ev.grade.slice(0, 1) === 'D' ? 'D' : (ev.grade as 'A')]
      : undefined;
    out.push(
      `${t.grade}: ${ev.grade}${gl ? ` (${lang === 'zh' ? gl.zh : gl.en})` : ''}; ${t.band} ${ev.bandGrade}` +
        (ev.floor ? `; ${t.floor} ${ev.floor}` : ''),
    );
  }
  // A frozen bonus is shown once, as frozen, not also as counted.
  const frozen = new Set(ev.lines.filter((l) => l.type === 'frozen').map((l) => l.record ?? l));
  const needs = new FieldNeeds([pack]);
  for (const l of ev.lines) {
    if (l.type === 'grade' || l.type === 'status') continue;
    if (l.type === 'points' && frozen.has(l.record ?? l)) continue;
    out.push(...renderLine(l, pack, lang, needs));
  }
  return out;
}
