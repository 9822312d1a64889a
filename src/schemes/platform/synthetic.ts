// Synthetic platform users: dated repayments, rentals, orders and asset snapshots drawn per user from a latent
// reliability. Rates are assumptions for demos, tests and the benchmark.
import { fromEpochDay, toEpochDay } from '../../core/dates.js';
import { Rng } from '../../core/rng.js';
import type { PlatformColumns } from './compiled.js';
import { EVENT_KINDS, type EventKind, type PlatformEvent, type PlatformUser } from './features.js';
import type { FeedItem } from './feed.js';

export interface RatingLine {
  system: string;
  subject: string;
  date: string;
  stars: number;
}

/** `ids` become users who joined 1 to 8 years before `until`; events fall in the 3 years before it. */
export function syntheticPlatformUsers(
  ids: readonly string[],
  seed: number | string,
  until: string,
): PlatformUser[] {
  const rng = new Rng(seed);
  const end = toEpochDay(until);
  return ids.map((id) => {
    const r = rng.fork(id);
    const reliability = r.next();
    const joined = end - 365 - r.int(7 * 365);
    const events: PlatformEvent[] = [];
    const push = (kind: EventKind, value?: number) => {
      const d = Math.max(joined, end - r.int(3 * 365));
      const e: PlatformEvent = { date: fromEpochDay(d), kind };
      if (value !== undefined) e.value = value;
      events.push(e);
    };
    const repayments = r.poisson(12);
    for (let k = 0; k < repayments; k++)
      push(r.next() < 0.7 + 0.29 * reliability ? 'repay_on_time' : 'repay_late');
    const rentals = r.poisson(2);
    for (let k = 0; k < rentals; k++)
      push(r.next() < 0.9 + 0.1 * reliability ? 'rental_returned' : 'rental_not_returned');
    const orders = r.poisson(30);
    for (let k = 0; k < orders; k++)
      push(r.next() < 0.85 + 0.1 * reliability ? 'order_completed' : 'order_cancelled');
    push('asset_snapshot', Math.round(Math.exp(r.normal(8 + 2 * reliability, 1.2))));
    events.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const u: PlatformUser = {
      subject: id,
      joined: fromEpochDay(joined),
      profileItems: r.int(6),
      contactsVerifiedShare: Math.round(r.next() * 100) / 100,
      events,
    };
    if (r.next() < 0.85) u.verifiedOn = fromEpochDay(joined + r.int(60));
    return u;
  });
}

/** Ratings a ride-hailing platform's drivers give passengers and a delivery platform's customers give couriers. */
export function syntheticRatings(ids: readonly string[], seed: number | string, until: string): RatingLine[] {
  const rng = new Rng(seed);
  const end = toEpochDay(until);
  const out: RatingLine[] = [];
  for (const id of ids) {
    const r = rng.fork(id);
    const mean = 4 + r.next();
    for (const system of ['ride_hailing_passenger', 'food_delivery_courier']) {
      const n = r.poisson(system === 'ride_hailing_passenger' ? 15 : 25);
      for (let k = 0; k < n; k++)
        out.push({
          system,
          subject: id,
          date: fromEpochDay(end - r.int(180)),
          stars: Math.max(1, Math.min(5, Math.round(r.normal(mean, 0.8)))),
        });
    }
  }
  return out.sort((a, b) =>
    a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.date < b.date ? -1 : a.date > b.date ? 1 : 0,
  );
}

/**
 * The same kind of population straight into columns (no object per event), for a million users: about 12
 * repayments, 2 rentals, 10 orders and one asset snapshot each, within 3 years before `until`.
 */
export function syntheticPlatformColumns(n: number, seed: number | string, until: string): PlatformColumns {
  const rng = new Rng(seed);
  const end = toEpochDay(until);
  const counts = new Uint32Array(n);
  const rel = new Float64Array(n);
  const joined = new Int32Array(n);
  const c: PlatformColumns = {
    subjects: Array.from({ length: n }, (_, i) => `U${i}`),
    joined,
    verifiedOn: new Int32Array(n),
    profileItems: new Float64Array(n),
    contactsVerified: new Float64Array(n),
    evStart: new Uint32Array(n + 1),
    evDay: new Int32Array(0),
    evKind: new Uint8Array(0),
    evValue: new Float64Array(0),
    feedStart: new Uint32Array(n + 1),
    feedDay: new Int32Array(0),
    feedDelta: new Int8Array(0),
  };
  let total = 0;
  for (let i = 0; i < n; i++) {
    rel[i] = rng.next();
    joined[i] = end - rng.int(8 * 365);
    c.verifiedOn[i] = rng.next() < 0.85 ? joined[i]! + rng.int(60) : 2147483647;
    c.profileItems[i] = rng.int(6);
    c.contactsVerified[i] = Math.round(rng.next() * 100) / 100;
    counts[i] = 1 + rng.poisson(12) + rng.poisson(2) + rng.poisson(10);
    total += counts[i]!;
  }
  c.evDay = new Int32Array(total);
  c.evKind = new Uint8Array(total);
  c.evValue = new Float64Array(total);
  let e = 0;
  for (let i = 0; i < n; i++) {
    c.evStart[i] = e;
    const r = rel[i]!;
    for (let k = 0; k < counts[i]!; k++, e++) {
      c.evDay[e] = Math.max(joined[i]!, end - rng.int(3 * 365));
      const u = rng.next();
      if (k === 0) {
        c.evKind[e] = 2;
        c.evValue[e] = Math.round(Math.exp(rng.normal(8 + 2 * r, 1.2)));
      } else if (u < 0.5) c.evKind[e] = rng.next() < 0.7 + 0.29 * r ? 0 : 1;
      else if (u < 0.58) c.evKind[e] = rng.next() < 0.9 + 0.1 * r ? 3 : 4;
      else c.evKind[e] = rng.next() < 0.85 + 0.1 * r ? 5 : 6;
    }
  }
  c.evStart[n] = e;
  // One user in fifty is listed as a court defaulter at some point in the last two years; half are deleted again.
  const fd: number[] = [];
  const fs: number[] = [];
  for (let i = 0; i < n; i++) {
    c.feedStart[i] = fd.length;
    if (rng.next() < 0.02) {
      const d = end - rng.int(730);
      fd.push(d);
      fs.push(1);
      if (rng.next() < 0.5) {
        fd.push(d + 30 + rng.int(300));
        fs.push(-1);
      }
    }
  }
  c.feedStart[n] = fd.length;
  c.feedDay = Int32Array.from(fd);
  c.feedDelta = Int8Array.from(fs);
  return c;
}

/** Users as objects from columns (for the reference interpreter); the feed comes back as items. */
export function usersFromColumns(
  c: PlatformColumns,
  from: number,
  to: number,
): { users: PlatformUser[]; feed: FeedItem[] } {
  const users: PlatformUser[] = [];
  const feed: FeedItem[] = [];
  for (let i = from; i < to; i++) {
    const events: PlatformEvent[] = [];
    for (let e = c.evStart[i]!; e < c.evStart[i + 1]!; e++) {
      const ev: PlatformEvent = { date: fromEpochDay(c.evDay[e]!), kind: EVENT_KINDS[c.evKind[e]!]! };
      if (c.evKind[e] === 2) ev.value = c.evValue[e]!;
      events.push(ev);
    }
    const u: PlatformUser = {
      subject: c.subjects[i]!,
      joined: fromEpochDay(c.joined[i]!),
      profileItems: c.profileItems[i]!,
      contactsVerifiedShare: c.contactsVerified[i]!,
      events,
    };
    if (c.verifiedOn[i]! < 2147483647) u.verifiedOn = fromEpochDay(c.verifiedOn[i]!);
    users.push(u);
    for (let q = c.feedStart[i]!; q < c.feedStart[i + 1]!; q++)
      feed.push({
        subject: u.subject,
        kind: c.feedDelta[q]! > 0 ? 'court.defaulter_listed' : 'court.defaulter_deleted',
        reportedAt: fromEpochDay(c.feedDay[q]!),
      });
  }
  return { users, feed };
}
