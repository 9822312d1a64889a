// `mosaic sim run` and `mosaic sim sweep`: run Meritown (or another scenario) and write a run directory
// (docs/RUN-FORMAT.md); sweep a parameter grid × seeds in parallel, streaming results to files.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { fromEpochDay } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { runSimulation, type Progress } from '../../sim/engine.js';
import { readGrid, runSweep, type Grid } from '../../sim/sweep.js';

interface RunFlags {
  population?: string;
  years?: string;
  seed?: string;
  out: string;
  workers?: string;
  step?: 'day' | 'week';
  epoch?: 'week' | 'month';
  set?: string[];
  progress?: boolean;
  scoring?: boolean;
  force?: boolean;
}

interface SweepFlags {
  grid?: string;
  vary?: string[];
  seeds: string;
  population: string;
  years: string;
  parallel?: string;
  out: string;
  force?: boolean;
}

/**
 * The longest run the CLI accepts. Meritown's days, cohorts and time series grow with the years; a typo such as
 * `--years 1e9` would otherwise allocate until the machine runs out of memory instead of saying what is wrong.
 */
export const MAX_YEARS = 200;

/** `--years`: a positive number of years, at most MAX_YEARS. */
export function parseYears(v: string | undefined): number | undefined {
  const years = num('years', v, false);
  if (years !== undefined && (years <= 0 || years > MAX_YEARS))
    throw new MosaicError({
      code: 'cli.years_out_of_range',
      message: `--years ${v}: a run covers more than 0 and at most ${MAX_YEARS} years`,
      location: { path: ['--years'] },
    });
  return years;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function num(name: string, v: string | undefined, integer = true): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
    throw new MosaicError({
      code: 'cli.bad_number',
      message: `--${name} must be a non-negative ${integer ? 'integer' : 'number'}, got '${v}'`,
    });
  return n;
}

/** `path=value`: numbers, true/false and JSON arrays are parsed; anything else is a string. */
export function parseSet(items: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const it of items) {
    const eq = it.indexOf('=');
    if (eq <= 0)
      throw new MosaicError({ code: 'cli.bad_set', message: `--set expects path=value, got '${it}'` });
    out[it.slice(0, eq)] = parseValue(it.slice(eq + 1));
  }
  return out;
}

function parseValue(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v !== '' && Number.isFinite(Number(v))) return Number(v);
  if (v.startsWith('[') || v.startsWith('{')) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

/** `1,2,5` or `1..4`. */
export function parseSeeds(s: string): number[] {
  const m = /^(\d+)\.\.(\d+)$/.exec(s);
  const out = m
    ? Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i)
    : s.split(',').map(Number);
  if (!out.length || out.some((x) => !Number.isInteger(x) || x < 0))
    throw new MosaicError({
      code: 'cli.bad_seeds',
      message: `--seeds expects '1,2,3' or '1..5', got '${s}'`,
    });
  return out;
}

export function registerSimCommands(program: Command): void {
  const sim = program
    .command('sim')
    .description('simulate Meritown: synthetic residents, firms and agencies feeding the real engines');
  sim
    .command('run')
    .description(
      'run a scenario and write a run directory (ledger, population, firms, events, time series, manifest)',
    )
    .argument('<scenario>', 'scenario folder, e.g. scenarios/meritown')
    .option('--population <n>', 'residents at the start (default: the scenario default)')
    .option('--years <n>', 'simulated years (fractions allowed)')
    .option('--seed <n>', 'random seed')
    .option(
      '--out <dir>',
      'run directory (new or empty; a previous run is replaced only with --force)',
      'runs/latest',
    )
    .option('--force', 'replace a previous run in --out (only the files a run writes are removed)')
    .option('--workers <n>', 'worker threads (0 = main thread only)')
    .option('--step <day|week>', 'time step')
    .option('--epoch <week|month>', 'how often partitions synchronise with the engines')
    .option(
      '--set <path=value>',
      'override a scenario parameter (repeatable), e.g. behaviour.families.drink_driving.rate.value=0.05',
      collect,
    )
    .option('--no-progress', 'no progress bar')
    .option('--no-scoring', 'skip the monthly municipal rescoring')
    .action(async (scenario: string, f: RunFlags) => {
      const bar =
        f.progress === false || !process.stderr.isTTY
          ? undefined
          : new cliProgress.SingleBar(
              {
                format:
                  'Meritown {bar} {percentage}% | {date} | ETA {eta_formatted} | {rate} agent-days/s | {records} records',
                hideCursor: true,
                etaBuffer: 12,
              },
              cliProgress.Presets.shades_classic,
            );
      let lastLog = 0;
      const onProgress = (p: Progress) => {
        const total = p.end - p.start;
        const done = p.day - p.start;
        const rate = p.elapsedMs > 0 ? Math.round(p.agentDays / (p.elapsedMs / 1000)) : 0;
        if (bar) {
          if (done === p.day - p.start && !bar.getTotal())
            bar.start(total, 0, { date: '', rate: 0, records: 0 });
          bar.update(done, {
            date: fromEpochDay(p.day - 1),
            rate: rate.toLocaleString('en'),
            records: p.records.toLocaleString('en'),
          });
        } else if (p.elapsedMs - lastLog > 5000 || p.day === p.end) {
          lastLog = p.elapsedMs;
          process.stderr.write(
            `${fromEpochDay(p.day - 1)}  ${((100 * done) / total).toFixed(0)}%  ${rate} agent-days/s  ${p.records} records\n`,
          );
        }
      };
      const out = resolve(f.out);
      const opts = {
        scenarioDir: scenario,
        overrides: parseSet(f.set),
        out,
        onProgress,
        ...(f.scoring === false ? { scoring: false } : {}),
        ...(f.force ? { force: true } : {}),
      } as Parameters<typeof runSimulation>[0];
      const pop = num('population', f.population);
      const years = parseYears(f.years);
      const seed = num('seed', f.seed);
      const workers = num('workers', f.workers);
      if (pop !== undefined) opts.population = pop;
      if (years !== undefined) opts.years = years;
      if (seed !== undefined) opts.seed = seed;
      if (workers !== undefined) opts.workers = workers;
      if (f.step) opts.step = f.step;
      if (f.epoch) opts.epoch = f.epoch;
      try {
        const r = await runSimulation(opts);
        bar?.stop();
        const m = r.manifest;
        const rate = m.counts.agentDays! / (m.timings.simulate! / 1000);
        console.log(
          `Meritown: ${m.population.toLocaleString('en')} residents, ${m.years} years (${m.start} .. ${m.end}), seed ${m.seed}, ${m.workers} workers\n` +
            `  ${m.counts.records!.toLocaleString('en')} records, ${m.counts.events!.toLocaleString('en')} true events, ${m.counts.measuresApplied} measures applied\n` +
            `  ${(m.timings.total! / 1000).toFixed(1)} s total, ${(rate / 1e6).toFixed(2)} M agent-days/s while stepping\n` +
            `  outputs in ${out}`,
        );
      } catch (e) {
        bar?.stop();
        throw e;
      }
    });
  sim
    .command('sweep')
    .description(
      'run a parameter grid × seeds in parallel; each run gets its own directory, results stream to sweep.csv',
    )
    .argument('<scenario>', 'scenario folder')
    .option('--grid <file>', 'YAML grid: { parameters: { <path>: [values…] }, seeds: [..] }')
    .option('--vary <path=v1,v2>', 'a grid dimension on the command line (repeatable)', collect)
    .option('--seeds <list>', "seeds: '1,2,3' or '1..5'", '1..3')
    .option('--population <n>', 'residents per run', '10000')
    .option('--years <n>', 'years per run', '1')
    .option('--parallel <n>', 'runs at once (default: cores)')
    .option(
      '--out <dir>',
      'sweep directory (new or empty; a previous sweep is replaced only with --force)',
      'runs/sweep',
    )
    .option('--force', 'replace a previous sweep in --out')
    .action(async (scenario: string, f: SweepFlags) => {
      const grid: Grid = f.grid ? readGrid(f.grid) : { parameters: {} };
      for (const v of f.vary ?? []) {
        const eq = v.indexOf('=');
        if (eq <= 0)
          throw new MosaicError({ code: 'cli.bad_vary', message: `--vary expects path=v1,v2, got '${v}'` });
        grid.parameters[v.slice(0, eq)] = v
          .slice(eq + 1)
          .split(',')
          .map((x) => parseValue(x) as number | string | boolean);
      }
      const seeds = f.grid && grid.seeds && f.seeds === '1..3' ? grid.seeds : parseSeeds(f.seeds);
      const out = resolve(f.out);
      const started = performance.now();
      await runSweep({
        scenarioDir: scenario,
        grid,
        seeds,
        population: num('population', f.population)!,
        years: parseYears(f.years)!,
        force: f.force === true,
        parallel: num('parallel', f.parallel) ?? availableParallelism(),
        out,
        onDone: (job, m, done, total) =>
          process.stderr.write(
            `[${done}/${total}] ${job.id} seed ${job.seed}: ${m.counts.records} records in ${(m.timings.total! / 1000).toFixed(1)} s\n`,
          ),
      });
      console.log(
        `sweep done in ${((performance.now() - started) / 1000).toFixed(1)} s: ${out}/sweep.csv, ${out}/timeseries.csv`,
      );
    });
}
