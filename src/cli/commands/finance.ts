// `mosaic finance sample`: regenerates the shipped money-and-platforms demo data (scenarios/sample/finance/) from a
// seed and the sample register: CRC data, loan applications, platform users and ratings, firms.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { MosaicError } from '../../core/errors.js';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Subject } from '../../core/types.js';
import { generateUscc } from '../../core/identifiers-gen.js';
import { Rng } from '../../core/rng.js';
import { shipped } from '../../core/paths.js';
import { creditStories, syntheticCreditData } from '../../schemes/credit-report/synthetic.js';
import { syntheticFirmData } from '../../schemes/enterprise/synthetic.js';
import { syntheticPlatformUsers, syntheticRatings } from '../../schemes/platform/synthetic.js';
import { syntheticLoans } from '../../schemes/scorecard/synthetic.js';
import { out } from '../../ingest/session.js';
import { writeRunLoans, type RunLoans } from './run-loans.js';
import { datasetCsv } from './scorecard.js';
import { RUN_FINANCE } from '../../sim/run-dir.js';

export const FINANCE_SEED = 'mosaic-finance-sample-v1';
/** The last month the sample's lenders have reported. */
export const FINANCE_UNTIL = '2026-10';

const jsonl = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

export function writeFinanceSample(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const subjects = readFileSync(shipped('scenarios', 'sample', 'subjects.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Subject);
  const people = subjects.filter((s) => s.type === 'natural');
  const persons = people.map((s) => {
    const p: { id: string; name?: string; hukou?: 'urban' | 'rural'; sex?: 'M' | 'F' } = { id: s.id };
    if (s.name) p.name = s.name;
    if (s.hukou) p.hukou = s.hukou;
    if (s.sex) p.sex = s.sex;
    return p;
  });
  const until = FINANCE_UNTIL;
  const lastDay = `${until}-31`;
  const files: Record<string, string> = {
    'credit.jsonl': jsonl([
      ...syntheticCreditData(persons, FINANCE_SEED, until),
      ...creditStories(persons, until),
    ]),
    'loans.csv': datasetCsv(syntheticLoans(5000, `${FINANCE_SEED}|loans-2024`)),
    'loans-later.csv': datasetCsv(syntheticLoans(2000, `${FINANCE_SEED}|loans-2025`)),
    'platform-users.jsonl': jsonl(
      syntheticPlatformUsers(
        people.map((p) => p.id),
        FINANCE_SEED,
        lastDay,
      ),
    ),
    'ratings.jsonl': jsonl(
      syntheticRatings(
        people.map((p) => p.id),
        FINANCE_SEED,
        lastDay,
      ),
    ),
  };
  const rng = new Rng(`${FINANCE_SEED}|firms`);
  const firms = [
    ...subjects.filter((s) => s.type === 'legal').map((s) => ({ id: s.id, name: s.name ?? '某公司' })),
    ...Array.from({ length: 60 }, (_, i) => ({
      id: generateUscc(rng, { typePair: '91', divisionCode: '371082' }),
      name: `荣成某${i + 1}号有限公司`,
    })),
  ];
  files['firms.jsonl'] = jsonl(syntheticFirmData(firms, FINANCE_SEED, lastDay));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return Object.keys(files);
}

/** The performance window of the run's loan book, in months (assumption: the usual 12-month window of application scorecards). */
export const LOAN_WINDOW_MONTHS = 12;

/**
 * Finance data for the residents and firms of a Meritown run: lenders' CRC reports (risk rises as income falls),
 * platform users and ratings, firms' tax and market-regulation records, and — when the banks module ran — the
 * lenders' own loan book as labelled scorecard data (run-loans.ts). Written to RUN/finance/ beside the run's own
 * outputs; the run itself is not touched.
 */
export async function writeRunFinance(
  run: string,
  seed: string,
  windowMonths = LOAN_WINDOW_MONTHS,
): Promise<{ dir: string; files: string[]; people: number; firms: number; loans?: RunLoans }> {
  const pop = join(run, 'population.parquet');
  const fp = join(run, 'firms.parquet');
  const mf = join(run, 'manifest.json');
  if (!existsSync(pop) || !existsSync(fp) || !existsSync(mf))
    throw new MosaicError({
      code: 'finance.not_a_run',
      message: `${run} is not a Meritown run directory (population.parquet, firms.parquet, manifest.json)`,
    });
  const manifest = JSON.parse(readFileSync(mf, 'utf8')) as { end: string };
  const end = manifest.end;
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const esc = (f: string) => f.replaceAll("'", "''");
  let people: { id: string; hukou: string; sex: string; income: number }[];
  let firmRows: { id: string; founded: string }[];
  try {
    people = (await (
      await con.runAndReadAll(
        `SELECT id, hukou, sex, income FROM read_parquet('${esc(pop)}') WHERE death_date IS NULL AND birth_date <= DATE '${end}' - INTERVAL 18 YEAR ORDER BY id`,
      )
    ).getRowObjectsJS()) as typeof people;
    firmRows = (await (
      await con.runAndReadAll(
        `SELECT id, CAST(founded AS VARCHAR) AS founded FROM read_parquet('${esc(fp)}') ORDER BY id`,
      )
    ).getRowObjectsJS()) as typeof firmRows;
  } finally {
    con.closeSync();
    db.closeSync();
  }
  const incomes = people.map((p) => Number(p.income) || 0).sort((a, b) => a - b);
  const median = incomes[Math.floor(incomes.length / 2)] || 1;
  const persons = people.map((p) => ({
    id: p.id,
    hukou: p.hukou === 'rural' ? ('rural' as const) : ('urban' as const),
    sex: p.sex === 'F' ? ('F' as const) : ('M' as const),
    // Assumption [U]: the monthly chance of falling behind halves with each doubling of income around the median.
    risk: Math.min(0.2, 0.02 * (median / Math.max(1, Number(p.income) || 1)) ** 0.5),
  }));
  const until = end.slice(0, 7);
  const dir = join(run, RUN_FINANCE);
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    'credit.jsonl': jsonl(syntheticCreditData(persons, `${seed}|credit`, until)),
    'platform-users.jsonl': jsonl(
      syntheticPlatformUsers(
        people.map((p) => p.id),
        `${seed}|platform`,
        end,
      ),
    ),
    'ratings.jsonl': jsonl(
      syntheticRatings(
        people.slice(0, 2000).map((p) => p.id),
        `${seed}|ratings`,
        end,
      ),
    ),
    'firms.jsonl': jsonl(
      syntheticFirmData(
        firmRows
          .filter((f) => f.founded <= end)
          .map((f) => ({ id: f.id, name: f.id, established: f.founded })),
        `${seed}|firms`,
        end,
      ),
    ),
  };
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  const loans = await writeRunLoans(run, end, dir, windowMonths);
  return {
    dir,
    files: [...Object.keys(files), ...(loans?.files ?? [])],
    people: people.length,
    firms: firmRows.length,
    ...(loans ? { loans } : {}),
  };
}

export function registerFinanceCommands(program: Command): void {
  const fin = program.command('finance').description('Demo data for the money-and-platform schemes');
  fin
    .command('sample')
    .description('Regenerate the shipped finance sample (deterministic; seed ' + FINANCE_SEED + ')')
    .option('--out <dir>', 'folder to write', shipped('scenarios', 'sample', 'finance'))
    .action((f: { out: string }) => {
      const files = writeFinanceSample(f.out);
      out(`wrote ${files.join(', ')} to ${f.out}`);
    });
  fin
    .command('from-run')
    .description(
      "Write lenders', platforms' and firms' data for a Meritown run's residents and firms into RUN/finance/",
    )
    .argument('<run>', 'run directory of mosaic sim run')
    .option('--seed <seed>', 'random seed', FINANCE_SEED)
    .option(
      '--window-months <n>',
      "performance window of the banks module's loans: default within it is bad",
      String(LOAN_WINDOW_MONTHS),
    )
    .action(async (run: string, f: { seed: string; windowMonths: string }) => {
      const w = Number(f.windowMonths);
      if (!Number.isInteger(w) || w < 1)
        throw new MosaicError({
          code: 'cli.bad_window',
          message: '--window-months must be a positive integer',
        });
      const r = await writeRunFinance(run, f.seed, w);
      out(`${r.people} adult residents, ${r.firms} firms: wrote ${r.files.join(', ')} to ${r.dir}`);
      const L = r.loans;
      if (L)
        out(
          `loan book: ${L.lent} loans lent; ${L.train + L.later} labelled over ${w} months (${L.bads} defaults) — ${L.train} in loans.csv, ${L.later} in loans-later.csv; ${L.censored} censored in loans-open.csv`,
        );
      else out('no loan book (bank-loans.csv): run with the banks process module to get one');
      out(
        `use them with --data/--users/--ratings, e.g. mosaic report credit ID --as-of DATE --data ${join(r.dir, 'credit.jsonl')}`,
      );
    });
}
