// The lenders' loan book of a Meritown run (RUN/bank-loans.csv, written by the banks module) as scorecard data: one
// row per loan lent with what the lender saw at application and the default flag observed over a performance window;
// loans whose window the run did not see to its end are censored and kept apart, unlabelled.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { toEpochDay } from '../../core/dates.js';
import { formatCsvRow } from '../../ingest/csv.js';
import { BANK_FEATURES } from '../../sim/processes/finance-schema.js';

/** Days in a mean Gregorian month (the window is counted in days from the day lent). */
const MONTH_DAYS = 30.436875;
/** Share of the labelled loans, earliest first, that form the training period; the rest is the later period. */
export const TRAIN_SHARE = 0.7;

export interface RunLoans {
  /** Loans lent in the book. */
  lent: number;
  /** Labelled loans: training period (loans.csv) and later period (loans-later.csv). */
  train: number;
  later: number;
  /** Of the labelled loans, those that defaulted within the window. */
  bads: number;
  /** Loans whose window outlasted the run or the borrower (loans-open.csv, no default column). */
  censored: number;
  files: string[];
}

/** The applicant's age band at application, as in the demo data (lenders lend at 20-60). */
function ageBand(birth: string, lent: string): string {
  const a = (toEpochDay(lent) - toEpochDay(birth)) / 365.2425;
  return a < 30 ? '20-29' : a < 45 ? '30-44' : '45-64';
}

/**
 * Label the run's loan book and write loans.csv, loans-later.csv and loans-open.csv into `dir` in the demo data's
 * format (id, the lender's features, default, hukou, sex, age_band). A loan is bad (1) when it defaulted within
 * `windowMonths` of the day lent; good (0) when it was repaid, or ran the whole window without default; otherwise
 * (the run ended, or the borrower died, inside the window) it is censored. Returns undefined when the run has no loan
 * book (the banks module was off).
 */
export async function writeRunLoans(
  run: string,
  end: string,
  dir: string,
  windowMonths: number,
): Promise<RunLoans | undefined> {
  const book = join(run, 'bank-loans.csv');
  if (!existsSync(book)) return undefined;
  const esc = (f: string) => f.replaceAll("'", "''");
  const feats = BANK_FEATURES.map((f) => `l.${f}`).join(', ');
  const types = Object.fromEntries([
    ['event', 'VARCHAR'],
    ['person', 'VARCHAR'],
    ['lent', 'DATE'],
    ['date', 'DATE'],
    ...BANK_FEATURES.map((f) => [f, 'DOUBLE']),
    ['score', 'DOUBLE'],
  ]);
  const cols = `{${Object.entries(types)
    .map(([k, v]) => `'${k}': '${v}'`)
    .join(', ')}}`;
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  let rows: Record<string, string | number | null>[];
  try {
    rows = (await (
      await con.runAndReadAll(
        `WITH b AS (SELECT * FROM read_csv('${esc(book)}', header = true, columns = ${cols}))
         SELECT l.person, CAST(l.lent AS VARCHAR) AS lent, ${feats},
                CAST(d.date AS VARCHAR) AS defaulted, CAST(r.date AS VARCHAR) AS repaid,
                p.hukou, p.sex, CAST(p.birth_date AS VARCHAR) AS birth, CAST(p.death_date AS VARCHAR) AS death
         FROM b l
         LEFT JOIN b d ON d.event = 'defaulted' AND d.person = l.person AND d.lent = l.lent
         LEFT JOIN b r ON r.event = 'repaid' AND r.person = l.person AND r.lent = l.lent
         LEFT JOIN read_parquet('${esc(join(run, 'population.parquet'))}') p ON p.id = l.person
         WHERE l.event = 'lent'
         ORDER BY l.lent, l.person`,
      )
    ).getRowObjectsJS()) as typeof rows;
  } finally {
    con.closeSync();
    db.closeSync();
  }
  const last = toEpochDay(end);
  const window = Math.round(windowMonths * MONTH_DAYS);
  const labelled: string[][] = [];
  const open: string[][] = [];
  let bads = 0;
  for (const r of rows) {
    const lent = String(r.lent);
    const windowEnd = toEpochDay(lent) + window;
    const x = BANK_FEATURES.map((f) => String(r[f]));
    const who = [
      r.hukou === 'rural' ? 'rural' : 'urban',
      r.sex === 'F' ? 'F' : 'M',
      ageBand(String(r.birth), lent),
    ];
    const id = `${String(r.person)}/${lent}`;
    let y: 0 | 1 | undefined;
    if (r.defaulted !== null && toEpochDay(String(r.defaulted)) <= windowEnd) y = 1;
    else if (r.repaid !== null || r.defaulted !== null) y = 0;
    else if (windowEnd <= last && (r.death === null || toEpochDay(String(r.death)) >= windowEnd)) y = 0;
    if (y === undefined) open.push([id, ...x, ...who]);
    else {
      bads += y;
      labelled.push([id, ...x, String(y), ...who]);
    }
  }
  const cut = Math.round(labelled.length * TRAIN_SHARE);
  const csv = (header: string[], lines: string[][]) =>
    [header, ...lines].map((l) => formatCsvRow(l)).join('\n') + '\n';
  const groups = ['hukou', 'sex', 'age_band'];
  const files: Record<string, string> = {
    'loans.csv': csv(['id', ...BANK_FEATURES, 'default', ...groups], labelled.slice(0, cut)),
    'loans-later.csv': csv(['id', ...BANK_FEATURES, 'default', ...groups], labelled.slice(cut)),
    'loans-open.csv': csv(['id', ...BANK_FEATURES, ...groups], open),
  };
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return {
    lent: rows.length,
    train: cut,
    later: labelled.length - cut,
    bads,
    censored: open.length,
    files: Object.keys(files),
  };
}
