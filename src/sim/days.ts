// Fast calendar arithmetic for the step loop: epoch day → civil date without Date objects, and a cache of ISO
// strings (records and identifiers format the same few thousand days millions of times).

/** Civil date of an epoch day (Howard Hinnant's days_from_civil inverse), written into `out` as [y, m (1-12), d]. */
export function civil(day: number, out: Int32Array): Int32Array {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  out[0] = yoe + era * 400 + (m <= 2 ? 1 : 0);
  out[1] = m;
  out[2] = d;
  return out;
}

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
