// The reference interpreter: one subject's statements + a date → score, grade and a full explanation of every point.
import { fromEpochDay, toEpochDay } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import type { CreditRecord } from '../../core/types.js';
import { evalFormula, finishPoints } from '../../policy/expr.js';
import { contains, normalize } from '../../policy/interval.js';
import {
  bandRank,
  birthDayCutoff,
  classMask,
  directYears,
  finalGradeCode,
  GRADE_RANK,
  pointsYears,
  subjectClassBits,
  toMilli,
  windowEnd,
} from './semantics.js';
import type { SubjectFacts } from './subjects.js';
import {
  GRADE_CODES,
  GRADES,
  type Conditions,
  type DirectGrade,
  type DirectRule,
  type Grade,
  type GradeCode,
  type PointRule,
  type RepairRule,
  type RuleCase,
  type SchemePack,
  type ScoreStatus,
} from './types.js';

export type LineType =
  | 'points'
  | 'frozen'
  | 'expired'
  | 'tier'
  | 'cap'
  | 'direct'
  | 'cancelled'
  | 'repair'
  | 'superseded'
  | 'withdrawal'
  | 'excluded'
  | 'unmatched'
  | 'unused_trigger'
  | 'kept'
  | 'status'
  | 'grade';

/** One line of an explanation. `key` is a stable, language-neutral summary that the case corpus asserts on. */
export interface ExplainLine {
  type: LineType;
  key: string;
  record?: CreditRecord;
  ruleId?: string;
  points?: number;
  /** Validity window [from, until): `until` is the first day the entry no longer counts. */
  from?: string;
  until?: string;
  grade?: string;
  /** Free detail: the clamp of a range, the reason a record matched nothing, a cap's raw sum. */
  detail?: string;
}

export interface Evaluation {
  pack: string;
  subject: string;
  asOf: string;
  status: ScoreStatus;
  /** Present when status is 'scored'. */
  score?: number;
  grade?: GradeCode;
  bandGrade?: Grade;
  /** Worst floor from direct-grading causes and repairs. */
  floor?: DirectGrade;
  frozen: boolean;
  totals: { base: number; deductions: number; bonuses: number; frozenBonuses: number };
  lines: ExplainLine[];
}

interface Index {
  points: Map<string, { rule: PointRule; mask: number }[]>;
  direct: Map<string, { rule: DirectRule; mask: number }[]>;
  triggers: Map<string, { repair: RepairRule; when: Conditions; mask: number }[]>;
  excluded: Map<string, string>;
  freezeGrades: Set<string>;
}

const indexes = new WeakMap<SchemePack, Index>();

function indexOf(pack: SchemePack): Index {
  let ix = indexes.get(pack);
  if (ix) return ix;
  ix = {
    points: new Map(),
    direct: new Map(),
    triggers: new Map(),
    excluded: new Map(),
    freezeGrades: new Set(),
  };
  for (const rule of pack.rules) push(ix.points, rule.kind, { rule, mask: classMask(rule.subjects) });
  for (const rule of pack.direct) push(ix.direct, rule.kind, { rule, mask: classMask(rule.subjects) });
  for (const repair of pack.repairs)
    for (const t of repair.triggers)
      push(ix.triggers, t.kind, { repair, when: t.when, mask: classMask(repair.subjects) });
  for (const x of pack.exclusions) for (const k of x.kinds) ix.excluded.set(k, x.id);
  for (const i of pack.interactions)
    if (i.effect === 'freeze_bonuses') for (const g of i.whileDirect) ix.freezeGrades.add(g);
  indexes.set(pack, ix);
  return ix;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

export function conditionsMatch(c: Conditions, r: CreditRecord): boolean {
  if (c.severity && (r.severity === undefined || !c.severity.includes(r.severity))) return false;
  if (c.level && (r.level === undefined || !c.level.includes(r.level))) return false;
  if (c.amount && (r.amount === undefined || !contains(normalize(c.amount), r.amount))) return false;
  return true;
}

/** Points for a bounded range decided by the reporting body: the amount is the magnitude, clamped to the range. */
export function rangePoints(min: number, max: number, amount: number): number {
  const lo = Math.min(Math.abs(min), Math.abs(max));
  const hi = Math.max(Math.abs(min), Math.abs(max));
  const m = Math.round(amount);
  const c = m < lo ? lo : m > hi ? hi : m;
  return min < 0 ? -c : c;
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));
const span = (from: number, until: number): string => `${fromEpochDay(from)}..${fromEpochDay(until)}`;
const yearOf = (day: number): number => new Date(day * 86_400_000).getUTCFullYear();

/**
 * Evaluate one subject. `records` are all the subject's statements (any reportedAt): those reported after `asOf` are
 * not yet known and are ignored; superseded and withdrawn statements are listed but do not count.
 */
export function evaluateSubject(
  pack: SchemePack,
  subject: SubjectFacts,
  records: readonly CreditRecord[],
  asOf: string,
): Evaluation {
  const D = toEpochDay(asOf);
  if (Number.isNaN(D))
    throw new MosaicError({ code: 'policy.bad_date', message: `as-of date '${asOf}' is not YYYY-MM-DD` });
  const ix = indexOf(pack);
  const v = pack.validity;
  const lines: ExplainLine[] = [];
  const ev: Evaluation = {
    pack: pack.id,
    subject: subject.id,
    asOf,
    status: 'scored',
    frozen: false,
    totals: { base: pack.meta.baseScore, deductions: 0, bonuses: 0, frozenBonuses: 0 },
    lines,
  };

  // ---- statements known by D, and which of them still stand ----
  const known = records.filter((r) => r.subject === subject.id && toEpochDay(r.reportedAt) <= D);
  const supersededBy = new Map<string, CreditRecord>();
  for (const r of known)
    if (r.supersedes !== undefined && !supersededBy.has(r.supersedes)) supersededBy.set(r.supersedes, r);
  const standing: CreditRecord[] = [];
  for (const r of sortRecords(known)) {
    const by = supersededBy.get(r.id);
    if (by)
      lines.push({
        type: 'superseded',
        key: `superseded ${r.kind} ${r.occurredAt}`,
        record: r,
        detail: `by ${by.status} ${by.id} reported ${by.reportedAt}`,
      });
    else if (r.status === 'withdrawal')
      lines.push({ type: 'withdrawal', key: `withdrawal ${r.kind} ${r.occurredAt}`, record: r });
    else if (toEpochDay(r.occurredAt) <= D) standing.push(r);
  }

  // ---- eligibility ----
  const status = statusOf(pack, subject, D);
  if (status !== 'scored') {
    ev.status = status;
    lines.unshift({ type: 'status', key: `status ${status}` });
    for (const r of standing) lines.push({ type: 'kept', key: `kept ${r.kind} ${r.occurredAt}`, record: r });
    return ev;
  }

  const bits = subjectClassBits(subject.isLegal, subject.roles);
  const contributions: { points: number; line: ExplainLine }[] = [];
  const capSums = new Map<
    string,
    { cap: number; rule: PointRule; year: number; sum: number; lines: ExplainLine[] }
  >();
  const tierRecords = new Map<PointRule, CreditRecord[]>();
  const causes: {
    rule: DirectRule;
    record: CreditRecord;
    start: number;
    end: number;
    convertedOn?: number;
    by?: RepairRule;
  }[] = [];
  const triggers: { repair: RepairRule; record: CreditRecord; day: number; used: boolean }[] = [];

  for (const r of standing) {
    const occ = toEpochDay(r.occurredAt);
    const excl = ix.excluded.get(r.kind);
    if (excl) {
      lines.push({ type: 'excluded', key: `excluded ${r.kind} ${excl}`, record: r, ruleId: excl });
      continue;
    }
    let used = false;
    // Why a record scores nothing: no rule uses its kind, none applies to this subject, no case fits, no amount.
    let classOk = false;
    let missingAmount = false;
    // Point rules (at most one applies: lint rejects overlapping rules).
    for (const { rule, mask } of ix.points.get(r.kind) ?? []) {
      if (!(mask & bits)) continue;
      classOk = true;
      if (rule.tiers) {
        if (rule.cases.length === 0 || conditionsMatch(rule.cases[0]!.when, r)) {
          push(tierRecords as Map<PointRule, CreditRecord[]>, rule, r);
          used = true;
        }
        continue;
      }
      const c = rule.cases.find((cs) => conditionsMatch(cs.when, r));
      if (!c) continue;
      const res = casePoints(c, r);
      if (res === undefined) {
        missingAmount = true;
        continue;
      }
      used = true;
      const { points, detail } = res;
      const years = rule.validityYears ?? pointsYears(v, points, r.level);
      const end = windowEnd(occ, years);
      const line: ExplainLine = {
        type: 'points',
        key: '',
        record: r,
        ruleId: rule.id,
        points,
        from: r.occurredAt,
        until: fromEpochDay(end),
      };
      if (detail) line.detail = detail;
      if (points === 0) {
        line.key = `points ${rule.id} 0`;
        lines.push(line);
      } else if (D >= end) {
        line.type = 'expired';
        line.key = `expired ${rule.id} ${signed(points)} ${span(occ, end)}`;
        lines.push(line);
      } else if (rule.annualCap !== undefined) {
        const year = yearOf(occ);
        const gk = `${rule.capGroup}\u0000${year}`;
        const g = capSums.get(gk) ?? { cap: rule.annualCap, rule, year, sum: 0, lines: [] };
        g.sum += points;
        g.lines.push(line);
        capSums.set(gk, g);
        line.key = `points ${rule.id} ${signed(points)} ${span(occ, end)}`;
        lines.push(line);
      } else {
        line.key = `points ${rule.id} ${signed(points)} ${span(occ, end)}`;
        contributions.push({ points, line });
        lines.push(line);
      }
    }
    for (const { rule, mask } of ix.direct.get(r.kind) ?? []) {
      if (!(mask & bits)) continue;
      classOk = true;
      if (!conditionsMatch(rule.when, r)) continue;
      used = true;
      causes.push({
        rule,
        record: r,
        start: occ,
        end: windowEnd(occ, rule.validityYears ?? directYears(v, rule.grade)),
      });
    }
    for (const t of ix.triggers.get(r.kind) ?? []) {
      if (!(t.mask & bits)) continue;
      classOk = true;
      if (!conditionsMatch(t.when, r)) continue;
      used = true;
      triggers.push({ repair: t.repair, record: r, day: occ, used: false });
    }
    if (!used) {
      const reason = !(ix.points.has(r.kind) || ix.direct.has(r.kind) || ix.triggers.has(r.kind))
        ? 'no_rule'
        : !classOk
          ? 'subject_class'
          : missingAmount
            ? 'missing_amount'
            : 'no_case';
      lines.push({ type: 'unmatched', key: `unmatched ${r.kind} ${reason}`, record: r, detail: reason });
    }
  }

  // ---- annual caps ----
  for (const g of capSums.values()) {
    let sum = g.sum;
    if (Math.abs(sum) > g.cap) {
      const capped = sum > 0 ? g.cap : -g.cap;
      lines.push({
        type: 'cap',
        key: `cap ${g.rule.capGroup} ${g.year} ${signed(sum)}→${signed(capped)}`,
        ruleId: g.rule.id,
        points: capped,
        detail: `annual cap ${g.cap}`,
      });
      sum = capped;
    }
    contributions.push({ points: sum, line: g.lines[0]! });
  }

  // ---- cumulative tiers ----
  for (const [rule, recs] of tierRecords) {
    const byDay = new Map<number, number>();
    for (const r of recs) {
      if (r.amount === undefined || Number.isNaN(r.amount)) continue;
      const d = toEpochDay(r.occurredAt);
      byDay.set(d, (byDay.get(d) ?? 0) + Math.max(0, toMilli(r.amount)));
    }
    const days = [...byDay.keys()].sort((a, b) => a - b);
    let cum = 0;
    let k = 0;
    const tiers = rule.tiers!;
    for (const d of days) {
      cum += byDay.get(d)!;
      while (k < tiers.length && cum >= toMilli(tiers[k]!.atLeast)) {
        const t = tiers[k]!;
        const years = rule.validityYears ?? pointsYears(v, t.points, undefined);
        const end = windowEnd(d, years);
        const line: ExplainLine = {
          type: 'tier',
          key: '',
          ruleId: rule.id,
          points: t.points,
          from: fromEpochDay(d),
          until: fromEpochDay(end),
          detail: `reached ${t.atLeast}`,
        };
        if (D >= end) {
          line.type = 'expired';
          line.key = `expired ${rule.id} ≥${t.atLeast} ${signed(t.points)} ${span(d, end)}`;
          lines.push(line);
        } else {
          line.key = `tier ${rule.id} ≥${t.atLeast} ${signed(t.points)} ${span(d, end)}`;
          lines.push(line);
          contributions.push({ points: t.points, line });
        }
        k++;
      }
    }
  }

  // ---- repairs convert causes that were in force on the trigger day ----
  // Each cause is converted by the earliest trigger in force; on a tie the repair listed first in the pack wins.
  const order = new Map(pack.repairs.map((r, i) => [r, i]));
  for (const c of causes) {
    for (const t of triggers) {
      if (!t.repair.cancels.includes(c.rule.id)) continue;
      if (t.day < c.start || t.day >= c.end) continue;
      if (
        c.convertedOn === undefined ||
        t.day < c.convertedOn ||
        (t.day === c.convertedOn && order.get(t.repair)! < order.get(c.by!)!)
      ) {
        c.convertedOn = t.day;
        c.by = t.repair;
      }
    }
  }
  const effects = new Map<string, { repair: RepairRule; day: number }>();
  for (const c of causes)
    if (c.by) {
      effects.set(`${c.by.id}\u0000${c.convertedOn}`, { repair: c.by, day: c.convertedOn! });
      for (const t of triggers) if (t.repair === c.by && t.day === c.convertedOn) t.used = true;
    }
  let otherFloor = -1;
  for (const { repair, day } of [...effects.values()].sort(
    (a, b) => a.day - b.day || a.repair.id.localeCompare(b.repair.id),
  )) {
    const end = windowEnd(day, repair.effect.years);
    const active = D < end;
    if ('points' in repair.effect) {
      const p = repair.effect.points;
      const line: ExplainLine = {
        type: active ? 'repair' : 'expired',
        key: `${active ? 'repair' : 'expired'} ${repair.id} ${signed(p)} ${span(day, end)}`,
        ruleId: repair.id,
        points: p,
        from: fromEpochDay(day),
        until: fromEpochDay(end),
      };
      lines.push(line);
      if (active) contributions.push({ points: p, line });
    } else {
      const g = repair.effect.grade;
      lines.push({
        type: active ? 'repair' : 'expired',
        key: `${active ? 'repair' : 'expired'} ${repair.id} ${g} ${span(day, end)}`,
        ruleId: repair.id,
        grade: g,
        from: fromEpochDay(day),
        until: fromEpochDay(end),
      });
      if (active) otherFloor = Math.max(otherFloor, GRADE_RANK[g]);
    }
  }
  for (const t of triggers)
    if (!t.used)
      lines.push({
        type: 'unused_trigger',
        key: `unused_trigger ${t.repair.id} ${t.record.occurredAt}`,
        record: t.record,
        ruleId: t.repair.id,
        detail: 'no direct-grading cause of this repair was in force on this day',
      });

  // ---- direct grading ----
  let directWorst = -1;
  let nonDWorst = -1;
  let freeze = false;
  for (const c of causes) {
    const base = {
      record: c.record,
      ruleId: c.rule.id,
      grade: c.rule.grade,
      from: fromEpochDay(c.start),
      until: fromEpochDay(c.end),
    };
    if (c.by) {
      lines.push({
        type: 'cancelled',
        key: `cancelled ${c.rule.id} by ${c.by.id} on ${fromEpochDay(c.convertedOn!)}`,
        ...base,
      });
    } else if (D >= c.end) {
      lines.push({
        type: 'expired',
        key: `expired ${c.rule.id} ${c.rule.grade} ${span(c.start, c.end)}`,
        ...base,
      });
    } else {
      lines.push({
        type: 'direct',
        key: `direct ${c.rule.id} ${c.rule.grade} ${span(c.start, c.end)}`,
        ...base,
      });
      const rank = GRADE_RANK[c.rule.grade];
      directWorst = Math.max(directWorst, rank);
      if (rank < 5) nonDWorst = Math.max(nonDWorst, rank);
      if (ix.freezeGrades.has(c.rule.grade)) freeze = true;
    }
  }

  // ---- score ----
  let score = pack.meta.baseScore;
  for (const { points, line } of contributions) {
    if (points < 0) {
      ev.totals.deductions += points;
      score += points;
    } else if (freeze) {
      ev.totals.frozenBonuses += points;
      const frozen: ExplainLine = { ...line, type: 'frozen', key: `frozen ${line.ruleId} ${signed(points)}` };
      lines.push(frozen);
    } else {
      ev.totals.bonuses += points;
      score += points;
    }
  }
  ev.frozen = freeze;
  const band = bandRank(pack.meta.bands, score);
  const code = finalGradeCode(band, directWorst, otherFloor, nonDWorst);
  ev.score = score;
  ev.grade = GRADE_CODES[code];
  ev.bandGrade = GRADES[band];
  const floor = Math.max(directWorst, otherFloor);
  if (floor >= 0) ev.floor = GRADES[floor] as DirectGrade;
  lines.push({
    type: 'grade',
    key: `grade ${ev.grade} band ${ev.bandGrade}${ev.floor ? ` floor ${ev.floor}` : ''} score ${score}`,
    grade: ev.grade,
  });
  return ev;
}

function casePoints(c: RuleCase, r: CreditRecord): { points: number; detail?: string } | undefined {
  const e = c.effect;
  if (e.type === 'fixed') return { points: e.points };
  if (r.amount === undefined || Number.isNaN(r.amount)) return undefined;
  if (e.type === 'range') {
    const p = rangePoints(e.min, e.max, r.amount);
    const asked = e.min < 0 ? -Math.round(r.amount) : Math.round(r.amount);
    return asked === p
      ? { points: p }
      : { points: p, detail: `decided ${asked} clamped to [${e.min}, ${e.max}]` };
  }
  return { points: finishPoints(evalFormula(e.expr, r.amount)), detail: `${e.text} with amount ${r.amount}` };
}

export function statusOf(pack: SchemePack, s: SubjectFacts, D: number): ScoreStatus {
  const eff = pack.meta.effective;
  if (D < toEpochDay(eff.from) || (eff.to !== undefined && D > toEpochDay(eff.to))) return 'not_in_force';
  if (!pack.meta.subjects.includes(s.isLegal ? 'legal_person' : 'individual')) return 'not_covered';
  const minAge = pack.meta.eligibility.minAge;
  if (!s.isLegal && minAge !== undefined) {
    if (s.birthDay === undefined) return 'age_unknown';
    if (s.birthDay > birthDayCutoff(D, minAge)) return 'under_age';
  }
  if (!s.resident) return 'not_resident';
  if (pack.meta.consentRequired && !s.consented) return 'no_consent';
  return 'scored';
}

/** The ledger's read order: occurredAt, reportedAt, id. */
function sortRecords(rs: readonly CreditRecord[]): CreditRecord[] {
  return [...rs].sort((a, b) =>
    a.occurredAt < b.occurredAt
      ? -1
      : a.occurredAt > b.occurredAt
        ? 1
        : a.reportedAt < b.reportedAt
          ? -1
          : a.reportedAt > b.reportedAt
            ? 1
            : a.id < b.id
              ? -1
              : a.id > b.id
                ? 1
                : 0,
  );
}
