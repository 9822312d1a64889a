// Golden run digests: a refactor of the simulation must leave these small runs bit-identical (records, events and the
// collectors' time series). A change of behaviour updates the goldens in its own commit, saying why.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shipped } from '../core/paths.js';
import { runSimulation, type SimOptions } from './engine.js';
import { PROCESS_NAMES } from './processes/process.js';

const BASE = { scenarioDir: shipped('scenarios', 'meritown'), workers: 0 } as const;

/** Every process module, in the order of process.ts: the society and finance modules are off by default. */
const EVERY_MODULE = [...PROCESS_NAMES];
/** The seventeen modules of the first every-module golden (taken at 79a55a7, before dataChannels and trust existed). */
const SEVENTEEN = PROCESS_NAMES.filter((n) => n !== 'dataChannels' && n !== 'trust');

/** Each case exercises a different path: a full year by day (annual reports, appraisal, ratings, vitals), weeks, and
 * every module on (banks' warm-up, platforms, society, the opinion survey). */
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
  {
    name: 'every-module',
    opts: { population: 2000, years: 1, seed: 11, overrides: { 'scenario.processes': SEVENTEEN } },
    digest: 'f6d0e5e8df6c9468d03f9910f9a727760c83ac8a06ebb3fd9791ed49f9af15da',
  },
  {
    name: 'every-module-with-channels-and-trust',
    opts: { population: 2000, years: 1, seed: 11, overrides: { 'scenario.processes': EVERY_MODULE } },
    digest: 'a6498f63a417ff9988d13680b2fadcb47d2c36da472e55cfbc258e19687e2191',
  },
];

async function digestOf(opts: Omit<SimOptions, 'scenarioDir'>): Promise<string> {
  const r = await runSimulation({ ...BASE, ...opts });
  const h = createHash('sha256');
  h.update(r.manifest.digests.records);
  h.update(r.manifest.digests.events);
  h.update(JSON.stringify(r.timeseries));
  h.update(JSON.stringify(r.manifest.counts));
  // The survey's rows and the loan book leave only when their modules run (empty otherwise: not hashed, so the
  // default cases' goldens are those of before).
  if (r.survey.length) h.update(JSON.stringify(r.survey));
  if (r.loans.length) h.update(Buffer.from(r.loans.buffer, r.loans.byteOffset, r.loans.byteLength));
  return h.digest('hex');
}

describe('run digests', () => {
  for (const c of CASES)
    it(`${c.name} is unchanged`, async () => {
      expect(await digestOf(c.opts)).toBe(c.digest);
    }, 120_000);
});
