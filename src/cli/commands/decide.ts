// `mosaic decide`: may a subject do an action on a date? One question (with every reason) or a batch file.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { toEpochDay } from '../../core/dates.js';
import { MosaicError, type Issue } from '../../core/errors.js';
import type { CreditRecord } from '../../core/types.js';
import { parseCsv } from '../../ingest/csv.js';
import { out, printIssues, withLedger } from '../../ingest/session.js';
import { decideReference, type Decision } from '../../schemes/lists/decide.js';
import { DecisionIndex } from '../../schemes/lists/decision-index.js';
import { worldAround } from '../../schemes/lists/ledger-world.js';
import { shippedListPolicy } from '../../schemes/lists/policy.js';
import { receiptFor } from '../../schemes/lists/receipts.js';
import { dateOption, reasonLine } from './list.js';

interface Flags {
  date?: string;
  batch?: string;
  json?: boolean;
  receipt?: boolean;
  agency?: string;
}

interface Question {
  line: number;
  subject: string;
  action: string;
  date: string;
}

/** Batch questions from CSV (header subject,action,date) or JSONL ({subject, action, date} per line). */
export function readQuestions(file: string): { questions: Question[]; issues: Issue[] } {
  const text = readFileSync(file, 'utf8');
  const questions: Question[] = [];
  const issues: Issue[] = [];
  const bad = (line: number, message: string) =>
    issues.push({ code: 'decide.bad_question', message, location: { file, line } });
  if (file.endsWith('.jsonl') || file.endsWith('.ndjson')) {
    text.split('\n').forEach((raw, i) => {
      if (!raw.trim()) return;
      try {
        const o = JSON.parse(raw) as Record<string, unknown>;
        if (typeof o.subject !== 'string' || typeof o.action !== 'string' || typeof o.date !== 'string')
          bad(i + 1, 'need string fields subject, action and date');
        else questions.push({ line: i + 1, subject: o.subject, action: o.action, date: o.date });
      } catch (e) {
        bad(i + 1, (e as Error).message);
      }
    });
  } else {
    const rows = parseCsv(text);
    const head = rows[0]?.fields ?? [];
    const col = (n: string) => head.indexOf(n);
    const [s, a, d] = [col('subject'), col('action'), col('date')];
    if (s < 0 || a < 0 || d < 0) bad(1, 'the header must name subject, action and date');
    else
      for (const r of rows.slice(1)) {
        if (r.error)
          issues.push({ code: r.error.code, message: r.error.message, location: { file, line: r.line } });
        else
          questions.push({
            line: r.line,
            subject: r.fields[s] ?? '',
            action: r.fields[a] ?? '',
            date: r.fields[d] ?? '',
          });
      }
  }
  return { questions, issues };
}

export function register(program: Command): void {
  program
    .command('decide')
    .description(
      'Point-of-service decision: may SUBJECT do ACTION on a date? Prints allow/incentive/restrict/deny with every reason',
    )
    .argument('[subject]', 'resident ID number or USCC')
    // The ids are listed in the help's footer, read only when help is shown: loading the lists policy at every start
    // cost each command (sim run, audit, …) about 0.3 s.
    .argument('[action]', 'action id (the actions are listed below)')
    .addHelpText(
      'after',
      () =>
        `\nActions: ${shippedListPolicy()
          .actions.map((a) => a.id)
          .join(', ')}`,
    )
    .option('--date <date>', 'YYYY-MM-DD (default: today)')
    .option(
      '--batch <file>',
      'many questions: CSV with header subject,action,date, or JSONL; answers as JSONL',
    )
    .option('--json', 'print the decision as JSON')
    .option(
      '--receipt',
      "append a receipt (the implementing agency's feedback) for each decision to the ledger",
    )
    .option(
      '--agency <agency>',
      'implementing agency named on receipts (default: the deciding measure’s agency)',
    )
    .addHelpText(
      'after',
      `
A single question is answered by the reference interpreter from full records (reasons name the case number).
A batch builds the decision index once from the ledger and answers from it.`,
    )
    .action(async (subject: string | undefined, action: string | undefined, flags: Flags, cmd: Command) => {
      const policy = shippedListPolicy();
      if (flags.batch) {
        const { questions, issues } = readQuestions(flags.batch);
        const receipts: CreditRecord[] = [];
        await withLedger(
          cmd,
          async (ledger) => {
            const ix = await DecisionIndex.fromLedger(policy, ledger);
            for (const q of questions) {
              try {
                const d = ix.decide(q.subject, q.action, q.date);
                out(JSON.stringify(d));
                if (flags.receipt) receipts.push(receiptFor(d, flags.agency ? { agency: flags.agency } : {}));
              } catch (e) {
                if (!(e instanceof MosaicError)) throw e;
                for (const i of e.issues)
                  issues.push({ ...i, location: { file: flags.batch!, line: q.line } });
              }
            }
            if (receipts.length) await ledger.append(receipts);
          },
          { mustExist: !flags.receipt },
        );
        if (issues.length) {
          printIssues(issues);
          process.exitCode = 2;
        }
        return;
      }
      if (!subject || !action)
        throw new MosaicError({
          code: 'decide.missing_arguments',
          message: 'give SUBJECT and ACTION, or --batch FILE',
        });
      const date = dateOption('--date', flags.date);
      const d: Decision = await withLedger(
        cmd,
        async (ledger) => {
          const world = await worldAround(policy, ledger, subject, date);
          const dec = decideReference(policy, world.register, world.of, subject, action, toEpochDay(date));
          if (flags.receipt)
            await ledger.append([receiptFor(dec, flags.agency ? { agency: flags.agency } : {})]);
          return dec;
        },
        { mustExist: !flags.receipt },
      );
      if (flags.json) {
        out(JSON.stringify(d, null, 2));
        return;
      }
      out(`${d.subject} ${d.action} on ${d.date}: ${d.outcome.toUpperCase()}`);
      if (!d.reasons.length) out('  no measure applies');
      for (const r of d.reasons) out(`  ${reasonLine(r)}`);
      if (flags.receipt) out('  receipt appended to the ledger');
    });
}
