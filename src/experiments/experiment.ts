// An experiment as data (experiments/NAME.yaml): the scenario, the parameters to sweep, the seeds, the figures to
// report and the finding's test. It may only move scenario parameters; every outcome comes out of the run.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { MosaicError } from '../core/errors.js';
import { projectRoot } from '../core/paths.js';
import { FIGURES } from './figures.js';

const Size = z
  .object({
    population: z.int().min(100),
    years: z.number().positive(),
    seeds: z.array(z.int().min(0)).min(1),
  })
  .strict();

export const ExperimentFile = z
  .object({
    experiment: z.string().regex(/^[a-z][a-z0-9-]*$/),
    title: z.string().min(1),
    /** The research finding the experiment reproduces, in one sentence, with its source. */
    finding: z.string().min(1),
    source: z.string().min(1),
    scenario: z.string().min(1),
    /** Fixed overrides of the scenario for this experiment (each must exist in the scenario). */
    set: z.record(z.string(), z.unknown()).default({}),
    /** One parameter path per key, the values to try; the points are the cross product. */
    sweep: z.record(z.string(), z.array(z.unknown()).min(1)),
    figures: z.array(z.string()).min(1),
    /** The headline figure and the condition under which the finding holds at a sweep point. */
    headline: z
      .object({
        figure: z.string(),
        holds: z.object({ above: z.number().optional(), below: z.number().optional() }).strict(),
      })
      .strict(),
    quick: Size,
    full: Size,
    /** What the reader must know to read the figures (a mechanism note, a caveat). */
    note: z.string().optional(),
    /** What the scenario puts in that a figure reads back (a sign fed as an input): recovering it is a calibration
     * check, not the finding; the report prints it before the headline. */
    inputs: z.string().optional(),
  })
  .strict();
export type Experiment = z.infer<typeof ExperimentFile>;

export function experimentsDir(): string {
  return join(projectRoot(), 'experiments');
}

export function listExperiments(dir = experimentsDir()): Experiment[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => loadExperiment(join(dir, f)));
}

export function findExperiment(name: string, dir = experimentsDir()): Experiment {
  const file = join(dir, `${name}.yaml`);
  if (!existsSync(file)) {
    const known = listExperiments(dir).map((e) => e.experiment);
    throw new MosaicError({
      code: 'experiment.not_found',
      message: `no experiment '${name}' (known: ${known.join(', ') || 'none'})`,
    });
  }
  return loadExperiment(file);
}

export function loadExperiment(file: string): Experiment {
  const parsed = ExperimentFile.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new MosaicError(
      parsed.error.issues.map((i) => ({
        code: 'experiment.invalid',
        message: `${i.path.join('.') || '(root)'}: ${i.message}`,
        location: { file },
      })),
    );
  const e = parsed.data;
  const issues = [];
  if (e.experiment !== basename(file, '.yaml'))
    issues.push({
      code: 'experiment.name',
      message: `experiment '${e.experiment}' must live in ${e.experiment}.yaml`,
    });
  for (const f of [...e.figures, e.headline.figure])
    if (!FIGURES[f])
      issues.push({
        code: 'experiment.unknown_figure',
        message: `unknown figure '${f}' (known: ${Object.keys(FIGURES).join(', ')})`,
      });
  if (!e.figures.includes(e.headline.figure))
    issues.push({ code: 'experiment.headline', message: 'the headline figure must be one of the figures' });
  if (e.headline.holds.above === undefined && e.headline.holds.below === undefined)
    issues.push({ code: 'experiment.headline', message: 'headline.holds needs above or below' });
  if (issues.length) throw new MosaicError(issues.map((i) => ({ ...i, location: { file } })));
  return e;
}
