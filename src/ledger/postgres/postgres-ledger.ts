// The PostgreSQL ledger: plain columns with the id as primary key, batches streamed with COPY inside one
// transaction; a batch holding an already-stored id falls back to COPY into a staging table and
// INSERT … ON CONFLICT DO NOTHING (docs/decisions/0014-postgres-server-adapter.md).
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { levelCode, type Catalogue } from '../../core/catalogue.js';
import { ensureDir } from '../../core/outputs.js';
import { MosaicError } from '../../core/errors.js';
import { ISSUER_LEVELS, RECORD_STATUSES, type CreditRecord, type Subject } from '../../core/types.js';
import { asOfDay, compareRecords, dayString } from '../codec.js';
import { isSealedBatch, own, type EncodedBatch, type EncodedStrings } from '../encoded.js';
import { Dict } from '../dict.js';
import { copyOut, sqlString } from '../duckdb/physical.js';
import { IdSet, RowIdIndex } from '../id-index.js';
import {
  MAX_AGENCIES,
  type AppendResult,
  type ExportFormat,
  type FileReceipt,
  type Ledger,
  type RecordColumns,
} from '../ledger.js';
import { RecordChecker, rejectBatch } from '../record-check.js';
import { formatRecordId, idOut, parseRecordId } from '../record-id.js';
import { Serial } from '../serial.js';
import { checkSubjects, cloneSubject, SUBJECT_LIST_FIELDS, SUBJECT_STRING_FIELDS } from '../subjects.js';

/** Columns COPY writes, in order (seq is an identity column filled by the server in COPY order). */
const COPY_COLUMNS =
  'id_hi, id_lo, subject, kind, occurred_at, reported_at, agency, basis, amount, severity, level, status, sup_hi, sup_lo';

const RECORD_DDL = `
  seq bigint GENERATED ALWAYS AS IDENTITY,
  id_hi int4 NOT NULL,
  id_lo int4 NOT NULL,
  subject text NOT NULL,
  kind text NOT NULL,
  occurred_at date NOT NULL,
  reported_at date NOT NULL,
  agency text NOT NULL,
  basis text NOT NULL,
  amount float8,
  severity text,
  level text,
  status text NOT NULL,
  sup_hi int4,
  sup_lo int4`;

/** Staging for batches that hold stored ids: `ord` keeps COPY order for the INSERT … SELECT. */
const STAGE_DDL = RECORD_DDL.replace('seq bigint', 'ord bigint');

/** The table a raw-COPY peer writes in benchmarks: the same columns, no key, no index. */
export const BARE_RECORD_DDL = RECORD_DDL.replace('GENERATED ALWAYS AS IDENTITY', '');
export { COPY_COLUMNS as PG_COPY_COLUMNS };

/**
 * The statements that make the ledger's records table (`table`, schema-qualified): its columns, key and subject index.
 * Exported so a benchmark can COPY into exactly this layout.
 */
export function keyedRecordTableSql(table: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (${RECORD_DDL}, PRIMARY KEY (id_hi, id_lo))`,
    `CREATE INDEX IF NOT EXISTS ledger_records_subject ON ${table} USING hash (subject)`,
  ];
}

/**
 * Version of the schema's tables, columns, index and view (`ledger_meta` key `schema`). Anything that changes one bumps
 * it and adds its step to `init`. Schemas without the key are version 1: any made before versioning.
 */
export const SCHEMA_VERSION = 3;

const SUBJECT_DDL = [
  `id text PRIMARY KEY`,
  `type text NOT NULL`,
  `jurisdiction text NOT NULL`,
  `roles text[] NOT NULL`,
  ...SUBJECT_STRING_FIELDS.map((f) => `"${f}" ${f === 'birthDate' ? 'date' : 'text'}`),
  ...SUBJECT_LIST_FIELDS.map((f) => `"${f}" text[]`),
];
const SUBJECT_FIELDS = [
  'id',
  'type',
  'jurisdiction',
  'roles',
  ...SUBJECT_STRING_FIELDS,
  ...SUBJECT_LIST_FIELDS,
];

const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** COPY text format: backslash, tab, newline and carriage return must be escaped. */
const NEEDS_ESCAPE = /[\\\t\n\r]/;
export function copyText(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

function unescapeCopy(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  return s.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}

/** One record as a COPY text line (fields already validated; ids as signed int4 halves). */
export function copyLine(
  r: CreditRecord,
  idHi: number,
  idLo: number,
  supHi: number,
  supLo: number,
  sup: boolean,
) {
  return (
    `${idHi | 0}\t${idLo | 0}\t${r.subject}\t${r.kind}\t${r.occurredAt}\t${r.reportedAt}\t` +
    `${copyText(r.agency)}\t${copyText(r.basis)}\t${r.amount === undefined ? '\\N' : String(r.amount)}\t` +
    `${r.severity === undefined ? '\\N' : copyText(r.severity)}\t${r.level ?? '\\N'}\t${r.status}\t` +
    (sup ? `${supHi | 0}\t${supLo | 0}\n` : '\\N\t\\N\n')
  );
}

/** COPY FROM STDIN of `text` pieces; resolves when the server has consumed them. */
export async function copyIn(
  client: pg.ClientBase,
  sql: string,
  pieces: Iterable<string | Uint8Array>,
): Promise<void> {
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.from(pieces), stream);
}

/** Turns a batch into COPY text piece by piece, validating as it goes; can resume after the stream is torn down. */
class CopyEncoder implements BatchEncoder {
  readonly bad: number[] = [];
  readonly pieces: string[] = [];
  unique = 0;
  duplicates = 0;
  private i = 0;
  private readonly seen: IdSet;

  constructor(
    private readonly records: readonly CreditRecord[],
    private readonly ck: RecordChecker,
  ) {
    ck.beginBatch();
    this.seen = new IdSet(Math.max(10, Math.ceil(Math.log2((records.length + 1) / 0.7))));
  }

  /** The next piece of about 64 KiB, or undefined when the batch is done. */
  next(): string | undefined {
    const { records, ck } = this;
    let piece = '';
    while (this.i < records.length && piece.length < 1 << 16) {
      const i = this.i++;
      const r = records[i]!;
      if (!ck.ok(r)) {
        this.bad.push(i);
        continue;
      }
      if (this.bad.length) continue;
      if (!this.seen.add(ck.idHi, ck.idLo)) {
        this.duplicates++;
        continue;
      }
      piece += copyLine(r, ck.idHi, ck.idLo, ck.supHi, ck.supLo, ck.hasSupersedes);
      this.unique++;
    }
    if (piece) this.pieces.push(piece);
    return piece || this.i < records.length ? piece : undefined;
  }

  /** Pieces for COPY; throws at the end (failing the COPY) if any record was bad. */
  *stream(): Generator<string> {
    for (let p = this.next(); p !== undefined; p = this.next()) if (p) yield p;
    if (this.bad.length) throw new Error('batch has invalid records');
  }
}

/** What copyBatch needs of an encoder: COPY text pieces (kept for the fallback) and the batch's counts. */
interface BatchEncoder {
  readonly pieces: (string | Uint8Array)[];
  readonly unique: number;
  readonly duplicates: number;
  stream(): Iterable<string | Uint8Array>;
}

/** COPY text (UTF-8) of each distinct string of a file, escaped once (per EncodedStrings, i.e. per ingest of a file). */
const encodedTexts = new WeakMap<EncodedStrings, { subject: Buffer[]; agency: Buffer[]; basis: Buffer[] }>();
/** 'YYYY-MM-DD' bytes per epoch day. */
const dayBytes: Buffer[] = [];
const NULL2 = Buffer.from('\\N\t\\N\n');
const NULL1 = Buffer.from('\\N\t');
const PIECE = 1 << 16;

/** Decimal digits of an integer into buf at pos; returns the new position. */
function putInt(buf: Buffer, pos: number, v: number): number {
  if (v < 0) {
    buf[pos++] = 45;
    v = -v;
  }
  const start = pos;
  do {
    buf[pos++] = 48 + (v % 10);
    v = Math.floor(v / 10);
  } while (v > 0);
  // Digits came out last first: swap them in place (a subarray view per number would cost an object).
  for (let a = start, z = pos - 1; a < z; a++, z--) {
    const t = buf[a]!;
    buf[a] = buf[z]!;
    buf[z] = t;
  }
  return pos;
}

/** Copy src into buf at pos; returns the new position (a byte loop for the short fields, set() for long ones). */
function put(buf: Buffer, pos: number, src: Buffer): number {
  const n = src.length;
  if (n > 32) buf.set(src, pos);
  else for (let j = 0; j < n; j++) buf[pos + j] = src[j]!;
  return pos + n;
}

/**
 * The bulk path's encoder: COPY text bytes straight from a batch ingest validated (no record objects, no second check,
 * no string building per row): each distinct string is UTF-8 encoded and escaped once per file, dates once per day,
 * and a row is copied together from those bytes and its integers.
 */
class EncodedCopyEncoder implements BatchEncoder {
  readonly pieces: Uint8Array[] = [];
  unique = 0;
  duplicates = 0;
  private i = 0;
  private nextSup = 0;
  private readonly seen: IdSet;
  private readonly text: { subject: Buffer[]; agency: Buffer[]; basis: Buffer[] };
  private readonly kindText: Buffer[];
  private readonly sevText: Buffer[][];
  private readonly levelText = ISSUER_LEVELS.map((l) => Buffer.from(l));
  private readonly statusText = RECORD_STATUSES.map((l) => Buffer.from(l));

  constructor(
    private readonly b: EncodedBatch,
    cat: Catalogue,
  ) {
    this.seen = new IdSet(Math.max(10, Math.ceil(Math.log2((b.length + 1) / 0.7))));
    let text = encodedTexts.get(b.strings);
    if (!text) encodedTexts.set(b.strings, (text = { subject: [], agency: [], basis: [] }));
    this.text = text;
    this.kindText = cat.kinds.map((k) => Buffer.from(copyText(k.code)));
    this.sevText = cat.kinds.map((k) => (k.severities ?? []).map((v) => Buffer.from(copyText(v))));
  }

  next(): Uint8Array | undefined {
    const { b, text } = this;
    const strings = b.strings;
    const n = b.length;
    if (this.i >= n) return undefined;
    let buf = Buffer.allocUnsafe(PIECE);
    let pos = 0;
    while (this.i < n) {
      const i = this.i;
      const hi = b.idHi[i]!;
      const lo = b.idLo[i]!;
      const ls = b.subject[i]!;
      const la = b.agency[i]!;
      const lb = b.basis[i]!;
      const subject = (text.subject[ls] ??= Buffer.from(copyText(strings.subjects[ls]!)));
      const agency = (text.agency[la] ??= Buffer.from(copyText(strings.agencies[la]!)));
      const basis = (text.basis[lb] ??= Buffer.from(copyText(strings.bases[lb]!)));
      const k = b.kind[i]!;
      const kt = this.kindText[k]!;
      const sev = b.severity[i]!;
      const svt = sev ? this.sevText[k]![sev - 1]! : NULL1;
      // Integers, dates, level, status and tabs take at most 160 bytes; the strings their own length.
      const need = 160 + subject.length + agency.length + basis.length + kt.length + svt.length;
      if (pos + need > buf.length) {
        if (pos > 0) break;
        buf = Buffer.allocUnsafe(need);
      }
      this.i++;
      const supAt = this.nextSup < b.supRow.length && b.supRow[this.nextSup] === i ? this.nextSup++ : -1;
      if (!this.seen.add(hi, lo)) {
        this.duplicates++;
        continue;
      }
      pos = putInt(buf, pos, hi | 0);
      buf[pos++] = 9;
      pos = putInt(buf, pos, lo | 0);
      buf[pos++] = 9;
      pos = put(buf, pos, subject);
      buf[pos++] = 9;
      pos = put(buf, pos, kt);
      buf[pos++] = 9;
      const occ = b.occurred[i]!;
      pos = put(buf, pos, (dayBytes[occ] ??= Buffer.from(dayString(occ))));
      buf[pos++] = 9;
      const rep = b.reported[i]!;
      pos = put(buf, pos, (dayBytes[rep] ??= Buffer.from(dayString(rep))));
      buf[pos++] = 9;
      pos = put(buf, pos, agency);
      buf[pos++] = 9;
      pos = put(buf, pos, basis);
      buf[pos++] = 9;
      const amount = b.amount[i]!;
      if (Number.isNaN(amount)) {
        pos = put(buf, pos, NULL1);
      } else {
        pos += buf.write(String(amount), pos, 'latin1');
        buf[pos++] = 9;
      }
      pos = put(buf, pos, svt);
      if (sev) buf[pos++] = 9;
      const level = b.level[i]!;
      if (level) {
        const t = this.levelText[level - 1]!;
        pos = put(buf, pos, t);
        buf[pos++] = 9;
      } else {
        pos = put(buf, pos, NULL1);
      }
      const st = this.statusText[b.status[i]!]!;
      pos = put(buf, pos, st);
      buf[pos++] = 9;
      if (supAt >= 0) {
        pos = putInt(buf, pos, b.supHi[supAt]! | 0);
        buf[pos++] = 9;
        pos = putInt(buf, pos, b.supLo[supAt]! | 0);
        buf[pos++] = 10;
      } else {
        pos = put(buf, pos, NULL2);
      }
      this.unique++;
    }
    const piece = buf.subarray(0, pos);
    if (pos) this.pieces.push(piece);
    return piece;
  }

  *stream(): Generator<Uint8Array> {
    for (let p = this.next(); p !== undefined; p = this.next()) if (p.length) yield p;
  }
}

export class PostgresLedger implements Ledger {
  readonly adapter = 'postgres';
  private readonly serial = new Serial();
  private readonly checker: RecordChecker;
  private readonly t: { records: string; subjects: string; view: string; meta: string; files: string };
  private closed = false;
  /**
   * Per-subject reads (`readSubject`, `getSubject`) run on this pool, concurrently with each other and with an
   * append on `client`: a credit-report server answers many reads while records arrive. Each read is one statement,
   * so it sees every acknowledged append (committed before `append` resolved) and nothing of one still running.
   * Made on the first read, so a CLI run that only ingests opens no extra connection.
   */
  private readPool: pg.Pool | undefined;

  private constructor(
    readonly catalogue: Catalogue,
    private readonly client: pg.Client,
    readonly schema: string,
    private readonly url?: string,
  ) {
    this.checker = new RecordChecker(catalogue);
    const s = ident(schema);
    this.t = {
      records: `${s}.ledger_records`,
      subjects: `${s}.ledger_subjects`,
      view: `${s}.credit_records`,
      meta: `${s}.ledger_meta`,
      files: `${s}.ledger_files`,
    };
  }

  static async open(url: string, schema: string, catalogue: Catalogue): Promise<PostgresLedger> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined); // a dropped connection surfaces on the next query instead
    try {
      await client.connect();
    } catch (err) {
      throw new MosaicError({
        code: 'ledger.pg_unreachable',
        message: `cannot reach PostgreSQL at ${redact(url)}: ${(err as Error).message}`,
      });
    }
    const ledger = new PostgresLedger(catalogue, client, schema, url);
    try {
      await ledger.init();
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return ledger;
  }

  /** The schema's version: undefined for a new schema, 1 for one made before versioning. */
  private async schemaVersion(): Promise<number | undefined> {
    const c = this.client;
    const has = await c.query<{ has: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS has`, [this.t.meta]);
    if (!has.rows[0]?.has) return undefined;
    const v = await c.query<{ value: string }>(`SELECT value FROM ${this.t.meta} WHERE key = 'schema'`);
    return v.rows[0] === undefined ? 1 : Number(v.rows[0].value);
  }

  private refuseNewer(v: number | undefined): void {
    if (v !== undefined && !(v >= 1 && v <= SCHEMA_VERSION))
      throw new MosaicError({
        code: 'ledger.schema_version',
        message: `PostgreSQL schema ${this.schema} has ledger schema ${v}; this Mosaic reads schemas up to ${SCHEMA_VERSION}`,
      });
  }

  /**
   * An open of a schema at SCHEMA_VERSION runs no DDL (ALTER TABLE takes an exclusive lock, so even a no-op one waits
   * behind every reader of the table). A new or older schema is brought to it in one transaction.
   */
  private async init(): Promise<void> {
    const seen = await this.schemaVersion();
    this.refuseNewer(seen);
    if (seen === SCHEMA_VERSION) return;
    const { records, subjects, view, meta } = this.t;
    const c = this.client;
    await c.query('BEGIN');
    try {
      // Concurrent first opens would race on CREATE … IF NOT EXISTS; serialise them.
      await c.query(`SELECT pg_advisory_xact_lock(hashtext('mosaic.ledger.ddl'))`);
      // Another opener may have migrated the schema while this one waited for the lock.
      const from = await this.schemaVersion();
      this.refuseNewer(from);
      if (from === SCHEMA_VERSION) {
        await c.query('COMMIT');
        return;
      }
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${ident(this.schema)}`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${meta} (key text PRIMARY KEY, value text NOT NULL)`);
      for (const sql of keyedRecordTableSql(records)) await c.query(sql);
      await c.query(`CREATE TABLE IF NOT EXISTS ${subjects} (${SUBJECT_DDL.join(', ')})`);
      // Version 1 (before versioning): schemas made before a register field existed gain its column (added columns
      // read NULL: not set).
      if (from !== undefined)
        for (const col of SUBJECT_DDL.slice(4))
          await c.query(`ALTER TABLE ${subjects} ADD COLUMN IF NOT EXISTS ${col}`);
      // Version 3: the portal's search by name prefix (findSubjects) — byte order, so a prefix is one range of the index.
      await c.query(`CREATE INDEX IF NOT EXISTS ledger_subjects_name ON ${subjects} (name COLLATE "C")`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${this.t.files} (key text PRIMARY KEY, rows bigint NOT NULL,
        records bigint NOT NULL, stored_at text NOT NULL)`);
      await c.query(`CREATE OR REPLACE VIEW ${view} AS
        SELECT seq,
          'r' || lpad(to_hex(id_hi), 8, '0') || lpad(to_hex(id_lo), 8, '0') AS id,
          subject, kind, occurred_at AS "occurredAt", reported_at AS "reportedAt", agency, basis, amount,
          severity, level, status,
          CASE WHEN sup_hi IS NULL THEN NULL
               ELSE 'r' || lpad(to_hex(sup_hi), 8, '0') || lpad(to_hex(sup_lo), 8, '0') END AS supersedes
        FROM ${records}`);
      await c.query(`INSERT INTO ${meta} VALUES ('layout', '1') ON CONFLICT (key) DO NOTHING`);
      await c.query(
        `INSERT INTO ${meta} VALUES ('schema', '${SCHEMA_VERSION}') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      );
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  append(records: readonly CreditRecord[]): Promise<AppendResult> {
    return this.serial.run(() => this.appendNow(records));
  }

  private async appendNow(records: readonly CreditRecord[]): Promise<AppendResult> {
    this.assertOpen();
    if (records.length === 0) return { inserted: 0, duplicates: 0 };
    const enc = new CopyEncoder(records, this.checker);
    return this.copyBatch(enc, () => {
      while (enc.next() !== undefined);
      if (enc.bad.length) rejectBatch(records, enc.bad, this.catalogue);
    });
  }

  appendEncoded(batch: EncodedBatch): Promise<AppendResult> {
    return this.serial.run(async () => {
      this.assertOpen();
      if (!isSealedBatch(batch))
        throw new MosaicError({
          code: 'ledger.internal',
          message: 'appendEncoded: a batch not built by ingest',
        });
      if (batch.length === 0) return { inserted: 0, duplicates: 0 };
      const enc = new EncodedCopyEncoder(batch, this.catalogue);
      return this.copyBatch(enc, () => {
        while (enc.next() !== undefined);
      });
    });
  }

  /**
   * One batch in one transaction. Fast path: COPY straight into the table while the encoder produces the text (the
   * server ingests what was already sent); the primary key guards every row. If some ids are stored already (a
   * re-run, or another writer) the COPY fails with 23505: the batch is staged and only new rows are inserted.
   * `finish` encodes whatever the fast path left (and throws the batch's validation error, if any).
   */
  private async copyBatch(enc: BatchEncoder, finish: () => void): Promise<AppendResult> {
    const c = this.client;
    let inserted: number;
    try {
      await c.query('BEGIN');
      await c.query('SAVEPOINT fast');
      try {
        await copyIn(c, `COPY ${this.t.records} (${COPY_COLUMNS}) FROM STDIN`, enc.stream());
        inserted = enc.unique;
        await c.query('RELEASE SAVEPOINT fast');
      } catch (err) {
        finish();
        if ((err as { code?: string }).code !== '23505') throw err;
        await c.query('ROLLBACK TO SAVEPOINT fast');
        await c.query(`CREATE TEMP TABLE IF NOT EXISTS ledger_stage (${STAGE_DDL}) ON COMMIT DELETE ROWS`);
        await copyIn(c, `COPY ledger_stage (${COPY_COLUMNS}) FROM STDIN`, enc.pieces);
        const res = await c.query(
          `INSERT INTO ${this.t.records} (${COPY_COLUMNS})
           SELECT ${COPY_COLUMNS} FROM ledger_stage ORDER BY ord ON CONFLICT DO NOTHING`,
        );
        inserted = res.rowCount ?? 0;
      }
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      if (err instanceof MosaicError) throw err;
      throw new MosaicError({
        code: 'ledger.write_failed',
        message: `PostgreSQL rejected the batch, nothing was stored: ${(err as Error).message}`,
      });
    }
    return { inserted, duplicates: enc.duplicates + enc.unique - inserted };
  }

  putSubjects(subjects: readonly Subject[]): Promise<void> {
    return this.serial.run(async () => {
      this.assertOpen();
      checkSubjects(subjects);
      const byId = [...new Map(subjects.map((s) => [s.id, cloneSubject(s)])).values()];
      if (byId.length === 0) return;
      const cols = SUBJECT_FIELDS.map(ident).join(', ');
      const updates = SUBJECT_FIELDS.filter((f) => f !== 'id')
        .map((f) => `${ident(f)} = EXCLUDED.${ident(f)}`)
        .join(', ');
      const c = this.client;
      await c.query('BEGIN');
      try {
        for (let i = 0; i < byId.length; i += 10_000)
          await c.query(
            `INSERT INTO ${this.t.subjects} (${cols})
             SELECT ${cols} FROM json_populate_recordset(NULL::${this.t.subjects}, $1::json)
             ON CONFLICT (id) DO UPDATE SET ${updates}`,
            [JSON.stringify(byId.slice(i, i + 10_000))],
          );
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  private async selectSubjects(
    where: string,
    params: unknown[],
    order = 'ORDER BY id COLLATE "C"',
    on: pg.ClientBase | pg.Pool = this.client,
  ): Promise<Subject[]> {
    const cols = SUBJECT_FIELDS.map((f) =>
      f === 'birthDate' ? `"birthDate"::text AS "birthDate"` : ident(f),
    );
    const res = await on.query(`SELECT ${cols.join(', ')} FROM ${this.t.subjects} ${where} ${order}`, params);
    return res.rows.map((row: Record<string, unknown>) => {
      const o: Record<string, unknown> = {};
      for (const f of SUBJECT_FIELDS) if (row[f] !== null) o[f] = row[f];
      return cloneSubject(o as unknown as Subject);
    });
  }

  getSubject(id: string): Promise<Subject | undefined> {
    if (this.url)
      return (async () => {
        this.assertOpen();
        return (await this.selectSubjects('WHERE id = $1', [id], undefined, this.reads()))[0];
      })();
    return this.serial.run(async () => (await this.selectSubjects('WHERE id = $1', [id]))[0]);
  }

  /** The read pool (see `readPool`); four connections keep a report server's reads off one queue. */
  private reads(): pg.Pool {
    if (!this.readPool) {
      this.readPool = new pg.Pool({ connectionString: this.url, max: 4, connectionTimeoutMillis: 5000 });
      this.readPool.on('error', () => undefined); // a dropped idle client surfaces on the next query instead
    }
    return this.readPool;
  }

  subjects(): Promise<Subject[]> {
    return this.serial.run(() => this.selectSubjects('', []));
  }

  findSubjects(prefix: string, limit: number): Promise<Subject[]> {
    // A range on the byte-ordered ("C") name index: every name starting with the prefix sorts between the prefix and
    // the prefix followed by the highest code point; starts_with rechecks exactly. LIMIT keeps the read small.
    const n = Math.max(0, Math.floor(limit));
    // PostgreSQL text cannot hold NUL (the query would fail), and no stored name contains one: nothing matches.
    if (prefix.includes('\u0000')) return Promise.resolve([]);
    return this.serial.run(() =>
      this.selectSubjects(
        `WHERE name COLLATE "C" >= $1 AND name COLLATE "C" < $2 AND starts_with(name, $1)`,
        [prefix, prefix + '\u{10FFFF}'],
        `ORDER BY name COLLATE "C", id COLLATE "C" LIMIT ${n}`,
      ),
    );
  }

  subjectsOf(ids: readonly string[]): Promise<Map<string, string>> {
    return this.serial.run(async () => {
      this.assertOpen();
      const his: number[] = [];
      const los: number[] = [];
      for (const id of ids)
        if (parseRecordId(id)) {
          // The columns hold the halves as int4 (two's complement).
          his.push(idOut.hi | 0);
          los.push(idOut.lo | 0);
        }
      const out = new Map<string, string>();
      if (!his.length) return out;
      const res = await this.client.query(
        `SELECT r.id_hi, r.id_lo, r.subject FROM ${this.t.records} r
         JOIN unnest($1::int4[], $2::int4[]) AS w(hi, lo) ON r.id_hi = w.hi AND r.id_lo = w.lo`,
        [his, los],
      );
      for (const row of res.rows as { id_hi: number; id_lo: number; subject: string }[])
        out.set(formatRecordId(row.id_hi >>> 0, row.id_lo >>> 0), row.subject);
      return out;
    });
  }

  fileReceipt(key: string): Promise<FileReceipt | undefined> {
    return this.serial.run(async () => {
      this.assertOpen();
      const res = await this.client.query(
        `SELECT rows::float8 AS rows, records::float8 AS records, stored_at AS at FROM ${this.t.files} WHERE key = $1`,
        [key],
      );
      const row = res.rows[0] as { rows: number; records: number; at: string } | undefined;
      return row && { key, rows: row.rows, records: row.records, at: row.at };
    });
  }

  fileReceiptEnding(suffix: string): Promise<boolean> {
    return this.serial.run(async () => {
      this.assertOpen();
      const res = await this.client.query(
        `SELECT EXISTS (SELECT 1 FROM ${this.t.files} WHERE right(key, length($1)) = $1) AS hit`,
        [suffix],
      );
      return (res.rows[0] as { hit: boolean }).hit;
    });
  }

  putFileReceipt(r: FileReceipt): Promise<void> {
    return this.serial.run(async () => {
      this.assertOpen();
      await this.client.query(
        `INSERT INTO ${this.t.files} VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET rows = EXCLUDED.rows, records = EXCLUDED.records, stored_at = EXCLUDED.stored_at`,
        [r.key, r.rows, r.records, r.at],
      );
    });
  }

  agencies(): Promise<string[]> {
    return this.serial.run(async () => {
      this.assertOpen();
      const res = await this.client.query(`SELECT DISTINCT agency FROM ${this.t.records}`);
      return res.rows.map((r: { agency: string }) => r.agency);
    });
  }

  readSubject(id: string, asOf?: string): Promise<CreditRecord[]> {
    const read = async (on: pg.ClientBase | pg.Pool) => {
      this.assertOpen();
      asOfDay(asOf); // validates
      // Named, so each pooled connection parses and plans it once (the subject index serves `subject = $1`).
      const res = await on.query({
        name: 'mosaic_ledger_read_subject',
        text: `SELECT id_hi, id_lo, kind, occurred_at::text AS o, reported_at::text AS r, agency, basis, amount,
                severity, level, status, sup_hi, sup_lo
         FROM ${this.t.records} WHERE subject = $1 AND ($2::date IS NULL OR reported_at <= $2::date)`,
        values: [id, asOf ?? null],
      });
      return res.rows
        .map((row: Record<string, unknown>) => {
          const rec: CreditRecord = {
            id: formatRecordId(row.id_hi as number, row.id_lo as number),
            subject: id,
            kind: row.kind as string,
            occurredAt: row.o as string,
            reportedAt: row.r as string,
            agency: row.agency as string,
            basis: row.basis as string,
            status: row.status as CreditRecord['status'],
          };
          if (row.amount !== null) rec.amount = row.amount as number;
          if (row.severity !== null) rec.severity = row.severity as string;
          if (row.level !== null) rec.level = row.level as CreditRecord['level'];
          if (row.sup_hi !== null)
            rec.supersedes = formatRecordId(row.sup_hi as number, row.sup_lo as number);
          return rec;
        })
        .sort(compareRecords);
    };
    return this.url ? read(this.reads()) : this.serial.run(() => read(this.client));
  }

  /** Streams the table with COPY TO (text) and dictionary-encodes it on the way in: no row objects. */
  scan(): Promise<RecordColumns> {
    return this.serial.run(async () => {
      this.assertOpen();
      const n = Number((await this.client.query(`SELECT count(*) AS n FROM ${this.t.records}`)).rows[0].n);
      const cols = {
        subject: new Uint32Array(n),
        kind: new Uint16Array(n),
        agency: new Uint16Array(n),
        occurred: new Uint16Array(n),
        reported: new Uint16Array(n),
        amount: new Float64Array(n),
        severity: new Uint8Array(n),
        level: new Uint8Array(n),
        status: new Uint8Array(n),
      };
      const idHi = new Uint32Array(n);
      const idLo = new Uint32Array(n);
      const subjects = new Dict();
      const agencies = new Dict(MAX_AGENCIES);
      const sup: [number, number, number][] = [];
      const statusCode = new Map(RECORD_STATUSES.map((s, i) => [s, i]));
      let row = 0;
      let rest = '';
      const stream = this.client.query(
        copyTo(`COPY (SELECT id_hi, id_lo, subject, kind, occurred_at - DATE '1970-01-01',
                  reported_at - DATE '1970-01-01', agency, amount, severity, level, status, sup_hi, sup_lo
                FROM ${this.t.records} ORDER BY seq) TO STDOUT`),
      );
      const take = (line: string) => {
        if (row >= n) throw new Error('ledger_records grew during scan');
        const f = line.split('\t');
        idHi[row] = Number(f[0]) >>> 0;
        idLo[row] = Number(f[1]) >>> 0;
        // A field split from the COPY text is a slice of its chunk (~64 KB): kept in a dictionary, it would keep the
        // chunk alive, and at 1M subjects the whole scan's text (~2 GB) stayed in the heap of a serving process
        // (every young-generation collection then took tens of milliseconds). New entries are copied (`own`).
        const sid = unescapeCopy(f[2]!);
        const si = subjects.get(sid);
        cols.subject[row] = si >= 0 ? si : subjects.add(own(sid));
        const k = this.catalogue.index(unescapeCopy(f[3]!));
        cols.kind[row] = k < 0 ? 0xffff : k;
        cols.occurred[row] = Number(f[4]);
        cols.reported[row] = Number(f[5]);
        const ag = unescapeCopy(f[6]!);
        const known = agencies.get(ag);
        const a = known >= 0 ? known : agencies.add(own(ag));
        if (a < 0)
          throw new MosaicError({ code: 'ledger.dictionary_full', message: 'more than 65,536 agencies' });
        cols.agency[row] = a;
        cols.amount[row] = f[7] === '\\N' ? NaN : Number(f[7]);
        cols.severity[row] =
          f[8] === '\\N' || k < 0 ? 0 : Math.max(0, this.catalogue.severityCode(k, unescapeCopy(f[8]!)));
        cols.level[row] = f[9] === '\\N' ? 0 : Math.max(0, levelCode(f[9]));
        cols.status[row] = statusCode.get(f[10] as CreditRecord['status']) ?? 0;
        if (f[11] !== '\\N') sup.push([row, Number(f[11]) >>> 0, Number(f[12]) >>> 0]);
        row++;
      };
      for await (const buf of stream as AsyncIterable<Buffer>) {
        const text = rest + buf.toString('utf8');
        let start = 0;
        for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
          take(text.slice(start, nl));
          start = nl + 1;
        }
        rest = text.slice(start);
      }
      if (rest) take(rest);
      let supersedeFrom = new Int32Array(0);
      let supersedeTo = new Int32Array(0);
      if (sup.length) {
        const index = new RowIdIndex(
          () => ({ hi: idHi, lo: idLo }),
          Math.max(10, Math.ceil(Math.log2((row + 1) / 0.7))),
        );
        for (let i = 0; i < row; i++) index.insert(idHi[i]!, idLo[i]!, i);
        supersedeFrom = Int32Array.from(sup, (p) => p[0]);
        supersedeTo = Int32Array.from(sup, (p) => index.find(p[1], p[2]));
      }
      const slice = <T extends { subarray(a: number, b: number): T }>(a: T) => a.subarray(0, row);
      return {
        length: row,
        subject: slice(cols.subject),
        kind: slice(cols.kind),
        agency: slice(cols.agency),
        occurred: slice(cols.occurred),
        reported: slice(cols.reported),
        amount: slice(cols.amount),
        severity: slice(cols.severity),
        level: slice(cols.level),
        status: slice(cols.status),
        supersedeFrom,
        supersedeTo,
        subjects: subjects.strings,
        agencies: agencies.strings,
      };
    });
  }

  count(): Promise<number> {
    return this.serial.run(async () => {
      this.assertOpen();
      return Number((await this.client.query(`SELECT count(*) AS n FROM ${this.t.records}`)).rows[0].n);
    });
  }

  /**
   * PostgreSQL streams the rows out as CSV (COPY TO STDOUT) into a temporary file; DuckDB reads that and writes
   * the target with the same statement every adapter uses, so Parquet needs no PostgreSQL extension and the
   * three adapters' exports are byte-identical.
   */
  export(format: ExportFormat, file: string): Promise<number> {
    return this.serial.run(async () => {
      this.assertOpen();
      const dir = mkdtempSync(join(tmpdir(), 'mosaic-pg-export-'));
      const csv = join(dir, 'records.csv');
      try {
        const stream = this.client.query(
          copyTo(`COPY (SELECT seq, id, subject, kind, "occurredAt", "reportedAt", agency, basis, amount,
                         severity, level, status, supersedes FROM ${this.t.view} ORDER BY seq)
                  TO STDOUT (FORMAT csv, HEADER true)`),
        );
        await pipeline(stream, createWriteStream(csv));
        const db = await DuckDBInstance.create(':memory:');
        const con = await db.connect();
        try {
          await con.run(`CREATE VIEW pg_export AS SELECT * FROM read_csv(${sqlString(csv)}, header = true,
            allow_quoted_nulls = false, columns = {
              'seq': 'BIGINT', 'id': 'VARCHAR', 'subject': 'VARCHAR', 'kind': 'VARCHAR', 'occurredAt': 'DATE',
              'reportedAt': 'DATE', 'agency': 'VARCHAR', 'basis': 'VARCHAR', 'amount': 'DOUBLE',
              'severity': 'VARCHAR', 'level': 'VARCHAR', 'status': 'VARCHAR', 'supersedes': 'VARCHAR'})`);
          ensureDir(dirname(resolve(file)), 'export directory');
          return await copyOut(con, 'pg_export', format, resolve(file));
        } finally {
          con.closeSync();
          db.closeSync();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  /** Drop this ledger's schema and everything in it (tests use one schema per run). */
  dropSchema(): Promise<void> {
    return this.serial.run(async () => {
      await this.client.query(`DROP SCHEMA IF EXISTS ${ident(this.schema)} CASCADE`);
    });
  }

  close(): Promise<void> {
    return this.serial.run(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.readPool?.end().catch(() => undefined);
      await this.client.end();
    });
  }

  private assertOpen(): void {
    if (this.closed)
      throw new MosaicError({ code: 'ledger.closed', message: `ledger schema ${this.schema} is closed` });
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
