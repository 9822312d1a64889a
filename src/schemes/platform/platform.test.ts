// Platform score: the compiled scorer equals the reference on generated users and feeds; perks follow the
// documented thresholds with reasons; a court listing from the feed lowers the score and blocks the perks.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromEpochDay, toEpochDay } from '../../core/dates.js';
import { columnsFromUsers, scoreAllPlatform } from './compiled.js';
import type { PlatformUser } from './features.js';
import type { FeedItem } from './feed.js';
import { scorePlatformUser } from './interpreter.js';
import { loadPlatformPolicy } from './policy.js';
import { loadRatingSystems, ratingOf } from './ratings.js';
import { syntheticPlatformUsers } from './synthetic.js';

const policy = loadPlatformPolicy();
const ids = Array.from({ length: 300 }, (_, i) => `U${i}`);

describe('platform score', () => {
  it('the compiled scorer equals the interpreter: scores, perks and listing (differential, generated feeds)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 299 }), fc.boolean(), fc.integer({ min: 0, max: 1500 })),
          { maxLength: 80 },
        ),
        fc.integer({ min: 0, max: 1200 }),
        (seed, feedSpec, back) => {
          const users = syntheticPlatformUsers(ids, seed, '2026-10-31');
          const feed: FeedItem[] = feedSpec.map(([u, listed, d]) => ({
            subject: ids[u]!,
            kind: listed ? 'court.defaulter_listed' : 'court.defaulter_deleted',
            reportedAt: fromEpochDay(toEpochDay('2023-01-01') + d),
          }));
          const asOf = fromEpochDay(toEpochDay('2026-10-31') - back);
          const fast = scoreAllPlatform(policy, columnsFromUsers(users, feed, policy), asOf);
          users.forEach((u, i) => {
            const ref = scorePlatformUser(
              policy,
              u,
              feed.filter((f) => f.subject === u.subject),
              asOf,
            );
            expect(fast.score[i]).toBe(ref.score);
            expect(fast.listed[i]).toBe(ref.listed ? 1 : 0);
            const bits = ref.perks.reduce((b, p, k) => (p.granted ? b | (1 << k) : b), 0);
            expect(fast.perks[i]).toBe(bits);
          });
        },
      ),
      { numRuns: 15 },
    );
  });

  it('the compiled scorer counts window edges (12 m, 24 m, 5 y) and future events exactly as the interpreter', () => {
    // Each user has one kind of event at each age around the bucket bounds (and one after the date), so an
    // off-by-one in the branch-free bucketing changes a count and the score or a perk.
    const asOf = '2026-06-30';
    const day = toEpochDay(asOf);
    const ages = [-1, 0, 364, 365, 366, 729, 730, 731, 1825, 1826, 1827];
    const kinds = [
      'repay_on_time',
      'repay_late',
      'rental_returned',
      'rental_not_returned',
      'order_completed',
      'order_cancelled',
    ] as const;
    const users: PlatformUser[] = [];
    kinds.forEach((kind, ki) =>
      ages.forEach((age, ai) =>
        users.push({
          subject: `E${ki}-${ai}`,
          joined: '2015-01-01',
          verifiedOn: '2015-02-01',
          profileItems: 3,
          contactsVerifiedShare: 0.5,
          events: [
            { date: fromEpochDay(day - age), kind },
            { date: fromEpochDay(day - age), kind },
            { date: fromEpochDay(day - 10), kind: 'asset_snapshot', value: 1000 },
            // A later snapshot after the date must not count; one on the same day as an earlier one wins.
            { date: fromEpochDay(day + 1), kind: 'asset_snapshot', value: 1e9 },
            { date: fromEpochDay(day - 10), kind: 'asset_snapshot', value: 5e5 * (ai + 1) },
          ],
        }),
      ),
    );
    const fast = scoreAllPlatform(policy, columnsFromUsers(users, [], policy), asOf);
    const distinct = new Set<number>();
    users.forEach((u, i) => {
      const ref = scorePlatformUser(policy, u, [], asOf);
      expect(fast.score[i]).toBe(ref.score);
      expect(fast.perks[i]).toBe(ref.perks.reduce((b, p, k) => (p.granted ? b | (1 << k) : b), 0));
      distinct.add(ref.score);
    });
    expect(distinct.size).toBeGreaterThan(5);
  });

  it('stays within 350–950 and a new account starts at 350', () => {
    const users = syntheticPlatformUsers(ids, 4, '2026-10-31');
    const s = scoreAllPlatform(policy, columnsFromUsers(users, [], policy), '2026-10-31');
    for (const v of s.score) {
      expect(v).toBeGreaterThanOrEqual(350);
      expect(v).toBeLessThanOrEqual(950);
    }
    const fresh: PlatformUser = {
      subject: 'N',
      joined: '2026-10-20',
      profileItems: 5,
      contactsVerifiedShare: 1,
      events: [],
    };
    const r = scorePlatformUser(policy, fresh, [], '2026-10-31');
    expect(r.score).toBe(350);
    expect(r.newAccount).toBe(true);
  });

  const strong: PlatformUser = {
    subject: 'S',
    joined: '2016-01-01',
    verifiedOn: '2016-01-02',
    profileItems: 5,
    contactsVerifiedShare: 1,
    events: [
      ...Array.from({ length: 24 }, (_, k) => ({
        date: fromEpochDay(toEpochDay('2025-01-01') + 20 * k),
        kind: 'repay_on_time' as const,
      })),
      ...Array.from({ length: 120 }, (_, k) => ({
        date: fromEpochDay(toEpochDay('2025-11-01') + 2 * k),
        kind: 'order_completed' as const,
      })),
      { date: '2026-01-01', kind: 'asset_snapshot' as const, value: 2_000_000 },
    ],
  };

  it('grants perks at their documented thresholds, each with its reasons', () => {
    const r = scorePlatformUser(policy, strong, [], '2026-10-31');
    expect(r.score).toBeGreaterThanOrEqual(750);
    expect(r.perks.every((p) => p.granted)).toBe(true);
    expect(r.perks.find((p) => p.code === 'visa_report')!.reasons[0]).toMatch(/≥ 750/);
    // One late repayment within 5 years costs the Suzhou bike but no other perk.
    const late = {
      ...strong,
      events: [...strong.events, { date: '2024-03-01', kind: 'repay_late' as const }],
    };
    const r2 = scorePlatformUser(policy, late, [], '2026-10-31');
    expect(r2.perks.find((p) => p.code === 'suzhou_public_bike')!.granted).toBe(false);
    expect(r2.perks.find((p) => p.code === 'bike_deposit_free')!.granted).toBe(true);
  });

  it('a court listing arriving through the feed lowers the score and blocks every perk until it ends', () => {
    const feed: FeedItem[] = [
      { subject: 'S', kind: 'court.defaulter_listed', reportedAt: '2026-03-10' },
      { subject: 'S', kind: 'court.defaulter_deleted', reportedAt: '2026-09-01' },
    ];
    const before = scorePlatformUser(policy, strong, feed, '2026-03-09');
    const during = scorePlatformUser(policy, strong, feed, '2026-03-10');
    const after = scorePlatformUser(policy, strong, feed, '2026-09-01');
    expect(during.listed).toBe(true);
    expect(during.score).toBeLessThanOrEqual(policy.defaulter_feed.cap);
    expect(during.score).toBeLessThan(before.score);
    expect(during.perks.every((p) => !p.granted)).toBe(true);
    expect(during.perks[0]!.reasons.join(' ')).toMatch(/defaulter/);
    expect(after.listed).toBe(false);
    expect(after.perks.some((p) => p.granted)).toBe(true);
  });
});

describe('platform ratings', () => {
  const [ride, food] = loadRatingSystems();
  it('a new passenger shows the prior; the last 20 ratings count', () => {
    expect(ratingOf(ride!, [], 'P', '2026-01-01').rating).toBe(5);
    const lines = Array.from({ length: 30 }, (_, k) => ({
      system: ride!.code,
      subject: 'P',
      date: fromEpochDay(toEpochDay('2025-01-01') + k),
      stars: k < 10 ? 1 : 4,
    }));
    const r = ratingOf(ride!, lines, 'P', '2026-01-01');
    expect(r.counted).toBe(20);
    expect(r.rating).toBe(Math.round(((5 + 20 * 4) / 21) * 10) / 10);
  });
  it('a courier rating counts 30 days only', () => {
    const lines = [
      { system: food!.code, subject: 'C', date: '2025-12-01', stars: 1 },
      { system: food!.code, subject: 'C', date: '2025-12-20', stars: 5 },
    ];
    const r = ratingOf(food!, lines, 'C', '2026-01-05');
    expect(r.counted).toBe(1);
    expect(r.rating).toBe(Math.round(((4.8 * 5 + 5) / 6) * 100) / 100);
  });
});

describe('platform columns built directly', () => {
  it('score the same as the interpreter on the users they stand for', async () => {
    const { syntheticPlatformColumns, usersFromColumns } = await import('./synthetic.js');
    const c = syntheticPlatformColumns(400, 8, '2026-10-31');
    const fast = scoreAllPlatform(policy, c, '2026-06-30');
    const { users, feed } = usersFromColumns(c, 0, 400);
    users.forEach((u, i) => {
      if (u.joined > '2026-06-30') return;
      const ref = scorePlatformUser(
        policy,
        u,
        feed.filter((f) => f.subject === u.subject),
        '2026-06-30',
      );
      expect(fast.score[i]).toBe(ref.score);
    });
  });
});
