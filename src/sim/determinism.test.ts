// Same seed and scenario give identical outputs: across runs, and across 0, 1 and 2 worker threads.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shipped } from '../core/paths.js';
import { runSimulation } from './engine.js';
import { workerScript } from './runner.js';

const SMALL = {
  scenarioDir: shipped('scenarios', 'meritown'),
  population: 2000,
  years: 0.25,
  seed: 11,
  workers: 0,
} as const;

describe('determinism', () => {
  it('gives identical outputs for the same seed, and different ones for another seed', async () => {
    const a = await runSimulation(SMALL);
    const b = await runSimulation(SMALL);
    expect(b.manifest.digests).toEqual(a.manifest.digests);
    expect(b.timeseries).toEqual(a.timeseries);
    const c = await runSimulation({ ...SMALL, seed: 12 });
    expect(c.manifest.digests.records).not.toBe(a.manifest.digests.records);
  });

  const built = (() => {
    try {
      return existsSync(workerScript());
    } catch {
      return false;
    }
  })();
  // Worker threads run the compiled worker; `npm test` builds before running the tests.
  it.skipIf(!built)('gives identical outputs with 1 and 2 worker threads as on the main thread', async () => {
    const inline = await runSimulation(SMALL);
    const one = await runSimulation({ ...SMALL, workers: 1 });
    const two = await runSimulation({ ...SMALL, workers: 2 });
    expect(one.manifest.digests).toEqual(inline.manifest.digests);
    expect(two.manifest.digests).toEqual(inline.manifest.digests);
    expect(two.timeseries).toEqual(inline.timeseries);
  });
});
