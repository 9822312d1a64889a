// `mosaic explain SUBJECT`: every scheme's view of one subject, with counted records, list entries, measures and
// counterfactuals, in Chinese or English (or JSON).
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { isIsoDate } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { projectRoot, shipped } from '../../core/paths.js';
import type { Ledger } from '../../ledger/ledger.js';
import { openLedger } from '../../ledger/open.js';
import { loadListPolicy } from '../../schemes/lists/policy.js';
import { loadSchemePack } from '../../schemes/municipal/load.js';
import { explainSubject, renderExplanation } from '../../audit/explain.js';
import { readManifest } from '../../audit/run.js';
import { validateSubjectId } from '../../core/identifiers.js';
import { assertSubjectKnown, out, withLedger } from '../../ingest/session.js';

interface ExplainFlags {
  asOf: string;
  lang: string;
  json?: boolean;
  run?: string;
  scheme?: string[];
  target: string;
  all?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function register(program: Command): void {
  program
    .command('explain')
    .description(
      "Every scheme's view of one subject: score and grade with each counted record and rule, list entries, measures in force with legal basis, and how to reach a target grade",
    )
    .argument('<subject>', 'resident ID number or Unified Social Credit Code')
    .requiredOption('--as-of <date>', 'date of the explanation (YYYY-MM-DD)')
    .option('--lang <zh|en>', 'language of the text', 'en')
    .option('--json', 'print the explanation as JSON')
    .option('--run <dir>', "use a run directory's ledger and policies instead of the global ledger")
    .option(
      '--scheme <dir>',
      'points-scheme pack folder (repeatable; default: policies/wendeng-points/2020)',
      collect,
    )
    .option('--target <grade>', 'target grade for the counterfactuals', 'A')
    .option(
      '--all',
      'also show counterfactual plans with actions a person cannot choose (organ donation, heroic acts, honours), labelled',
    )
    .action(async (id: string, flags: ExplainFlags, cmd: Command) => {
      if (!isIsoDate(flags.asOf))
        throw new MosaicError({
          code: 'cli.bad_date',
          message: `--as-of ${flags.asOf} is not a YYYY-MM-DD date`,
        });
      if (flags.lang !== 'en' && flags.lang !== 'zh')
        throw new MosaicError({
          code: 'cli.bad_lang',
          message: `--lang must be zh or en, not ${flags.lang}`,
        });
      const check = validateSubjectId(id);
      if (!check.ok)
        throw new MosaicError({
          code: check.code,
          message: `${id}: ${check.message}`,
          location: { path: ['subject'] },
        });
      const catalogue = loadCatalogue(defaultCataloguePath());
      const root = projectRoot();
      let schemeDirs = flags.scheme ?? [shipped('policies', 'wendeng-points', '2020')];
      let listRoot: string | undefined;
      const work = async (ledger: Ledger) => {
        await assertSubjectKnown(ledger, id);
        const [records, register] = [await ledger.readSubject(id, flags.asOf), await ledger.subjects()];
        return explainSubject({
          id,
          register,
          records,
          packs: schemeDirs.map((d) => loadSchemePack(d, catalogue)),
          policy: loadListPolicy(listRoot, catalogue),
          asOf: flags.asOf,
          target: flags.target,
          all: flags.all === true,
        });
      };
      let result;
      if (flags.run) {
        const m = readManifest(flags.run);
        const runLedger = join(flags.run, 'ledger.duckdb');
        if (!existsSync(runLedger))
          throw new MosaicError({
            code: 'audit.no_ledger',
            message: `${flags.run} has no ledger.duckdb`,
            location: { file: runLedger },
          });
        const at = (p: string) =>
          isAbsolute(p)
            ? p
            : p.startsWith('.') && m.scenarioDir
              ? resolve(root, m.scenarioDir, p)
              : resolve(root, p);
        if (!flags.scheme && m.policies?.municipal) schemeDirs = m.policies.municipal.map(at);
        if (m.policies?.lists?.[0]) listRoot = at(m.policies.lists[0]);
        const ledger = await openLedger({
          adapter: 'duckdb',
          file: runLedger,
          catalogue,
        });
        try {
          result = await work(ledger);
        } finally {
          await ledger.close();
        }
      } else result = await withLedger(cmd, work, { mustExist: true });
      out(flags.json ? JSON.stringify(result, null, 2) : renderExplanation(result, flags.lang).trimEnd());
    });
}
