// Schema versions of a PostgreSQL ledger: an older schema opens, gains what it lacks once and stores the new fields;
// a current one opens without DDL (so without waiting behind a reader's lock); a newer one is refused with a code.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../core/catalogue.js';
import { codeOfAsync } from '../../core/errors.testkit.js';
import { TEST_CATALOGUE } from '../ledger.contract.js';
import { residentIdAt, usccAt } from '../synthetic.js';
import { PostgresLedger, SCHEMA_VERSION } from './postgres-ledger.js';
import { onPostgres } from './postgres.testkit.js';

const catalogue = loadCatalogue(TEST_CATALOGUE);
const firm = { id: usccAt(0), type: 'legal' as const, jurisdiction: '371082', roles: [] };
const prefix = `mosaic_review_migrate_${process.pid}_${Date.now().toString(36)}`;
const made: string[] = [];

await onPostgres('PostgreSQL schema migration', (url) => {
  const client = new pg.Client({ connectionString: url });
  const ready = client.connect();
  afterAll(async () => {
    for (const s of made) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await client.end();
  });
  const sql = async (q: string) => {
    await ready;
    return (await client.query(q)).rows as Record<string, unknown>[];
  };

  /** A schema with the firm in its register, at the current version. */
  async function current(name: string): Promise<string> {
    const schema = `${prefix}_${name}`;
    made.push(schema);
    const ledger = await PostgresLedger.open(url, schema, catalogue);
    await ledger.putSubjects([firm]);
    await ledger.close();
    return schema;
  }
  const schemaOf = async (s: string) =>
    (await sql(`SELECT value FROM "${s}".ledger_meta WHERE key = 'schema'`))[0]?.['value'];

  describe('PostgreSQL ledger schema', () => {
    it('an unversioned schema (no directlyResponsible column, no receipts table) opens, is migrated once, keeps its subjects', async () => {
      const s = await current('old');
      await sql(`ALTER TABLE "${s}".ledger_subjects DROP COLUMN "directlyResponsible"`);
      await sql(`DROP TABLE "${s}".ledger_files`);
      await sql(`DELETE FROM "${s}".ledger_meta WHERE key = 'schema'`);
      const person = residentIdAt(0);
      let ledger = await PostgresLedger.open(url, s, catalogue);
      expect(await ledger.getSubject(firm.id)).toEqual(firm);
      await ledger.putSubjects([{ ...firm, directlyResponsible: [person] }]);
      await ledger.close();
      expect(await schemaOf(s)).toBe(String(SCHEMA_VERSION));
      ledger = await PostgresLedger.open(url, s, catalogue);
      expect((await ledger.getSubject(firm.id))?.directlyResponsible).toEqual([person]);
      await ledger.close();
      expect(await sql(`SELECT to_regclass('"${s}".ledger_files') IS NOT NULL AS has`)).toEqual([
        { has: true },
      ]);
    });

    it('a current schema opens without DDL: it does not wait behind a reader holding the register', async () => {
      const s = await current('current');
      // A long read in another session: ALTER TABLE (even a no-op ADD COLUMN IF NOT EXISTS) would wait for it.
      const reader = new pg.Client({ connectionString: url });
      await reader.connect();
      try {
        await reader.query('BEGIN');
        await reader.query(`SELECT count(*) FROM "${s}".ledger_subjects`);
        const opened = PostgresLedger.open(url, s, catalogue);
        const first = await Promise.race([
          opened.then(() => 'opened'),
          new Promise((r) => setTimeout(() => r('blocked'), 10_000)),
        ]);
        await reader.query('COMMIT');
        const ledger = await opened;
        expect(first).toBe('opened');
        expect(await ledger.getSubject(firm.id)).toEqual(firm);
        await ledger.close();
      } finally {
        await reader.end();
      }
    }, 30_000);

    it('a version-2 schema gains the register name index (version 3) on its first open, and its subjects stay', async () => {
      const s = await current('v2');
      await sql(`DROP INDEX "${s}".ledger_subjects_name`);
      await sql(`UPDATE "${s}".ledger_meta SET value = '2' WHERE key = 'schema'`);
      const ledger = await PostgresLedger.open(url, s, catalogue);
      expect(await ledger.getSubject(firm.id)).toEqual(firm);
      await ledger.close();
      expect(await schemaOf(s)).toBe(String(SCHEMA_VERSION));
      expect(await sql(`SELECT to_regclass('"${s}".ledger_subjects_name') IS NOT NULL AS has`)).toEqual([
        { has: true },
      ]);
    });

    it('a schema written by a newer Mosaic is refused with ledger.schema_version and left as it was', async () => {
      const s = await current('newer');
      await sql(`UPDATE "${s}".ledger_meta SET value = '${SCHEMA_VERSION + 1}' WHERE key = 'schema'`);
      expect(
        await codeOfAsync(async () => await (await PostgresLedger.open(url, s, catalogue)).close()),
      ).toBe('ledger.schema_version');
      expect(await schemaOf(s)).toBe(String(SCHEMA_VERSION + 1));
    });
  });
});
