// Exact decomposition of group gaps into rule-line contributions: linear for mean score, Shapley for shares.
import { MISSING, type Attribute } from './groups.js';
import { Fraction, sumFractions } from './fraction.js';
import { shapleyThreshold } from './shapley.js';
import type { PointsView } from './views.js';

/** A player's exact share of a gap. */
export interface Contribution {
  player: number;
  value: Fraction;
}

export interface GapDecomposition {
  outcome: string;
  attribute: string;
  group: string;
  reference: string;
  /** Exact gap: group mean/share − reference mean/share. */
  total: Fraction;
  /** Non-zero contributions, largest absolute value first; they sum to `total` exactly (with `residual`). */
  contributions: Contribution[];
  /** Part the rule lines don't explain (the engine's value differs from the counted points); normally zero. */
  residual: Fraction;
}

function groupCounts(attr: Attribute, eligible: Uint8Array): Float64Array {
  const n = new Float64Array(attr.labels.length);
  for (let i = 0; i < attr.codes.length; i++) {
    const c = attr.codes[i]!;
    if (c !== MISSING && eligible[i]) n[c]++;
  }
  return n;
}

function sortContribs(cs: Contribution[]): Contribution[] {
  return cs
    .filter((c) => !c.value.isZero())
    .sort((a, b) => Math.abs(b.value.valueOf()) - Math.abs(a.value.valueOf()) || a.player - b.player);
}

/**
 * Mean score of a group = base + Σ_lines (points counted on the line for the group) / n. So the gap in mean score
 * between two groups is exactly Σ_lines (S_g,l / n_g − S_r,l / n_r); any difference between an engine score and
 * base + Σ counted points goes to `residual`.
 */
export function decomposeMeanScore(
  view: PointsView,
  attr: Attribute,
  group: string,
  reference: string,
): GapDecomposition {
  const g = attr.labels.indexOf(group);
  const r = attr.labels.indexOf(reference);
  if (g < 0 || r < 0) throw new RangeError(`unknown group ${g < 0 ? group : reference} of ${attr.name}`);
  const L = view.lines.length;
  const n = groupCounts(attr, view.scored);
  const S = new Float64Array(2 * L);
  const c = view.contrib;
  for (let i = 0; i < c.length; i++) {
    const s = c.subject[i]!;
    if (!view.scored[s]) continue;
    const code = attr.codes[s]!;
    const slot = code === g ? 0 : code === r ? 1 : -1;
    if (slot < 0 || c.line[i]! < 0) continue;
    S[slot * L + c.line[i]!] += c.points[i]!;
  }
  let sumG = 0;
  let sumR = 0;
  for (let i = 0; i < attr.codes.length; i++) {
    if (!view.scored[i]) continue;
    if (attr.codes[i] === g) sumG += view.score[i]!;
    else if (attr.codes[i] === r) sumR += view.score[i]!;
  }
  const ng = BigInt(n[g]!);
  const nr = BigInt(n[r]!);
  if (ng === 0n || nr === 0n) throw new RangeError(`empty group in ${attr.name}`);
  const total = new Fraction(BigInt(sumG), ng).sub(new Fraction(BigInt(sumR), nr));
  const contributions: Contribution[] = [];
  for (let l = 0; l < L; l++) {
    const a = S[l]!;
    const b = S[L + l]!;
    if (a === 0 && b === 0) continue;
    contributions.push({ player: l, value: new Fraction(BigInt(a), ng).sub(new Fraction(BigInt(b), nr)) });
  }
  const residual = total.sub(sumFractions(contributions.map((x) => x.value)));
  return {
    outcome: `${view.scheme}.score`,
    attribute: attr.name,
    group,
    reference,
    total,
    contributions: sortContribs(contributions),
    residual,
  };
}

/**
 * Per-subject Shapley values of a 0/1 outcome over players (rule lines, measures, lists), stored sparsely.
 * Subject i's values sum to its outcome (v(∅) = 0 for every game here); `mismatch` lists subjects whose engine
 * outcome differs from the game's v(all), whose difference goes to the residual.
 */
export interface ShapleyEntries {
  outcome: string;
  players: number;
  length: number;
  subject: Uint32Array;
  player: Int32Array;
  /** Exact numerator (an integer) and denominator of the subject's value for the player. */
  num: Float64Array;
  den: Float64Array;
  /** Rare entries whose numerator or denominator is too big for a double. */
  big: { subject: number; player: number; value: Fraction }[];
  /** The player standing for "engine outcome ≠ the game's v(all)", or -1. */
  residualPlayer: number;
  /** Engine outcome per subject (0/1) and who is counted at all. */
  outcomeValues: Uint8Array;
  eligible: Uint8Array;
}

class EntryBuilder {
  subject: number[] = [];
  player: number[] = [];
  num: number[] = [];
  den: number[] = [];
  big: { subject: number; player: number; value: Fraction }[] = [];
  push(s: number, p: number, num: number | bigint, den: number | bigint, safeDen: number): void {
    if (num === 0 || num === 0n) return;
    if (typeof num === 'number' && typeof den === 'number' && den <= safeDen) {
      this.subject.push(s);
      this.player.push(p);
      this.num.push(num);
      this.den.push(den);
    } else this.big.push({ subject: s, player: p, value: new Fraction(BigInt(num), BigInt(den)) });
  }
  build(
    outcome: string,
    players: number,
    residualPlayer: number,
    outcomeValues: Uint8Array,
    eligible: Uint8Array,
  ): ShapleyEntries {
    return {
      outcome,
      players,
      residualPlayer,
      length: this.subject.length,
      subject: Uint32Array.from(this.subject),
      player: Int32Array.from(this.player),
      num: Float64Array.from(this.num),
      den: Float64Array.from(this.den),
      big: this.big,
      outcomeValues,
      eligible,
    };
  }
}

/**
 * Shapley decomposition of "grade worse than `target`" over rule lines, per subject. Each subject's players are
 * the rule lines with counted points or a direct grading in force; a line's weight is its counted points (after
 * caps and suppression, as the engine counted them). Player index `lines.length` is the residual.
 */
export function shapleyBelowGrade(view: PointsView, target: string): ShapleyEntries {
  const T = view.grades.indexOf(target);
  if (T < 0) throw new RangeError(`scheme ${view.scheme} has no grade ${target}`);
  const thr = view.bandMin[T]!;
  const nSub = view.scored.length;
  const outcome = new Uint8Array(nSub);
  for (let i = 0; i < nSub; i++) outcome[i] = view.scored[i] && view.grade[i]! > T ? 1 : 0;
  // Group contribution rows by subject (counting sort keeps it O(n)).
  const c = view.contrib;
  const start = new Uint32Array(nSub + 1);
  for (let i = 0; i < c.length; i++) start[c.subject[i]! + 1]++;
  for (let i = 0; i < nSub; i++) start[i + 1] += start[i]!;
  const order = new Uint32Array(c.length);
  const fill = start.slice(0, nSub);
  for (let i = 0; i < c.length; i++) order[fill[c.subject[i]!]!++] = i;

  const L = view.lines.length;
  const residual = L;
  const safeDen = Math.floor(2 ** 53 / Math.max(1, nSub));
  const b = new EntryBuilder();
  const wByLine = new Map<number, { w: number; veto: boolean }>();
  for (let s = 0; s < nSub; s++) {
    if (!view.scored[s]) continue;
    const lo = start[s]!;
    const hi = start[s + 1]!;
    let vAll = view.base < thr ? 1 : 0;
    if (hi > lo) {
      wByLine.clear();
      let negSum = 0;
      let total = 0;
      let anyVeto = false;
      for (let k = lo; k < hi; k++) {
        const i = order[k]!;
        const l = c.line[i]!;
        if (l < 0) continue;
        const e = wByLine.get(l) ?? { w: 0, veto: false };
        e.w += c.points[i]!;
        if (c.direct[i]! > 0 && c.direct[i]! - 1 > T) e.veto = true;
        wByLine.set(l, e);
      }
      for (const e of wByLine.values()) {
        total += e.w;
        if (e.w < 0) negSum += e.w;
        anyVeto ||= e.veto;
      }
      vAll = anyVeto || view.base + total < thr ? 1 : 0;
      // Skip the game when no coalition can change the outcome (the common case: no deductions near the band edge).
      if (anyVeto || view.base + negSum < thr) {
        const lines = [...wByLine.keys()].sort((x, y) => x - y);
        const w = lines.map((l) => wByLine.get(l)!.w);
        const veto = lines.map((l) => wByLine.get(l)!.veto);
        const sh = shapleyThreshold(w, veto, view.base, thr);
        lines.forEach((l, j) => b.push(s, l, sh.num[j]!, sh.den, safeDen));
      }
    }
    if (vAll !== outcome[s]) b.push(s, residual, outcome[s]! - vAll, 1, safeDen);
  }
  return b.build(`${view.scheme}.below_${target}`, L + 1, residual, outcome, view.scored);
}

/**
 * Shapley decomposition of "any of the players applies" (e.g. any measure in force, listed on any list): every
 * player present for a subject gets 1/k of it. Pairs may repeat; each distinct (subject, player) counts once.
 */
export function shapleyAnyOf(
  outcome: string,
  nSubjects: number,
  players: number,
  subject: ArrayLike<number>,
  player: ArrayLike<number>,
  eligible: Uint8Array,
): ShapleyEntries {
  const pairs = new Map<number, Set<number>>();
  for (let i = 0; i < subject.length; i++) {
    const s = subject[i]!;
    if (!eligible[s] || player[i]! < 0) continue;
    let set = pairs.get(s);
    if (!set) pairs.set(s, (set = new Set()));
    set.add(player[i]!);
  }
  const values = new Uint8Array(nSubjects);
  const b = new EntryBuilder();
  const safeDen = Math.floor(2 ** 53 / Math.max(1, nSubjects));
  for (const s of [...pairs.keys()].sort((x, y) => x - y)) {
    const ps = [...pairs.get(s)!].sort((x, y) => x - y);
    values[s] = 1;
    for (const p of ps) b.push(s, p, 1, ps.length, safeDen);
  }
  return b.build(outcome, players, -1, values, eligible);
}

/**
 * Exact decomposition of the gap in a 0/1 outcome's share between `group` and `reference` into players, from
 * per-subject Shapley values: the group share of player p is (Σ over members of their value for p) / n.
 */
export function decomposeShare(
  e: ShapleyEntries,
  attr: Attribute,
  group: string,
  reference: string,
): GapDecomposition {
  const g = attr.labels.indexOf(group);
  const r = attr.labels.indexOf(reference);
  if (g < 0 || r < 0) throw new RangeError(`unknown group ${g < 0 ? group : reference} of ${attr.name}`);
  const n = groupCounts(attr, e.eligible);
  if (!n[g] || !n[r]) throw new RangeError(`empty group in ${attr.name}`);
  // Sum numerators per (slot, player, denominator) in doubles: exact, as each |num| ≤ den ≤ 2^53 / subjects.
  const sums = new Map<number, Map<number, number>>();
  const key = (slot: number, p: number) => slot * (e.players + 1) + p;
  for (let i = 0; i < e.length; i++) {
    const code = attr.codes[e.subject[i]!]!;
    const slot = code === g ? 0 : code === r ? 1 : -1;
    if (slot < 0) continue;
    const k = key(slot, e.player[i]!);
    let m = sums.get(k);
    if (!m) sums.set(k, (m = new Map()));
    const d = e.den[i]!;
    m.set(d, (m.get(d) ?? 0) + e.num[i]!);
  }
  const acc = new Map<number, Fraction>();
  for (const [k, m] of sums) {
    let f = Fraction.ZERO;
    for (const [d, s] of m) f = f.add(new Fraction(BigInt(s), BigInt(d)));
    acc.set(k, f);
  }
  for (const x of e.big) {
    const code = attr.codes[x.subject]!;
    const slot = code === g ? 0 : code === r ? 1 : -1;
    if (slot < 0) continue;
    const k = key(slot, x.player);
    acc.set(k, (acc.get(k) ?? Fraction.ZERO).add(x.value));
  }
  let cg = 0;
  let cr = 0;
  for (let i = 0; i < attr.codes.length; i++) {
    if (!e.eligible[i] || !e.outcomeValues[i]) continue;
    if (attr.codes[i] === g) cg++;
    else if (attr.codes[i] === r) cr++;
  }
  const ng = BigInt(n[g]!);
  const nr = BigInt(n[r]!);
  const total = new Fraction(BigInt(cg), ng).sub(new Fraction(BigInt(cr), nr));
  const contributions: Contribution[] = [];
  let residual = Fraction.ZERO;
  for (let p = 0; p < e.players; p++) {
    const a = acc.get(key(0, p));
    const bb = acc.get(key(1, p));
    if (!a && !bb) continue;
    const v = (a ?? Fraction.ZERO)
      .mul(new Fraction(1n, ng))
      .sub((bb ?? Fraction.ZERO).mul(new Fraction(1n, nr)));
    if (p === e.residualPlayer) residual = v;
    else contributions.push({ player: p, value: v });
  }
  return {
    outcome: e.outcome,
    attribute: attr.name,
    group,
    reference,
    total,
    contributions: sortContribs(contributions),
    residual,
  };
}

/** Σ contributions + residual; equals `total` exactly (the identity the tests check). */
export function decompositionSum(d: GapDecomposition): Fraction {
  return sumFractions(d.contributions.map((c) => c.value)).add(d.residual);
}
