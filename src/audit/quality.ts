// Data quality over any ledger: timeliness against the 1-month entry rule, Suzhou-style entry rate and completeness,
// and signals of quota behaviour (bonus spikes before evaluation dates, heaping of amounts).
import type { Catalogue } from '../core/catalogue.js';
import { addMonths, fromEpochDay, toEpochDay } from '../core/dates.js';
import type { RecordColumns } from '../ledger/ledger.js';

const ORIGINAL = 0;
const WITHDRAWAL = 2;

export interface TimelinessRow {
  key: string;
  n: number;
  late: number;
  onTimeShare: number;
  medianLagDays: number;
  p90LagDays: number;
}

export interface Timeliness {
  rule: string;
  overall: TimelinessRow;
  byAgency: TimelinessRow[];
  byKind: TimelinessRow[];
}

/**
 * Records must be entered within 1 month of arising (Wendeng Art. 20, DOMAIN §2.4.1): a record is late when its
 * reported date is after occurred + 1 calendar month. Only original statements are judged (corrections and
 * withdrawals have their own clocks).
 */
export function timeliness(cols: RecordColumns, cat: Catalogue): Timeliness {
  const n = cols.length;
  const deadline = deadlineTable(cols);
  const A = cols.agencies.length;
  const K = cat.kinds.length;
  // Lag histograms (days, capped at MAX_LAG) per agency, per kind and overall: exact medians without sorting 10M lags.
  const histA = new Float64Array(A * (MAX_LAG + 1));
  const histK = new Float64Array(K * (MAX_LAG + 1));
  const histAll = new Float64Array(MAX_LAG + 1);
  const lateA = new Float64Array(A);
  const lateK = new Float64Array(K);
  let lateAll = 0;
  for (let i = 0; i < n; i++) {
    if (cols.status[i] !== ORIGINAL) continue;
    const occ = cols.occurred[i]!;
    const rep = cols.reported[i]!;
    const lag = Math.min(MAX_LAG, Math.max(0, rep - occ));
    const a = cols.agency[i]!;
    const k = cols.kind[i]!;
    histA[a * (MAX_LAG + 1) + lag]++;
    histK[k * (MAX_LAG + 1) + lag]++;
    histAll[lag]++;
    if (rep > deadline.at(occ)) {
      lateA[a]++;
      lateK[k]++;
      lateAll++;
    }
  }
  const rows = (hist: Float64Array, late: Float64Array, names: readonly string[]) =>
    names
      .map((name, k) => summarise(name, hist.subarray(k * (MAX_LAG + 1), (k + 1) * (MAX_LAG + 1)), late[k]!))
      .filter((r) => r.n > 0)
      .sort((a, b) => a.onTimeShare - b.onTimeShare || a.key.localeCompare(b.key));
  return {
    rule: 'entered within 1 month of arising (Wendeng Art. 20; DOMAIN §2.4.1)',
    overall: summarise('all', histAll, lateAll),
    byAgency: rows(histA, lateA, cols.agencies),
    byKind: rows(
      histK,
      lateK,
      cat.kinds.map((k) => k.code),
    ),
  };
}

/** Lags are counted exactly up to this many days; longer ones count as MAX_LAG in the percentiles. */
export const MAX_LAG = 4000;

/** occurred + 1 calendar month for every day in the data's range, so the hot loop does no date arithmetic. */
function deadlineTable(cols: RecordColumns): { at(day: number): number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < cols.length; i++) {
    const d = cols.occurred[i]!;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  if (!Number.isFinite(lo)) return { at: (d) => addMonths(d, 1) };
  const t = new Int32Array(hi - lo + 1);
  for (let d = lo; d <= hi; d++) t[d - lo] = addMonths(d, 1);
  return { at: (d) => t[d - lo]! };
}

/** Percentiles by the nearest-rank rule on the (sorted) lags: index round(p·(n−1)). */
function summarise(key: string, hist: Float64Array, late: number): TimelinessRow {
  let n = 0;
  for (let i = 0; i < hist.length; i++) n += hist[i]!;
  const q = (p: number) => {
    if (!n) return NaN;
    const target = Math.min(n - 1, Math.floor(p * (n - 1) + 0.5));
    let c = 0;
    for (let i = 0; i < hist.length; i++) {
      c += hist[i]!;
      if (c > target) return i;
    }
    return hist.length - 1;
  };
  return {
    key,
    n,
    late,
    onTimeShare: n ? (n - late) / n : NaN,
    medianLagDays: q(0.5),
    p90LagDays: q(0.9),
  };
}

export interface KpiRow {
  agency: string;
  submitted: number;
  /** Originals not later withdrawn or corrected. */
  valid: number;
  entryRate: number;
  /** Records carrying every field their kind calls for (severity, issuing level of bonuses, amount). */
  complete: number;
  completeness: number;
  onTimeShare: number;
  entryRatePass: boolean;
  completenessPass: boolean;
}

export interface Kpi {
  form: string;
  threshold: number;
  rows: KpiRow[];
  overall: KpiRow;
}

/**
 * The data-quality items of the Suzhou department credit-work KPI form (DOMAIN §9.3): valid entry rate (valid
 * records ÷ submitted) and completeness/accuracy, each at full marks from 95 %. How marks fall below 95 % is not
 * stated in the form [U], so only pass/fail is reported. A submitted statement counts as not valid when a later
 * withdrawal or correction supersedes it (the agency itself took it back).
 */
export function suzhouKpi(cols: RecordColumns, cat: Catalogue, threshold = 0.95): Kpi {
  const n = cols.length;
  const superseded = new Uint8Array(n);
  for (let j = 0; j < cols.supersedeFrom.length; j++) {
    const to = cols.supersedeTo[j]!;
    if (to >= 0) superseded[to] = 1;
  }
  const A = cols.agencies.length;
  const sub = new Float64Array(A + 1);
  const val = new Float64Array(A + 1);
  const comp = new Float64Array(A + 1);
  const onTime = new Float64Array(A + 1);
  const needSeverity = cat.kinds.map((k) => (k.severities?.length ?? 0) > 0);
  const needLevel = cat.kinds.map((k) => k.polarity === 'positive');
  const needAmount = cat.kinds.map((k) => k.unit !== undefined);
  const deadline = deadlineTable(cols);
  for (let i = 0; i < n; i++) {
    if (cols.status[i] !== ORIGINAL) continue;
    const a = cols.agency[i]!;
    const k = cols.kind[i]!;
    const complete =
      (!needSeverity[k] || cols.severity[i]! > 0) &&
      (!needLevel[k] || cols.level[i]! > 0) &&
      (!needAmount[k] || cols.amount[i] === cols.amount[i]);
    const ok = cols.reported[i]! <= deadline.at(cols.occurred[i]!);
    sub[a]++;
    sub[A]++;
    if (!superseded[i]) {
      val[a]++;
      val[A]++;
    }
    if (complete) {
      comp[a]++;
      comp[A]++;
    }
    if (ok) {
      onTime[a]++;
      onTime[A]++;
    }
  }
  const row = (agency: string, s: number): KpiRow => {
    const entryRate = sub[s] ? val[s]! / sub[s]! : NaN;
    const completeness = sub[s] ? comp[s]! / sub[s]! : NaN;
    return {
      agency,
      submitted: sub[s]!,
      valid: val[s]!,
      entryRate,
      complete: comp[s]!,
      completeness,
      onTimeShare: sub[s] ? onTime[s]! / sub[s]! : NaN,
      entryRatePass: entryRate >= threshold,
      completenessPass: completeness >= threshold,
    };
  };
  const rows = cols.agencies
    .map((a, i) => row(a, i))
    .filter((r) => r.submitted > 0)
    .sort((x, y) => x.entryRate - y.entryRate || x.agency.localeCompare(y.agency));
  return {
    form: 'Suzhou department credit-work KPI, reporting items (DOMAIN §9.3)',
    threshold,
    rows,
    overall: row('all', A),
  };
}

export interface SpikeRow {
  agency: string;
  windowCount: number;
  windowDays: number;
  otherCount: number;
  otherDays: number;
  /** Daily rate inside the windows ÷ daily rate outside. */
  ratio: number;
  /** (observed − expected) / √expected inside the windows, expected from the outside rate (Poisson). */
  z: number;
  flag: boolean;
}

export interface SpikeOptions {
  /** Evaluation dates (YYYY-MM-DD); default: every 31 Dec in the data's range. */
  evaluationDates?: string[];
  windowDays?: number;
  /** Flag when ratio ≥ minRatio and z ≥ minZ. */
  minRatio?: number;
  minZ?: number;
}

export interface Spikes {
  evaluationDates: string[];
  windowDays: number;
  /** Bonus records entered per calendar month (YYYY-MM), for plotting. */
  monthly: { month: string; count: number }[];
  overall: SpikeRow;
  byAgency: SpikeRow[];
}

/**
 * Quota signal 1: are bonus (positive-polarity) records concentrated in the weeks before evaluation dates? Counted
 * by the date the agency entered them, since entries made to meet a target bunch up on the reporting side.
 */
export function bonusSpikes(cols: RecordColumns, cat: Catalogue, opts: SpikeOptions = {}): Spikes {
  const W = opts.windowDays ?? 30;
  const positive = cat.kinds.map((k) => k.polarity === 'positive');
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < cols.length; i++) {
    lo = Math.min(lo, cols.reported[i]!);
    hi = Math.max(hi, cols.reported[i]!);
  }
  const dates =
    opts.evaluationDates ??
    (Number.isFinite(lo)
      ? Array.from(
          { length: Number(fromEpochDay(hi).slice(0, 4)) - Number(fromEpochDay(lo).slice(0, 4)) + 1 },
          (_, y) => `${Number(fromEpochDay(lo).slice(0, 4)) + y}-12-31`,
        )
      : []);
  const inWindow = new Uint8Array(Number.isFinite(hi) ? hi - lo + 1 : 0);
  for (const d of dates) {
    const e = toEpochDay(d);
    for (let x = e - W + 1; x <= e; x++) if (x >= lo && x <= hi) inWindow[x - lo] = 1;
  }
  let wDays = 0;
  for (const x of inWindow) wDays += x;
  const oDays = inWindow.length - wDays;
  const A = cols.agencies.length;
  const win = new Float64Array(A + 1);
  const out = new Float64Array(A + 1);
  const months = new Map<string, number>();
  const monthOf = new Map<number, string>();
  for (let i = 0; i < cols.length; i++) {
    if (!positive[cols.kind[i]!] || cols.status[i] !== ORIGINAL) continue;
    const d = cols.reported[i]!;
    let m = monthOf.get(d);
    if (m === undefined) monthOf.set(d, (m = fromEpochDay(d).slice(0, 7)));
    months.set(m, (months.get(m) ?? 0) + 1);
    const slot = inWindow[cols.reported[i]! - lo] ? win : out;
    slot[cols.agency[i]!]++;
    slot[A]++;
  }
  const minRatio = opts.minRatio ?? 1.5;
  const minZ = opts.minZ ?? 3;
  const row = (agency: string, s: number): SpikeRow => {
    const rateOut = oDays ? out[s]! / oDays : NaN;
    const expected = rateOut * wDays;
    const ratio = wDays && rateOut > 0 ? win[s]! / wDays / rateOut : NaN;
    const z = expected > 0 ? (win[s]! - expected) / Math.sqrt(expected) : NaN;
    return {
      agency,
      windowCount: win[s]!,
      windowDays: wDays,
      otherCount: out[s]!,
      otherDays: oDays,
      ratio,
      z,
      flag: ratio >= minRatio && z >= minZ,
    };
  };
  const byAgency = cols.agencies
    .map((a, i) => row(a, i))
    .filter((r) => r.windowCount + r.otherCount > 0)
    .sort((x, y) => (y.z || 0) - (x.z || 0) || x.agency.localeCompare(y.agency));
  const monthly = [...months]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([month, count]) => ({ month, count }));
  return { evaluationDates: dates, windowDays: W, monthly, overall: row('all', A), byAgency };
}

export interface HeapingRow {
  kind: string;
  unit: string;
  n: number;
  /** Whipple-style index per base m: 100 × m × (share of amounts that are multiples of m); 100 = no heaping. */
  whipple: Record<string, number>;
  /** Share of amounts exactly on a rule threshold, and the share within ±10 % of one but not on it. */
  onThreshold?: number;
  nearThreshold?: number;
  flag: boolean;
}

/**
 * Quota signal 2: heaping of amounts (hours, yuan, months). Genuine amounts spread over the digits; typed-in or
 * targeted ones pile up on round numbers and on the thresholds of point bands (e.g. 10, 20, 50 volunteer hours).
 * Amounts below the base are left out of that base's index (they cannot be a multiple except 0).
 */
export function heaping(
  cols: RecordColumns,
  cat: Catalogue,
  thresholds: Map<string, number[]> = new Map(),
  bases: number[] = [5, 10, 100],
  flagAt = 200,
): HeapingRow[] {
  const K = cat.kinds.length;
  const amounts: number[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < cols.length; i++) {
    const a = cols.amount[i]!;
    if (a === a && cols.status[i] !== WITHDRAWAL) amounts[cols.kind[i]!]!.push(a);
  }
  const out: HeapingRow[] = [];
  cat.kinds.forEach((k, ki) => {
    const xs = amounts[ki]!;
    if (!k.unit || xs.length === 0) return;
    const whipple: Record<string, number> = {};
    let flag = false;
    for (const m of bases) {
      let elig = 0;
      let hit = 0;
      for (const x of xs) {
        if (x < m || !Number.isInteger(x)) continue;
        elig++;
        if (x % m === 0) hit++;
      }
      if (elig >= 20) {
        whipple[m] = (100 * m * hit) / elig;
        flag ||= whipple[m]! >= flagAt;
      }
    }
    const row: HeapingRow = { kind: k.code, unit: k.unit, n: xs.length, whipple, flag };
    const th = thresholds.get(k.code);
    if (th && th.length) {
      let on = 0;
      let near = 0;
      for (const x of xs) {
        if (th.includes(x)) on++;
        else if (th.some((t) => Math.abs(x - t) <= 0.1 * t)) near++;
      }
      row.onThreshold = on / xs.length;
      row.nearThreshold = near / xs.length;
    }
    out.push(row);
  });
  return out.sort((a, b) => Number(b.flag) - Number(a.flag) || a.kind.localeCompare(b.kind));
}
