// `mosaic finance sample`: regenerates the shipped money-and-platforms demo data (scenarios/sample/finance/) from a
// seed and the sample register: CRC data, loan applications, platform users and ratings, firms.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { datasetCsv } from './scorecard.js';

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
}
