// The co-production experiment: its file loads, a reduced sweep runs, the KPI figures are measured from the runs'
// kpi.* counts (NaN when the module did not run), and the headline holds under pressure but not in the control, with
// what happens (trust, conduct, privacy spent) reported beside it.
import { describe, expect, it } from 'vitest';
import { shipped } from '../core/paths.js';
import type { SimResult } from '../sim/engine.js';
import { COPRODUCTION_FIGURES } from './coproduction-figures.js';
import { loadExperiment } from './experiment.js';
import { runExperiment } from './run.js';

const fake = (society: Record<string, number>) => ({ society }) as unknown as SimResult;

describe('co-production figures', () => {
  it('measure score, coverage and records from the kpi counts, and are NaN for a run without the module', () => {
    const r = fake({
      'kpi.base.true': 100,
      'kpi.base.recorded': 40,
      'kpi.base.submitted': 40,
      'kpi.after.true': 200,
      'kpi.after.recorded': 70,
      'kpi.after.submitted': 120,
      'kpi.after.padded': 50,
      'kpi.first.earned': 15,
      'kpi.first.measured': 30,
      'kpi.later.earned': 240,
      'kpi.later.measured': 300,
    });
    const f = (id: string, x: SimResult) => COPRODUCTION_FIGURES[id]!.measure(x);
    expect(f('kpi_coverage_change_pp', r)).toBeCloseTo(-5);
    expect(f('kpi_records_change_pct', r)).toBeCloseTo(50);
    expect(f('kpi_score_change_pp', r)).toBeCloseTo(30);
    expect(f('kpi_score_over_coverage_pp', r)).toBeCloseTo(35);
    expect(f('kpi_padded_share', r)).toBeCloseTo(50 / 120);
    for (const id of Object.keys(COPRODUCTION_FIGURES)) expect(f(id, fake({}))).toBeNaN();
    const notices = fake({
      'notices.pushed': 40,
      'notices.held': 60,
      'notices.left.pushed': 12,
      'notices.left.held': 12,
      'notices.strangers.shunned': 80,
    });
    expect(f('notices_left_gap_pp', notices)).toBeCloseTo(10);
    expect(f('notices_shunning_strangers', notices)).toBeCloseTo(2);
    const city = fake({
      'trust.adultMonths': 1200,
      'trust.conduct': 50,
      'trust.noticesSeen': 20,
      'trust.yearEnd.n': 100,
      'trust.yearEnd.sum': 58,
      'trust.yearEnd.base': 60,
      'notices.listed': 10,
      'notices.left.pushed': 1,
      'notices.left.held': 2,
      'channels.requests': 4,
      'channels.rho': 2,
      'channels.abs_error': 5,
      'channels.true.released': 100,
    });
    expect(f('true_conduct_per_1000', city)).toBeCloseTo(500);
    expect(f('true_trust_change_pp', city)).toBeCloseTo(-2);
    expect(f('true_repaid_share', city)).toBeCloseTo(0.3);
    expect(f('true_notices_seen_per_1000', city)).toBeCloseTo(200);
    expect(f('true_privacy_rho', city)).toBe(2);
    expect(f('seen_channel_error', city)).toBeCloseTo(0.05);
    expect(f('seen_listings_per_1000', city)).toBeCloseTo(100);
  });
});

describe('the co-production experiment', () => {
  it('holds under KPI pressure and not in the control, and reports what happens beside it', async () => {
    const e = loadExperiment(shipped('experiments', 'co-production.yaml'));
    expect(e.headline.figure).toBe('kpi_score_over_coverage_pp');
    e.sweep = { 'coproduction.kpi.pressure.value': [0, 0.6] };
    const r = await runExperiment(e, { quick: true });
    expect(r.points[0]!.verdict).not.toBe('holds');
    expect(r.points[1]!.verdict).toBe('holds');
    expect(r.points[1]!.summary.kpi_padded_share!.mean).toBeGreaterThan(0);
    expect(r.points[0]!.summary.kpi_padded_share!.mean).toBe(0);
    // What happens, beside what the state sees: the channel spends the firm's yearly budget at every point, and the
    // padded records wear down trust more under pressure than in the control.
    const m = (i: number, f: string) => r.points[i]!.summary[f]!.mean;
    expect(m(0, 'true_privacy_rho')).toBe(2);
    expect(m(0, 'seen_channel_cells')).toBeGreaterThan(0);
    expect(m(1, 'true_trust_change_pp')).toBeLessThan(m(0, 'true_trust_change_pp'));
    expect(m(1, 'true_conduct_per_1000')).toBeGreaterThan(0);
  }, 180_000);
});
