// The shape of a process module: hooks the district's epoch calls in a fixed order (see district.ts), each over the
// shared DistrictContext. A module implements only the hooks it needs.
import type { TimerKind } from '../district-context.js';

/** The process modules, in the order the epoch calls them (district.ts builds them in this order). */
export const PROCESS_NAMES = [
  'consumption',
  'credit',
  'annualReports',
  'appraisal',
  'vital',
  'conduct',
  'petitioning',
  'collectors',
  'relational',
  'awareness',
  'perks',
  'opinion',
  // Issue 15: off unless the scenario lists them (they need finance.yaml).
  'banks',
  'platforms',
  'firmGrades',
  // Issue 17: off unless the scenario lists them (they need coproduction.yaml; platformNotices also relational).
  'kpiReporting',
  'platformNotices',
  // Issue 17 §1, §5: off unless listed (they need coproduction.yaml's channels or trust block).
  'dataChannels',
  'trust',
] as const;
export type ProcessName = (typeof PROCESS_NAMES)[number];
/** What runs when a scenario does not list its processes: all but those needing an optional file. */
export const DEFAULT_PROCESSES: readonly ProcessName[] = PROCESS_NAMES.filter(
  (n) =>
    n !== 'banks' &&
    n !== 'platforms' &&
    n !== 'firmGrades' &&
    n !== 'kpiReporting' &&
    n !== 'platformNotices' &&
    n !== 'dataChannels' &&
    n !== 'trust',
);

export interface DistrictProcess {
  readonly name: ProcessName;
  /** A message from another partition or the main thread (delivered at the start of an epoch). */
  receive?(type: number, target: number, day: number): void;
  /** Once at the start of each epoch [from, to), before any day. */
  epochStart?(from: number, to: number): void;
  /** On the first step of each calendar year (and the first of the run). */
  yearStart?(year: number, day: number): void;
  /** On the first day of each month: a walk over the district's persons. */
  monthly?(day: number, month: number): void;
  /** On the first day of each month, after the `monthly` walks: one walk over the district's firms, every module's
   * hook per firm in module order. `k` is the firm's local index. */
  firmMonthly?(k: number, day: number): void;
  /** On the first day of each month, after the firm walk: processes that act once a year in their own month. */
  annual?(day: number, month: number): void;
  /** Every day, after the month's hooks. `month` is 1-12. */
  daily?(day: number, month: number, dom: number): void;
  /** Timers this module set, by kind: called with the local index it was set for. */
  readonly timers?: Partial<Record<TimerKind, (day: number, local: number) => void>>;
  /** Once per step of `len` days, after the day hooks of the step. `month` is 0-11. */
  step?(day: number, len: number, year: number, month: number): void;
  /** At the end of each epoch: add the module's counts of the epoch into `into` and reset them (manifest counts). */
  tally?(into: Map<string, number>): void;
  /** At the end of each epoch: the lenders' loan-book rows of the epoch (LOAN_ROW numbers each, banks.ts). */
  takeLoans?(): Float64Array;
}
