// Schema versions of a DuckDB ledger file: an older file opens, gains what it lacks once and stores the new fields;
// a current file opens without DDL (its bytes unchanged); a file from a newer Mosaic is refused with a code.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../core/catalogue.js';
import { codeOfAsync } from '../../core/errors.testkit.js';
import { TEST_CATALOGUE } from '../ledger.contract.js';
import { residentIdAt, usccAt } from '../synthetic.js';
import { DuckDBLedger, SCHEMA_VERSION } from './duckdb-ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'mosaic-duckdb-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const catalogue = loadCatalogue(TEST_CATALOGUE);
const firm = { id: usccAt(0), type: 'legal' as const, jurisdiction: '371082', roles: [] };

/** Run SQL on the file directly (the ledger closed), returning the rows of the last statement. */
async function onFile(file: string, ...sql: string[]): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(file);
  const con = await db.connect();
  try {
    let rows: unknown[][] = [];
    for (const q of sql) rows = (await con.runAndReadAll(q)).getRowsJS();
    return rows;
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** A file with the firm in its register, at the current schema. */
async function current(name: string): Promise<string> {
  const file = join(dir, name);
  const ledger = await DuckDBLedger.open(file, catalogue);
  await ledger.putSubjects([firm]);
  await ledger.close();
  return file;
}

const schemaOf = async (file: string) =>
  (await onFile(file, `SELECT value FROM ledger_meta WHERE key = 'schema'`))[0]?.[0];

describe('DuckDB ledger schema', () => {
  it('an unversioned file (no directlyResponsible column, no receipts table) opens, is migrated once, keeps its subjects', async () => {
    const file = await current('old.duckdb');
    // Make the file look as an older Mosaic left it: no schema version, no column for the field, no receipts.
    await onFile(
      file,
      'ALTER TABLE ledger_subjects DROP COLUMN "directlyResponsible"',
      'DROP TABLE ledger_files',
      `DELETE FROM ledger_meta WHERE key = 'schema'`,
    );
    expect(await schemaOf(file)).toBeUndefined();

    const person = residentIdAt(0);
    let ledger = await DuckDBLedger.open(file, catalogue);
    expect(await ledger.getSubject(firm.id)).toEqual(firm);
    await ledger.putSubjects([{ ...firm, directlyResponsible: [person] }]);
    await ledger.close();
    expect(await schemaOf(file)).toBe(String(SCHEMA_VERSION));
    ledger = await DuckDBLedger.open(file, catalogue);
    expect((await ledger.getSubject(firm.id))?.directlyResponsible).toEqual([person]);
    await ledger.close();
    const tables = await onFile(
      file,
      `SELECT table_name FROM duckdb_tables() WHERE table_name = 'ledger_files'`,
    );
    expect(tables).toEqual([['ledger_files']]);
  });

  it('a current file opens without DDL: its bytes are unchanged, and a column dropped behind its back stays dropped', async () => {
    const file = await current('current.duckdb');
    const before = readFileSync(file);
    const ledger = await DuckDBLedger.open(file, catalogue);
    expect(await ledger.getSubject(firm.id)).toEqual(firm);
    await ledger.close();
    expect(readFileSync(file).equals(before)).toBe(true);
    // The version is what decides: a file claiming the current schema is not re-checked column by column.
    await onFile(file, 'ALTER TABLE ledger_subjects DROP COLUMN "directlyResponsible"');
    await (await DuckDBLedger.open(file, catalogue)).close();
    const cols = await onFile(
      file,
      `SELECT count(*)::INTEGER FROM duckdb_columns() WHERE table_name = 'ledger_subjects' AND column_name = 'directlyResponsible'`,
    );
    expect(cols).toEqual([[0]]);
  });

  it('a file written by a newer Mosaic (a later schema) is refused with ledger.schema_version', async () => {
    const file = await current('newer.duckdb');
    await onFile(file, `UPDATE ledger_meta SET value = '${SCHEMA_VERSION + 1}' WHERE key = 'schema'`);
    expect(await codeOfAsync(async () => await (await DuckDBLedger.open(file, catalogue)).close())).toBe(
      'ledger.schema_version',
    );
    // Refused before anything changed, and not left locked: the file still says the later schema.
    expect(await schemaOf(file)).toBe(String(SCHEMA_VERSION + 1));
  });
});
