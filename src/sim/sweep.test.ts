// Sweeps: the grid expands in a fixed order, bad override paths fail before any run, results stream to files.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MosaicError } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { parseSeeds, parseSet } from '../cli/commands/sim.js';
import { expandGrid, runSweep } from './sweep.js';

const SCENARIO = shipped('scenarios', 'meritown');

describe('sweep grid', () => {
  it('expands parameters × seeds in a fixed order with stable job ids', () => {
    const jobs = expandGrid({ parameters: { 'a.b': [1, 2], 'c.d': ['x', 'y'] } }, [5, 6]);
    expect(jobs.map((j) => j.id)).toEqual([
      'p000-s5',
      'p000-s6',
      'p001-s5',
      'p001-s6',
      'p002-s5',
      'p002-s6',
      'p003-s5',
      'p003-s6',
    ]);
    expect(jobs[2]!.overrides).toEqual({ 'a.b': 1, 'c.d': 'y' });
  });

  it('parses seeds and --set values', () => {
    expect(parseSeeds('1..4')).toEqual([1, 2, 3, 4]);
    expect(parseSeeds('3,7')).toEqual([3, 7]);
    expect(() => parseSeeds('x')).toThrow(MosaicError);
    expect(parseSet(['a.b=0.5', 'c=true', 'd=[1,2]', 'e=text'])).toEqual({
      'a.b': 0.5,
      c: true,
      d: [1, 2],
      e: 'text',
    });
  });

  it('rejects a grid whose override path does not exist before running anything', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mosaic-sweep-'));
    await expect(
      runSweep({
        scenarioDir: SCENARIO,
        grid: { parameters: { 'behaviour.nope': [1] } },
        seeds: [1],
        population: 500,
        years: 0.1,
        parallel: 1,
        out,
      }),
    ).rejects.toMatchObject({ code: 'scenario.bad_override' });
    expect(existsSync(join(out, 'sweep.csv'))).toBe(false);
  });

  const built = existsSync(shipped('dist', 'src', 'sim', 'sweep-worker.js'));
  it.skipIf(!built)('runs jobs in parallel and streams one summary row per job', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mosaic-sweep-')), 's');
    const ms = await runSweep({
      scenarioDir: SCENARIO,
      grid: { parameters: { 'behaviour.families.volunteering.rate.value': [0.5, 3] } },
      seeds: [1],
      population: 1500,
      years: 0.2,
      parallel: 2,
      out,
    });
    const rows = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(rows.length).toBe(3);
    expect(existsSync(join(out, 'p001-s1', 'records.parquet'))).toBe(true);
    // more volunteering, more records: the override reached the run
    expect(ms[1]!.counts.records).toBeGreaterThan(ms[0]!.counts.records!);
  });
});
