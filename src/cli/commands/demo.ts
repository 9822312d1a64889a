// `mosaic demo` (what `npm start` runs) and `mosaic sample generate`: the shipped sample, end to end.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { shippedCalendar } from '../../core/calendar.js';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import type { CreditRecord, Subject } from '../../core/types.js';
import { ingestFile } from '../../ingest/ingest.js';
import { generateSample, SAMPLE_SEED, sampleDir, writeSample } from '../../ingest/sample.js';
import { out, printIssues, withLedger } from '../../ingest/session.js';
import { readSubjects } from '../../ingest/subjects.js';
import { register as registerExport } from './export.js';
import { register as registerIngest } from './ingest.js';
import { printRecords, printSubject, register as registerSubject } from './subject.js';

/** The core data commands in one registration: ingest, subject show, export, demo and sample generate. */
export function registerCoreCommands(program: Command): void {
  registerIngest(program);
  registerSubject(program);
  registerExport(program);
  register(program);
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('Ingest the shipped sample into the ledger (./data by default) and print subject summaries')
    .option('--sample <dir>', 'folder holding subjects.jsonl and records.jsonl', sampleDir())
    .option('--latest <n>', 'latest records to show per subject', '3')
    .addHelpText(
      'after',
      `
Idempotent: the second run stores nothing new (every record id is a hash of its content). Identifiers in the
sample are fictional (docs/decisions/0020) and printed in full.`,
    )
    .action(async (flags: { sample: string; latest: string }, cmd: Command) => {
      const subjectsFile = join(flags.sample, 'subjects.jsonl');
      const recordsFile = join(flags.sample, 'records.jsonl');
      const subjects = await readSubjects(subjectsFile);
      await withLedger(cmd, async (ledger) => {
        const summary = await ingestFile(ledger, recordsFile, {
          beforeStore: () => ledger.putSubjects(subjects),
        });
        printIssues(summary.issues);
        if (!summary.stored) {
          process.exitCode = 2;
          return;
        }
        out(`Mosaic demo — ${ledger.adapter} ledger, catalogue ${ledger.catalogue.version}`);
        out(
          `Ingested ${recordsFile}: ${summary.rows} records, ${summary.inserted} new, ${summary.duplicates} already ` +
            `stored; ${subjects.length} register entries. The ledger now holds ${await ledger.count()} records.`,
        );
        const latest = Math.max(0, Number(flags.latest) || 0);
        for (const s of sortSubjects(subjects)) {
          const records = await ledger.readSubject(s.id);
          out();
          printSubject(s);
          out(`  ${records.length} records: ${countsByKind(records)}`);
          printRecords(records.slice(-latest).reverse(), '    ');
        }
      });
    });

  program
    .command('sample')
    .description('The shipped sample data')
    .command('generate')
    .description('Regenerate the sample subjects and records from the seed and the current catalogue')
    .option('--seed <seed>', 'seed of the generator', SAMPLE_SEED)
    .option('--out <dir>', 'folder to write subjects.jsonl and records.jsonl to', sampleDir())
    .option('--records <n>', 'records drawn at random on top of the scripted stories', '85')
    .action((flags: { seed: string; out: string; records: string }) => {
      const catalogue = loadCatalogue(defaultCataloguePath());
      const sample = generateSample(catalogue, shippedCalendar(), {
        seed: flags.seed,
        records: Number(flags.records),
      });
      mkdirSync(flags.out, { recursive: true });
      const files = writeSample(sample, flags.out);
      out(`wrote ${sample.subjects.length} subjects to ${files.subjects}`);
      out(`wrote ${sample.records.length} records to ${files.records} (catalogue ${catalogue.version})`);
    });
}

function sortSubjects(subjects: readonly Subject[]): Subject[] {
  return [...subjects].sort((a, b) =>
    a.type === b.type ? a.id.localeCompare(b.id) : a.type === 'natural' ? -1 : 1,
  );
}

/** "court.defaulter_listed ×2, tax.arrears ×1", most frequent first. */
export function countsByKind(records: readonly CreditRecord[]): string {
  if (!records.length) return 'none';
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
}
