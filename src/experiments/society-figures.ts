// Figures of the society modules (relational punishment and greying; opinion and awareness): each a measurement of
// a finished run's society counts. As with every figure, they read outcomes and cannot set one.
import type { SimResult } from '../sim/engine.js';
import { SURVEY_ARMS, SURVEY_FIELDS, SURVEY_ROW } from '../sim/society-schema.js';
import type { Figure } from './figures.js';
import { ols } from './ols.js';

const CLOSE = ['family', 'friend'];
const DISTANT = ['neighbour', 'colleague', 'business'];

function count(r: SimResult, key: string): number {
  return r.society[key] ?? 0;
}

/** Share of the ties of `kinds` who learned of a listing and applied the label (pressed or ostracised). */
function reach(r: SimResult, kinds: string[]): number {
  let learned = 0;
  let applied = 0;
  for (const k of kinds) {
    learned += count(r, `relational.${k}.learned`);
    applied += count(r, `relational.${k}.pressed`) + count(r, `relational.${k}.ostracised`);
  }
  return learned > 0 ? applied / learned : NaN;
}

/** The regressors of Liu (2022)'s model that the survey fits, with the sign the paper reports (0: none reported). */
export const PUBLISHED_SIGNS: Record<
  string,
  { field: (typeof SURVEY_FIELDS)[number]; sign: number; label: string }
> = {
  trust: { field: 'trust', sign: 1, label: 'political trust (per sd)' },
  income: { field: 'logIncome', sign: 1, label: 'income (log of 1 + income ÷ mean)' },
  tertiary: { field: 'tertiary', sign: 1, label: 'tertiary education' },
  urban: { field: 'urban', sign: 1, label: 'urban hukou' },
  party: { field: 'party', sign: -1, label: 'CCP membership' },
  media: { field: 'media', sign: 0, label: 'following state media' },
};
const REGRESSORS = Object.keys(PUBLISHED_SIGNS);
/** Liu (2022): mean of the 8-item surveillance index (DOMAIN §10.3). */
export const PUBLISHED_MEAN = 3.6;

const fitted = new WeakMap<SimResult, { mean: number; b: Record<string, number> }>();
const col = (f: (typeof SURVEY_FIELDS)[number]) => SURVEY_FIELDS.indexOf(f);
const ARM = col('arm');
const SUPPORT = col('support');

/** The rows of one arm of the last wave: the survey, or the information experiment's control or shown respondents. */
function armRows(r: SimResult, arm: (typeof SURVEY_ARMS)[number]): number[] {
  const a = SURVEY_ARMS.indexOf(arm);
  const rows: number[] = [];
  for (let q = 0; q < r.survey.length; q += SURVEY_ROW) if (r.survey[q + ARM] === a) rows.push(q);
  return rows;
}

/** Mean support and the OLS coefficients of the survey's last wave (cached per run); the information experiment's
 * respondents are a separate sample and are not part of it. */
export function surveyFit(r: SimResult): { mean: number; b: Record<string, number> } {
  const hit = fitted.get(r);
  if (hit) return hit;
  const rows = armRows(r, 'survey');
  const n = rows.length;
  const y = new Float64Array(n);
  const x = new Float64Array(n * REGRESSORS.length);
  for (let i = 0; i < n; i++) {
    y[i] = r.survey[rows[i]! + SUPPORT]!;
    REGRESSORS.forEach(
      (g, j) => (x[i * REGRESSORS.length + j] = r.survey[rows[i]! + col(PUBLISHED_SIGNS[g]!.field)]!),
    );
  }
  const mean = n ? y.reduce((a, v) => a + v, 0) / n : NaN;
  const coef = n > REGRESSORS.length + 1 ? ols(y, x, REGRESSORS.length) : [];
  const b = Object.fromEntries(REGRESSORS.map((g, j) => [g, coef[j + 1] ?? NaN]));
  const out = { mean, b };
  fitted.set(r, out);
  return out;
}

/** Mean support of one arm of the information experiment (NaN when it has no respondents). */
function armMean(r: SimResult, arm: 'control' | 'shown'): number {
  const rows = armRows(r, arm);
  return rows.length ? rows.reduce((a, q) => a + r.survey[q + SUPPORT]!, 0) / rows.length : NaN;
}

/** Xu et al. (2022): revealing the systems' repressive potential cut support by about 12 % (DOMAIN §10.3). */
export const PUBLISHED_INFO_EFFECT_PCT = -12;

const coefficientFigures = Object.fromEntries(
  REGRESSORS.map((g) => {
    const s = PUBLISHED_SIGNS[g]!;
    const published = s.sign > 0 ? 'positive' : s.sign < 0 ? 'negative' : 'limited';
    return [
      `survey_b_${g}`,
      {
        label: `Survey: coefficient of ${s.label} on support (Liu 2022: ${published})`,
        unit: 'index points',
        measure: (r: SimResult) => surveyFit(r).b[g]!,
      },
    ];
  }),
) as Record<string, Figure>;

export const SOCIETY_FIGURES: Record<string, Figure> = {
  survey_mean: {
    label: `Survey: mean support index, 1-5 (Liu 2022: ${PUBLISHED_MEAN.toFixed(2)})`,
    unit: 'index',
    measure: (r) => surveyFit(r).mean,
  },
  survey_signs_matched: {
    label: "Survey: coefficients with Liu (2022)'s sign, of trust, income, education, hukou and Party (5)",
    unit: 'coefficients',
    measure: (r) => {
      const { b } = surveyFit(r);
      if (!Number.isFinite(b.trust)) return NaN;
      return REGRESSORS.filter(
        (g) => PUBLISHED_SIGNS[g]!.sign !== 0 && Math.sign(b[g]!) === PUBLISHED_SIGNS[g]!.sign,
      ).length;
    },
  },
  ...coefficientFigures,
  info_effect_pct: {
    label: `Information experiment: support of those shown the restrictions against the control arm, % of the control mean (Xu et al. 2022: about ${PUBLISHED_INFO_EFFECT_PCT} %)`,
    unit: '%',
    measure: (r) => 100 * (armMean(r, 'shown') / armMean(r, 'control') - 1),
  },
  info_effect: {
    label: 'Information experiment: mean support shown minus control (1-5 index)',
    unit: 'index points',
    measure: (r) => armMean(r, 'shown') - armMean(r, 'control'),
  },
  survey_mean_gap: {
    label: `Survey: mean support index minus Liu (2022)'s ${PUBLISHED_MEAN.toFixed(2)}`,
    unit: 'index points',
    measure: (r) => surveyFit(r).mean - PUBLISHED_MEAN,
  },
  perk_use_share: {
    label:
      'Adults with a perk grade who used a perk in a month, per eligible person-month (those who do not know never do)',
    unit: 'share',
    measure: (r) => {
      const n = count(r, 'perks.eligible');
      return n > 0 ? count(r, 'perks.users') / n : NaN;
    },
  },
  aware_share: {
    label: 'Adults who know their grade, at the end of each year',
    unit: 'share',
    measure: (r) => {
      const n = count(r, 'awareness.adults');
      return n > 0 ? count(r, 'awareness.aware') / n : NaN;
    },
  },
  label_reach: {
    label: 'Share of the ties who learned of a listing and applied the label (pressed or shunned)',
    unit: 'share',
    measure: (r) => reach(r, [...CLOSE, ...DISTANT]),
  },
  label_reach_close: {
    label: 'Label applied, among family and friends who learned of the listing',
    unit: 'share',
    measure: (r) => reach(r, CLOSE),
  },
  label_reach_distant: {
    label: 'Label applied, among neighbours, colleagues and business partners who learned of the listing',
    unit: 'share',
    measure: (r) => reach(r, DISTANT),
  },
  greying_gap_pp: {
    label: 'Label applied by distant ties minus by close ties',
    unit: 'percentage points',
    measure: (r) => 100 * (reach(r, DISTANT) - reach(r, CLOSE)),
  },
  ties_cut_per_listing: {
    label: 'Ties the listed person lost for good to ostracism, per listing (kin and network ties)',
    unit: 'ties',
    measure: (r) => {
      const n = count(r, 'relational.listed');
      let cut = 0;
      for (const k of [...CLOSE, ...DISTANT]) cut += count(r, `relational.${k}.cut`);
      return n > 0 ? cut / n : NaN;
    },
  },
  ostracising_ties_per_listing: {
    label: 'Ties who shunned the listed person, per listing',
    unit: 'ties',
    measure: (r) => {
      const n = count(r, 'relational.listed');
      let o = 0;
      for (const k of [...CLOSE, ...DISTANT]) o += count(r, `relational.${k}.ostracised`);
      return n > 0 ? o / n : NaN;
    },
  },
  paid_under_pressure_share: {
    label: 'Listed residents who paid while at least one tie pressed them, share of those who paid',
    unit: 'share',
    measure: (r) => {
      const paid = count(r, 'relational.paid');
      return paid > 0 ? count(r, 'relational.paid_pressed') / paid : NaN;
    },
  },
};
