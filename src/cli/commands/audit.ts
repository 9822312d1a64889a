// `mosaic audit RUN_DIR`: recompute every outcome of a run with the engines and write one deterministic report.
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { isIsoDate } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { prepareOutputDir } from '../../core/outputs.js';
import { runAudit } from '../../audit/audit.js';
import { writeReport } from '../../audit/report.js';
import { legalityInWords } from '../../audit/legality.js';
import { loadRun, readManifest } from '../../audit/run.js';
import { out, setOutputMasking } from '../../ingest/session.js';

interface AuditFlags {
  out?: string;
  asOf?: string;
  seed: string;
  draws: string;
  threshold: string;
  minGroup: string;
  target: string;
  force?: boolean;
  unmasked?: boolean;
}

/** What `writeReport` puts in a report directory; a previous report is replaced only entry by entry. */
const REPORT_ENTRIES = ['index.html', 'audit.json', 'csv', 'echarts.min.js', 'report.js', 'report.css'];

export function register(program: Command): void {
  program
    .command('audit')
    .description(
      'Audit a simulation run: disparity by group with rule decomposition, scrutiny, data quality, legality (HTML + JSON + CSV)',
    )
    .argument('<run-dir>', 'run directory written by `mosaic sim run` (docs/RUN-FORMAT.md)')
    .option(
      '--out <dir>',
      'report directory (default: <run-dir>/audit); new, empty, or a previous report with --force',
    )
    .option('--force', 'replace a previous audit report in the report directory')
    .option('--unmasked', 'print identifiers in full in the report (operator view; never for publication)')
    .option('--as-of <date>', 'audit date (default: the run end)')
    .option('--seed <n>', 'bootstrap seed', '1')
    .option('--draws <n>', 'bootstrap draws for the headline tables', '1000')
    .option('--threshold <t>', 'four-fifths threshold', '0.8')
    .option('--min-group <n>', 'smallest group that can be flagged', '30')
    .option('--target <grade>', 'grade whose shortfall is decomposed', 'A')
    .action(async (dir: string, flags: AuditFlags) => {
      if (flags.asOf !== undefined && !isIsoDate(flags.asOf))
        throw new MosaicError({
          code: 'cli.bad_date',
          message: `--as-of ${flags.asOf} is not a YYYY-MM-DD date`,
        });
      const num = (name: string, v: string) => {
        const x = Number(v);
        if (!Number.isFinite(x))
          throw new MosaicError({ code: 'cli.bad_number', message: `${name} ${v} is not a number` });
        return x;
      };
      readManifest(dir);
      // Checked before the (long) audit: the report directory must be new, empty, or a previous report.
      const reportDir = prepareOutputDir(flags.out ?? join(dir, 'audit'), {
        kind: 'audit-report',
        entries: REPORT_ENTRIES,
        force: flags.force === true,
        legacy: (d, names) => names.includes('audit.json') && names.every((n) => REPORT_ENTRIES.includes(n)),
      });
      const inputs = await loadRun(dir, flags.asOf ? { asOf: flags.asOf } : {});
      const result = runAudit(inputs, {
        seed: flags.seed,
        draws: num('--draws', flags.draws),
        threshold: num('--threshold', flags.threshold),
        minGroupSize: num('--min-group', flags.minGroup),
        targetGrade: flags.target,
      });
      const page = writeReport(result, reportDir, { unmasked: flags.unmasked === true });
      // The summary printed here is as public as the report: masked the same way.
      setOutputMasking(flags.unmasked !== true);
      for (const h of result.headlines) {
        out(h.en + (h.ci ? `  [95% CI ${fmtCi(h)}]` : ''));
        for (const d of h.detail) out(`  - ${d}`);
      }
      for (const m of result.missing) out(`not audited: ${m.engine} (${m.reason})`);
      const v = result.legality.totals;
      if (Object.keys(v).length) {
        out('legality:');
        for (const [k, n] of Object.entries(v)) out(`  ${legalityInWords(k, n)}`);
      }
      out(`report: ${resolve(page)}`);
    });
}

function fmtCi(h: { key: string; ci?: [number, number] }): string {
  const k = h.key.startsWith('scrutiny') ? 1 : 100;
  return `${(k * h.ci![0]).toFixed(2)} – ${(k * h.ci![1]).toFixed(2)}`;
}
