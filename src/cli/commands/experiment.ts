// `mosaic experiment list` and `mosaic experiment run NAME [--quick]`: one command per research finding, reproduced
// from stated assumptions with a sweep, written as an HTML and CSV report.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { findExperiment, listExperiments } from '../../experiments/experiment.js';
import { writeReport } from '../../experiments/report.js';
import { runExperiment } from '../../experiments/run.js';
import { registerMlAdoption } from './experiment-ml.js';
import { registerDataChannels } from './experiment-channels.js';

export function registerExperimentCommands(program: Command): void {
  const ex = program
    .command('experiment')
    .description('reproduce a research finding in Meritown, with a sweep');
  ex.command('list')
    .description('list the experiments in experiments/')
    .action(() => {
      for (const e of listExperiments()) console.log(`${e.experiment.padEnd(20)} ${e.title}`);
    });
  ex.command('run')
    .argument('<name>', 'experiment name (see `mosaic experiment list`)')
    .option('--quick', 'the small configuration (≤ 2 minutes)')
    .option('--out <dir>', 'report directory (default runs/experiments/NAME[-quick])')
    .description('run an experiment and write report.html, summary.csv, runs.csv and assumptions.csv')
    .action(async (name: string, flags: { quick?: boolean; out?: string }) => {
      const e = findExperiment(name);
      const r = await runExperiment(e, { quick: !!flags.quick, log: (s) => console.error(`  … ${s}`) });
      const dir = resolve(flags.out ?? `runs/experiments/${e.experiment}${flags.quick ? '-quick' : ''}`);
      writeReport(r, dir);
      console.log(r.statement);
      console.log(`report: ${resolve(dir, 'report.html')} (${r.seconds.toFixed(0)} s)`);
    });
  registerMlAdoption(ex);
  registerDataChannels(ex);
}
