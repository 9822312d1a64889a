// Platforms' notices about listed residents: pushed listings reach callers who are ties (they press, help or shun, and
// the pressure reaches the credit process through the relational module's tie counts) and strangers near the address
// (who may shun: income lost); with nothing pushed the module changes no record or event; the loader checks its needs.
import { describe, expect, it } from 'vitest';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { runSimulation, type SimResult } from '../engine.js';
import { loadScenario } from '../scenario.js';
import { DEFAULT_PROCESSES } from './process.js';

const MERITOWN = shipped('scenarios', 'meritown');
const LISTED = loadScenario(MERITOWN).scenario.processes ?? DEFAULT_PROCESSES;
const REL = [...LISTED, 'relational'];
const ON = [...REL, 'platformNotices'];
const RUN = { scenarioDir: MERITOWN, workers: 0, population: 4000, years: 2, seed: 1 } as const;
const run = (processes: string[], push?: number) =>
  runSimulation({
    ...RUN,
    overrides: {
      'scenario.processes': processes,
      ...(push === undefined ? {} : { 'coproduction.notices.courtPush.value': push }),
    },
  });
const n = (r: SimResult, key: string) => r.society[key] ?? 0;

const codes = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof MosaicError) return e.issues.map((i) => i.code);
    throw e;
  }
  return [];
};

describe('platform notices about listed residents', () => {
  it('reach callers and strangers when pushed, and change nothing when nothing is pushed', async () => {
    const rel = await run(REL);
    const none = await run(ON, 0);
    const all = await run(ON, 1);
    // Own stream, and a listing not pushed has no effect: the run is the relational-only run.
    expect(none.manifest.digests).toEqual(rel.manifest.digests);
    expect(n(none, 'notices.listed')).toBeGreaterThan(0);
    expect(n(none, 'notices.pushed')).toBe(0);
    expect(n(none, 'notices.income_lost')).toBe(0);
    // Every listing pushed: callers hear it and respond as ties; strangers see the map and some shun.
    expect(n(all, 'notices.pushed')).toBe(n(all, 'notices.listed'));
    expect(n(all, 'notices.callers')).toBeGreaterThan(n(all, 'notices.pushed'));
    expect(n(all, 'notices.callers.pressed')).toBeGreaterThan(0);
    expect(n(all, 'notices.strangers.seen')).toBeGreaterThan(n(all, 'notices.strangers.shunned'));
    expect(n(all, 'notices.strangers.shunned')).toBeGreaterThan(0);
    expect(n(all, 'notices.income_lost')).toBeGreaterThan(0);
    // Listings are followed to their end, by whether they were pushed.
    const half = await run(ON, 0.5);
    expect(n(half, 'notices.pushed') + n(half, 'notices.held')).toBe(n(half, 'notices.listed'));
    expect(n(half, 'notices.left.pushed') + n(half, 'notices.left.held')).toBeGreaterThan(0);
    expect(n(half, 'notices.left.pushed')).toBeLessThanOrEqual(n(half, 'notices.pushed'));
    expect(n(half, 'notices.left.held')).toBeLessThanOrEqual(n(half, 'notices.held'));
    expect(n(all, 'notices.held')).toBe(0);
    // Pressure (read by the credit process) and lost income change what happens next: the records differ.
    expect(all.manifest.digests.records).not.toEqual(rel.manifest.digests.records);
  }, 180_000);

  it('are deterministic', async () => {
    const a = await run(ON, 0.5);
    const b = await run(ON, 0.5);
    expect(a.manifest.digests).toEqual(b.manifest.digests);
    expect(a.society).toEqual(b.society);
  }, 120_000);

  it('need the notices block and the relational module', () => {
    expect(codes(() => loadScenario(MERITOWN, { overrides: { 'scenario.processes': ON } }))).toEqual([]);
    expect(
      codes(() =>
        loadScenario(MERITOWN, { overrides: { 'scenario.processes': [...LISTED, 'platformNotices'] } }),
      ),
    ).toContain('scenario.notices_need_relational');
  });
});
