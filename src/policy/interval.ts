// Numeric intervals as policies write them (over / atLeast / upTo / below), with the overlap and gap tests lint needs.

/** A band on a number. `over`/`below` are exclusive, `atLeast`/`upTo` inclusive; a missing side is unbounded. */
export interface Interval {
  over?: number;
  atLeast?: number;
  upTo?: number;
  below?: number;
}

/** Normal form: [lo, hi] with inclusivity flags; -Infinity / Infinity for open sides. */
export interface NormInterval {
  lo: number;
  loIncl: boolean;
  hi: number;
  hiIncl: boolean;
}

export function normalize(i: Interval | undefined): NormInterval {
  if (!i) return { lo: -Infinity, loIncl: false, hi: Infinity, hiIncl: false };
  const lo = i.over ?? i.atLeast ?? -Infinity;
  const hi = i.upTo ?? i.below ?? Infinity;
  return { lo, loIncl: i.atLeast !== undefined, hi, hiIncl: i.upTo !== undefined };
}

/** A problem with the interval itself (both bounds on one side, or empty), or undefined. */
export function intervalProblem(i: Interval): string | undefined {
  if (i.over !== undefined && i.atLeast !== undefined) return 'give either over or atLeast, not both';
  if (i.upTo !== undefined && i.below !== undefined) return 'give either upTo or below, not both';
  if (isEmpty(normalize(i))) return 'the interval is empty';
  return undefined;
}

export function isEmpty(n: NormInterval): boolean {
  return n.lo > n.hi || (n.lo === n.hi && !(n.loIncl && n.hiIncl));
}

export function contains(n: NormInterval, x: number): boolean {
  if (Number.isNaN(x)) return false;
  return (x > n.lo || (n.loIncl && x === n.lo)) && (x < n.hi || (n.hiIncl && x === n.hi));
}

export function intersects(a: NormInterval, b: NormInterval): boolean {
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  if (lo < hi) return true;
  if (lo > hi) return false;
  // Touching at one point: both must include it.
  return contains(a, lo) && contains(b, lo);
}

/**
 * How two bands sorted by lower bound meet: 'contiguous' when `next` starts exactly where `prev` ends with the
 * shared point in exactly one of them; 'overlap' or 'gap' otherwise.
 */
export function junction(prev: NormInterval, next: NormInterval): 'contiguous' | 'overlap' | 'gap' {
  if (prev.hi === next.lo) {
    if (prev.hiIncl && next.loIncl) return 'overlap';
    if (!prev.hiIncl && !next.loIncl) return Number.isFinite(prev.hi) ? 'gap' : 'overlap';
    return 'contiguous';
  }
  return prev.hi > next.lo ? 'overlap' : 'gap';
}

/** Sort key for bands: by lower bound, inclusive before exclusive. */
export function compareLower(a: NormInterval, b: NormInterval): number {
  if (a.lo !== b.lo) return a.lo < b.lo ? -1 : 1;
  return a.loIncl === b.loIncl ? 0 : a.loIncl ? -1 : 1;
}

export function formatInterval(i: Interval | undefined, unit = ''): string {
  const n = normalize(i);
  const u = unit ? ` ${unit}` : '';
  if (n.lo === -Infinity && n.hi === Infinity) return 'any';
  if (n.lo === -Infinity) return `${n.hiIncl ? '≤' : '<'} ${n.hi}${u}`;
  if (n.hi === Infinity) return `${n.loIncl ? '≥' : '>'} ${n.lo}${u}`;
  return `${n.loIncl ? '[' : '('}${n.lo}, ${n.hi}${n.hiIncl ? ']' : ')'}${u}`;
}
