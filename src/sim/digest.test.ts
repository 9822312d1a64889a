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
    digest: 'd029689dc80a712d698456f501d1c922fb9d59c13acbaed2dbe7697fa6e506b7',
  },
  {
    name: 'two-calendar-years',
    opts: { population: 1200, years: 1.6, seed: 5 },
    digest: '0f3b19ab3e52de6fb73971fd226ccbbb9f525761a7828d3f7a01ff4ddf960f1b',
  },
  {
    name: 'weeks',
    opts: { population: 1500, years: 0.6, seed: 3, step: 'week', epoch: 'week' },
    digest: 'bc0cd49c3a26240f05510740146bf1e22b368147f06a320e82a8edd59f95dcd9',
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
