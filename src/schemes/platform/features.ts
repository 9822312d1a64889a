// What a platform knows about a user as of a date: the features its score reads, from the user's dated events.
import { toEpochDay } from '../../core/dates.js';

export const EVENT_KINDS = [
  'repay_on_time',
  'repay_late',
  'asset_snapshot',
  'rental_returned',
  'rental_not_returned',
  'order_completed',
  'order_cancelled',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const FEATURES = [
  'on_time_share_24m',
  'late_24m',
  'account_years',
  'log10_assets',
  'rentals_returned_share_24m',
  'orders_12m',
  'cancel_share_12m',
  'verified',
  'profile_items',
  'contacts_verified_share',
] as const;
export type Feature = (typeof FEATURES)[number];

export interface PlatformEvent {
  date: string;
  kind: EventKind;
  value?: number;
}

export interface PlatformUser {
  subject: string;
  joined: string;
  verifiedOn?: string;
  profileItems: number;
  contactsVerifiedShare: number;
  events: PlatformEvent[];
}

/** Windows in days (24 and 12 months as 730 and 365 days) — the platform's own conventions, assumptions [U]. */
export const WINDOW_24M = 730;
export const WINDOW_12M = 365;
export const WINDOW_5Y = 1826;

/**
 * Features as of `day` (epoch). Shares use add-one smoothing (one good and one bad pseudo-event) so that a user
 * without events sits at the middle, not at either end.
 */
export function featuresOf(u: PlatformUser, day: number): Record<Feature, number> & { late_5y: number } {
  let onTime = 0;
  let late = 0;
  let late5 = 0;
  let ret = 0;
  let notRet = 0;
  let orders = 0;
  let cancels = 0;
  let assets = 0;
  let assetDay = -Infinity;
  for (const e of u.events) {
    const d = toEpochDay(e.date);
    if (d > day) continue;
    const age = day - d;
    switch (e.kind) {
      case 'repay_on_time':
        if (age < WINDOW_24M) onTime++;
        break;
      case 'repay_late':
        if (age < WINDOW_24M) late++;
        if (age < WINDOW_5Y) late5++;
        break;
      case 'asset_snapshot':
        if (d >= assetDay) {
          assetDay = d;
          assets = e.value ?? 0;
        }
        break;
      case 'rental_returned':
        if (age < WINDOW_24M) ret++;
        break;
      case 'rental_not_returned':
        if (age < WINDOW_24M) notRet++;
        break;
      case 'order_completed':
        if (age < WINDOW_12M) orders++;
        break;
      case 'order_cancelled':
        if (age < WINDOW_12M) cancels++;
        break;
    }
  }
  return {
    on_time_share_24m: (onTime + 1) / (onTime + late + 2),
    late_24m: late,
    account_years: (day - toEpochDay(u.joined)) / 365.25,
    log10_assets: Math.log10(1 + assets),
    rentals_returned_share_24m: (ret + 1) / (ret + notRet + 2),
    orders_12m: orders,
    cancel_share_12m: orders + cancels > 0 ? cancels / (orders + cancels) : 0,
    verified: u.verifiedOn !== undefined && toEpochDay(u.verifiedOn) <= day ? 1 : 0,
    profile_items: u.profileItems,
    contacts_verified_share: u.contactsVerifiedShare,
    late_5y: late5,
  };
}
