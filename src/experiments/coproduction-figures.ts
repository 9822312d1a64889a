// Figures of the kpiReporting module (issue 17, performative governance): what the graded offices' records and KPI
// scores say against the true events of the agencies they grade, each measured from a run's kpi.* counts. As with
// every figure, they read outcomes and cannot set one.
import type { SimResult } from '../sim/engine.js';
import type { Figure } from './figures.js';

const n = (r: SimResult, key: string) => r.society[`kpi.${key}`] ?? 0;
const notices = (r: SimResult, key: string) => r.society[`notices.${key}`] ?? 0;
/** Share of the listings of a group (pushed to the platforms or held back) that left the list within the run. */
const left = (r: SimResult, group: 'pushed' | 'held') =>
  ratio(notices(r, `left.${group}`), notices(r, group));
/** a ÷ b, NaN when b is 0 (the module was off or nothing happened). */
const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);

/** Records submitted per true event, in the baseline months or after them. */
const recordsPerTrue = (r: SimResult, phase: string) =>
  ratio(n(r, `${phase}.submitted`), n(r, `${phase}.true`));
/** Share of the true events the graded agencies recorded. */
const coverage = (r: SimResult, phase: string) => ratio(n(r, `${phase}.recorded`), n(r, `${phase}.true`));
/** KPI points earned as a share of the points the form could measure, at the first review or the later ones. */
const score = (r: SimResult, when: string) => ratio(n(r, `${when}.earned`), n(r, `${when}.measured`));

export const COPRODUCTION_FIGURES: Record<string, Figure> = {
  kpi_score_change_pp: {
    label: 'KPI score (share of measured points), later reviews minus the first',
    unit: 'percentage points',
    measure: (r) => 100 * (score(r, 'later') - score(r, 'first')),
  },
  kpi_records_change_pct: {
    label: 'Records per true event, after the baseline against the baseline',
    unit: '% change',
    measure: (r) => 100 * (recordsPerTrue(r, 'after') / recordsPerTrue(r, 'base') - 1),
  },
  kpi_coverage_change_pp: {
    label: 'True events the graded agencies recorded, after the baseline minus the baseline',
    unit: 'percentage points',
    measure: (r) => 100 * (coverage(r, 'after') - coverage(r, 'base')),
  },
  kpi_padded_share: {
    label: 'Share of the graded agencies’ records after the baseline that no new event underlies (padding)',
    unit: 'share',
    measure: (r) => ratio(n(r, 'after.padded'), n(r, 'after.submitted')),
  },
  kpi_score_over_coverage_pp: {
    label: 'KPI score change minus true-coverage change (the grade outrunning what it is meant to track)',
    unit: 'percentage points',
    measure: (r) =>
      100 * (score(r, 'later') - score(r, 'first') - (coverage(r, 'after') - coverage(r, 'base'))),
  },
  notices_left_gap_pp: {
    label: 'Listings that left the list within the run: pushed to the platforms minus held back',
    unit: 'percentage points',
    measure: (r) => 100 * (left(r, 'pushed') - left(r, 'held')),
  },
  notices_left_pushed: {
    label: 'Pushed listings that left the list within the run',
    unit: 'share',
    measure: (r) => left(r, 'pushed'),
  },
  notices_left_held: {
    label: 'Held-back listings that left the list within the run',
    unit: 'share',
    measure: (r) => left(r, 'held'),
  },
  notices_shunning_strangers: {
    label: 'Strangers who shunned the person, per pushed listing (the defaulter map)',
    unit: 'strangers',
    measure: (r) => ratio(notices(r, 'strangers.shunned'), notices(r, 'pushed')),
  },
  notices_pressing_callers: {
    label: 'Callers who pressed the person to pay, per pushed listing (the carrier notice)',
    unit: 'ties',
    measure: (r) => ratio(notices(r, 'callers.pressed'), notices(r, 'pushed')),
  },
  notices_income_lost: {
    label: 'Income share lost to shunning, per pushed listing',
    unit: 'share',
    measure: (r) => ratio(notices(r, 'income_lost'), notices(r, 'pushed')),
  },
};
