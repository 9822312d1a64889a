// `mosaic start` (what `npm start` runs): the default Meritown run on the embedded ledger, then its audit report.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { shipped } from '../../core/paths.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      'Run the default scenario (Meritown, 100k residents, 3 years, seed 1) unless the run exists, then audit it',
    )
    .option('--out <dir>', 'run directory', 'runs/default')
    .option('--population <n>', 'residents', '100000')
    .option('--years <n>', 'simulated years', '3')
    .option('--seed <n>', 'random seed', '1')
    .action(async (flags: { out: string; population: string; years: string; seed: string }) => {
      const run = resolve(flags.out);
      // Re-enter the same command tree rather than duplicating what `sim run` and `audit` do.
      const { buildProgram } = await import('../main.js');
      if (existsSync(join(run, 'manifest.json'))) {
        console.log(`Using the existing run in ${run} (delete it to simulate again).`);
      } else {
        console.log(
          `Simulating Meritown: ${flags.population} residents, ${flags.years} years, seed ${flags.seed} …`,
        );
        await buildProgram().parseAsync(
          [
            'sim',
            'run',
            shipped('scenarios', 'meritown'),
            '--population',
            flags.population,
            '--years',
            flags.years,
            '--seed',
            flags.seed,
            '--out',
            run,
          ],
          { from: 'user' },
        );
      }
      console.log(`\nAuditing ${run} …`);
      // The report inside runs/default is start's own: each start replaces it.
      await buildProgram().parseAsync(['audit', run, '--force'], { from: 'user' });
      console.log(`\nRun outputs:   ${run}  (ledger.duckdb, *.parquet, timeseries.csv, manifest.json)`);
      console.log(`Audit report:  ${join(run, 'audit', 'index.html')}`);
    });
}
