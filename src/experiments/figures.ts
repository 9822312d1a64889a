// The figures an experiment may report: each a measurement of a finished run (its collectors' time series and
// counts). A figure reads outcomes; nothing here or in an experiment file can set one.
import type { SimResult } from '../sim/engine.js';
import { COPRODUCTION_FIGURES } from './coproduction-figures.js';
import { SOCIETY_FIGURES } from './society-figures.js';

export interface Figure {
  label: string;
  unit: string;
  measure(r: SimResult): number;
}

/** Grades below A in the municipal scheme (B and worse, and the direct grades). */
const BELOW_A = ['B', 'C', 'D', 'DA', 'DB', 'DC'];

/** The last month's rows of one collector. */
function lastRows(r: SimResult, collector: string): Map<string, number> {
  const rows = r.timeseries.filter((x) => x[1] === collector);
  const last = rows.reduce((m, x) => (x[0] > m ? x[0] : m), '');
  return new Map(rows.filter((x) => x[0] === last).map((x) => [x[2], x[3]]));
}

/** Sum of a collector's values over the run for the groups `match` selects. */
function total(r: SimResult, collector: string, match: (group: string) => boolean): number {
  let s = 0;
  for (const [, c, g, v] of r.timeseries) if (c === collector && match(g)) s += v;
  return s;
}

/** NaN when the scheme scores no one of the group (e.g. a pack whose jurisdiction is not Meritown's). */
function belowA(r: SimResult, group: string): number {
  if (!(lastRows(r, 'scored_share').get(group)! > 0)) return NaN;
  const m = lastRows(r, 'grade_share');
  return BELOW_A.reduce((s, g) => s + (m.get(`${group};grade=${g}`) ?? 0), 0);
}

/** Records per person-year of a group: the monthly records-per-person values summed over the run, per year. */
function recordsPerPersonYear(r: SimResult, group: string): number {
  return total(r, 'records_per_person', (g) => g === group) / r.manifest.years;
}

/** Per person-year of a group, the records of a positive kind (mobilisation: bonuses, volunteering, honours). */
function mobilisationPerPersonYear(r: SimResult, group: string): number {
  return total(r, 'positive_records_per_person', (g) => g === group) / r.manifest.years;
}

/** Per person-year of a group, every other record (surveillance: deductions, direct grading, court statements). */
function surveillancePerPersonYear(r: SimResult, group: string): number {
  return recordsPerPersonYear(r, group) - mobilisationPerPersonYear(r, group);
}

const ruralFamily = (g: string) => g.startsWith('family=') && g.endsWith(';hukou=rural');

export const FIGURES: Record<string, Figure> = {
  perk_grade_share: {
    label:
      'Scored residents at a perk grade (AA or AAA), end of run — few: the bands put AA 30-50 points above the 1,000 base, and bonuses come slowly (10 volunteer hours +2, 100 hours +20)',
    unit: 'share',
    measure: (r) => {
      if (!(lastRows(r, 'scored_share').get('all')! > 0)) return NaN;
      const m = lastRows(r, 'grade_share');
      return (m.get('all;grade=AA') ?? 0) + (m.get('all;grade=AAA') ?? 0);
    },
  },
  below_a_rural: {
    label: 'Rural-hukou residents graded below A, end of run',
    unit: 'share',
    measure: (r) => belowA(r, 'hukou=rural'),
  },
  scored_share_rural: {
    label: 'Rural-hukou adults the municipal scheme scores, end of run',
    unit: 'share',
    measure: (r) => lastRows(r, 'scored_share').get('hukou=rural') ?? NaN,
  },
  below_a_urban: {
    label: 'Urban-hukou residents graded below A, end of run',
    unit: 'share',
    measure: (r) => belowA(r, 'hukou=urban'),
  },
  below_a_gap_pp: {
    label: 'Rural minus urban share below A',
    unit: 'percentage points',
    measure: (r) => 100 * (belowA(r, 'hukou=rural') - belowA(r, 'hukou=urban')),
  },
  records_py_state: {
    label: 'Records per person-year, state personnel',
    unit: 'records',
    measure: (r) => recordsPerPersonYear(r, 'role=state_personnel'),
  },
  records_py_none: {
    label: 'Records per person-year, residents with no role',
    unit: 'records',
    measure: (r) => recordsPerPersonYear(r, 'role=none'),
  },
  scrutiny_ratio: {
    label: 'Records per person-year, state personnel ÷ residents with no role',
    unit: 'ratio',
    measure: (r) => recordsPerPersonYear(r, 'role=state_personnel') / recordsPerPersonYear(r, 'role=none'),
  },
  surveillance_py_state: {
    label: 'Surveillance records (deductions, direct grading) per person-year, state personnel',
    unit: 'records',
    measure: (r) => surveillancePerPersonYear(r, 'role=state_personnel'),
  },
  surveillance_py_none: {
    label: 'Surveillance records per person-year, residents with no role',
    unit: 'records',
    measure: (r) => surveillancePerPersonYear(r, 'role=none'),
  },
  surveillance_ratio: {
    label: 'Surveillance records per person-year, state personnel ÷ residents with no role',
    unit: 'ratio',
    measure: (r) =>
      surveillancePerPersonYear(r, 'role=state_personnel') / surveillancePerPersonYear(r, 'role=none'),
  },
  mobilisation_py_state: {
    label: 'Mobilisation records (bonuses, volunteering, honours) per person-year, state personnel',
    unit: 'records',
    measure: (r) => mobilisationPerPersonYear(r, 'role=state_personnel'),
  },
  mobilisation_py_none: {
    label: 'Mobilisation records per person-year, residents with no role',
    unit: 'records',
    measure: (r) => mobilisationPerPersonYear(r, 'role=none'),
  },
  mobilisation_ratio: {
    label: 'Mobilisation records per person-year, state personnel ÷ residents with no role',
    unit: 'ratio',
    measure: (r) =>
      mobilisationPerPersonYear(r, 'role=state_personnel') / mobilisationPerPersonYear(r, 'role=none'),
  },
  fabricated_share_rural: {
    label: 'Share of the records about rural residents that no event underlies',
    unit: 'share',
    measure: (r) => {
      const fab = total(r, 'fabricated_records', ruralFamily);
      return fab / (fab + total(r, 'recorded_events', ruralFamily));
    },
  },
  records_to_true_rural: {
    label: 'Records about rural residents ÷ their true events',
    unit: 'ratio',
    measure: (r) =>
      (total(r, 'fabricated_records', ruralFamily) + total(r, 'recorded_events', ruralFamily)) /
      total(r, 'true_events', ruralFamily),
  },
  ...SOCIETY_FIGURES,
  ...COPRODUCTION_FIGURES,
};
