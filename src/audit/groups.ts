// Subject attributes as dictionary-coded typed arrays: hukou, role, sex, age band, district, and their intersections.
import { ageOn } from '../core/dates.js';

/** Code for "attribute not known" (excluded from every group). */
export const MISSING = 0xffff;

/** One categorical attribute of the audited population: codes[i] indexes labels, or MISSING. */
export interface Attribute {
  /** Stable key, e.g. 'hukou', 'hukou×sex'. */
  name: string;
  labels: string[];
  codes: Uint16Array;
}

/** Dictionary-encode string values (sorted labels so the coding is deterministic). Null/undefined/'' → MISSING. */
export function encodeAttribute(
  name: string,
  values: ArrayLike<string | null | undefined>,
  order?: readonly string[],
): Attribute {
  const present = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && v !== '') present.add(v);
  }
  const labels = order
    ? [...order.filter((l) => present.has(l)), ...[...present].filter((l) => !order.includes(l)).sort()]
    : [...present].sort();
  if (labels.length >= MISSING) throw new RangeError(`attribute ${name} has too many distinct values`);
  const index = new Map(labels.map((l, i) => [l, i]));
  const codes = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    codes[i] = v === null || v === undefined || v === '' ? MISSING : index.get(v)!;
  }
  return { name, labels, codes };
}

/** Cross two attributes: label 'a×b'; missing if either is missing. Only combinations that occur are kept. */
export function intersect(a: Attribute, b: Attribute): Attribute {
  const n = a.codes.length;
  if (b.codes.length !== n) throw new RangeError('attributes of different populations');
  const nb = b.labels.length;
  const cells = a.labels.length * nb;
  if (cells >= MISSING) throw new RangeError(`${a.name}×${b.name} has too many cells`);
  const present = new Uint8Array(cells);
  const raw = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = a.codes[i]!;
    const y = b.codes[i]!;
    if (x === MISSING || y === MISSING) {
      raw[i] = -1;
      continue;
    }
    const k = x * nb + y;
    raw[i] = k;
    present[k] = 1;
  }
  // Keep only the combinations that occur, numbered in (a, b) order.
  const renum = new Int32Array(cells).fill(-1);
  const labels: string[] = [];
  for (let k = 0; k < cells; k++)
    if (present[k]) {
      renum[k] = labels.length;
      labels.push(`${a.labels[Math.floor(k / nb)]}×${b.labels[k % nb]}`);
    }
  const codes = new Uint16Array(n);
  for (let i = 0; i < n; i++) codes[i] = raw[i]! < 0 ? MISSING : renum[raw[i]!]!;
  return { name: `${a.name}×${b.name}`, labels, codes };
}

/** Age bands used by default (adults; the municipal schemes score people 18+). */
export const AGE_BANDS: readonly [string, number, number][] = [
  ['<18', 0, 17],
  ['18-29', 18, 29],
  ['30-44', 30, 44],
  ['45-59', 45, 59],
  ['60+', 60, 200],
];

/** Age band on `onDay` (epoch day) from birth epoch days (NaN → MISSING). */
export function ageBands(birthDays: ArrayLike<number>, onDay: number): Attribute {
  const codes = new Uint16Array(birthDays.length);
  // Many people share a birthday: compute each distinct day's band once.
  const cache = new Map<number, number>();
  for (let i = 0; i < birthDays.length; i++) {
    const b = birthDays[i]!;
    if (!Number.isFinite(b)) {
      codes[i] = MISSING;
      continue;
    }
    let c = cache.get(b);
    if (c === undefined) {
      const age = ageOn(b, onDay);
      c = MISSING;
      for (let j = 0; j < AGE_BANDS.length; j++)
        if (age >= AGE_BANDS[j]![1] && age <= AGE_BANDS[j]![2]) c = j;
      cache.set(b, c);
    }
    codes[i] = c;
  }
  return { name: 'age_band', labels: AGE_BANDS.map((b) => b[0]), codes };
}

/** Restrict an attribute to the subjects where mask[i] is 1 (others become MISSING). */
export function restrict(attr: Attribute, mask: Uint8Array): Attribute {
  const codes = attr.codes.slice();
  for (let i = 0; i < codes.length; i++) if (!mask[i]) codes[i] = MISSING;
  return { ...attr, codes };
}
