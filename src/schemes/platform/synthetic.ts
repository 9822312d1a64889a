// Synthetic platform users: dated repayments, rentals, orders and asset snapshots drawn per user from a latent
// reliability. Rates are assumptions for demos, tests and the benchmark.
import { fromEpochDay, toEpochDay } from '../../core/dates.js';
import { Rng } from '../../core/rng.js';
import type { EventKind, PlatformEvent, PlatformUser } from './features.js';

export interface RatingLine {
  system: string;
  subject: string;
  date: string;
  stars: number;
}

/** `ids` become users who joined up to 8 years before `until`; events fall in the 3 years before it. */
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
    const joined = end - r.int(8 * 365);
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
