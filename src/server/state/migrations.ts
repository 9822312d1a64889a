// Versioned migrations of the server's tables. Append only: a released migration never changes; a new table or
// column is a new entry with the next version. SQL is the subset DuckDB and PostgreSQL share.
import { MosaicError } from '../../core/errors.js';
import type { StateDb } from './state-db.js';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
  /** Run after `statements` on that dialect only (data conversions the two engines spell differently). */
  dialects?: Partial<Record<StateDb['dialect'], string[]>>;
}

/** The signed 32-bit integer of a record id's 8 hex digits from `at` (1: the high half, 9: the low half). */
const HALF = {
  postgres: (at: number) => `('x' || substr(o.record, ${at}, 8))::bit(32)::int`,
  duckdb: (at: number) =>
    `CAST(CAST(CAST(('0x' || substr(o.record, ${at}, 8)) AS UBIGINT) AS BIGINT) - CASE WHEN CAST(('0x' || substr(o.record, ${at}, 8)) AS UBIGINT) >= 2147483648 THEN 4294967296 ELSE 0 END AS INTEGER)`,
};
const copyOrigins = (d: StateDb['dialect']) => [
  `INSERT INTO {t}server_origins SELECT ${HALF[d](2)}, ${HALF[d](10)}, b.no
     FROM {t}server_record_origin o JOIN {t}server_batch_origin b
       ON b.batch = o.batch AND b.account = o.account AND b.agency = o.agency AND b.jurisdiction = o.jurisdiction`,
  `DROP TABLE {t}server_record_origin`,
];

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, keys, jurisdictions, batches, access log',
    statements: [
      `CREATE TABLE {t}server_jurisdictions (code TEXT PRIMARY KEY, name_en TEXT NOT NULL, name_zh TEXT NOT NULL,
        parent TEXT, config TEXT NOT NULL)`,
      `CREATE TABLE {t}server_accounts (id TEXT PRIMARY KEY, role TEXT NOT NULL, name TEXT NOT NULL,
        jurisdiction TEXT, agency TEXT, subject TEXT, kinds TEXT, created_at TEXT NOT NULL)`,
      `CREATE TABLE {t}server_keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, account TEXT NOT NULL,
        scopes TEXT NOT NULL, expires_at TEXT, revoked_at TEXT, created_at TEXT NOT NULL)`,
      `CREATE TABLE {t}server_batches (id TEXT PRIMARY KEY, account TEXT NOT NULL, body_hash TEXT NOT NULL,
        records INTEGER NOT NULL, inserted INTEGER NOT NULL, duplicates INTEGER NOT NULL, "at" TEXT NOT NULL)`,
      `CREATE TABLE {t}server_record_origin (record TEXT PRIMARY KEY, batch TEXT NOT NULL, account TEXT NOT NULL,
        agency TEXT NOT NULL, jurisdiction TEXT NOT NULL)`,
      `CREATE TABLE {t}server_access_log (seq BIGINT PRIMARY KEY, "at" TEXT NOT NULL, actor TEXT NOT NULL,
        role TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, subject TEXT, purpose TEXT,
        status INTEGER NOT NULL, detail TEXT, prev TEXT NOT NULL, hash TEXT NOT NULL)`,
    ],
  },
  {
    version: 2,
    name: 'list feed and webhook subscriptions',
    statements: [
      `CREATE TABLE {t}server_feed (seq BIGINT PRIMARY KEY, list TEXT NOT NULL, change TEXT NOT NULL,
        subject TEXT NOT NULL, record TEXT NOT NULL, jurisdiction TEXT NOT NULL, "at" TEXT NOT NULL,
        statement TEXT NOT NULL, UNIQUE (list, record))`,
      `CREATE TABLE {t}server_subscriptions (id TEXT PRIMARY KEY, account TEXT NOT NULL, list TEXT NOT NULL,
        url TEXT NOT NULL, secret TEXT NOT NULL, delivered BIGINT NOT NULL, active INTEGER NOT NULL,
        created_at TEXT NOT NULL)`,
    ],
  },
  {
    // Numbered after its issue (13), not the next integer, so branches built in parallel cannot claim one number.
    version: 13,
    name: 'due process: statement log and evidence files',
    statements: [
      `CREATE TABLE {t}server_dueprocess (seq BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, day TEXT NOT NULL,
        type TEXT NOT NULL, statement TEXT NOT NULL)`,
      `CREATE TABLE {t}server_evidence (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, type TEXT NOT NULL,
        content TEXT NOT NULL, "at" TEXT NOT NULL)`,
    ],
  },
  {
    // Issue 17: the firms' data-channel logs (one hash-chained log per firm; budgets are folded from it).
    version: 17,
    name: 'data channels: decision log per firm',
    statements: [
      `CREATE TABLE {t}server_channel_log (firm TEXT NOT NULL, seq BIGINT NOT NULL, request TEXT NOT NULL,
        entry TEXT NOT NULL, PRIMARY KEY (firm, seq), UNIQUE (firm, request))`,
    ],
  },
  {
    // Issue 17, second migration (numbered 1017 so no issue's own number is taken): the privacy-budget ledger as its
    // own rows, written in the decision's transaction. What each (firm, dataset, purpose, period) has left; the
    // CHECK refuses a negative balance at the database, whatever a server process believes.
    version: 1017,
    name: 'data channels: privacy-budget ledger',
    statements: [
      `CREATE TABLE {t}server_channel_budget (firm TEXT NOT NULL, dataset TEXT NOT NULL, purpose TEXT NOT NULL,
        period TEXT NOT NULL, remaining DOUBLE PRECISION NOT NULL, allowance DOUBLE PRECISION NOT NULL,
        updated_seq BIGINT NOT NULL, PRIMARY KEY (firm, dataset, purpose, period), CHECK (remaining >= 0))`,
    ],
  },
  {
    // Issue 12, second migration (decision 0178): a record's origin as its id's two int4 halves and a batch number,
    // the batch's account, agency and platform once in their own row. The text-keyed row of five strings per record
    // cost PostgreSQL about twice the bulk path's own insert per 10k batch; rows already stored are converted.
    version: 1012,
    name: 'record origins: id halves and a batch number',
    statements: [
      `CREATE TABLE {t}server_batch_origin (no BIGINT PRIMARY KEY, batch TEXT NOT NULL, account TEXT NOT NULL,
        agency TEXT NOT NULL, jurisdiction TEXT NOT NULL)`,
      `CREATE TABLE {t}server_origins (record_hi INTEGER NOT NULL, record_lo INTEGER NOT NULL,
        batch_no BIGINT NOT NULL, PRIMARY KEY (record_hi, record_lo))`,
      `INSERT INTO {t}server_batch_origin
         SELECT row_number() OVER (ORDER BY batch, account, agency, jurisdiction), batch, account, agency, jurisdiction
         FROM (SELECT DISTINCT batch, account, agency, jurisdiction FROM {t}server_record_origin) AS d`,
    ],
    dialects: { postgres: copyOrigins('postgres'), duckdb: copyOrigins('duckdb') },
  },
];

/** Apply every migration not yet applied, each in its own transaction; returns the versions applied now. */
export async function migrate(db: StateDb, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await db.query(
    `CREATE TABLE IF NOT EXISTS {t}server_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
      applied_at TEXT NOT NULL)`,
  );
  const done = new Set(
    (await db.query<{ version: number }>(`SELECT version FROM {t}server_migrations`)).map((r) =>
      Number(r.version),
    ),
  );
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const newest = Math.max(0, ...done);
  if (newest > known)
    throw new MosaicError({
      code: 'server.state_too_new',
      message: `the server state is at migration ${newest}; this Mosaic knows migrations up to ${known}`,
    });
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await db.tx(async (q) => {
      for (const s of [...m.statements, ...(m.dialects?.[db.dialect] ?? [])]) await q.query(s);
      await q.query(`INSERT INTO {t}server_migrations VALUES ($1, $2, $3)`, [
        m.version,
        m.name,
        new Date().toISOString(),
      ]);
    });
    applied.push(m.version);
  }
  return applied;
}
