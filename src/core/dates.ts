// Calendar dates as ISO strings at the edges and as epoch-day integers inside engines and columns.

const MS_PER_DAY = 86_400_000;

/**
 * Parse YYYY-MM-DD to days since 1970-01-01 (UTC); NaN if malformed or not a real date. Years before 100 are
 * refused too (Date.UTC would read them as 19xx). Hand-rolled because record validation calls it several times per
 * record: the regex-and-Date version cost about a second of main thread in a 1M-resident simulation; the
 * property test checks it against that version.
 */
export function toEpochDay(iso: string): number {
  if (iso.length !== 10 || iso.charCodeAt(4) !== 45 || iso.charCodeAt(7) !== 45) return NaN;
  const y = digits(iso, 0, 4);
  const m = digits(iso, 5, 7);
  const d = digits(iso, 8, 10);
  if (y < 100 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m - 1)) return NaN;
  return daysFromCivil(y, m, d);
}

/** The decimal number in iso[from, to), or -1 if any character is not a digit. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * Civil date of an epoch day (H. Hinnant's civil_from_days, the inverse of daysFromCivil), written into `out` as
 * [y, m (1-12), d]: no Date object, for loops that convert millions of days.
 */
export function civilFromDays(day: number, out: Int32Array): Int32Array {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  out[0] = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out[1] = m;
  out[2] = doy - Math.floor((153 * mp + 2) / 5) + 1;
  return out;
}
const scratch = new Int32Array(3);

export function isIsoDate(iso: string): boolean {
  return !Number.isNaN(toEpochDay(iso));
}

/**
 * Each day's ISO text, kept once made (days 1900-01-01 … 2199-12-31 only, so the map stays small): explanations and
 * counterfactual searches print the same few thousand days many times over, and a Date with toISOString costs
 * several times a map read.
 */
const isoCache = new Map<number, string>();
const CACHE_FROM = -25_567;
const CACHE_TO = 84_006;

export function fromEpochDay(day: number): string {
  const hit = isoCache.get(day);
  if (hit !== undefined) return hit;
  const iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
  if (Number.isInteger(day) && day >= CACHE_FROM && day < CACHE_TO) isoCache.set(day, iso);
  return iso;
}

/** Day of week for an epoch day: 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * Add calendar years, clamping 29 Feb to 28 Feb in non-leap years. Integer arithmetic (H. Hinnant's civil_from_days)
 * for integer days landing in years 100…9999: every validity window of every evaluation calls this, and two Date
 * objects per call were a visible share of a credit report's counterfactual search (decision 0162). Anything else
 * takes the Date path it always took; the property test holds the two equal.
 */
export function addYears(day: number, years: number): number {
  if (Number.isInteger(day) && Number.isInteger(years)) {
    civilFromDays(day, scratch);
    const y = scratch[0]! + years;
    const m = scratch[1]!;
    const d = scratch[2]!;
    if (y >= 100 && y <= 9999) return daysFromCivil(y, m, Math.min(d, daysInMonth(y, m - 1)));
  }
  return addYearsByDate(day, years);
}

/** The Date version of addYears (Date.UTC reads years 0–99 as 19xx; kept for whatever the fast path does not take). */
export function addYearsByDate(day: number, years: number): number {
  const d = new Date(day * MS_PER_DAY);
  const y = d.getUTCFullYear() + years;
  const m = d.getUTCMonth();
  const dd = Math.min(d.getUTCDate(), daysInMonth(y, m));
  return Date.UTC(y, m, dd) / MS_PER_DAY;
}

/** Add calendar months, clamping to the end of the target month. */
export function addMonths(day: number, months: number): number {
  const d = new Date(day * MS_PER_DAY);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12;
  const dd = Math.min(d.getUTCDate(), daysInMonth(y, m));
  return Date.UTC(y, m, dd) / MS_PER_DAY;
}

/** Days in month `m` (0-based) of year `y`, proleptic Gregorian. */
function daysInMonth(y: number, m: number): number {
  if (m === 1) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 3 || m === 5 || m === 8 || m === 10 ? 30 : 31;
}

/** Age in completed years on `onDay` for someone born on `birthDay`. */
export function ageOn(birthDay: number, onDay: number): number {
  const b = new Date(birthDay * MS_PER_DAY);
  const o = new Date(onDay * MS_PER_DAY);
  let age = o.getUTCFullYear() - b.getUTCFullYear();
  if (
    o.getUTCMonth() < b.getUTCMonth() ||
    (o.getUTCMonth() === b.getUTCMonth() && o.getUTCDate() < b.getUTCDate())
  )
    age--;
  return age;
}
