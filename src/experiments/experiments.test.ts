// Experiments: the shipped files load and name only known figures and existing parameters; the statistics and the
// verdicts; the assumptions table covers every number of the scenario; a tiny experiment runs end to end.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MosaicError } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { loadScenario } from '../sim/scenario.js';
import { assumptionRows } from './assumptions.js';
import { listExperiments, loadExperiment } from './experiment.js';
import { writeReport } from './report.js';
import { runExperiment, summarise, sweepPoints, verdictOf } from './run.js';

describe('experiment files', () => {
  it('ship the experiments, each loading with known figures and parameters the scenario has', () => {
    const all = listExperiments();
    expect(all.map((e) => e.experiment)).toEqual(
      expect.arrayContaining(['greying', 'mirage', 'opinion', 'rural-disadvantage', 'scrutiny']),
    );
    for (const e of all)
      for (const p of sweepPoints(e.sweep))
        expect(() => loadScenario(shipped(e.scenario), { overrides: { ...e.set, ...p } })).not.toThrow();
  });

  it('rejects an unknown figure with a coded issue', () => {
    const dir = mkdtempSync(join(tmpdir(), 'issue-16-exp-'));
    try {
      const f = join(dir, 'bad.yaml');
      writeFileSync(
        f,
        readFileSync(shipped('experiments', 'mirage.yaml'), 'utf8')
          .replace('experiment: mirage', 'experiment: bad')
          .replace('figures: [fabricated_share_rural', 'figures: [no_such_figure, fabricated_share_rural'),
      );
      let err: unknown;
      try {
        loadExperiment(f);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MosaicError);
      expect((err as MosaicError).issues.map((i) => i.code)).toContain('experiment.unknown_figure');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('statistics and verdicts', () => {
  it('gives a t interval over seeds and a verdict only when the interval is on one side', () => {
    const s = summarise([5, 6, 7]);
    expect(s.mean).toBe(6);
    expect(s.lo).toBeCloseTo(6 - 4.303 / Math.sqrt(3), 6);
    expect(verdictOf(s, { above: 0 })).toBe('holds');
    expect(verdictOf(s, { above: 6 })).toBe('indeterminate');
    expect(verdictOf(s, { above: 10 })).toBe('fails');
    expect(verdictOf(summarise([NaN, 1]), { above: 0 })).toBe('unmeasured');
  });

  it('crosses the sweep in file order', () => {
    expect(sweepPoints({ a: [1, 2], b: ['x', 'y'] })).toEqual([
      { a: 1, b: 'x' },
      { a: 1, b: 'y' },
      { a: 2, b: 'x' },
      { a: 2, b: 'y' },
    ]);
  });
});

describe('assumptions table', () => {
  it('lists every number of the scenario with a source or an assumption', () => {
    const rows = assumptionRows(loadScenario(shipped('scenarios', 'meritown')));
    expect(rows.length).toBeGreaterThan(200);
    for (const r of rows) expect(r.text.length).toBeGreaterThan(0);
    const sue = rows.find((r) => r.path === 'behaviour.processes.credit.sue')!;
    expect(sue.kind).toBe('assumption');
    // The court's reporting delay has no source about reporting: an assumption (issue 11 fix 10).
    const court = rows.find((r) => r.path === 'agencies.list.court.delay.maxWorkingDays')!;
    expect(court.kind).toBe('assumption');
    const police = rows.find((r) => r.path === 'agencies.list.police_traffic.delay.maxWorkingDays')!;
    expect(police.kind).toBe('source');
    expect(police.marker).toBe('V');
  });

  it('covers the optional files a scenario has: the KPI pressure an experiment sweeps is in the table', () => {
    const rows = assumptionRows(loadScenario(shipped('scenarios', 'meritown')));
    const p = rows.find((r) => r.path === 'coproduction.kpi.pressure.value')!;
    expect(p.kind).toBe('assumption');
    expect(rows.find((r) => r.path === 'coproduction.kpi.limitWorkingDays.value')!.marker).toBe('V');
    expect(rows.some((r) => r.path.startsWith('society.'))).toBe(true);
  });
});

describe('a tiny experiment', () => {
  it('runs the sweep, measures each run and writes the report with the not-fieldwork notice', async () => {
    const e = loadExperiment(shipped('experiments', 'mirage.yaml'));
    e.sweep = { 'agencies.list.village_collector.quota.fabricationPerYear': [0, 20] };
    e.quick = { population: 1500, years: 0.5, seeds: [1, 2, 3] };
    e.inputs = 'the quota is put in, not found';
    const r = await runExperiment(e, { quick: true });
    expect(r.points.map((p) => p.verdict)).toEqual(['fails', 'holds']);
    expect(r.points[0]!.summary.fabricated_share_rural!.mean).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'issue-16-exp-'));
    try {
      writeReport(r, dir);
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html).toContain('Not fieldwork');
      // what the scenario puts in is printed apart from the finding (the opinion experiment's signs)
      expect(html).toContain('Inputs, not findings:</strong> the quota is put in, not found');
      expect(html).toContain('agencies.list.village_collector.quota.fabricationPerYear');
      expect(readFileSync(join(dir, 'summary.csv'), 'utf8').split('\n')[0]).toContain('ci95_lo');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
