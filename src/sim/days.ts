// Fast calendar arithmetic for the step loop: epoch day → civil date without Date objects, and a cache of ISO
// strings (records and identifiers format the same few thousand days millions of times).

import { civilFromDays as civil } from '../core/dates.js';

// The district context converts days with the same function (core/dates.ts).
export { civil };

const LO = -25_567; // 1900-01-01
const HI = 65_535; // 2149-06-06
const cache: (string | undefined)[] = new Array(HI - LO + 1);
const tmp = new Int32Array(3);

/** YYYY-MM-DD of an epoch day, cached. */
export function iso(day: number): string {
  const k = day - LO;
  const hit = k >= 0 && k < cache.length ? cache[k] : undefined;
  if (hit !== undefined) return hit;
  civil(day, tmp);
  const s = `${tmp[0]}-${tmp[1]! < 10 ? '0' : ''}${tmp[1]}-${tmp[2]! < 10 ? '0' : ''}${tmp[2]}`;
  if (k >= 0 && k < cache.length) cache[k] = s;
  return s;
}

/** YYYYMMDD of an epoch day (for identifiers). */
export function compact(day: number): string {
  const s = iso(day);
  return s.slice(0, 4) + s.slice(5, 7) + s.slice(8, 10);
}
