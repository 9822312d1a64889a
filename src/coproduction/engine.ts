// The data-channel engine: decides a state body's request against a firm's channel policy, rule by rule with reasons,
// then releases only what the channel allows (thresholded, noised aggregates or an incident's own fields), charges the
// purpose's privacy budget, and logs the decision. The CLI, the server route and Meritown all run this one engine.
import { hash64, hex32 } from '../core/hash.js';
import { Rng } from '../core/rng.js';
import { BudgetLedger } from './budget.js';
import { MemoryChannelLog, type ChannelLog } from './log.js';
import { discreteGaussian, discreteLaplace, ratioOf } from './noise.js';
import {
  RANKS,
  cellOf,
  covers,
  rankOfJurisdiction,
  type AggregateChannel,
  type Channel,
  type ChannelPolicy,
  type Dataset,
  type Granularity,
} from './policy.js';
import type { ChannelRequest } from './request.js';

export type Row = Readonly<Record<string, string | number | null>>;

/** One rule checked: `rule` is the stable id a refusal names. */
export interface Reason {
  rule: string;
  ok: boolean;
  message: string;
}

export interface ReleasedCell {
  cell: string;
  values: Record<string, number>;
}

export interface AggregateRelease {
  kind: 'aggregate';
  granularity: Granularity;
  cells: ReleasedCell[];
  /** How many cells were withheld because they (or their noisy count) fell below `minCell`. */
  suppressed: number;
  minCell: number;
  mechanism: 'none' | 'laplace' | 'gaussian';
  /** Per measure: its sensitivity (one subject's largest contribution) and the noise it got. */
  measures: { measure: string; sensitivity: number; epsilon?: number; rho?: number; scale?: string }[];
}

export interface IncidentRelease {
  kind: 'incident';
  fields: string[];
  rows: Record<string, string | number | null>[];
}

export interface ChannelDecision {
  request: string;
  date: string;
  firm: string;
  policyVersion: string;
  requester: ChannelRequest['requester'];
  channel: string;
  legalBasis: string;
  purpose: string;
  fields: string[];
  granularity: string;
  /** `repeat`: an identical earlier question in the same period, answered again at no cost (no averaging noise). */
  outcome: 'granted' | 'refused' | 'repeat';
  refusedBy?: string;
  reasons: Reason[];
  /** Budget charged (zCDP ρ) and what the purpose has left in the period afterwards. */
  rho: number;
  budgetLeft?: number;
  period?: string;
  /** What identifies the same question asked again (channel, jurisdiction, fields, granularity, period, data). */
  question?: string;
  release?: AggregateRelease | IncidentRelease;
}

export interface ChannelEngineOptions {
  seed: string | number;
  log?: ChannelLog;
}

/** A firm's channels over its data, with the budget ledger and answer cache rebuilt from the log. */
export class ChannelEngine {
  readonly log: ChannelLog;
  readonly budget: BudgetLedger;
  private readonly byRequest = new Map<string, ChannelDecision>();
  private readonly byQuestion = new Map<string, ChannelDecision>();
  private readonly fingerprints = new Map<string, string>();

  constructor(
    readonly policy: ChannelPolicy,
    private readonly data: ReadonlyMap<string, readonly Row[]>,
    private readonly opts: ChannelEngineOptions,
  ) {
    this.log = opts.log ?? new MemoryChannelLog();
    this.budget = new BudgetLedger(policy);
    for (const e of this.log.entries()) this.remember(e.decision);
  }

  private remember(d: ChannelDecision): void {
    this.byRequest.set(d.request, d);
    if (d.outcome === 'refused') return;
    if (d.rho > 0) {
      const c = this.channel(d.channel);
      if (c) this.budget.trySpend(c.dataset, d.purpose, d.period ?? '', d.rho);
    }
    if (d.outcome === 'granted' && d.question) this.byQuestion.set(d.question, d);
  }

  private channel(id: string): Channel | undefined {
    return this.policy.channels.find((c) => c.id === id);
  }

  /** Decide, release and log one request. The same request id asked twice gets the logged decision back. */
  handle(req: ChannelRequest): ChannelDecision {
    const earlier = this.byRequest.get(req.id);
    if (earlier) return earlier;
    const d = this.decide(req);
    this.log.append(d);
    this.remember(d);
    return d;
  }

  private decide(req: ChannelRequest): ChannelDecision {
    const reasons: Reason[] = [];
    const base: ChannelDecision = {
      request: req.id,
      date: req.date,
      firm: this.policy.firm,
      policyVersion: this.policy.version,
      requester: req.requester,
      channel: req.channel,
      legalBasis: req.legal_basis,
      purpose: req.purpose,
      fields: [...req.fields],
      granularity: req.granularity,
      outcome: 'refused',
      reasons,
      rho: 0,
    };
    const refuse = (rule: string, message: string): ChannelDecision => {
      reasons.push({ rule, ok: false, message });
      return { ...base, refusedBy: rule };
    };
    const pass = (rule: string, message: string) => reasons.push({ rule, ok: true, message });

    const c = this.channel(req.channel);
    if (!c) return refuse('channel.exists', `${this.policy.firm} has no channel ${req.channel}`);
    pass('channel.exists', `${c.id}: ${c.en}`);
    const r = req.requester;
    const level = rankOfJurisdiction(r.jurisdiction);
    if (level !== r.rank)
      return refuse(
        'authority.rank_matches_jurisdiction',
        `${r.body} claims rank ${r.rank} but jurisdiction ${r.jurisdiction} is ${level ?? 'not a GB/T 2260 code'}`,
      );
    pass('authority.rank_matches_jurisdiction', `${r.jurisdiction} is a ${level} jurisdiction`);
    if (RANKS.indexOf(r.rank) < RANKS.indexOf(c.min_rank))
      return refuse(
        'authority.min_rank',
        `${c.id} answers bodies of rank ${c.min_rank} or higher; ${r.body} is ${r.rank}`,
      );
    pass('authority.min_rank', `${r.rank} ≥ ${c.min_rank}`);
    if (c.body_kinds && !c.body_kinds.includes(r.kind))
      return refuse('authority.body_kind', `${c.id} answers only ${c.body_kinds.join(', ')}; not ${r.kind}`);
    if (c.body_kinds) pass('authority.body_kind', `${r.kind} may ask`);
    if (!c.bases.includes(req.legal_basis))
      return refuse(
        'basis.accepted',
        `${c.id} accepts the bases ${c.bases.join(', ')}; not ${req.legal_basis}`,
      );
    const basis = this.policy.legal_bases.find((b) => b.id === req.legal_basis)!;
    pass('basis.accepted', `${basis.en} [${basis.marker}]`);
    if (!c.purposes.includes(req.purpose))
      return refuse(
        'purpose.accepted',
        `${c.id} serves the purposes ${c.purposes.join(', ')}; not ${req.purpose}`,
      );
    pass('purpose.accepted', req.purpose);
    const never = req.fields.filter((f) => this.policy.never_share.includes(f.replace(/^sum:/, '')));
    if (never.length)
      return refuse('fields.never_share', `${this.policy.firm} never gives ${never.join(', ')} to anyone`);
    const offered: readonly string[] = c.kind === 'aggregate' ? c.measures : c.fields;
    const outside = req.fields.filter((f) => !offered.includes(f));
    if (outside.length)
      return refuse('fields.channel', `${c.id} offers ${offered.join(', ')}; not ${outside.join(', ')}`);
    pass('fields.channel', `${req.fields.join(', ')} within the channel`);
    const dataset = this.policy.datasets.find((x) => x.id === c.dataset)!;
    const rows = this.data.get(dataset.id) ?? [];
    if (c.kind === 'incident') {
      if (req.granularity !== 'record')
        return refuse('granularity.allowed', `${c.id} gives incident records; ask for granularity 'record'`);
      pass('granularity.allowed', 'record');
      const inArea = rows.filter((row) => covers(r.jurisdiction, String(row[dataset.area_field])));
      const release: IncidentRelease = {
        kind: 'incident',
        fields: [...req.fields],
        rows: inArea.map((row) => Object.fromEntries(req.fields.map((f) => [f, row[f] ?? null]))),
      };
      return { ...base, outcome: 'granted', release };
    }
    if (req.granularity === 'record' || !c.granularities.includes(req.granularity))
      return refuse(
        'granularity.allowed',
        `${c.id} releases aggregates at ${c.granularities.join(', ')}; not ${req.granularity}`,
      );
    pass('granularity.allowed', req.granularity);
    const period = this.budget.periodOf(req.date);
    const question = [
      c.id,
      r.jurisdiction,
      [...req.fields].sort().join(','),
      req.granularity,
      period,
      this.fingerprint(dataset.id, rows),
    ].join('|');
    const asked = this.byQuestion.get(question);
    if (asked) {
      pass('question.repeat', `asked before as ${asked.request}: the same answer, no new budget`);
      return {
        ...base,
        outcome: 'repeat',
        period,
        question,
        budgetLeft: this.budget.remaining(dataset.id, req.purpose, period),
        release: asked.release,
      };
    }
    const perMeasure =
      c.noise.mechanism === 'laplace'
        ? (c.noise.epsilon * c.noise.epsilon) / 2
        : c.noise.mechanism === 'gaussian'
          ? c.noise.rho
          : 0;
    const rho = perMeasure * req.fields.length;
    const left = this.budget.remaining(dataset.id, req.purpose, period);
    if (rho > 0 && !(left - rho >= 0))
      return refuse(
        'budget.available',
        `${req.purpose} has ρ=${fmt(left)} left in ${period}; this release needs ρ=${fmt(rho)}`,
      );
    if (rho > 0) pass('budget.available', `ρ=${fmt(rho)} of ${fmt(left)} left in ${period}`);
    const rng = new Rng(`${String(this.opts.seed)}|${this.policy.firm}|${req.id}`);
    const release = aggregate(c, dataset, rows, req, rng);
    // The charge is made in remember(), after the decision is logged, through the same check.
    return { ...base, outcome: 'granted', rho, period, question, budgetLeft: left - rho, release };
  }

  private fingerprint(dataset: string, rows: readonly Row[]): string {
    let f = this.fingerprints.get(dataset);
    if (!f) {
      const [hi, lo] = hash64(JSON.stringify(rows));
      f = hex32(hi) + hex32(lo);
      this.fingerprints.set(dataset, f);
    }
    return f;
  }
}

const fmt = (x: number) => String(Math.round(x * 1e6) / 1e6);

/**
 * Group the requester's rows into cells with per-subject contribution bounding (a subject counts once, in the
 * cell of its first row; its numeric totals are clamped into the field's bounds), suppress small cells, add noise.
 */
function aggregate(
  c: AggregateChannel,
  d: Dataset,
  rows: readonly Row[],
  req: ChannelRequest,
  rng: Rng,
): AggregateRelease {
  const g = req.granularity as Granularity;
  const sums = req.fields.filter((f) => f !== 'count').map((f) => f.slice(4));
  const bounds = new Map(d.fields.map((f) => [f.name, [f.min ?? 0, f.max ?? 0] as const]));
  const subjects = new Map<string, { cell: string; totals: number[] }>();
  for (const row of rows) {
    const area = String(row[d.area_field]);
    if (!covers(req.requester.jurisdiction, area)) continue;
    const id = String(row[d.subject_field]);
    let s = subjects.get(id);
    if (!s) subjects.set(id, (s = { cell: cellOf(area, g), totals: sums.map(() => 0) }));
    sums.forEach((f, i) => {
      const v = Number(row[f]);
      if (Number.isFinite(v)) s.totals[i]! += v;
    });
  }
  const cells = new Map<string, { n: number; totals: number[] }>();
  for (const s of subjects.values()) {
    let cell = cells.get(s.cell);
    if (!cell) cells.set(s.cell, (cell = { n: 0, totals: sums.map(() => 0) }));
    cell.n++;
    sums.forEach((f, i) => {
      const [lo, hi] = bounds.get(f)!;
      cell.totals[i]! += Math.round(Math.min(hi, Math.max(lo, s.totals[i]!)));
    });
  }
  const measures = req.fields.map((m) => {
    const sensitivity = m === 'count' ? 1 : Math.max(...bounds.get(m.slice(4))!.map(Math.abs));
    if (c.noise.mechanism === 'laplace') {
      const e = ratioOf(c.noise.epsilon);
      return {
        measure: m,
        sensitivity,
        epsilon: c.noise.epsilon,
        scale: `Δ/ε = ${sensitivity}/${c.noise.epsilon}`,
        t: BigInt(sensitivity) * e.d,
        s: e.n,
      };
    }
    if (c.noise.mechanism === 'gaussian') {
      const p = ratioOf(c.noise.rho);
      const delta = BigInt(sensitivity);
      return {
        measure: m,
        sensitivity,
        rho: c.noise.rho,
        scale: `σ² = Δ²/(2ρ) = ${sensitivity}²/(2·${c.noise.rho})`,
        t: delta * delta * p.d,
        s: 2n * p.n,
      };
    }
    return { measure: m, sensitivity, t: 0n, s: 0n };
  });
  const noisy = (true_: number, m: (typeof measures)[number]): number => {
    if (c.noise.mechanism === 'none') return true_;
    const z =
      c.noise.mechanism === 'laplace' ? discreteLaplace(rng, m.t, m.s) : discreteGaussian(rng, m.t, m.s);
    return true_ + Number(z);
  };
  const out: ReleasedCell[] = [];
  let suppressed = 0;
  for (const key of [...cells.keys()].sort()) {
    const cell = cells.get(key)!;
    // Noise is drawn for every cell, released or not, so the random stream does not depend on which cells pass.
    const values: Record<string, number> = {};
    req.fields.forEach((m, i) => {
      const v = noisy(m === 'count' ? cell.n : cell.totals[sums.indexOf(m.slice(4))]!, measures[i]!);
      // Post-processing: a count or a non-negative sum is never published below zero.
      values[m] = m === 'count' || bounds.get(m.slice(4))![0] >= 0 ? Math.max(0, v) : v;
    });
    if (cell.n < c.min_cell || (values.count !== undefined && values.count < c.min_cell)) {
      suppressed++;
      continue;
    }
    out.push({ cell: key, values });
  }
  return {
    kind: 'aggregate',
    granularity: g,
    cells: out,
    suppressed,
    minCell: c.min_cell,
    mechanism: c.noise.mechanism,
    measures: measures.map(({ t: _t, s: _s, ...m }) => m),
  };
}
