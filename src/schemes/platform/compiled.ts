// The fast platform score: users and events in typed arrays (events grouped per user), one pass per user, the
// same arithmetic in the same order as the reference interpreter so that scores and perks are identical.
import { toEpochDay } from '../../core/dates.js';
import { EVENT_KINDS, FEATURES, WINDOW_12M, WINDOW_24M, WINDOW_5Y, type PlatformUser } from './features.js';
import type { FeedItem } from './feed.js';
import type { PlatformPolicy } from './policy.js';

export interface PlatformColumns {
  subjects: string[];
  joined: Int32Array;
  /** 2^31-1 when never verified. */
  verifiedOn: Int32Array;
  profileItems: Float64Array;
  contactsVerified: Float64Array;
  /** Events of user u are evStart[u] .. evStart[u+1]-1. */
  evStart: Uint32Array;
  evDay: Int32Array;
  evKind: Uint8Array;
  evValue: Float64Array;
  /** Feed items of user u, in arrival order: +1 a listing, -1 an ending. */
  feedStart: Uint32Array;
  feedDay: Int32Array;
  feedDelta: Int8Array;
}

const NEVER = 2147483647;

export function columnsFromUsers(
  users: readonly PlatformUser[],
  feed: readonly FeedItem[],
  policy: PlatformPolicy,
): PlatformColumns {
  const n = users.length;
  let ne = 0;
  for (const u of users) ne += u.events.length;
  const c: PlatformColumns = {
    subjects: users.map((u) => u.subject),
    joined: new Int32Array(n),
    verifiedOn: new Int32Array(n),
    profileItems: new Float64Array(n),
    contactsVerified: new Float64Array(n),
    evStart: new Uint32Array(n + 1),
    evDay: new Int32Array(ne),
    evKind: new Uint8Array(ne),
    evValue: new Float64Array(ne),
    feedStart: new Uint32Array(n + 1),
    feedDay: new Int32Array(0),
    feedDelta: new Int8Array(0),
  };
  const kindIdx = new Map<string, number>(EVENT_KINDS.map((k, i) => [k, i]));
  let e = 0;
  users.forEach((u, i) => {
    c.joined[i] = toEpochDay(u.joined);
    c.verifiedOn[i] = u.verifiedOn ? toEpochDay(u.verifiedOn) : NEVER;
    c.profileItems[i] = u.profileItems;
    c.contactsVerified[i] = u.contactsVerifiedShare;
    c.evStart[i] = e;
    for (const ev of u.events) {
      c.evDay[e] = toEpochDay(ev.date);
      c.evKind[e] = kindIdx.get(ev.kind)!;
      c.evValue[e] = ev.value ?? 0;
      e++;
    }
  });
  c.evStart[n] = e;
  const pos = new Map(users.map((u, i) => [u.subject, i]));
  const per: FeedItem[][] = users.map(() => []);
  for (const f of feed) {
    const i = pos.get(f.subject);
    if (i !== undefined) per[i]!.push(f);
  }
  let nf = 0;
  for (const l of per) nf += l.length;
  c.feedDay = new Int32Array(nf);
  c.feedDelta = new Int8Array(nf);
  let q = 0;
  per.forEach((l, i) => {
    c.feedStart[i] = q;
    const sorted = [...l].sort((a, b) =>
      a.reportedAt < b.reportedAt ? -1 : a.reportedAt > b.reportedAt ? 1 : 0,
    );
    for (const f of sorted) {
      const listed = policy.defaulter_feed.kinds_listed.includes(f.kind);
      const ended = policy.defaulter_feed.kinds_ended.includes(f.kind);
      if (!listed && !ended) continue;
      c.feedDay[q] = toEpochDay(f.reportedAt);
      c.feedDelta[q] = listed ? 1 : -1;
      q++;
    }
  });
  c.feedStart[users.length] = q;
  c.feedDay = c.feedDay.subarray(0, q);
  c.feedDelta = c.feedDelta.subarray(0, q);
  return c;
}

export interface PlatformScores {
  score: Float64Array;
  /** Bit p set when perk p (policy order) is granted. */
  perks: Uint32Array;
  listed: Uint8Array;
}

/** Score every user as of `asOf`. */
export function scoreAllPlatform(policy: PlatformPolicy, c: PlatformColumns, asOf: string): PlatformScores {
  const day = toEpochDay(asOf);
  const n = c.subjects.length;
  const out: PlatformScores = {
    score: new Float64Array(n),
    perks: new Uint32Array(n),
    listed: new Uint8Array(n),
  };
  // Factors grouped by dimension in policy order, as the interpreter walks them.
  const rules = compilePlatformRules(policy);
  const newDays = policy.new_account.days;
  const x = new Float64Array(FEATURES.length);
  // Event counts per (kind, age bucket), reset per user: one table, no per-user allocation. The bucket of an event
  // is computed without branches (sign bits of age − bound), so the loop does not mispredict on the random order
  // of kinds and ages; only asset snapshots take a branch, and they are rare (one or a few per user).
  const B = 5; // buckets: [0,12m) [12m,24m) [24m,5y) [5y,∞) future
  const cnt = new Int32Array(EVENT_KINDS.length * B);
  const W1 = WINDOW_12M;
  const W2 = WINDOW_24M;
  const W3 = WINDOW_5Y;
  const evDay = c.evDay;
  const evKind = c.evKind;
  const evStart = c.evStart;
  for (let u = 0; u < n; u++) {
    cnt.fill(0);
    let assets = 0;
    let assetDay = -2147483648;
    for (let e = evStart[u]!, end = evStart[u + 1]!; e < end; e++) {
      const d = evDay[e]!;
      const k = evKind[e]!;
      const age = (day - d) | 0;
      // 1 when negative: the event lies after the date.
      const fut = age >>> 31;
      const b = 3 - ((age - W1) >>> 31) - ((age - W2) >>> 31) - ((age - W3) >>> 31);
      // For a future event every sign bit is set, so b = 0 and the index lands in the future bucket (4).
      cnt[k * B + b + 4 * fut]!++;
      if (k === 2 && fut === 0 && d >= assetDay) {
        assetDay = d;
        assets = c.evValue[e]!;
      }
    }
    // Kinds in EVENT_KINDS order: 0 on time, 1 late, 3 returned, 4 not returned, 5 order, 6 cancelled.
    const onTime = cnt[0]! + cnt[1]!;
    const late = cnt[B]! + cnt[B + 1]!;
    const late5 = late + cnt[B + 2]!;
    const ret = cnt[3 * B]! + cnt[3 * B + 1]!;
    const notRet = cnt[4 * B]! + cnt[4 * B + 1]!;
    const orders = cnt[5 * B]!;
    const cancels = cnt[6 * B]!;
    x[0] = (onTime + 1) / (onTime + late + 2);
    x[1] = late;
    x[2] = (day - c.joined[u]!) / 365.25;
    x[3] = Math.log10(1 + assets);
    x[4] = (ret + 1) / (ret + notRet + 2);
    x[5] = orders;
    x[6] = orders + cancels > 0 ? cancels / (orders + cancels) : 0;
    x[7] = c.verifiedOn[u]! <= day ? 1 : 0;
    x[8] = c.profileItems[u]!;
    x[9] = c.contactsVerified[u]!;
    let open = 0;
    for (let q = c.feedStart[u]!, end = c.feedStart[u + 1]!; q < end; q++) {
      if (c.feedDay[q]! > day) break;
      open = c.feedDelta[q]! > 0 ? open + 1 : Math.max(0, open - 1);
    }
    const listed = open > 0;
    const score = rules.score(x, day - c.joined[u]! < newDays, listed);
    out.score[u] = score;
    out.perks[u] = rules.perks(score, late5, listed);
    out.listed[u] = listed ? 1 : 0;
  }
  return out;
}

/** The score's rules over a feature vector, compiled once per policy; shared by the column scorer and Meritown. */
export interface PlatformRules {
  /** Score from features (FEATURES order), whether the account is new, and whether the user is listed. */
  score(x: Float64Array, newAccount: boolean, listed: boolean): number;
  /** Perk bits (policy order) at `score`, given late repayments within the perks' window and the listing. */
  perks(score: number, late5y: number, listed: boolean): number;
}

/**
 * Factors flattened into typed arrays, grouped by dimension in policy order as the interpreter walks them, and the
 * same arithmetic in the same order as the interpreter, so that scores are bit-identical.
 */
export function compilePlatformRules(policy: PlatformPolicy): PlatformRules {
  const fac = policy.dimensions.flatMap((d) => policy.factors.filter((f) => f.dimension === d.code));
  const nd = policy.dimensions.length;
  const dimWeight = Float64Array.from(policy.dimensions, (d) => d.weight);
  const dimEnd = new Int32Array(nd);
  policy.dimensions.forEach((d, i) => {
    dimEnd[i] = (i ? dimEnd[i - 1]! : 0) + policy.factors.filter((f) => f.dimension === d.code).length;
  });
  const fFeat = Int32Array.from(fac, (f) => FEATURES.indexOf(f.feature));
  const fLo = Float64Array.from(fac, (f) => f.lo);
  const fSpan = Float64Array.from(fac, (f) => f.hi - f.lo);
  const fInvert = Uint8Array.from(fac, (f) => (f.invert === true ? 1 : 0));
  const fW = Float64Array.from(fac, (f) => f.weight);
  const { min, max } = policy.range;
  const span = max - min;
  const newScore = policy.new_account.score;
  const ded = policy.defaulter_feed.deduction;
  const cap = policy.defaulter_feed.cap;
  const pMin = Float64Array.from(policy.perks, (p) => p.min_score);
  const pNoLate = Uint8Array.from(policy.perks, (p) => (p.no_late_years !== undefined ? 1 : 0));
  const pBlocked = Uint8Array.from(policy.perks, (p) => (p.blocked_if_listed ? 1 : 0));
  const np = policy.perks.length;
  return {
    score(x, newAccount, listed) {
      let raw = 0;
      for (let di = 0, j = 0; di < nd; di++) {
        let s = 0;
        let w = 0;
        for (const je = dimEnd[di]!; j < je; j++) {
          let t = (x[fFeat[j]!]! - fLo[j]!) / fSpan[j]!;
          t = t < 0 ? 0 : t > 1 ? 1 : t;
          if (fInvert[j]) t = 1 - t;
          s += fW[j]! * t;
          w += fW[j]!;
        }
        raw += dimWeight[di]! * (s / w);
      }
      const score = newAccount ? newScore : Math.round(min + span * raw);
      return listed ? Math.max(min, Math.min(score - ded, cap)) : score;
    },
    perks(score, late5y, listed) {
      let bits = 0;
      for (let p = 0; p < np; p++)
        if (score >= pMin[p]! && !(pNoLate[p] && late5y > 0) && !(pBlocked[p] && listed)) bits |= 1 << p;
      return bits;
    },
  };
}
