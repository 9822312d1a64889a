// Builds the friendship and co-worker network as compressed sparse rows (undirected; both directions stored).
import type { Rng } from '../core/rng.js';
import { Grow } from './columns.js';
import type { PopulationFile } from './scenario-schema.js';
import {
  ageYears,
  sharedInt32,
  sharedUint32,
  type DistrictLayout,
  type FirmCols,
  type Network,
  type PersonCols,
} from './world.js';

/** Bound of the age buckets (the scenario's age tables end at 120); not a behaviour. */
const MAX_AGE = 120;

export function generateNetwork(
  rng: Rng,
  spec: PopulationFile['network'],
  P: PersonCols,
  F: FirmCols,
  districts: DistrictLayout[],
  startDay: number,
): Network {
  const from = new Grow(Int32Array, 1 << 16);
  const to = new Grow(Int32Array, 1 << 16);
  // Adults of each district bucketed by age, for same-district friendships within an age window.
  const buckets = districts.map((d) => {
    const counts = new Int32Array(MAX_AGE + 2);
    for (let i = d.personStart; i < d.personStart + d.personInitial; i++) {
      const a = ageYears(P.birth[i]!, startDay);
      if (a >= spec.minAge) counts[Math.min(a, MAX_AGE) + 1]!++;
    }
    for (let a = 1; a < counts.length; a++) counts[a]! += counts[a - 1]!;
    const items = new Int32Array(counts[counts.length - 1]!);
    const fill = counts.slice();
    for (let i = d.personStart; i < d.personStart + d.personInitial; i++) {
      const a = ageYears(P.birth[i]!, startDay);
      if (a >= spec.minAge) items[fill[Math.min(a, MAX_AGE)]!++] = i;
    }
    return { counts, items };
  });
  const pickAged = (di: number, lo: number, hi: number, r: Rng): number => {
    const b = buckets[di]!;
    const a = b.counts[Math.max(0, lo)]!;
    const z = b.counts[Math.min(MAX_AGE, hi) + 1]!;
    return z > a ? b.items[a + r.int(z - a)]! : -1;
  };
  districts.forEach((d, di) => {
    const r = rng.fork(`friends:${d.code}`);
    for (let i = d.personStart; i < d.personStart + d.personInitial; i++) {
      const a = ageYears(P.birth[i]!, startDay);
      if (a < spec.minAge) continue;
      for (let k = 0; k < spec.friendsPerAdult; k++) {
        const dj = r.next() < spec.sameDistrict || districts.length === 1 ? di : r.int(districts.length);
        const j = pickAged(dj, a - spec.ageWindow, a + spec.ageWindow, r);
        if (j >= 0 && j !== i) {
          from.push(i);
          to.push(j);
        }
      }
    }
  });
  // Co-workers: each worker links to a few colleagues at the same firm.
  const firmStaffStart = new Int32Array(F.length + 1);
  for (let i = 0; i < P.length; i++) if (P.employer[i]! >= 0) firmStaffStart[P.employer[i]! + 1]!++;
  for (let j = 0; j < F.length; j++) firmStaffStart[j + 1]! += firmStaffStart[j]!;
  const staff = new Int32Array(firmStaffStart[F.length]!);
  const fill = firmStaffStart.slice();
  for (let i = 0; i < P.length; i++) if (P.employer[i]! >= 0) staff[fill[P.employer[i]!]!++] = i;
  const rc = rng.fork('coworkers');
  for (let j = 0; j < F.length; j++) {
    const lo = firmStaffStart[j]!;
    const n = firmStaffStart[j + 1]! - lo;
    if (n < 2) continue;
    for (let s = 0; s < n; s++) {
      const i = staff[lo + s]!;
      const k = Math.min(spec.coworkersPerWorker, n - 1);
      for (let t = 0; t < k; t++) {
        const c = staff[lo + rc.int(n)]!;
        if (c !== i && c > i) {
          // only the lower index initiates, so each pair is drawn from one side and stays symmetric
          from.push(i);
          to.push(c);
        }
      }
    }
  }
  return toCsr(P.length, from.take(), to.take());
}

/** Symmetric CSR with duplicate ties removed; rows sorted, so the layout is independent of generation order. */
export function toCsr(n: number, a: Int32Array, b: Int32Array): Network {
  const deg = new Uint32Array(n + 1);
  for (let e = 0; e < a.length; e++) {
    deg[a[e]! + 1]!++;
    deg[b[e]! + 1]!++;
  }
  for (let i = 0; i < n; i++) deg[i + 1]! += deg[i]!;
  const col = new Int32Array(deg[n]!);
  const fill = deg.slice(0, n);
  for (let e = 0; e < a.length; e++) {
    col[fill[a[e]!]!++] = b[e]!;
    col[fill[b[e]!]!++] = a[e]!;
  }
  // sort and dedupe each row into shared memory
  const rowPtr = sharedUint32(n + 1);
  let w = 0;
  const out = new Int32Array(col.length);
  for (let i = 0; i < n; i++) {
    const row = col.subarray(deg[i]!, deg[i + 1]!).sort();
    rowPtr[i] = w;
    for (let k = 0; k < row.length; k++) if (k === 0 || row[k] !== row[k - 1]) out[w++] = row[k]!;
  }
  rowPtr[n] = w;
  const shared = sharedInt32(w);
  shared.set(out.subarray(0, w));
  return { rowPtr, col: shared };
}
