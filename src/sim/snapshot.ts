// Engine state as the behaviour model sees it: per-subject grade, score, list membership and flags, written by the
// main thread between epochs and only read by district workers (so every worker sees the same state).
import { allocColumns, columnBuffers, viewColumns, type ColumnBuffers, type Columns } from './columns.js';

export const SNAPSHOT = {
  /** Municipal grade code (src/schemes/municipal GRADE_CODES), 255 = not scored. */
  grade: Uint8Array,
  score: Float32Array,
  /** Bit per list of the lists policy the subject is on (as the listed party). */
  lists: Uint8Array,
  flags: Uint8Array,
};
export type Snapshot = Columns<typeof SNAPSHOT> & { length: number };

/** Some measure denies or restricts an action the consumption process simulates, for this subject (by any relation). */
export const F_RESTRICTED = 1;
/** A consenting, scored resident within the response window below the next grade band. */
export const F_NEAR_THRESHOLD = 2;

export function allocSnapshot(subjects: number): Snapshot {
  const s = allocColumns(SNAPSHOT, subjects);
  s.grade.fill(255);
  s.score.fill(NaN);
  return s;
}
export function snapshotBuffers(s: Snapshot): ColumnBuffers {
  return columnBuffers(SNAPSHOT, s);
}
export function receiveSnapshot(b: ColumnBuffers): Snapshot {
  return viewColumns(SNAPSHOT, b);
}
