// Exact decomposition of group gaps into rule-line contributions: linear for mean score, Shapley for shares.
import { MISSING, type Attribute } from './groups.js';
import { Fraction, sumFractions } from './fraction.js';
import { shapleyThreshold } from './shapley.js';
import { groupCounts } from './stats.js';
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
  const agg = meanAggregates(view, attr);
  const S = new Float64Array(2 * L);
  S.set(agg.lineSums.subarray(g * L, (g + 1) * L), 0);
  S.set(agg.lineSums.subarray(r * L, (r + 1) * L), L);
  const sumG = agg.scoreSums[g]!;
  const sumR = agg.scoreSums[r]!;
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

const meanCache = new WeakMap<
  PointsView,
  WeakMap<Attribute, { lineSums: Float64Array; scoreSums: Float64Array }>
>();

/** Per group: points counted on each line, and the sum of engine scores (one pass for all groups, cached). */
function meanAggregates(
  view: PointsView,
  attr: Attribute,
): { lineSums: Float64Array; scoreSums: Float64Array } {
  let m = meanCache.get(view);
  if (!m) meanCache.set(view, (m = new WeakMap()));
  const hit = m.get(attr);
  if (hit) return hit;
  const G = attr.labels.length;
  const L = view.lines.length;
  const lineSums = new Float64Array(G * L);
  const scoreSums = new Float64Array(G);
  const codes = attr.codes;
  const scored = view.scored;
  const c = view.contrib;
  for (let i = 0; i < c.length; i++) {
    const s = c.subject[i]!;
    const code = codes[s]!;
    const l = c.line[i]!;
    if (!scored[s] || code === MISSING || l < 0) continue;
    lineSums[code * L + l] += c.points[i]!;
  }
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (scored[i] && code !== MISSING) scoreSums[code] += view.score[i]!;
  }
  const out = { lineSums, scoreSums };
  m.set(attr, out);
  return out;
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
  private cap = 1024;
  private n = 0;
  subject = new Uint32Array(this.cap);
  player = new Int32Array(this.cap);
  num = new Float64Array(this.cap);
  den = new Float64Array(this.cap);
  big: { subject: number; player: number; value: Fraction }[] = [];
  push(s: number, p: number, num: number | bigint, den: number | bigint, safeDen: number): void {
    if (num === 0 || num === 0n) return;
    if (typeof num === 'number' && typeof den === 'number' && den <= safeDen) {
      if (this.n === this.cap) this.grow();
      this.subject[this.n] = s;
      this.player[this.n] = p;
      this.num[this.n] = num;
      this.den[this.n] = den;
      this.n++;
    } else this.big.push({ subject: s, player: p, value: new Fraction(BigInt(num), BigInt(den)) });
  }
  private grow(): void {
    this.cap *= 2;
    const g = <T extends Uint32Array | Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.cap);
      b.set(a);
      return b;
    };
    this.subject = g(this.subject, (n) => new Uint32Array(n));
    this.player = g(this.player, (n) => new Int32Array(n));
    this.num = g(this.num, (n) => new Float64Array(n));
    this.den = g(this.den, (n) => new Float64Array(n));
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
      length: this.n,
      subject: this.subject.slice(0, this.n),
      player: this.player.slice(0, this.n),
      num: this.num.slice(0, this.n),
      den: this.den.slice(0, this.n),
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
  const v0 = view.base < thr ? 1 : 0;
  // Scratch space for one subject's players (distinct lines), reused across subjects.
  let cap = 64;
  let pl = new Int32Array(cap);
  let pw = new Float64Array(cap);
  let pv = new Uint8Array(cap);
  for (let s = 0; s < nSub; s++) {
    if (!view.scored[s]) continue;
    const lo = start[s]!;
    const hi = start[s + 1]!;
    let vAll = v0;
    if (hi > lo) {
      let k = 0;
      if (hi - lo > cap) {
        cap = hi - lo;
        pl = new Int32Array(cap);
        pw = new Float64Array(cap);
        pv = new Uint8Array(cap);
      }
      for (let r = lo; r < hi; r++) {
        const i = order[r]!;
        const l = c.line[i]!;
        if (l < 0) continue;
        let j = 0;
        while (j < k && pl[j] !== l) j++;
        if (j === k) {
          pl[k] = l;
          pw[k] = 0;
          pv[k] = 0;
          k++;
        }
        pw[j] += c.points[i]!;
        if (c.direct[i]! > 0 && c.direct[i]! - 1 > T) pv[j] = 1;
      }
      let negSum = 0;
      let total = 0;
      let anyVeto = false;
      for (let j = 0; j < k; j++) {
        total += pw[j]!;
        if (pw[j]! < 0) negSum += pw[j]!;
        if (pv[j]) anyVeto = true;
      }
      vAll = anyVeto || view.base + total < thr ? 1 : 0;
      // Skip the game when no coalition can change the outcome (the common case: no deductions near the band edge).
      if (k === 1) {
        // One player: it carries the whole outcome change.
        if (vAll !== v0) b.push(s, pl[0]!, vAll - v0, 1, safeDen);
      } else if (anyVeto || view.base + negSum < thr) {
        // Players in line order, so the values never depend on record order.
        const ord = Array.from({ length: k }, (_, j) => j).sort((x, y) => pl[x]! - pl[y]!);
        const w = ord.map((j) => pw[j]!);
        const veto = ord.map((j) => pv[j] === 1);
        const sh = shapleyThreshold(w, veto, view.base, thr);
        ord.forEach((j, q) => b.push(s, pl[j]!, sh.num[q]!, sh.den, safeDen));
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
  const agg = shareAggregates(e, attr);
  const P = e.players;
  const acc = (grp: number, p: number): Fraction | undefined => agg.fractions.get(grp * P + p);
  const cg = agg.ones[g]!;
  const cr = agg.ones[r]!;
  const ng = BigInt(n[g]!);
  const nr = BigInt(n[r]!);
  const total = new Fraction(BigInt(cg), ng).sub(new Fraction(BigInt(cr), nr));
  const contributions: Contribution[] = [];
  let residual = Fraction.ZERO;
  for (let p = 0; p < e.players; p++) {
    const a = acc(g, p);
    const bb = acc(r, p);
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

const shareCache = new WeakMap<
  ShapleyEntries,
  WeakMap<Attribute, { fractions: Map<number, Fraction>; ones: Float64Array }>
>();

/**
 * Per group and player: the exact sum of members' Shapley values (one pass for all groups, cached), and the count
 * of members with the outcome. Numerators are summed per distinct denominator in doubles — exact, as each
 * |num| ≤ den ≤ 2^53 / subjects — and turned into fractions once.
 */
function shareAggregates(
  e: ShapleyEntries,
  attr: Attribute,
): { fractions: Map<number, Fraction>; ones: Float64Array } {
  let m = shareCache.get(e);
  if (!m) shareCache.set(e, (m = new WeakMap()));
  const hit = m.get(attr);
  if (hit) return hit;
  const G = attr.labels.length;
  const P = e.players;
  const { dens, denIdx } = denominators(e);
  const D = dens.length;
  const sums = new Float64Array(G * P * D);
  const used = new Uint8Array(G * P);
  const codes = attr.codes;
  for (let i = 0; i < e.length; i++) {
    const code = codes[e.subject[i]!]!;
    if (code === MISSING) continue;
    const gp = code * P + e.player[i]!;
    used[gp] = 1;
    sums[gp * D + denIdx[i]!] += e.num[i]!;
  }
  const fractions = new Map<number, Fraction>();
  for (let gp = 0; gp < G * P; gp++) {
    if (!used[gp]) continue;
    let f = Fraction.ZERO;
    for (let d = 0; d < D; d++) {
      const v = sums[gp * D + d]!;
      if (v) f = f.add(new Fraction(BigInt(v), BigInt(dens[d]!)));
    }
    fractions.set(gp, f);
  }
  for (const x of e.big) {
    const code = codes[x.subject]!;
    if (code === MISSING) continue;
    const gp = code * P + x.player;
    fractions.set(gp, (fractions.get(gp) ?? Fraction.ZERO).add(x.value));
  }
  const ones = new Float64Array(G);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code !== MISSING && e.eligible[i] && e.outcomeValues[i]) ones[code]++;
  }
  const out = { fractions, ones };
  m.set(attr, out);
  return out;
}

const denCache = new WeakMap<ShapleyEntries, { dens: number[]; denIdx: Uint16Array }>();

/** The few distinct denominators of a Shapley table (k! and k), and each entry's index among them. */
function denominators(e: ShapleyEntries): { dens: number[]; denIdx: Uint16Array } {
  const hit = denCache.get(e);
  if (hit) return hit;
  const at = new Map<number, number>();
  const dens: number[] = [];
  const denIdx = new Uint16Array(e.length);
  for (let i = 0; i < e.length; i++) {
    const d = e.den[i]!;
    let j = at.get(d);
    if (j === undefined) {
      j = dens.length;
      if (j > 65535) throw new RangeError('too many distinct Shapley denominators');
      at.set(d, j);
      dens.push(d);
    }
    denIdx[i] = j;
  }
  const out = { dens, denIdx };
  denCache.set(e, out);
  return out;
}

/** Σ contributions + residual; equals `total` exactly (the identity the tests check). */
export function decompositionSum(d: GapDecomposition): Fraction {
  return sumFractions(d.contributions.map((c) => c.value)).add(d.residual);
}
