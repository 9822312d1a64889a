// `mosaic experiment ml-adoption` (a subcommand of `mosaic experiment`): the same scorecard pipeline on financial and municipal data across a sweep of
// data variety and outcome clarity; writes an HTML and CSV report with a closing note.
import type { Command } from 'commander';
import { MosaicError } from '../../core/errors.js';
import { loadScorecardConfig } from '../../schemes/scorecard/config.js';
import { financePoint, loadExperimentSpec, municipalPoint } from '../../experiments/ml-adoption/domains.js';
import {
  closingNote,
  writeExperimentReport,
  type ExperimentResult,
} from '../../experiments/ml-adoption/report.js';
import { runCell, runSweep, summarise } from '../../experiments/ml-adoption/sweep.js';
import { err, out } from '../../ingest/session.js';

interface Flags {
  run?: string;
  out: string;
  spec?: string;
  people?: string;
  seeds?: string;
  seed: string;
}

export function registerMlAdoption(ex: Command): void {
  ex.command('ml-adoption')
    .description(
      'Why ML succeeds in financial credit scoring and fails in municipal scoring: variety and clarity swept',
    )
    .option('--run <dir>', 'a Meritown run: measure the municipal domain from its true events')
    .option('--out <dir>', 'report folder', 'runs/ml-adoption')
    .option('--spec <file>', 'experiment parameters (default: scenarios/ml-adoption/domains.yaml)')
    .option('--people <n>', 'people per cell (default: the spec)')
    .option('--seeds <n>', 'draws per cell (default: the spec)')
    .option('--seed <seed>', 'random seed', 'ml-adoption')
    .action(async (f: Flags) => {
      const spec = loadExperimentSpec(f.spec);
      const people = f.people ? Number(f.people) : spec.sweep.people;
      const seeds = f.seeds ? Number(f.seeds) : spec.sweep.seeds;
      if (!(Number.isInteger(people) && people >= 500))
        throw new MosaicError({ code: 'cli.bad_people', message: '--people must be an integer ≥ 500' });
      if (!(Number.isInteger(seeds) && seeds >= 1))
        throw new MosaicError({ code: 'cli.bad_seeds', message: '--seeds must be a positive integer' });
      const cfg = loadScorecardConfig();
      const points = [financePoint(spec), await municipalPoint(spec, f.run)];
      const domains = points.map((p) => {
        const cells = Array.from({ length: seeds }, (_, k) =>
          runCell(
            {
              people,
              families: p.families,
              coverage: p.coverage,
              density: p.density,
              circularity: p.circularity,
              labelNoise: p.labelNoise,
              seed: `${f.seed}|${p.domain}|${k}`,
            },
            cfg,
          ),
        );
        return { point: p, result: summarise(cells)[0]! };
      });
      const sweepSpec = {
        people,
        seeds,
        families: spec.sweep.families,
        circularity: spec.sweep.circularity,
        labelNoise: spec.sweep.label_noise,
        coverage: spec.sweep.coverage.value,
        density: spec.sweep.density.value,
        seed: f.seed,
      };
      const cells = runSweep(sweepSpec, cfg, (d, t) => {
        if (d % 10 === 0 || d === t) err(`  sweep ${d}/${t}`);
      });
      const result: ExperimentResult = {
        spec: { people, seeds, seed: f.seed, coverage: sweepSpec.coverage, density: sweepSpec.density },
        cells,
        grid: summarise(cells),
        domains,
      };
      const files = writeExperimentReport(result, f.out);
      out(`wrote ${files.join(', ')} to ${f.out}`);
      for (const l of closingNote(result)) out(l);
    });
}
