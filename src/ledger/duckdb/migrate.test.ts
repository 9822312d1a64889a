// A ledger file written before a register field existed opens, gains the field's column, and stores the field.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadCatalogue } from '../../core/catalogue.js';
import { TEST_CATALOGUE } from '../ledger.contract.js';
import { residentIdAt, usccAt } from '../synthetic.js';
import { DuckDBLedger } from './duckdb-ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-duckdb-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('adds the directlyResponsible column to an older file and keeps its subjects', async () => {
  const catalogue = loadCatalogue(TEST_CATALOGUE);
  const file = join(dir, 'ledger.duckdb');
  const firm = { id: usccAt(0), type: 'legal' as const, jurisdiction: '371082', roles: [] };
  const person = residentIdAt(0);
  let ledger = await DuckDBLedger.open(file, catalogue);
  await ledger.putSubjects([firm]);
  await ledger.close();
  // Make the file look as an older Mosaic left it: no column for the field.
  const db = await DuckDBInstance.create(file);
  const con = await db.connect();
  await con.run('ALTER TABLE ledger_subjects DROP COLUMN "directlyResponsible"');
  con.closeSync();
  db.closeSync();

  ledger = await DuckDBLedger.open(file, catalogue);
  expect(await ledger.getSubject(firm.id)).toEqual(firm);
  await ledger.putSubjects([{ ...firm, directlyResponsible: [person] }]);
  await ledger.close();
  ledger = await DuckDBLedger.open(file, catalogue);
  expect((await ledger.getSubject(firm.id))?.directlyResponsible).toEqual([person]);
  await ledger.close();
});
