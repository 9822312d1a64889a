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
    digest: 'c147ce8e347e324ca61ae13f497fdbed9260dc618d00c82f880d73715d46d057',
  },
  {
    name: 'two-calendar-years',
    opts: { population: 1200, years: 1.6, seed: 5 },
    digest: 'da7fe3cecbf3ee2361f0224c94184ffd28c1247a27ad89b57f51b1d3308cc367',
  },
  {
    name: 'weeks',
    opts: { population: 1500, years: 0.6, seed: 3, step: 'week', epoch: 'week' },
    digest: '3f147f6bc83b6979a5f947d6a4f432d7807f8ce2832c9b27bd179381b2938919',
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
