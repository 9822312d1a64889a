// The reference platform score: one user as of a date, every dimension, factor, feed item and perk explained.
import { toEpochDay } from '../../core/dates.js';
import { featuresOf, type Feature, type PlatformUser } from './features.js';
import { listingState, type FeedItem } from './feed.js';
import type { PlatformPolicy } from './policy.js';

export interface PerkDecision {
  code: string;
  granted: boolean;
  reasons: string[];
}

export interface PlatformScore {
  subject: string;
  asOf: string;
  score: number;
  band: string;
  newAccount: boolean;
  listed: boolean;
  listedSince?: string;
  dimensions: {
    code: string;
    weight: number;
    value: number;
    factors: { id: string; feature: Feature; x: number; t: number }[];
  }[];
  perks: PerkDecision[];
}

export const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

export function bandOf(policy: PlatformPolicy, score: number): string {
  const b = policy.bands.list.find(
    (x, i) => score >= x.from && (score < x.to || (i === policy.bands.list.length - 1 && score <= x.to)),
  );
  return b ? b.en : 'out of range';
}

export function scorePlatformUser(
  policy: PlatformPolicy,
  user: PlatformUser,
  feed: readonly FeedItem[],
  asOf: string,
): PlatformScore {
  const day = toEpochDay(asOf);
  const f = featuresOf(user, day);
  let raw = 0;
  const dimensions: PlatformScore['dimensions'] = [];
  for (const d of policy.dimensions) {
    let s = 0;
    let w = 0;
    const factors: PlatformScore['dimensions'][number]['factors'] = [];
    for (const fa of policy.factors) {
      if (fa.dimension !== d.code) continue;
      const x = f[fa.feature];
      let t = clamp01((x - fa.lo) / (fa.hi - fa.lo));
      if (fa.invert) t = 1 - t;
      s += fa.weight * t;
      w += fa.weight;
      factors.push({ id: fa.id, feature: fa.feature, x, t });
    }
    const value = s / w;
    raw += d.weight * value;
    dimensions.push({ code: d.code, weight: d.weight, value, factors });
  }
  const { min, max } = policy.range;
  const newAccount = day - toEpochDay(user.joined) < policy.new_account.days;
  let score = newAccount ? policy.new_account.score : Math.round(min + (max - min) * raw);
  const ls = listingState(feed, policy, asOf);
  if (ls.listed)
    score = Math.max(min, Math.min(score - policy.defaulter_feed.deduction, policy.defaulter_feed.cap));
  const perks = policy.perks.map((p) => {
    const reasons: string[] = [];
    let granted = true;
    if (score >= p.min_score) reasons.push(`score ${score} ≥ ${p.min_score}`);
    else {
      granted = false;
      reasons.push(`score ${score} < ${p.min_score}`);
    }
    if (p.no_late_years !== undefined) {
      if (f.late_5y > 0) {
        granted = false;
        reasons.push(`${f.late_5y} late repayment(s) within ${p.no_late_years} years`);
      } else reasons.push(`no late repayment within ${p.no_late_years} years`);
    }
    if (p.blocked_if_listed && ls.listed) {
      granted = false;
      reasons.push(`listed as a dishonest judgment defaulter (court feed, reported ${ls.since})`);
    }
    return { code: p.code, granted, reasons };
  });
  const out: PlatformScore = {
    subject: user.subject,
    asOf,
    score,
    band: bandOf(policy, score),
    newAccount,
    listed: ls.listed,
    dimensions,
    perks,
  };
  if (ls.since) out.listedSince = ls.since;
  return out;
}
