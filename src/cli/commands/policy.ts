// `mosaic policy lint|test|explain|diff`: check policy packs of every registered kind, run their cases, explain, compare.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { isIsoDate } from '../../core/dates.js';
import { formatIssue, MosaicError } from '../../core/errors.js';
import { validateSubjectId } from '../../core/identifiers.js';
import { shipped } from '../../core/paths.js';
import { openLedger } from '../../ledger/open.js';
import { findPacks, packKinds } from '../../policy/registry.js';
import { diffSchemePacks, formatSchemeDiff } from '../../schemes/municipal/diff.js';
import { renderEvaluation } from '../../schemes/municipal/explain.js';
import { evaluateSubject } from '../../schemes/municipal/interpreter.js';
import { runCorpusViaLedger } from '../../schemes/municipal/ledger-corpus.js';
import { loadSchemePack } from '../../schemes/municipal/load.js';
import { POINTS_SCHEME_KIND } from '../../schemes/municipal/pack-kind.js';
import { subjectFacts, subjectFromId } from '../../schemes/municipal/subjects.js';
import { assertSubjectKnown, out, withLedger } from '../../ingest/session.js';
import { register as registerScore } from './score.js';

function packsIn(dirs: string[]) {
  const roots = dirs.length ? dirs : [shipped('policies')];
  const found = roots.flatMap((d) => {
    if (!existsSync(d)) throw new MosaicError({ code: 'cli.no_such_dir', message: `${d} does not exist` });
    return findPacks(resolve(d));
  });
  if (!found.length)
    throw new MosaicError({
      code: 'policy.no_pack',
      message: `no policy pack found under ${roots.join(', ')} (known kinds: ${packKinds()
        .map((k) => k.name)
        .join(', ')})`,
    });
  return found;
}

/** Registers `policy` and `score` (one entry in the command list for the policy bounded context). */
export function register(program: Command): void {
  registerScore(program);
  const policy = program
    .command('policy')
    .description('Check, test, explain and compare policy packs (rules as data)');

  policy
    .command('lint')
    .description(
      'Check every pack under the folders (default: the shipped policies/): all problems, with file:line:column',
    )
    .argument('[dirs...]', 'pack folders or folders holding packs')
    .action(async (dirs: string[]) => {
      let problems = 0;
      for (const p of packsIn(dirs)) {
        const issues = await p.kind.lint(p.dir);
        problems += issues.length;
        out(
          `${issues.length ? 'FAIL' : 'ok  '} ${p.dir} (${p.kind.name})${issues.length ? `: ${issues.length} problem(s)` : ''}`,
        );
        for (const i of issues) out(`  ${formatIssue(i)}`);
      }
      if (problems) process.exitCode = 2;
    });

  policy
    .command('test')
    .description(
      "Run the packs' case corpora (points schemes: interpreter, fast evaluator and a ledger round trip)",
    )
    .argument('[dirs...]', 'pack folders or folders holding packs')
    .option('-v, --verbose', 'list passing cases too')
    .action(async (dirs: string[], flags: { verbose?: boolean }) => {
      let failed = 0;
      let passed = 0;
      for (const p of packsIn(dirs)) {
        if (!p.kind.test) {
          out(`skip ${p.dir} (${p.kind.name}): this kind of pack has no case corpus`);
          continue;
        }
        const runs = [{ name: 'engines', res: await p.kind.test(p.dir) }];
        if (p.kind.name === POINTS_SCHEME_KIND.name) {
          const catalogue = loadCatalogue(defaultCataloguePath());
          const pack = loadSchemePack(p.dir, catalogue);
          runs.push({
            name: 'ledger',
            res: await runCorpusViaLedger(p.dir, pack, catalogue, () =>
              openLedger({ adapter: 'memory', catalogue }),
            ),
          });
        }
        for (const { name, res } of runs) {
          passed += res.passed;
          failed += res.failed;
          out(
            `${res.failed ? 'FAIL' : 'ok  '} ${p.dir} (${p.kind.name}, ${name}): ${res.passed} passed, ${res.failed} failed`,
          );
          for (const l of res.lines) if (flags.verbose || l.startsWith('FAIL')) out(`  ${l}`);
        }
      }
      out(`${passed} passed, ${failed} failed`);
      if (failed) process.exitCode = 1;
    });

  policy
    .command('explain')
    .description(
      "Explain one subject's score and grade under a points scheme, record by record, from the ledger",
    )
    .argument('<dir>', 'points-scheme pack folder, e.g. policies/wendeng-points/2020')
    .requiredOption('--subject <id>', 'resident ID number or Unified Social Credit Code')
    .requiredOption('--as-of <date>', 'YYYY-MM-DD')
    .option('--lang <lang>', 'zh or en', 'en')
    .option('--json', 'print the evaluation as JSON')
    .action(
      async (
        dir: string,
        flags: { subject: string; asOf: string; lang: string; json?: boolean },
        cmd: Command,
      ) => {
        if (!isIsoDate(flags.asOf))
          throw new MosaicError({
            code: 'cli.bad_date',
            message: `--as-of ${flags.asOf} is not a YYYY-MM-DD date`,
          });
        if (flags.lang !== 'zh' && flags.lang !== 'en')
          throw new MosaicError({
            code: 'cli.bad_lang',
            message: `--lang must be zh or en, not ${flags.lang}`,
          });
        const check = validateSubjectId(flags.subject);
        if (!check.ok)
          throw new MosaicError({ code: check.code, message: `${flags.subject}: ${check.message}` });
        const pack = loadSchemePack(dir, loadCatalogue(defaultCataloguePath()));
        const { subject, records } = await withLedger(
          cmd,
          async (ledger) => {
            await assertSubjectKnown(ledger, flags.subject);
            return {
              subject: (await ledger.getSubject(flags.subject)) ?? subjectFromId(flags.subject),
              records: await ledger.readSubject(flags.subject, flags.asOf),
            };
          },
          { mustExist: true },
        );
        const ev = evaluateSubject(pack, subjectFacts(subject, pack), records, flags.asOf);
        if (flags.json) out(JSON.stringify(ev, null, 2));
        else for (const l of renderEvaluation(ev, pack, flags.lang)) out(l);
      },
    );

  policy
    .command('diff')
    .description(
      'Compare two points-scheme packs: metadata, bands, validity, rule lines added, removed or changed',
    )
    .argument('<a>', 'pack folder')
    .argument('<b>', 'pack folder')
    .option('--json', 'print the differences as JSON')
    .action((a: string, b: string, flags: { json?: boolean }) => {
      const catalogue = loadCatalogue(defaultCataloguePath());
      const d = diffSchemePacks(loadSchemePack(a, catalogue), loadSchemePack(b, catalogue));
      if (flags.json) out(JSON.stringify(d, null, 2));
      else for (const l of formatSchemeDiff(d)) out(l);
    });
}
