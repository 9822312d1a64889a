// `mosaic sim sweep`: a grid of parameter overrides × seeds, run in parallel worker threads (each run on its own
// thread), every run written to its own directory and its summary and time series appended to the sweep's files as
// soon as it finishes, so nothing accumulates in memory.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { MosaicError, type Issue } from '../core/errors.js';
import { prepareOutputDir } from '../core/outputs.js';
import { compiledWorker } from '../core/paths.js';
import { readYaml, validateYaml } from '../core/yaml-doc.js';
import { loadScenario } from './scenario.js';
import type { Manifest, SimOptions } from './engine.js';

export const GridFile = z
  .object({
    /** Override path (as for `--set`) → the values to try. */
    parameters: z.record(z.string().min(3), z.array(z.union([z.number(), z.string(), z.boolean()])).min(1)),
    seeds: z.array(z.int().min(0)).min(1).optional(),
  })
  .strict();
export type Grid = z.infer<typeof GridFile>;

export interface SweepJob {
  id: string;
  overrides: Record<string, unknown>;
  seed: number;
}

export function readGrid(file: string): Grid {
  const parsed = readYaml(file);
  const res = validateYaml(parsed, GridFile, 'sweep');
  if (!res.value) throw new MosaicError(res.issues);
  return res.value;
}

/** The cartesian product of the grid, times the seeds, in a fixed order (parameters as listed, values as listed). */
export function expandGrid(grid: Grid, seeds: number[]): SweepJob[] {
  let combos: Record<string, unknown>[] = [{}];
  for (const [path, values] of Object.entries(grid.parameters))
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [path]: v })));
  const jobs: SweepJob[] = [];
  combos.forEach((overrides, k) => {
    for (const seed of seeds) jobs.push({ id: `p${String(k).padStart(3, '0')}-s${seed}`, overrides, seed });
  });
  return jobs;
}

export interface SweepOptions {
  scenarioDir: string;
  /** Replace a previous sweep in `out` (only the entries a sweep writes are removed). */
  force?: boolean;
  grid: Grid;
  seeds: number[];
  population: number;
  years: number;
  parallel: number;
  out: string;
  onDone?: (job: SweepJob, m: Manifest, done: number, total: number) => void;
}

function sweepWorker(): string {
  const script = compiledWorker(import.meta.url, 'sim/sweep-worker.js');
  if (script) return script;
  throw new MosaicError({
    code: 'sim.worker_missing',
    message: 'sweeps need the compiled worker: run `npm run build` first',
  });
}

/** Run every job; returns the manifests in job order (the files are already written when this resolves). */
export async function runSweep(o: SweepOptions): Promise<Manifest[]> {
  const jobs = expandGrid(o.grid, o.seeds);
  // Validate every override combination before starting anything: a bad path fails the sweep at once, with its code.
  const issues: Issue[] = [];
  for (const j of jobs.filter((j) => j.seed === o.seeds[0])) {
    try {
      loadScenario(o.scenarioDir, { overrides: j.overrides });
    } catch (e) {
      if (e instanceof MosaicError) issues.push(...e.issues);
      else throw e;
    }
  }
  if (issues.length) throw new MosaicError(issues);
  // A sweep owns its summary files and one folder per job; it replaces a previous sweep only when forced.
  prepareOutputDir(o.out, {
    kind: 'sim-sweep',
    entries: ['sweep.csv', 'timeseries.csv', 'grid.json', ...jobs.map((j) => j.id)],
    force: o.force === true,
  });
  const params = Object.keys(o.grid.parameters);
  const summary = join(o.out, 'sweep.csv');
  const series = join(o.out, 'timeseries.csv');
  const KEYS = ['records', 'events', 'fabricated', 'measuresApplied', 'births', 'deaths'] as const;
  writeFileSync(summary, ['job', 'seed', ...params, ...KEYS, 'seconds'].join(',') + '\n');
  writeFileSync(series, 'job,date,collector,group,value\n');
  writeFileSync(
    join(o.out, 'grid.json'),
    JSON.stringify({ scenario: o.scenarioDir, grid: o.grid, seeds: o.seeds, jobs }, null, 2) + '\n',
  );
  const script = sweepWorker();
  const results: Manifest[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < jobs.length) {
      const k = next++;
      const job = jobs[k]!;
      const dir = join(o.out, job.id);
      const opts: SimOptions = {
        scenarioDir: o.scenarioDir,
        overrides: job.overrides,
        population: o.population,
        years: o.years,
        seed: job.seed,
        workers: 0,
        out: dir,
      };
      const m = await new Promise<Manifest>((resolve, reject) => {
        const w = new Worker(script, { workerData: opts });
        w.once('message', (msg: { manifest?: Manifest; error?: string; issues?: Issue[] }) => {
          if (msg.manifest) resolve(msg.manifest);
          else reject(msg.issues ? new MosaicError(msg.issues) : new Error(msg.error));
        });
        w.once('error', reject);
      });
      results[k] = m;
      const row = [
        job.id,
        job.seed,
        ...params.map((p) => JSON.stringify(job.overrides[p])),
        ...KEYS.map((key) => m.counts[key] ?? 0),
        (m.timings.total! / 1000).toFixed(2),
      ];
      appendFileSync(summary, row.join(',') + '\n');
      const lines = readFileSync(join(dir, 'timeseries.csv'), 'utf8').split('\n').slice(1).filter(Boolean);
      appendFileSync(series, lines.map((l) => `${job.id},${l}`).join('\n') + '\n');
      o.onDone?.(job, m, ++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.parallel, jobs.length)) }, lane));
  return results;
}
