// `mosaic export`: write every record in the ledger to a Parquet, CSV or JSONL file.
import { extname } from 'node:path';
import type { Command } from 'commander';
import { MosaicError } from '../../core/errors.js';
import { prepareOutputFile } from '../../core/outputs.js';
import type { ExportFormat } from '../../ledger/ledger.js';
import { ledgerFile, out, withLedger } from '../../ingest/session.js';

const FORMATS: readonly ExportFormat[] = ['parquet', 'csv', 'jsonl'];

export function register(program: Command): void {
  program
    .command('export')
    .description('Write every record in the ledger to a file')
    .requiredOption(
      '--out <file>',
      'file to write (a new file; an earlier export is replaced only with --force)',
    )
    .option('--force', 'replace an existing file of the same format (never the ledger itself)')
    .option('--format <format>', 'parquet, csv or jsonl (default: from the --out extension)')
    .addHelpText(
      'after',
      `
The export holds full identifiers; mask them (DOMAIN §8.3) before publishing anything derived from it.
Example: mosaic export --format parquet --out records.parquet`,
    )
    .action(async (flags: { out: string; format?: string; force?: boolean }, cmd: Command) => {
      const format = (flags.format ?? extname(flags.out).slice(1).toLowerCase()) as ExportFormat;
      if (!FORMATS.includes(format))
        throw new MosaicError({
          code: 'cli.bad_format',
          message: `export format '${format}' is not one of ${FORMATS.join(', ')}: pass --format`,
        });
      const ledger = ledgerFile(cmd);
      const file = prepareOutputFile(flags.out, {
        kind: format,
        force: flags.force === true,
        protect: ledger ? [ledger] : [],
      });
      const n = await withLedger(cmd, (l) => l.export(format, file), { mustExist: true });
      out(`exported ${n} records to ${flags.out} (${format})`);
    });
}
