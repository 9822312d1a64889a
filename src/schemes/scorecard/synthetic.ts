// Synthetic loan applications for demos, tests and the benchmark: 20 application and bureau variables, a default
// flag drawn from a known risk model. Every number here is an assumption; none describes a real lender's book.
import { Rng } from '../../core/rng.js';
import type { Dataset } from './dataset.js';

export const LOAN_VARIABLES = [
  'age',
  'monthly_income',
  'debt_to_income',
  'credit_history_months',
  'open_accounts',
  'card_utilisation',
  'worst_status_24m',
  'overdue_months_24m',
  'enquiries_3m',
  'enquiries_12m',
  'loan_amount',
  'term_months',
  'employment_years',
  'housing',
  'has_mortgage',
  'cards',
  'savings_ratio',
  'noise_a',
  'noise_b',
  'noise_c',
] as const;

/**
 * Draw `n` applications. The log-odds of default rise with debt, utilisation, arrears and recent enquiries and fall
 * with income, history and tenure; three noise columns carry nothing. About 5% of employment_years is missing.
 */
export function syntheticLoans(n: number, seed: number | string = 'loans'): Dataset {
  const rng = new Rng(seed);
  const cols = LOAN_VARIABLES.map(() => new Float64Array(n));
  const y = new Uint8Array(n);
  const hukou = new Array<string>(n);
  const sex = new Array<string>(n);
  const ageBand = new Array<string>(n);
  const c = (name: (typeof LOAN_VARIABLES)[number]) => cols[LOAN_VARIABLES.indexOf(name)]!;
  const [
    age,
    inc,
    dti,
    hist,
    acc,
    util,
    worst,
    odm,
    enq3,
    enq12,
    amt,
    term,
    emp,
    housing,
    mort,
    cards,
    sav,
    na,
    nb,
    nc,
  ] = LOAN_VARIABLES.map(c);
  for (let i = 0; i < n; i++) {
    const a = 20 + Math.floor(rng.next() * 45);
    const rural = rng.next() < 0.4;
    const income = Math.exp(rng.normal(rural ? 8.3 : 8.8, 0.5));
    const h = Math.max(0, Math.round((a - 19) * 12 * rng.next()));
    const u = Math.min(1.3, Math.max(0, rng.normal(0.45, 0.3)));
    const trouble = rng.normal(0, 1);
    const w = trouble > 1.6 ? Math.min(7, 1 + Math.floor(rng.next() * 4)) : trouble > 1.1 ? 1 : 0;
    const om = w === 0 ? 0 : 1 + Math.floor(rng.next() * 6);
    const e3 = rng.poisson(0.6 + Math.max(0, trouble) * 0.8);
    const e12 = e3 + rng.poisson(1.2);
    const d = Math.min(2, Math.max(0, rng.normal(0.35, 0.18) + 0.1 * trouble));
    const ey = rng.next() < 0.05 ? NaN : Math.min(a - 18, Math.floor(rng.next() * 25));
    const hs = rng.int(3);
    const logit =
      -3.1 +
      1.6 * (d - 0.35) +
      1.2 * (u - 0.45) +
      0.45 * w +
      0.08 * om +
      0.22 * e3 +
      0.05 * e12 -
      0.55 * (Math.log(income) - 8.6) -
      0.004 * (h - 120) -
      (ey === ey ? 0.03 * (ey - 6) : -0.2) -
      0.01 * (a - 40) -
      0.15 * (hs === 0 ? 1 : 0);
    age![i] = a;
    inc![i] = Math.round(income);
    dti![i] = Math.round(d * 1000) / 1000;
    hist![i] = h;
    acc![i] = rng.poisson(3);
    util![i] = Math.round(u * 100) / 100;
    worst![i] = w;
    odm![i] = om;
    enq3![i] = e3;
    enq12![i] = e12;
    amt![i] = Math.round(Math.exp(rng.normal(10.5, 0.8)) / 100) * 100;
    term![i] = rng.pick([12, 24, 36, 60]);
    emp![i] = ey;
    housing![i] = hs;
    mort![i] = rng.next() < 0.3 ? 1 : 0;
    cards![i] = rng.poisson(2);
    sav![i] = Math.round(rng.next() * 100) / 100;
    na![i] = rng.normal(0, 1);
    nb![i] = rng.int(10);
    nc![i] = Math.round(rng.next() * 1000);
    y[i] = rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    hukou[i] = rural ? 'rural' : 'urban';
    sex[i] = rng.next() < 0.5 ? 'F' : 'M';
    ageBand[i] = a < 30 ? '20-29' : a < 45 ? '30-44' : '45-64';
  }
  return {
    names: [...LOAN_VARIABLES],
    columns: cols,
    target: y,
    rows: n,
    groups: { hukou, sex, age_band: ageBand },
  };
}

/** Employer types of the synthetic categorical variable with their relative risk; two are rare (under 5 %). */
export const EMPLOYER_TYPES: readonly (readonly [label: string, weight: number, risk: number])[] = [
  ['civil-service', 10, 0.3],
  ['state-enterprise', 14, 0.5],
  ['public-institution', 8, 0.45],
  ['private-firm', 30, 1],
  ['foreign-firm', 6, 0.6],
  ['self-employed', 14, 1.6],
  ['gig-platform', 9, 2.2],
  ['farmer', 5, 1.8],
  ['student', 2, 1.2],
  ['military', 1.5, 0.35],
];

/**
 * The same loans with a categorical variable `employer_type`: each row's label is drawn with weights tilted by
 * the row's outcome (a bad row favours the riskier types), about 3 % missing, so the categories carry
 * information a binning must find without being told their order.
 */
export function withEmployerType(d: Dataset, seed: number | string = 'employer'): Dataset {
  const rng = new Rng(seed);
  const labels = EMPLOYER_TYPES.map(([l]) => l).sort();
  const code = new Map(labels.map((l, i) => [l, i]));
  const col = new Float64Array(d.rows);
  const cum = (bad: boolean) => {
    const w = EMPLOYER_TYPES.map(([, wt, risk]) => wt * (bad ? risk : 1));
    const tot = w.reduce((a, b) => a + b, 0);
    let acc = 0;
    return w.map((x) => (acc += x / tot));
  };
  const cg = cum(false);
  const cb = cum(true);
  for (let i = 0; i < d.rows; i++) {
    const u = rng.next();
    if (rng.next() < 0.03) {
      col[i] = NaN;
      continue;
    }
    const c = d.target![i] === 1 ? cb : cg;
    let k = 0;
    while (k < c.length - 1 && u >= c[k]!) k++;
    col[i] = code.get(EMPLOYER_TYPES[k]![0])!;
  }
  return {
    ...d,
    names: [...d.names, 'employer_type'],
    columns: [...d.columns, col],
    categories: { ...d.categories, employer_type: labels },
  };
}
