// Runs an experiment: every point of its sweep × every seed through the simulation, each figure measured on each
// run, summarised per point as a mean with a 95 % interval over seeds, and the finding tested at every point.
import { resolve } from 'node:path';
import { projectRoot } from '../core/paths.js';
import { runSimulation } from '../sim/engine.js';
import { loadScenario } from '../sim/scenario.js';
import { assumptionRows, type AssumptionRow } from './assumptions.js';
import type { Experiment } from './experiment.js';
import { FIGURES } from './figures.js';

export interface Summary {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

export interface PointResult {
  /** The swept parameters' values at this point. */
  point: Record<string, unknown>;
  /** Per figure, one value per seed (in seed order). */
  values: Record<string, number[]>;
  summary: Record<string, Summary>;
  /** Whether the headline's interval lies on the finding's side ('holds'), on the other ('fails'), or straddles. */
  verdict: 'holds' | 'fails' | 'indeterminate' | 'unmeasured';
}

export interface ExperimentResult {
  experiment: Experiment;
  size: 'quick' | 'full';
  population: number;
  years: number;
  seeds: number[];
  points: PointResult[];
  assumptions: (AssumptionRow & { swept: string })[];
  /** Plain statement of whether the finding holds across the sweep. */
  statement: string;
  seconds: number;
}

/** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom (then the normal's 1.96). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function summarise(xs: number[]): Summary {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, lo: mean, hi: mean, n };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const h = (T975[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
  return { mean, lo: mean - h, hi: mean + h, n };
}

export function verdictOf(s: Summary, holds: { above?: number; below?: number }): PointResult['verdict'] {
  if (!Number.isFinite(s.mean)) return 'unmeasured';
  const onSide = (x: number) =>
    (holds.above === undefined || x > holds.above) && (holds.below === undefined || x < holds.below);
  if (onSide(s.lo) && onSide(s.hi)) return 'holds';
  if (!onSide(s.lo) && !onSide(s.hi) && !onSide(s.mean)) return 'fails';
  return 'indeterminate';
}

/** The cross product of the sweep's values, in file order. */
export function sweepPoints(sweep: Record<string, unknown[]>): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [path, values] of Object.entries(sweep))
    points = points.flatMap((p) => values.map((v) => ({ ...p, [path]: v })));
  return points;
}

export async function runExperiment(
  e: Experiment,
  opts: { quick?: boolean; log?: (s: string) => void } = {},
): Promise<ExperimentResult> {
  const t0 = performance.now();
  const size = opts.quick ? e.quick : e.full;
  const scenarioDir = resolve(projectRoot(), e.scenario);
  // Fails early, with the loader's coded issues, on a parameter path the scenario does not have.
  for (const point of sweepPoints(e.sweep)) loadScenario(scenarioDir, { overrides: { ...e.set, ...point } });
  const points: PointResult[] = [];
  for (const point of sweepPoints(e.sweep)) {
    const values: Record<string, number[]> = Object.fromEntries(e.figures.map((f) => [f, []]));
    for (const seed of size.seeds) {
      const r = await runSimulation({
        scenarioDir,
        overrides: { ...e.set, ...point },
        population: size.population,
        years: size.years,
        seed,
        workers: 0,
      });
      for (const f of e.figures) values[f]!.push(FIGURES[f]!.measure(r));
      opts.log?.(
        `${fmtPoint(point)} seed ${seed}: ${e.headline.figure} = ${fmt(values[e.headline.figure]!.at(-1)!)}`,
      );
    }
    const summary = Object.fromEntries(e.figures.map((f) => [f, summarise(values[f]!)]));
    points.push({
      point,
      values,
      summary,
      verdict: verdictOf(summary[e.headline.figure]!, e.headline.holds),
    });
  }
  const base = loadScenario(scenarioDir, { overrides: e.set });
  const assumptions = assumptionRows(base).map((a) => ({
    ...a,
    swept: e.sweep[a.path] ? e.sweep[a.path]!.map((v) => JSON.stringify(v)).join(' | ') : '',
  }));
  return {
    experiment: e,
    size: opts.quick ? 'quick' : 'full',
    population: size.population,
    years: size.years,
    seeds: size.seeds,
    points,
    assumptions,
    statement: statementOf(e, points),
    seconds: (performance.now() - t0) / 1000,
  };
}

export function fmtPoint(p: Record<string, unknown>): string {
  return Object.entries(p)
    .map(
      ([k, v]) =>
        `${k
          .replace(/\.value$/, '')
          .split('.')
          .slice(-2)
          .join('.')}=${JSON.stringify(v)}`,
    )
    .join(', ');
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 1 ? x.toFixed(3) : x.toPrecision(3);
}

function statementOf(e: Experiment, points: PointResult[]): string {
  const h = e.headline.holds;
  const cond = [
    h.above !== undefined ? `above ${h.above}` : '',
    h.below !== undefined ? `below ${h.below}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const by = (v: PointResult['verdict']) => points.filter((p) => p.verdict === v);
  const holds = by('holds');
  const tail = (v: PointResult['verdict'], word: string) =>
    by(v).length
      ? `; ${word} at ${by(v)
          .map((p) => fmtPoint(p.point))
          .join('; ')}`
      : '';
  const what = `${FIGURES[e.headline.figure]!.label} ${cond}`;
  if (holds.length === points.length)
    return `Holds across the whole sweep: at all ${points.length} points the 95 % interval of "${what}" lies on the finding's side.`;
  if (holds.length === 0)
    return `Does not hold anywhere in the sweep: at none of the ${points.length} points is the interval of "${what}" on the finding's side${tail('fails', 'fails')}${tail('indeterminate', 'indeterminate')}${tail('unmeasured', 'not measured (no value)')}.`;
  return `Holds at ${holds.length} of ${points.length} points ("${what}")${tail('fails', 'fails')}${tail('indeterminate', 'indeterminate (interval straddles)')}${tail('unmeasured', 'not measured (no value)')}.`;
}
