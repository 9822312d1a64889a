// `mosaic ingest FILE`: validate a CSV or JSONL file of credit records and append it to the ledger.
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { isIsoDate } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { FieldLint } from '../../ingest/field-lint.js';
import { DEFAULT_BATCH, ingestFile, type IngestSummary } from '../../ingest/ingest.js';
import { describeNeed, FieldNeeds, type FieldNeed } from '../../schemes/municipal/field-needs.js';
import { loadSchemePack } from '../../schemes/municipal/load.js';
import { err, out, printIssues, withLedger } from '../../ingest/session.js';
import { readSubjects } from '../../ingest/subjects.js';

/** Files at least this large get a progress bar when standard error is a terminal. */
const PROGRESS_MIN_BYTES = 8 << 20;

interface IngestFlags {
  skipInvalid?: boolean;
  subjects?: string;
  batchSize: string;
  progress?: boolean;
  json?: boolean;
  reportDate?: string;
  scheme?: string[];
}

/** The points packs whose rule lines the ingest lint checks records against, unless --scheme names others. */
const SHIPPED_PACKS = [
  ['wendeng-points', '2020'],
  ['weihai-haibei', '2020'],
  ['rongcheng-points', '2021'],
] as const;

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command): void {
  program
    .command('ingest')
    .description(
      'Validate a file of credit records (CSV with a header row, or JSONL) and append it to the ledger',
    )
    .argument(
      '<file>',
      'records as .csv (header: subject,kind,occurredAt,reportedAt,agency,basis,...) or .jsonl',
    )
    .option(
      '--skip-invalid',
      'store the valid rows and report the bad ones (default: store nothing if any row is bad)',
    )
    .option('--subjects <file>', 'register entries (JSONL of Subject) to store with the records')
    .option('--batch-size <n>', 'records per atomic ledger append', String(DEFAULT_BATCH))
    .option('--progress', 'show a progress bar even when standard error is not a terminal')
    .option('--json', 'print the summary as JSON')
    .option(
      '--scheme <dir>',
      'points-scheme pack the lint checks records against (repeatable; default: the shipped Wendeng, Weihai and Rongcheng packs)',
      collect,
    )
    .option(
      '--report-date <date>',
      'refuse statements dated after this day (YYYY-MM-DD; default: today, UTC); set it for simulated futures',
    )
    .addHelpText(
      'after',
      `
Every row is checked (identifier check characters, record kind in the catalogue, dates, amount, severity,
issuer level) and each bad row is reported as file:line: code: message. Unless --skip-invalid is given the whole
file is validated before anything is stored. Records already in the ledger are counted as duplicates, so
running the same file twice stores it once. Exit code 2 when any row or subject entry is invalid.
A stored record that lacks the severity or issuer level every rule line of its kind needs (in the --scheme packs)
scores nothing there: it is stored, with a warning (ingest.missing_severity / ingest.missing_level) at its line.`,
    )
    .action(async (file: string, flags: IngestFlags, cmd: Command) => {
      const batchSize = Number(flags.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new MosaicError({ code: 'cli.bad_option', message: `--batch-size must be a positive integer` });
      const reportDate = flags.reportDate ?? new Date().toISOString().slice(0, 10);
      if (!isIsoDate(reportDate))
        throw new MosaicError({
          code: 'cli.bad_date',
          message: `--report-date ${reportDate} is not a YYYY-MM-DD date`,
        });
      // Subjects are checked before any record is read, and stored only once the records have passed.
      const subjects = flags.subjects ? await readSubjects(flags.subjects) : [];
      let lint: FieldLint<FieldNeed> | undefined;
      const summary = await withLedger(cmd, async (ledger) => {
        // Requirements per record kind are computed once here; the lint is a map lookup per stored record.
        const dirs = flags.scheme ?? SHIPPED_PACKS.map(([s, v]) => shipped('policies', s, v));
        const needs = new FieldNeeds(dirs.map((d) => loadSchemePack(d, ledger.catalogue)));
        lint = new FieldLint(needs, file, (n) => describeNeed(n));
        const bar = progressBar(flags.progress === true);
        try {
          return await ingestFile(ledger, file, {
            skipInvalid: flags.skipInvalid,
            batchSize,
            reportDate,
            lint: (r, line) => lint!.check(r, line),
            onProgress: bar.update,
            beforeStore: subjects.length ? () => ledger.putSubjects(subjects) : undefined,
          });
        } finally {
          bar.stop();
        }
      });
      printIssues(summary.issues);
      if (summary.moreIssues) err(`… and ${summary.moreIssues} more issues`);
      printIssues(lint?.warnings ?? []);
      if (lint?.more) err(`… and ${lint.more} more warnings`);
      const warnings = (lint?.warnings.length ?? 0) + (lint?.more ?? 0);
      if (flags.json) out(JSON.stringify({ ...summaryCounts(summary), subjects: subjects.length, warnings }));
      else {
        out(
          `${file}: ${summary.rows} rows, ${summary.inserted} inserted, ${summary.duplicates} duplicates, ` +
            `${summary.rejected} rejected` +
            (warnings ? `, ${warnings} warnings` : '') +
            (subjects.length ? `; ${subjects.length} register entries` : ''),
        );
        if (!summary.stored) err('nothing was stored: fix the rows above, or pass --skip-invalid');
      }
      if (summary.rejected) process.exitCode = 2;
    });
}

export function summaryCounts(s: IngestSummary) {
  return {
    file: s.file,
    rows: s.rows,
    inserted: s.inserted,
    duplicates: s.duplicates,
    rejected: s.rejected,
    stored: s.stored,
  };
}

/** A byte-based progress bar on standard error, or a no-op when it would only clutter a log. */
function progressBar(forced: boolean): { update: (done: number, total: number) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | undefined;
  const update = (done: number, total: number) => {
    if (!bar) {
      if (!forced && !(process.stderr.isTTY && total >= PROGRESS_MIN_BYTES)) return;
      bar = new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'ingest [{bar}] {percentage}% | {mb} of {totalMb} MB read',
          noTTYOutput: forced && !process.stderr.isTTY,
          notTTYSchedule: 1000,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { mb: '0.0', totalMb: (total / 2 ** 20).toFixed(1) });
    }
    bar.update(done, { mb: (done / 2 ** 20).toFixed(1), totalMb: (total / 2 ** 20).toFixed(1) });
  };
  return { update, stop: () => bar?.stop() };
}
