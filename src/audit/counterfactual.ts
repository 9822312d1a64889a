// Counterfactuals for a points scheme: the smallest sets of lawful changes that bring a subject to a target grade,
// each verified by rescoring with the reference interpreter. Lawful changes: waiting for records to expire,
// performance followed by a repair conversion, and bonuses the scheme allows.
import { fromEpochDay, toEpochDay } from '../core/dates.js';
import { ISSUER_LEVELS, makeRecord, type CreditRecord, type IssuerLevel } from '../core/types.js';
import { evaluateSubject, type Evaluation } from '../schemes/municipal/interpreter.js';
import type { SubjectFacts } from '../schemes/municipal/subjects.js';
import { GRADE_CODES, type SchemePack } from '../schemes/municipal/types.js';

export type Change =
  | { type: 'wait'; until: string; en: string; zh: string }
  | { type: 'repair'; repair: string; cancels: string[]; record: CreditRecord; en: string; zh: string }
  | { type: 'bonus'; rule: string; points: number; record: CreditRecord; en: string; zh: string };

export interface Plan {
  changes: Change[];
  /** The earliest date on which the plan reaches the target. */
  date: string;
  /** The interpreter's result after applying the plan on that date. */
  score: number;
  grade: string;
  reached: boolean;
}

export interface CounterfactualResult {
  scheme: string;
  subject: string;
  asOf: string;
  target: string;
  current: { score?: number; grade?: string; status: string };
  /** Already at or above the target: no change needed. */
  alreadyThere: boolean;
  /** Plans that reach the target, fewest changes first, then earliest date. */
  plans: Plan[];
}

const rankOf = (grade: string | undefined): number => {
  if (!grade) return 99;
  const i = GRADE_CODES.indexOf(grade as (typeof GRADE_CODES)[number]);
  return i >= 6 ? 5 : i; // DA/DB/DC are D
};

const atLeast = (ev: Evaluation, target: string) =>
  ev.status === 'scored' && rankOf(ev.grade) <= rankOf(target);

function synthetic(
  subject: string,
  kind: string,
  day: string,
  extra: { severity?: string; amount?: number; level?: IssuerLevel },
): CreditRecord {
  return makeRecord({
    subject,
    kind,
    occurredAt: day,
    reportedAt: day,
    agency: 'counterfactual',
    basis: 'counterfactual (not a real record)',
    ...extra,
  });
}

/**
 * Plans to reach `target`: (1) wait for expiry; (2) repair conversions of the direct-grading causes in force, then
 * bonuses if still short; (3) bonuses alone. Every plan is verified by rescoring the changed records with the
 * interpreter; only plans that reach the target are returned.
 */
export function counterfactuals(
  pack: SchemePack,
  facts: SubjectFacts,
  records: readonly CreditRecord[],
  asOf: string,
  target = 'A',
  maxBonuses = 20,
): CounterfactualResult {
  const now = evaluateSubject(pack, facts, records, asOf);
  const res: CounterfactualResult = {
    scheme: pack.id,
    subject: facts.id,
    asOf,
    target,
    current: { status: now.status },
    alreadyThere: atLeast(now, target),
    plans: [],
  };
  if (now.score !== undefined) res.current.score = now.score;
  if (now.grade !== undefined) res.current.grade = now.grade;
  if (now.status !== 'scored' || res.alreadyThere) return res;
  const day0 = toEpochDay(asOf);

  // (1) Waiting: try each day on which something in force stops counting.
  const ends = [
    ...new Set(
      now.lines
        .filter(
          (l) =>
            (l.type === 'points' || l.type === 'direct' || l.type === 'repair' || l.type === 'tier') &&
            l.until,
        )
        .map((l) => toEpochDay(l.until!))
        .filter((d) => d > day0),
    ),
  ].sort((a, b) => a - b);
  for (const d of ends) {
    const ev = evaluateSubject(pack, facts, records, fromEpochDay(d));
    if (atLeast(ev, target)) {
      res.plans.push({
        changes: [
          {
            type: 'wait',
            until: fromEpochDay(d),
            en: `Wait until ${fromEpochDay(d)}, when records in force expire (validity windows, Wendeng Art. 20)`,
            zh: `等待至${fromEpochDay(d)}，届时相关记录有效期届满`,
          },
        ],
        date: fromEpochDay(d),
        score: ev.score!,
        grade: ev.grade!,
        reached: true,
      });
      break;
    }
  }

  // (2) Repairs of the causes in force, performed today.
  const inForce = new Set(now.lines.filter((l) => l.type === 'direct').map((l) => l.ruleId!));
  const repairs: Change[] = [];
  for (const r of pack.repairs) {
    const cancels = r.cancels.filter((c) => inForce.has(c));
    if (!cancels.length || !r.subjects.includes('individual')) continue;
    const t = r.triggers[0]!;
    const extra: { severity?: string } = {};
    if (t.when.severity?.length) extra.severity = t.when.severity[0]!;
    repairs.push({
      type: 'repair',
      repair: r.id,
      cancels,
      record: synthetic(facts.id, t.kind, asOf, extra),
      en: `Perform and obtain ${t.kind}${extra.severity ? ` (${extra.severity})` : ''}: ${r.en}`,
      zh: `履行义务并取得${t.kind}记录：${r.zh}`,
    });
    cancels.forEach((c) => inForce.delete(c));
  }

  // Bonus options: fixed-point positive cases open to individuals, best first.
  const bonusOptions = pack.rules
    .filter((r) => !r.tiers && r.subjects.includes('individual'))
    .flatMap((r) =>
      r.cases
        .filter((c) => c.effect.type === 'fixed' && c.effect.points > 0 && !c.when.amount)
        .map((c) => ({ rule: r, when: c.when, points: (c.effect as { points: number }).points })),
    )
    .sort((a, b) => b.points - a.points || a.rule.id.localeCompare(b.rule.id));

  const tryBonuses = (base: Change[], start: CreditRecord[]): Plan | undefined => {
    let recs = start;
    let ev = evaluateSubject(pack, facts, recs, asOf);
    if (atLeast(ev, target))
      return { changes: base, date: asOf, score: ev.score!, grade: ev.grade!, reached: true };
    if (ev.frozen) return undefined; // bonuses do not count while a direct-grading cause is in force (Art. 17)
    const changes = [...base];
    for (const opt of bonusOptions) {
      for (let k = 0; changes.length - base.length < maxBonuses; k++) {
        const extra: { severity?: string; level?: IssuerLevel } = {};
        if (opt.when.severity?.length) extra.severity = opt.when.severity[0]!;
        extra.level = (opt.when.level?.[opt.when.level.length - 1] as IssuerLevel) ?? ISSUER_LEVELS[0];
        // Distinct days keep records distinct statements; annual caps are the interpreter's to apply.
        const rec = synthetic(facts.id, opt.rule.kind, fromEpochDay(day0 - k), extra);
        const next = evaluateSubject(pack, facts, [...recs, rec], asOf);
        if ((next.score ?? 0) <= (ev.score ?? 0)) break; // capped or frozen: try the next kind of bonus
        recs = [...recs, rec];
        ev = next;
        changes.push({
          type: 'bonus',
          rule: opt.rule.id,
          points: opt.points,
          record: rec,
          en: `${opt.rule.en} (${opt.rule.id}, +${opt.points})`,
          zh: `${opt.rule.zh}（${opt.rule.id}，+${opt.points}）`,
        });
        if (atLeast(ev, target))
          return { changes, date: asOf, score: ev.score!, grade: ev.grade!, reached: true };
      }
    }
    return undefined;
  };

  if (repairs.length) {
    const p = tryBonuses(repairs, [
      ...records,
      ...repairs.map((c) => (c as { record: CreditRecord }).record),
    ]);
    if (p) res.plans.push(p);
  }
  const b = tryBonuses([], [...records]);
  if (b) res.plans.push(b);
  res.plans.sort((x, y) => x.changes.length - y.changes.length || x.date.localeCompare(y.date));
  return res;
}

/** Earliest day a list entry ends by itself (its term), or null when it has no fixed end. */
export function listExit(
  until: string | null,
  asOf: string,
): { date: string | null; en: string; zh: string } {
  if (until === null)
    return {
      date: null,
      en: 'No fixed end: only deletion on a ground the list allows (e.g. full performance) ends this entry',
      zh: '无固定期限：仅在满足删除条件（如履行完毕）时移出',
    };
  return {
    date: until,
    en: `Leaves the list on ${until} at the end of its term${until <= asOf ? ' (already ended)' : ''}`,
    zh: `期限届满于${until}移出名单`,
  };
}
