// The `mosaic` command tree: each bounded context contributes its commands through a register function.
import { Command } from 'commander';
import { MosaicError, formatIssue } from '../core/errors.js';
import { commandModules } from './commands/index.js';
import { setOutputMasking } from '../ingest/session.js';

export function buildProgram(): Command {
  const program = new Command('mosaic')
    .description(
      "Mosaic: an auditable reference implementation and simulator of China's social credit systems",
    )
    .option(
      '--ledger <adapter>',
      'ledger adapter: duckdb (default), postgres or memory',
      process.env.MOSAIC_LEDGER,
    )
    .option(
      '--data-dir <dir>',
      'data directory of the embedded DuckDB ledger',
      process.env.MOSAIC_DATA_DIR ?? './data',
    )
    .option(
      '--pg-url <url>',
      'PostgreSQL connection string',
      process.env.MOSAIC_PG_URL ?? process.env.DATABASE_URL,
    )
    .showHelpAfterError()
    .enablePositionalOptions();
  for (const register of commandModules) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  setOutputMasking(false);
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof MosaicError) {
      for (const issue of err.issues) console.error(formatIssue(issue));
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
