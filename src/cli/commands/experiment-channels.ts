// `mosaic experiment data-channels` (a subcommand of `mosaic experiment`): what each firm channel policy lets the state
// learn and what it costs in privacy; writes an HTML and CSV report with the assumptions and a closing note.
import type { Command } from 'commander';
import { MosaicError } from '../../core/errors.js';
import { closingNote, writeDataChannelsReport } from '../../experiments/data-channels/report.js';
import { loadDataChannelsSpec, runDataChannels } from '../../experiments/data-channels/sweep.js';
import { out } from '../../ingest/session.js';

export function registerDataChannels(ex: Command): void {
  ex.command('data-channels')
    .description('What each firm → state channel policy lets the state learn, and what it costs in privacy')
    .option('--out <dir>', 'report folder', 'runs/data-channels')
    .option('--spec <file>', 'experiment parameters (default: scenarios/data-channels/sweep.yaml)')
    .option('--passengers <n>', 'passengers per draw (default: the spec)')
    .option('--seeds <n>', 'draws per policy (default: the spec)')
    .action((f: { out: string; spec?: string; passengers?: string; seeds?: string }) => {
      const spec = loadDataChannelsSpec(f.spec);
      const passengers = f.passengers === undefined ? undefined : Number(f.passengers);
      const seeds = f.seeds === undefined ? undefined : Number(f.seeds);
      if (passengers !== undefined && !(Number.isInteger(passengers) && passengers >= 100))
        throw new MosaicError({
          code: 'cli.bad_passengers',
          message: '--passengers must be an integer ≥ 100',
        });
      if (seeds !== undefined && !(Number.isInteger(seeds) && seeds >= 1))
        throw new MosaicError({ code: 'cli.bad_seeds', message: '--seeds must be a positive integer' });
      const r = runDataChannels(spec, { passengers, seeds });
      const files = writeDataChannelsReport(r, f.out);
      out(`wrote ${files.join(', ')} to ${f.out}`);
      for (const l of closingNote(r)) out(l);
    });
}
