// Counterfactuals for a points scheme: the smallest plan of lawful changes that brings a subject to a target grade
// (fewest actions, then smallest change), each verified by rescoring with the reference interpreter. Lawful changes:
// waiting for records to expire (no action), repair conversions, and bonuses the scheme allows. Only actions a person
// can choose are proposed (policies/counterfactual/choosable.yaml); the rest only on request (`all`).
import { fromEpochDay, toEpochDay } from '../core/dates.js';
import { ISSUER_LEVELS, makeRecord, type CreditRecord, type IssuerLevel } from '../core/types.js';
import { conditionsMatch, evaluateSubject, type Evaluation } from '../schemes/municipal/interpreter.js';
import {
  bandRank,
  classMask,
  GRADE_RANK,
  pointsYears,
  subjectClassBits,
  windowEnd,
} from '../schemes/municipal/semantics.js';
import type { SubjectFacts } from '../schemes/municipal/subjects.js';
import {
  GRADE_CODES,
  GRADES,
  type Conditions,
  type SchemePack,
  type ScoreStatus,
} from '../schemes/municipal/types.js';
import { shippedChoicesCached, type Choices } from './choices.js';

interface ActionBase {
  /** The record kind the action produces. */
  kind: string;
  /** False when a person cannot choose to do this (a gift of the body, a heroic act, an honour): see `why`. */
  choosable: boolean;
  why?: string;
  en: string;
  zh: string;
}

export type Change =
  | { type: 'wait'; until: string; en: string; zh: string }
  | ({ type: 'repair'; repair: string; cancels: string[]; record: CreditRecord } & ActionBase)
  | ({ type: 'bonus'; rule: string; points: number; record: CreditRecord } & ActionBase);

export interface Plan {
  changes: Change[];
  /** Actions a person takes (repairs and bonuses; waiting is none). */
  actions: number;
  /** Sum of the score moves of the plan's steps, |each|: the smaller, the closer the plan stays to the record. */
  change: number;
  /** Every action in it is one a person can choose. */
  choosable: boolean;
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
  /** Plans that reach the target, fewest actions first, then smallest change, then earliest date. */
  plans: Plan[];
  /** Smaller plans left out because they need an action a person cannot choose (`all` shows them). */
  hidden: number;
  /** The search stopped at its limits: a plan with more actions may exist. */
  limited: boolean;
}

export interface CounterfactualOptions {
  /** Which kinds a person can choose (default: the shipped classification). */
  choices?: Choices;
  /** Also show plans with actions a person cannot choose, labelled. */
  all?: boolean;
  /** Most actions in one plan. */
  maxActions?: number;
  /** Most interpreter evaluations one search may spend. */
  budget?: number;
  /**
   * The interpreter's evaluation of exactly these `records` on `asOf` (e.g. the one an explanation already made): the
   * search starts from it instead of evaluating the same statements again.
   */
  now?: Evaluation;
  /**
   * Rescore every node with the interpreter, as the search did before decision 0162 (no outcomes kept, no plain
   * options added up): the differential test's reference. Same answers, more work.
   */
  rescoreEveryNode?: boolean;
}

const rankOf = (grade: string | undefined): number => {
  if (!grade) return 99;
  const i = GRADE_CODES.indexOf(grade as (typeof GRADE_CODES)[number]);
  return i >= 6 ? 5 : i; // DA/DB/DC are D
};

const atLeast = (ev: { status: ScoreStatus; grade?: string }, target: string) =>
  ev.status === 'scored' && rankOf(ev.grade) <= rankOf(target);

/** One kind of action the search may repeat: a bonus case of a rule line, open to individuals. */
export interface BonusOption {
  rule: string;
  kind: string;
  when: Conditions;
  points: number;
  choosable: boolean;
  why?: string;
  en: string;
  zh: string;
}

/** bonusOptions per pack and classification, made once: a report server searches on every request. */
const OPTIONS = new WeakMap<SchemePack, WeakMap<Choices, readonly BonusOption[]>>();
function bonusOptionsCached(pack: SchemePack, choices: Choices): readonly BonusOption[] {
  let byChoices = OPTIONS.get(pack);
  if (!byChoices) OPTIONS.set(pack, (byChoices = new WeakMap()));
  let opts = byChoices.get(choices);
  if (!opts) byChoices.set(choices, (opts = bonusOptions(pack, choices)));
  return opts;
}

/**
 * The most one record of each kind can add (the sum, over the rule lines on the kind, of the most a case adds), made
 * once per pack.
 */
const MOST = new WeakMap<SchemePack, Map<string, number>>();
function mostPerKind(pack: SchemePack): Map<string, number> {
  let most = MOST.get(pack);
  if (most) return most;
  most = new Map<string, number>();
  for (const r of pack.rules) {
    let m = 0;
    for (const c of r.cases)
      m = Math.max(
        m,
        c.effect.type === 'fixed' ? c.effect.points : c.effect.type === 'range' ? c.effect.max : 0,
      );
    most.set(r.kind, (most.get(r.kind) ?? 0) + m);
  }
  MOST.set(pack, most);
  return most;
}

/**
 * The search's options for a pack, classification, subject class and choice, each with its bound and what it adds
 * (made once: they depend on nothing else).
 */
const GAINS = new WeakMap<SchemePack, WeakMap<Choices, Map<string, readonly Gain[]>>>();
function gainsOf(pack: SchemePack, choices: Choices, bits: number, onlyChoosable: boolean): readonly Gain[] {
  let byChoices = GAINS.get(pack);
  if (!byChoices) GAINS.set(pack, (byChoices = new WeakMap()));
  let byKey = byChoices.get(choices);
  if (!byKey) byChoices.set(choices, (byKey = new Map()));
  const key = `${bits}/${onlyChoosable}`;
  let gains = byKey.get(key);
  if (gains) return gains;
  const all = bonusOptionsCached(pack, choices);
  const most = mostPerKind(pack);
  gains = all
    .filter((o) => !onlyChoosable || o.choosable)
    .map((opt) => {
      const extra: { severity?: string; level?: IssuerLevel } = {};
      if (opt.when.severity?.length) extra.severity = opt.when.severity[0]!;
      extra.level = (opt.when.level?.[opt.when.level.length - 1] as IssuerLevel) ?? ISSUER_LEVELS[0];
      return {
        opt,
        id: all.indexOf(opt),
        gain: most.get(opt.kind) ?? opt.points,
        extra,
        plain: plainGain(pack, bits, opt.kind, extra),
      };
    })
    // Largest bound first; the option order breaks ties.
    .sort((x, y) => y.gain - x.gain);
  byKey.set(key, gains);
  return gains;
}

/**
 * What one action of this kind adds to any set of statements whose only additions to the base are such actions, or
 * undefined when that is not sure (see PlanSearch): the kind is named by no exclusion, direct rule or repair trigger,
 * and each of its point lines this subject class falls under is neither tiered nor capped, and the case the action's
 * statement matches is fixed. Its windows' lengths come along: each must still be open on the as-of day.
 */
function plainGain(
  pack: SchemePack,
  bits: number,
  kind: string,
  extra: { severity?: string; level?: IssuerLevel },
): { points: number; years: number[] } | undefined {
  if (pack.exclusions.some((x) => x.kinds.includes(kind))) return undefined;
  if (pack.direct.some((r) => r.kind === kind)) return undefined;
  if (pack.repairs.some((r) => r.triggers.some((t) => t.kind === kind))) return undefined;
  const rec = { severity: extra.severity, level: extra.level } as CreditRecord;
  const out = { points: 0, years: [] as number[] };
  for (const rule of pack.rules) {
    if (rule.kind !== kind || !(classMask(rule.subjects) & bits)) continue;
    if (rule.tiers || rule.annualCap !== undefined) return undefined;
    const c = rule.cases.find((cs) => conditionsMatch(cs.when, rec));
    if (!c) continue;
    if (c.effect.type !== 'fixed') return undefined;
    const points = c.effect.points;
    if (points === 0) continue;
    out.points += points;
    out.years.push(rule.validityYears ?? pointsYears(pack.validity, points, rec.level));
  }
  return out;
}

/** Fixed-point positive cases open to individuals (no amount condition), in a fixed order: points, rule, case. */
export function bonusOptions(pack: SchemePack, choices: Choices): BonusOption[] {
  return pack.rules
    .filter((r) => !r.tiers && r.subjects.includes('individual'))
    .flatMap((r) =>
      r.cases
        .filter((c) => c.effect.type === 'fixed' && c.effect.points > 0 && !c.when.amount)
        .map((c) => {
          const o: BonusOption = {
            rule: r.id,
            kind: r.kind,
            when: c.when,
            points: (c.effect as { points: number }).points,
            choosable: choices.choosable(r.kind),
            en: r.en,
            zh: r.zh,
          };
          if (!o.choosable) o.why = choices.whyNot(r.kind);
          return o;
        }),
    )
    .sort((a, b) => b.points - a.points || a.rule.localeCompare(b.rule));
}

/**
 * Plans to reach `target`: waiting for expiry (no action), and the smallest plan of actions performed on `asOf`
 * (repairs of the direct-grading causes in force, then bonuses): fewest actions, then smallest change, ties broken by
 * the fixed option order. Every plan is verified by rescoring with the interpreter. Plans needing an action a person
 * cannot choose are counted in `hidden` unless `all`.
 */
export function counterfactuals(
  pack: SchemePack,
  facts: SubjectFacts,
  records: readonly CreditRecord[],
  asOf: string,
  target = 'A',
  options: CounterfactualOptions = {},
): CounterfactualResult {
  const choices = options.choices ?? shippedChoicesCached();
  const now = options.now ?? evaluateSubject(pack, facts, records, asOf);
  const res: CounterfactualResult = {
    scheme: pack.id,
    subject: facts.id,
    asOf,
    target,
    current: { status: now.status },
    alreadyThere: atLeast(now, target),
    plans: [],
    hidden: 0,
    limited: false,
  };
  if (now.score !== undefined) res.current.score = now.score;
  if (now.grade !== undefined) res.current.grade = now.grade;
  if (now.status !== 'scored' || res.alreadyThere) return res;
  const day0 = toEpochDay(asOf);

  // (1) Waiting: the first day on which enough of what is in force stops counting. No action.
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
        actions: 0,
        change: Math.abs(ev.score! - now.score!),
        choosable: true,
        date: fromEpochDay(d),
        score: ev.score!,
        grade: ev.grade!,
        reached: true,
      });
      break;
    }
  }

  // (2) Actions today: the smallest plan using only choosable actions, and (to count or show) using any action.
  const search = new PlanSearch(pack, facts, records, asOf, target, choices, options, now);
  const mine = search.best(true);
  const any = search.best(false);
  res.limited = search.limited;
  if (mine) res.plans.push(mine);
  // Shown (or counted as hidden) only when strictly smaller: fewer actions, or as many with a smaller change.
  const smaller = (x: Plan, y: Plan) => x.actions - y.actions || x.change - y.change;
  if (any && !any.choosable && (!mine || smaller(any, mine) < 0)) {
    if (options.all) res.plans.push(any);
    else res.hidden = 1;
  }
  res.plans.sort(comparePlans);
  return res;
}

/** Fewest actions, then smallest change, then earliest date, then the text of the changes (deterministic). */
export function comparePlans(x: Plan, y: Plan): number {
  return (
    x.actions - y.actions ||
    x.change - y.change ||
    x.date.localeCompare(y.date) ||
    planKey(x).localeCompare(planKey(y))
  );
}
const planKey = (p: Plan) =>
  p.changes.map((c) => ('rule' in c ? c.rule : 'repair' in c ? c.repair : c.type)).join(' ');

/**
 * Exact search for the smallest plan of actions on one day. Repairs: every subset of the repair conversions that
 * cancel a cause in force (few). Bonuses: iterative deepening on the number of actions over multisets of options in a
 * fixed order, each node rescored by the interpreter; a branch is cut when even its best remaining option repeated
 * cannot reach the target score. The bound on an action is the most its kind's rule lines can add (caps and freezes
 * only take away; cumulative tiers are not options; an action that adds nothing is never kept); the brute-force
 * property test checks the result.
 *
 * The same nodes in the same order as ever, at less cost (decision 0162): the interpreter's score, grade and status of
 * a set of statements depend on their contents only, not on the ids and bases that number the made-up actions (points
 * are integers, so their sum does not depend on order; floors and freezes are maxima), so a node's outcome is kept by
 * what it holds (which repairs, which options) and reused when a deeper round or the second search (any action) comes
 * back to the same multiset. Every node still counts against the budget and numbers its action in visiting order, and
 * an action's record is made (hashed) only when a node is actually evaluated.
 *
 * Plain options are not rescored at all: an option whose kind no exclusion, direct-grading rule or repair trigger
 * names, and whose point lines for this subject are uncapped, untiered fixed cases, adds the same points to any set of
 * statements that holds no cause in force beyond the base's (its line counts from the as-of day for at least a year,
 * nothing freezes it that did not already, and floors do not move). Along a path of such options only, a node's score
 * is its parent's plus the option's points and its grade rank the worse of its band and the base's floor, which is
 * all the search reads of it (`plainGain`; the found plan is still rescored by the interpreter).
 */
class PlanSearch {
  limited = false;
  private spent = 0;
  private serial = 0;
  private readonly maxActions: number;
  private readonly budget: number;
  private readonly need: number;
  /** Evaluations of the repair subsets searched, by their repairs' contents ('' = the records as they are). */
  private readonly bases = new Map<string, Evaluation>();
  /** Outcomes of the nodes evaluated, by base and multiset of options. */
  private readonly seen = new Map<string, Outcome>();
  private readonly day: number;
  private readonly targetRank: number;
  private readonly rescore: boolean;

  constructor(
    private readonly pack: SchemePack,
    private readonly facts: SubjectFacts,
    private readonly records: readonly CreditRecord[],
    private readonly asOf: string,
    private readonly target: string,
    private readonly choices: Choices,
    options: CounterfactualOptions,
    /** The interpreter's evaluation of `records` on `asOf`. */
    private readonly now: Evaluation,
  ) {
    this.maxActions = options.maxActions ?? 20;
    this.budget = options.budget ?? 5_000;
    // The lowest score whose band is at or above the target (the floor of direct grading is the repairs' business).
    const t = rankOf(target);
    const mins = pack.meta.bands
      .filter((b) => GRADES.indexOf(b.grade) <= t && b.min !== undefined)
      .map((b) => b.min!);
    this.need = mins.length ? Math.min(...mins) : Infinity;
    this.bases.set('', now);
    this.day = toEpochDay(asOf);
    this.rescore = options.rescoreEveryNode === true;
    this.targetRank = rankOf(target);
  }

  private evaluate(recs: readonly CreditRecord[]): Evaluation {
    this.spent++;
    return evaluateSubject(this.pack, this.facts, recs, this.asOf);
  }

  /** A repair subset's evaluation: counted as an evaluation, made once per content. */
  private baseEvaluation(key: string, recs: readonly CreditRecord[]): Evaluation {
    const hit = this.rescore ? undefined : this.bases.get(key);
    if (hit) {
      this.spent++;
      return hit;
    }
    const ev = this.evaluate(recs);
    this.bases.set(key, ev);
    return ev;
  }

  /** A node's outcome: counted as an evaluation, evaluated once per content (`recs` makes its statements). */
  private outcome(key: string, recs: () => CreditRecord[]): Outcome {
    const hit = this.rescore ? undefined : this.seen.get(key);
    if (hit) {
      this.spent++;
      return hit;
    }
    const ev = this.evaluate(recs());
    const o: Outcome = { status: ev.status, rank: rankOf(ev.grade) };
    if (ev.score !== undefined) o.score = ev.score;
    this.seen.set(key, o);
    return o;
  }

  private record(
    kind: string,
    extra: { severity?: string; level?: IssuerLevel },
    serial = ++this.serial,
  ): CreditRecord {
    // Same day, distinct statements: the basis numbers the action (record ids are content hashes).
    return makeRecord({
      subject: this.facts.id,
      kind,
      occurredAt: this.asOf,
      reportedAt: this.asOf,
      agency: 'counterfactual',
      basis: `counterfactual action ${serial} (not a real record)`,
      ...extra,
    });
  }

  /** Repairs that convert a direct-grading cause in force, one per repair rule. */
  private repairs(onlyChoosable: boolean): Extract<Change, { type: 'repair' }>[] {
    const inForce = new Set(this.now.lines.filter((l) => l.type === 'direct').map((l) => l.ruleId!));
    const out: Extract<Change, { type: 'repair' }>[] = [];
    for (const r of this.pack.repairs) {
      const cancels = r.cancels.filter((c) => inForce.has(c));
      if (!cancels.length || !r.subjects.includes('individual')) continue;
      // The first trigger a person can choose (or, for `all`, the first trigger).
      const t = r.triggers.find((x) => !onlyChoosable || this.choices.choosable(x.kind));
      if (!t) continue;
      const extra: { severity?: string; level?: IssuerLevel } = {};
      if (t.when.severity?.length) extra.severity = t.when.severity[0]!;
      if (t.when.level?.length) extra.level = t.when.level[0]!;
      const choosable = this.choices.choosable(t.kind);
      const c: Extract<Change, { type: 'repair' }> = {
        type: 'repair',
        repair: r.id,
        cancels,
        record: this.record(t.kind, extra),
        kind: t.kind,
        choosable,
        en: `Perform and obtain ${t.kind}${extra.severity ? ` (${extra.severity})` : ''}: ${r.en}`,
        zh: `履行义务并取得${t.kind}记录：${r.zh}`,
      };
      if (!choosable) c.why = this.choices.whyNot(t.kind);
      out.push(c);
    }
    return out;
  }

  best(onlyChoosable: boolean): Plan | undefined {
    const before = this.now;
    const repairs = this.repairs(onlyChoosable).slice(0, 6);
    let best: Plan | undefined;
    // Subsets of the repairs, fewest first (bit order keeps it deterministic).
    const subsets = [...Array(1 << repairs.length).keys()].sort((a, b) => popcount(a) - popcount(b) || a - b);
    for (const mask of subsets) {
      const chosen = repairs.filter((_, i) => mask & (1 << i));
      if (best && chosen.length > best.actions) break;
      const base = [...this.records, ...chosen.map((c) => c.record)];
      // What the repairs' statements hold besides their numbering (the two searches may pick other triggers).
      const key = chosen
        .map((c) => `${c.repair}/${c.kind}/${c.record.severity ?? ''}/${c.record.level ?? ''}`)
        .join(',');
      const ev = this.baseEvaluation(key, base);
      const moved = Math.abs((ev.score ?? 0) - (before.score ?? 0));
      const plan = this.bonuses(
        base,
        key,
        ev,
        onlyChoosable,
        chosen,
        moved,
        best ? best.actions - chosen.length : Infinity,
      );
      if (plan && (!best || comparePlans(plan, best) < 0)) best = plan;
    }
    return best;
  }

  /** The smallest multiset of bonus options that, added to `base`, reaches the target (at most `within` of them). */
  private bonuses(
    base: CreditRecord[],
    baseKey: string,
    ev0: Evaluation,
    onlyChoosable: boolean,
    prefix: Change[],
    moved: number,
    within: number,
  ): Plan | undefined {
    const plan = (recs: Evaluation, changes: Change[]): Plan => ({
      changes,
      actions: changes.length,
      change: moved + Math.max(0, recs.score! - ev0.score!),
      choosable: changes.every((c) => c.type === 'wait' || c.choosable),
      date: this.asOf,
      score: recs.score!,
      grade: recs.grade!,
      reached: true,
    });
    if (atLeast(ev0, this.target)) return plan(ev0, prefix);
    if (ev0.status !== 'scored' || ev0.frozen) return undefined; // bonuses do not count while frozen (Art. 17)
    if (ev0.floor && rankOf(ev0.floor) > rankOf(this.target)) return undefined;
    const gains = gainsOf(
      this.pack,
      this.choices,
      subjectClassBits(this.facts.isLegal, this.facts.roles),
      onlyChoosable,
    );
    if (!gains.length) return undefined;
    // What each plain option adds here: its windows must be open on the as-of day (they are, for a year or more).
    const adds = gains.map((g) =>
      !this.rescore && g.plain && g.plain.years.every((y) => this.day < windowEnd(this.day, y))
        ? g.plain.points
        : undefined,
    );
    const limit = Math.min(within, this.maxActions - prefix.length);
    // The records of the path's actions, made when a node is evaluated, by their number.
    const made = new Map<number, CreditRecord>();
    const madeAs = (g: Gain, serial: number) => {
      let r = made.get(serial);
      if (!r) made.set(serial, (r = this.record(g.opt.kind, g.extra, serial)));
      return r;
    };
    for (let k = 1; k <= limit; k++) {
      if (ev0.score! + k * gains[0]!.gain < this.need) continue;
      let found: { score: number; picks: number[] } | undefined;
      const lowest = this.need - ev0.score!; // no plan changes less than this
      const picks: number[] = [];
      const serials: number[] = [];
      const nodeKey = () =>
        `${baseKey}|${picks
          .map((p) => gains[p]!.id)
          .sort((a, b) => a - b)
          .join(',')}`;
      const statements = () => [...base, ...picks.map((p, j) => madeAs(gains[p]!, serials[j]!))];
      // The base's floor: what plain options cannot move (the worse of it and the band is the grade's rank).
      const floorRank = ev0.floor ? GRADE_RANK[ev0.floor] : -1;
      const bands = this.pack.meta.bands;
      /** `plain`: every pick so far is a plain option, so `score` is exact and the next plain one adds its points. */
      const dfs = (from: number, score: number, plain: boolean): boolean => {
        const d = picks.length;
        if (d === k) return false;
        for (let i = from; i < gains.length; i++) {
          if (score + (k - d) * gains[i]!.gain < this.need) break; // sorted: later options add less
          if (this.spent >= this.budget) {
            this.limited = true;
            return true;
          }
          picks.push(i);
          serials.push(++this.serial);
          const add = plain ? adds[i] : undefined;
          let ev: Outcome;
          if (add !== undefined) {
            this.spent++; // a node as any other: the budget and `limited` stay what they were
            const sc = score + add;
            ev = { status: 'scored', score: sc, rank: Math.max(bandRank(bands, sc), floorRank) };
          } else ev = this.outcome(nodeKey(), statements);
          if ((ev.score ?? score) <= score) {
            // adds nothing here (capped, frozen): never part of a smallest plan
            picks.pop();
            serials.pop();
            continue;
          }
          if (d + 1 === k && ev.status === 'scored' && ev.rank <= this.targetRank) {
            if (!found || ev.score! < found.score) found = { score: ev.score!, picks: [...picks] };
            if (ev.score! - ev0.score! <= lowest) return true; // cannot change less
          } else if (dfs(i, ev.score ?? score, add !== undefined)) return true;
          picks.pop();
          serials.pop();
        }
        return false;
      };
      dfs(0, ev0.score!, true);
      if (found) {
        // Rebuild the records in order so the changes carry the records that were scored.
        const changes: Change[] = [...prefix];
        const recs = [...base];
        for (const i of found.picks) {
          const g = gains[i]!;
          const rec = this.record(g.opt.kind, g.extra);
          recs.push(rec);
          const c: Extract<Change, { type: 'bonus' }> = {
            type: 'bonus',
            rule: g.opt.rule,
            points: g.opt.points,
            record: rec,
            kind: g.opt.kind,
            choosable: g.opt.choosable,
            en: `${g.opt.en} (${g.opt.rule}, +${g.opt.points})`,
            zh: `${g.opt.zh}（${g.opt.rule}，+${g.opt.points}）`,
          };
          if (g.opt.why) c.why = g.opt.why;
          changes.push(c);
        }
        const ev = this.evaluate(recs);
        return atLeast(ev, this.target) ? plan(ev, changes) : undefined;
      }
      if (this.limited) return undefined;
    }
    return undefined;
  }
}

/** What the search reads of a node's evaluation: status, score, and the rank of its grade (rankOf). */
interface Outcome {
  status: ScoreStatus;
  score?: number;
  rank: number;
}

interface Gain {
  opt: BonusOption;
  /** The option's place among all the pack's options (a node's key). */
  id: number;
  gain: number;
  extra: { severity?: string; level?: IssuerLevel };
  /** What one such action adds when the path holds only plain options, and its windows (plainGain). */
  plain: { points: number; years: number[] } | undefined;
}

const popcount = (n: number) => {
  let c = 0;
  for (; n; n &= n - 1) c++;
  return c;
};

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
