// Figures of the kpiReporting module (issue 17, performative governance): what the graded offices' records and KPI
// scores say against the true events of the agencies they grade, each measured from a run's kpi.* counts. As with
// every figure, they read outcomes and cannot set one.
import type { SimResult } from '../sim/engine.js';
import type { Figure } from './figures.js';

const n = (r: SimResult, key: string) => r.society[`kpi.${key}`] ?? 0;
const notices = (r: SimResult, key: string) => r.society[`notices.${key}`] ?? 0;
const soc = (r: SimResult, key: string) => r.society[key] ?? 0;
/** Mean generalised trust at the year's end, less the same adults' baseline (trust module). */
const trustChange = (r: SimResult) =>
  ratio(soc(r, 'trust.yearEnd.sum') - soc(r, 'trust.yearEnd.base'), soc(r, 'trust.yearEnd.n'));
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
  // What the state sees against what happens (issue 17 §5): records, lists, perks and channel cells on one side;
  // untrustworthy conduct, repayment, generalised trust and privacy spent on the other.
  seen_records_per_true: {
    label: 'What the state sees: graded agencies’ records per true event, after the baseline',
    unit: 'records',
    measure: (r) => recordsPerTrue(r, 'after'),
  },
  seen_kpi_score: {
    label: 'What the state sees: KPI score at the later reviews (share of measured points)',
    unit: 'share',
    measure: (r) => score(r, 'later'),
  },
  seen_listings_per_1000: {
    label: 'What the state sees: defaulter listings per 1,000 adult-years',
    unit: 'listings',
    measure: (r) => ratio(1000 * notices(r, 'listed'), soc(r, 'trust.adultMonths') / 12),
  },
  seen_perk_takeup: {
    label: 'What the state sees: perk take-up (users ÷ eligible residents, monthly)',
    unit: 'share',
    measure: (r) => ratio(soc(r, 'perks.users'), soc(r, 'perks.eligible')),
  },
  seen_channel_cells: {
    label: 'What the state sees: cells the firm’s channel released to the city',
    unit: 'cells',
    measure: (r) => (soc(r, 'channels.requests') > 0 ? soc(r, 'channels.cells') : NaN),
  },
  seen_channel_error: {
    label: 'Error of the released counts against the firm’s true counts (noise), relative',
    unit: 'share',
    measure: (r) => ratio(soc(r, 'channels.abs_error'), soc(r, 'channels.true.released')),
  },
  true_conduct_per_1000: {
    label: 'What happens: untrustworthy conduct (true events) per 1,000 adult-years',
    unit: 'events',
    measure: (r) => ratio(1000 * soc(r, 'trust.conduct'), soc(r, 'trust.adultMonths') / 12),
  },
  true_repaid_share: {
    label: 'What happens: listings that left the list within the run (repaid, mostly)',
    unit: 'share',
    measure: (r) => ratio(notices(r, 'left.pushed') + notices(r, 'left.held'), notices(r, 'listed')),
  },
  true_trust_change_pp: {
    label: 'What happens: generalised trust at the year’s end minus its baseline',
    unit: 'percentage points',
    measure: (r) => 100 * trustChange(r),
  },
  true_privacy_rho: {
    label: 'What happens: privacy budget spent on the firm’s users (zCDP ρ, summed over periods)',
    unit: 'ρ',
    measure: (r) => (soc(r, 'channels.requests') > 0 ? soc(r, 'channels.rho') : NaN),
  },
  true_notices_seen_per_1000: {
    label: 'What happens: platform notices seen or heard per 1,000 adult-years',
    unit: 'notices',
    measure: (r) => ratio(1000 * soc(r, 'trust.noticesSeen'), soc(r, 'trust.adultMonths') / 12),
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
