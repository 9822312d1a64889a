// `mosaic experiment data-channels`: runs the channel engine under each policy variant over seeded synthetic data and
// measures what the state learns (coverage of the truth, error of what is released) against what it costs (ρ per
// request, its (ε, δ) equivalent, requests a year's budget allows). The findings come from the engine, not from here.
import { z } from 'zod';
import { Marker } from '../../core/catalogue.js';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { readYaml, validateYaml } from '../../core/yaml-doc.js';
import { ChannelEngine, type Row } from '../../coproduction/engine.js';
import {
  cellOf,
  loadChannelPolicy,
  type ChannelPolicy,
  type Granularity,
} from '../../coproduction/policy.js';
import { syntheticChannelData } from '../../coproduction/synthetic.js';

const Prov = { source: z.string().min(1), marker: Marker };
const Spec = z
  .object({
    experiment: z.literal('data-channels'),
    version: z.string(),
    source: z.string(),
    passengers: z.object({ value: z.number().int().min(100), ...Prov }).strict(),
    seeds: z.object({ value: z.number().int().min(1), ...Prov }).strict(),
    delta: z.object({ value: z.number().gt(0).lt(1), ...Prov }).strict(),
    policies: z
      .array(
        z
          .object({
            id: z.string().min(1),
            min_cell: z.number().int().min(1),
            mechanism: z.enum(['none', 'laplace', 'gaussian']),
            strength: z.number().gt(0).optional(),
            granularity: z.enum(['county', 'prefecture', 'province', 'total']),
            ...Prov,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type DataChannelsSpec = z.infer<typeof Spec>;
export type PolicyVariant = DataChannelsSpec['policies'][number];

export function loadDataChannelsSpec(
  file = shipped('scenarios', 'data-channels', 'sweep.yaml'),
): DataChannelsSpec {
  const res = validateYaml(readYaml(file), Spec, 'data_channels_spec');
  if (!res.value) throw new MosaicError(res.issues);
  for (const p of res.value.policies)
    if (p.mechanism !== 'none' && p.strength === undefined)
      throw new MosaicError({
        code: 'data_channels_spec.strength',
        message: `${p.id}: noise needs a strength`,
      });
  return res.value;
}

/** The shipped ride-hailing policy with one channel variant. */
export function variantPolicy(base: ChannelPolicy, v: PolicyVariant): ChannelPolicy {
  const c = base.channels.find((x) => x.kind === 'aggregate');
  if (!c || c.kind !== 'aggregate') throw new Error('the base policy has no aggregate channel');
  const prov = { source: v.source, marker: v.marker };
  const noise =
    v.mechanism === 'none'
      ? { mechanism: 'none' as const, ...prov }
      : v.mechanism === 'laplace'
        ? { mechanism: 'laplace' as const, epsilon: v.strength!, ...prov }
        : { mechanism: 'gaussian' as const, rho: v.strength!, ...prov };
  // The measurement asks once with an unbounded budget, so that a policy the shipped yearly budget would refuse is
  // still measured; what the yearly budget allows is reported separately (requestsPerYear, 0 = refused).
  const budget = {
    ...base.budget,
    purposes: base.budget.purposes.map((p) => ({ ...p, rho: Number.MAX_VALUE })),
  };
  return {
    ...base,
    budget,
    channels: [{ ...c, min_cell: v.min_cell, noise, granularities: [v.granularity] }],
  };
}

/** What the state asks for in every draw: the documented Didi flow (number of debtors and their total per area). */
export const MEASURES = ['count', 'sum:unpaid_yuan'] as const;

export interface DrawResult {
  policy: string;
  seed: number;
  cellsTrue: number;
  cellsReleased: number;
  /** Share of passengers with unpaid fares who sit in a released cell. */
  subjectsCovered: number;
  /** Share of the unpaid total (after contribution bounds) that sits in a released cell. */
  debtCovered: number;
  /** Mean |released − true| / true over released cells, for the count and the sum. */
  countError: number;
  sumError: number;
  rho: number;
}

/** One policy on one draw of data: a prefecture office asks once; the truth is computed here from the rows. */
export function runDraw(base: ChannelPolicy, v: PolicyVariant, passengers: number, seed: number): DrawResult {
  const data = syntheticChannelData(`data-channels|${seed}`, passengers);
  const rows = data.get('passenger_bad_debts')!;
  const policy = variantPolicy(base, v);
  const engine = new ChannelEngine(policy, data, { seed: `data-channels|${v.id}|${seed}` });
  const d = engine.handle({
    id: 'ask',
    date: '2025-06-01',
    requester: {
      body: 'Weihai credit office',
      kind: 'credit_office',
      rank: 'prefecture',
      jurisdiction: '371000',
    },
    channel: policy.channels[0]!.id,
    legal_basis: 'ndrc-didi-2018',
    purpose: 'urban_credit_monitoring',
    fields: [...MEASURES],
    granularity: v.granularity,
  });
  if (d.release?.kind !== 'aggregate')
    throw new Error(`${v.id}: the request was ${d.outcome} (${d.refusedBy})`);
  const truth = truthOf(rows, v.granularity, 2000);
  let subjects = 0;
  let debt = 0;
  let totalSubjects = 0;
  let totalDebt = 0;
  for (const t of truth.values()) {
    totalSubjects += t.n;
    totalDebt += t.sum;
  }
  let ce = 0;
  let se = 0;
  for (const c of d.release.cells) {
    const t = truth.get(c.cell)!;
    subjects += t.n;
    debt += t.sum;
    ce += Math.abs(c.values.count! - t.n) / t.n;
    se += t.sum > 0 ? Math.abs(c.values['sum:unpaid_yuan']! - t.sum) / t.sum : 0;
  }
  const k = d.release.cells.length;
  return {
    policy: v.id,
    seed,
    cellsTrue: truth.size,
    cellsReleased: k,
    subjectsCovered: totalSubjects ? subjects / totalSubjects : 0,
    debtCovered: totalDebt ? debt / totalDebt : 0,
    countError: k ? ce / k : NaN,
    sumError: k ? se / k : NaN,
    rho: d.rho,
  };
}

/** True distinct passengers and bounded unpaid totals per cell (a passenger in the cell of its first row). */
function truthOf(rows: readonly Row[], g: Granularity, cap: number): Map<string, { n: number; sum: number }> {
  const per = new Map<string, { cell: string; sum: number }>();
  for (const r of rows) {
    const id = String(r.passenger);
    const p = per.get(id) ?? { cell: cellOf(String(r.county), g), sum: 0 };
    p.sum += Number(r.unpaid_yuan);
    per.set(id, p);
  }
  const cells = new Map<string, { n: number; sum: number }>();
  for (const p of per.values()) {
    const c = cells.get(p.cell) ?? { n: 0, sum: 0 };
    c.n++;
    c.sum += Math.min(cap, p.sum);
    cells.set(p.cell, c);
  }
  return cells;
}

export interface PolicySummary {
  policy: string;
  mechanism: string;
  strength: number | null;
  minCell: number;
  granularity: string;
  cellsReleased: number;
  cellsTrue: number;
  subjectsCovered: number;
  debtCovered: number;
  countError: number;
  sumError: number;
  rhoPerRequest: number;
  /**
   * One request's ε: pure ε-DP by basic composition for Laplace (ε per measure × measures); for the Gaussian, the
   * (ε, δ) equivalent of its ρ, ε = ρ + 2√(ρ ln(1/δ)) (Bun & Steinke 2016, Prop. 1.3).
   */
  epsilon: number;
  /** Requests of this size the shipped yearly budget allows (Infinity without noise: nothing is accounted). */
  requestsPerYear: number;
}

const mean = (xs: number[]) => {
  const f = xs.filter(Number.isFinite);
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
};

export function summarisePolicy(
  v: PolicyVariant,
  draws: DrawResult[],
  yearlyRho: number,
  delta: number,
): PolicySummary {
  const rho = draws[0]?.rho ?? 0;
  return {
    policy: v.id,
    mechanism: v.mechanism,
    strength: v.strength ?? null,
    minCell: v.min_cell,
    granularity: v.granularity,
    cellsReleased: mean(draws.map((d) => d.cellsReleased)),
    cellsTrue: mean(draws.map((d) => d.cellsTrue)),
    subjectsCovered: mean(draws.map((d) => d.subjectsCovered)),
    debtCovered: mean(draws.map((d) => d.debtCovered)),
    countError: mean(draws.map((d) => d.countError)),
    sumError: mean(draws.map((d) => d.sumError)),
    rhoPerRequest: rho,
    epsilon:
      v.mechanism === 'laplace'
        ? v.strength! * MEASURES.length
        : rho > 0
          ? rho + 2 * Math.sqrt(rho * Math.log(1 / delta))
          : Infinity,
    requestsPerYear: rho > 0 ? Math.floor(yearlyRho / rho + 1e-9) : Infinity,
  };
}

export interface DataChannelsResult {
  spec: DataChannelsSpec;
  yearlyRho: number;
  draws: DrawResult[];
  policies: PolicySummary[];
}

export function runDataChannels(spec: DataChannelsSpec, opts: { passengers?: number; seeds?: number } = {}) {
  const base = loadChannelPolicy(shipped('policies', 'coproduction', 'channels', 'ride-hailing.yaml'));
  const yearlyRho = base.budget.purposes.find((p) => p.purpose === 'urban_credit_monitoring')!.rho;
  const passengers = opts.passengers ?? spec.passengers.value;
  const seeds = opts.seeds ?? spec.seeds.value;
  const draws: DrawResult[] = [];
  const policies = spec.policies.map((v) => {
    const ds = Array.from({ length: seeds }, (_, s) => runDraw(base, v, passengers, s));
    draws.push(...ds);
    return summarisePolicy(v, ds, yearlyRho, spec.delta.value);
  });
  return { spec, yearlyRho, draws, policies } satisfies DataChannelsResult;
}
