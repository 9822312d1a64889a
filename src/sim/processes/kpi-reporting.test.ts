// The kpiReporting module: graded offices under KPI pressure submit more records without recording more of the true
// events (they pad and rush instead); with padding dearer than finding cases they pad nothing; the module is
// deterministic, draws from its own stream, and its file is checked when the scenario loads.
import { cpSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { runSimulation, type SimResult } from '../engine.js';
import { loadScenario } from '../scenario.js';
import { DEFAULT_PROCESSES } from './process.js';

const MERITOWN = shipped('scenarios', 'meritown');
const LISTED = loadScenario(MERITOWN).scenario.processes ?? DEFAULT_PROCESSES;
const ON = { 'scenario.processes': [...LISTED, 'kpiReporting'] };
const RUN = { scenarioDir: MERITOWN, workers: 0, population: 2000, years: 1, seed: 4 } as const;
const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

const codes = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof MosaicError) return e.issues.map((i) => i.code);
    throw e;
  }
  return [];
};
const kpi = (r: SimResult) =>
  Object.fromEntries(Object.entries(r.society).filter(([k]) => k.startsWith('kpi.')));
const run = (o: Record<string, unknown>) => runSimulation({ ...RUN, overrides: { ...ON, ...o } });
const k = (r: SimResult, key: string) => r.society[`kpi.${key}`] ?? 0;

describe('offices graded on the KPI form', () => {
  it('under pressure submit more records and record no more of the true events; without it they pad nothing', async () => {
    const base = { 'coproduction.kpi.padCost.value': 0.25, 'coproduction.vendor.trainingSessions.value': 0 };
    const calm = await run({ ...base, 'coproduction.kpi.pressure.value': 0 });
    const pressed = await run({ ...base, 'coproduction.kpi.pressure.value': 0.6 });
    // The baseline months are the same run up to the first review.
    expect(k(pressed, 'base.submitted')).toBe(k(calm, 'base.submitted'));
    expect(k(calm, 'after.padded')).toBe(0);
    expect(k(calm, 'moved')).toBe(0);
    expect(k(pressed, 'after.padded')).toBeGreaterThan(0);
    expect(k(pressed, 'after.submitted')).toBeGreaterThan(1.2 * k(calm, 'after.submitted'));
    expect(k(pressed, 'after.recorded')).toBeLessThan(k(calm, 'after.recorded'));
    // The conduct itself barely moves: the module changes what is recorded, not what people do.
    expect(Math.abs(k(pressed, 'after.true') / k(calm, 'after.true') - 1)).toBeLessThan(0.05);
    // Scores rise with pressure, and faster reporting shows in the timely count.
    const score = (r: SimResult) => k(r, 'later.earned') / k(r, 'later.measured');
    expect(score(pressed)).toBeGreaterThan(score(calm));
    expect(k(pressed, 'after.timely') / k(pressed, 'after.submitted')).toBeGreaterThan(
      k(calm, 'after.timely') / k(calm, 'after.submitted'),
    );
  }, 120_000);

  it('pad nothing when a padded entry costs more than finding a case, and rush instead', async () => {
    const r = await run({ 'coproduction.kpi.pressure.value': 0.6, 'coproduction.kpi.padCost.value': 1.5 });
    expect(k(r, 'after.padded')).toBe(0);
    expect(k(r, 'moved')).toBeGreaterThan(0);
  }, 60_000);

  it('is deterministic, and reports the vendor contract once', async () => {
    const a = await run({});
    const b = await run({});
    expect(a.manifest.digests).toEqual(b.manifest.digests);
    expect(kpi(a)).toEqual(kpi(b));
    expect(k(a, 'vendor.budgetYuan')).toBe(3_000_000);
  }, 120_000);

  it('leaves records and events as they were when no office moves effort and the vendor changes nothing', async () => {
    const off = await runSimulation({ ...RUN, overrides: { 'scenario.processes': [...LISTED] } });
    const idle = await run({
      'coproduction.kpi.pressure.value': 0,
      'coproduction.vendor.trainingSessions.value': 0,
      'coproduction.vendor.modules': [],
    });
    expect(idle.manifest.digests.records).toBe(off.manifest.digests.records);
    expect(idle.manifest.digests.events).toBe(off.manifest.digests.events);
    expect(k(idle, 'after.submitted')).toBeGreaterThan(0);
  }, 120_000);

  it('vendor training raises what offices find when the grade does not press them', async () => {
    const o = { 'coproduction.kpi.pressure.value': 0 };
    const none = await run({ ...o, 'coproduction.vendor.trainingSessions.value': 0 });
    const trained = await run({ ...o, 'coproduction.vendor.trainingSessions.value': 6 });
    expect(k(trained, 'after.recorded')).toBeGreaterThan(k(none, 'after.recorded'));
  }, 120_000);
});

describe('coproduction.yaml is checked when the scenario loads', () => {
  it('the module needs the file, and graded agencies must exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-coprod-'));
    tmp.push(dir);
    cpSync(MERITOWN, dir, { recursive: true });
    unlinkSync(join(dir, 'coproduction.yaml'));
    expect(codes(() => loadScenario(dir))).toEqual([]);
    expect(codes(() => loadScenario(dir, { overrides: ON }))).toContain('scenario.missing_coproduction');
    expect(
      codes(() => loadScenario(MERITOWN, { overrides: { 'coproduction.kpi.agencies': ['no_such_agency'] } })),
    ).toContain('scenario.unknown_agency');
  });
});
