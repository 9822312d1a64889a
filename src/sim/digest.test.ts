// Golden run digests: a refactor of the simulation must leave these small runs bit-identical (records, events and the
// collectors' time series). A change of behaviour updates the goldens in its own commit, saying why.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shipped } from '../core/paths.js';
import { runSimulation, type SimOptions } from './engine.js';

const BASE = { scenarioDir: shipped('scenarios', 'meritown'), workers: 0 } as const;

/** Each case exercises a different path: a full year by day (annual reports, appraisal, ratings, vitals), and weeks. */
const CASES: { name: string; opts: Omit<SimOptions, 'scenarioDir'>; digest: string }[] = [
  {
    name: 'year-by-day',
    opts: { population: 3000, years: 1, seed: 7 },
    digest: 'dd647e31318e779d2151b95461a3aaaec0f0f1b87e79c9ed87f39705048b1ba6',
  },
  {
    name: 'two-calendar-years',
    opts: { population: 1200, years: 1.6, seed: 5 },
    digest: 'dd1a5620d49ea9ae4cf5316e4d208618c41e3c51c2bf3aef27fc35a20b8d678b',
  },
  {
    name: 'weeks',
    opts: { population: 1500, years: 0.6, seed: 3, step: 'week', epoch: 'week' },
    digest: 'ba825429d0282b940e4b5891e0f63ee24009bdd7a37e3ace6293969b617dec24',
  },
];

async function digestOf(opts: Omit<SimOptions, 'scenarioDir'>): Promise<string> {
  const r = await runSimulation({ ...BASE, ...opts });
  const h = createHash('sha256');
  h.update(r.manifest.digests.records);
  h.update(r.manifest.digests.events);
  h.update(JSON.stringify(r.timeseries));
  h.update(JSON.stringify(r.manifest.counts));
  return h.digest('hex');
}

describe('run digests', () => {
  for (const c of CASES)
    it(`${c.name} is unchanged`, async () => {
      expect(await digestOf(c.opts)).toBe(c.digest);
    }, 120_000);
});
