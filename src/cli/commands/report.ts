// `mosaic report credit ID --as-of DATE`: a personal credit report in the CRC's second-generation layout.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { isIsoDate } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { readCreditData } from '../../schemes/credit-report/data.js';
import { loadCreditReportPolicy } from '../../schemes/credit-report/policy.js';
import { renderCreditReport } from '../../schemes/credit-report/render.js';
import { buildCreditReport } from '../../schemes/credit-report/report.js';
import { out, type GlobalOptions } from '../../ingest/session.js';

export function defaultCreditData(): string {
  return shipped('scenarios', 'sample', 'finance', 'credit.jsonl');
}

interface Flags {
  asOf: string;
  data?: string;
  policy?: string;
  json?: boolean;
  reason: string;
  institution: string;
}

export function registerReportCommands(program: Command): void {
  const report = program
    .command('report')
    .description('Reports kept by the schemes that keep records but give no score');
  report
    .command('credit')
    .description(
      "A person's credit report as of a date, in the PBOC Credit Reference Center's second-generation layout",
    )
    .argument('<id>', 'resident ID number')
    .requiredOption('--as-of <date>', 'YYYY-MM-DD')
    .option(
      '--data <file>',
      'CRC data as JSONL (default: the shipped sample, scenarios/sample/finance/credit.jsonl)',
    )
    .option('--policy <file>', 'report rules (default: policies/credit-report/crc-2020.yaml)')
    .option('--reason <code>', 'why the report is read (logged as an enquiry)', 'self')
    .option('--institution <name>', 'who reads it (logged)', 'self')
    .option('--json', 'print the report as JSON, with the retention explanation')
    .action((id: string, flags: Flags, cmd: Command) => {
      if (!isIsoDate(flags.asOf))
        throw new MosaicError({
          code: 'cli.bad_date',
          message: `--as-of ${flags.asOf} is not a YYYY-MM-DD date`,
        });
      const policy = loadCreditReportPolicy(flags.policy);
      if (!policy.enquiry_reasons.some((r) => r.code === flags.reason))
        throw new MosaicError({
          code: 'cli.bad_reason',
          message: `--reason must be one of ${policy.enquiry_reasons.map((r) => r.code).join(', ')}`,
        });
      const data = readCreditData(flags.data ?? defaultCreditData(), policy);
      if (!data.persons.has(id) && !data.accounts.some((a) => a.subject === id))
        throw new MosaicError({ code: 'credit.unknown_subject', message: `no credit data for ${id}` });
      const r = buildCreditReport(id, data, policy, flags.asOf);
      // Every read of a personal report is logged where the CLI keeps its data, never in the shipped sample.
      const dir = cmd.optsWithGlobals<GlobalOptions>().dataDir ?? './data';
      mkdirSync(dir, { recursive: true });
      appendFileSync(
        join(dir, 'credit-report-reads.jsonl'),
        JSON.stringify({
          subject: id,
          asOf: flags.asOf,
          reason: flags.reason,
          institution: flags.institution,
          data: flags.data ?? 'sample',
        }) + '\n',
      );
      out(flags.json ? JSON.stringify(r, null, 2) : renderCreditReport(r, policy));
    });
}
