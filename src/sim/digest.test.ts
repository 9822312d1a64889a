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
    digest: 'a32682675513ae6e9cb66fa74597a44f3cc459aee7e6618caa4b75795e75474c',
  },
  {
    name: 'two-calendar-years',
    opts: { population: 1200, years: 1.6, seed: 5 },
    digest: 'ba726d6fa3d5b6995b611ffa069ba01b87138c288d0ae303b2ffbdf541be7f47',
  },
  {
    name: 'weeks',
    opts: { population: 1500, years: 0.6, seed: 3, step: 'week', epoch: 'week' },
    digest: '08eed88cb028a91c044b28e12dda5e2da139faf9420488fa8ce320b5f15c1ae4',
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
