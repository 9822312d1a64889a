// The loan book's labels: default within the window is bad, repaid or a whole window survived is good, a window the
// run or the borrower did not see to its end is censored; the later period follows the training one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOAN_COLUMNS } from '../../sim/processes/banks.js';
import { writeRunLoans } from './run-loans.js';

const run = mkdtempSync(join(tmpdir(), 'mosaic-run-loans-'));
afterAll(() => rmSync(run, { recursive: true, force: true }));

const lent = (p: string, day: string, late: number, inc: number) =>
  `lent,${p},${day},${day},${late},1,0,${inc},640`;
beforeAll(async () => {
  writeFileSync(
    join(run, 'bank-loans.csv'),
    [
      LOAN_COLUMNS.join(','),
      lent('A', '2020-01-01', 3, 0.4), // defaults 5 months in: bad
      lent('B', '2020-02-01', 0, 1.2), // defaults 20 months in: good over 12 months
      lent('C', '2020-03-01', 1, 0.9), // repaid: good
      lent('D', '2020-04-01', 0, 2.0), // still open, window ended inside the run: good
      lent('E', '2020-05-01', 0, 1.0), // died 3 months in, no default: censored
      lent('F', '2021-09-01', 2, 0.7), // lent 4 months before the end: censored
      'defaulted,A,2020-01-01,2020-06-01,,,,,',
      'defaulted,B,2020-02-01,2021-10-01,,,,,',
      'repaid,C,2020-03-01,2020-09-01,,,,,',
    ].join('\n') + '\n',
  );
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const f = join(run, 'population.parquet').replaceAll("'", "''");
  await con.run(
    `COPY (SELECT id, hukou, sex, CAST(birth_date AS DATE) AS birth_date, CAST(death_date AS DATE) AS death_date
      FROM (VALUES ('A','rural','F','1995-01-01',NULL), ('B','urban','M','1980-06-01',NULL),
                   ('C','urban','F','1970-01-01',NULL), ('D','rural','M','1990-01-01',NULL),
                   ('E','urban','M','1985-01-01','2020-08-01'), ('F','urban','F','1960-01-01',NULL))
      t(id, hukou, sex, birth_date, death_date)) TO '${f}' (FORMAT parquet)`,
  );
  con.closeSync();
  db.closeSync();
});

const lines = (f: string) => readFileSync(join(run, f), 'utf8').trim().split('\n');

describe('writeRunLoans', () => {
  it('labels over the window, censors what the run or the borrower cut short, splits by date', async () => {
    const r = await writeRunLoans(run, '2021-12-31', run, 12);
    expect(r).toMatchObject({ lent: 6, bads: 1, censored: 2, train: 3, later: 1 });
    const all = [...lines('loans.csv').slice(1), ...lines('loans-later.csv').slice(1)];
    expect(lines('loans.csv')[0]).toBe(
      'id,late_months_24m,enquiries_3m,default_5y,income_rel,default,hukou,sex,age_band',
    );
    expect(all).toEqual([
      'A/2020-01-01,3,1,0,0.4,1,rural,F,20-29',
      'B/2020-02-01,0,1,0,1.2,0,urban,M,30-44',
      'C/2020-03-01,1,1,0,0.9,0,urban,F,45-64',
      'D/2020-04-01,0,1,0,2,0,rural,M,30-44',
    ]);
    expect(lines('loans-open.csv')).toEqual([
      'id,late_months_24m,enquiries_3m,default_5y,income_rel,hukou,sex,age_band',
      'E/2020-05-01,0,1,0,1,urban,M,30-44',
      'F/2021-09-01,2,1,0,0.7,urban,F,45-64',
    ]);
  });
  it('a longer window makes the later default bad and the young loan censored', async () => {
    const r = await writeRunLoans(run, '2021-12-31', run, 24);
    // B defaults 20 months in (bad now); D's 24 months outlast the run (censored).
    expect(r).toMatchObject({ lent: 6, bads: 2, censored: 3 });
  });
  it('no loan book, no loan files', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'mosaic-run-loans-none-'));
    try {
      expect(await writeRunLoans(empty, '2021-12-31', empty, 12)).toBeUndefined();
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
