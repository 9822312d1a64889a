// The DuckDB ledger (the default): one database file, dictionary-encoded columns written with the appender,
// one transaction per batch, and an in-process id set that makes re-appends idempotent (docs/decisions/0010, 0011).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  DuckDBInstance,
  UINTEGER,
  USMALLINT,
  type DuckDBConnection,
  type DuckDBDataChunk,
} from '@duckdb/node-api';
import type { Catalogue } from '../../core/catalogue.js';
import { ensureDir } from '../../core/outputs.js';
import { MosaicError, type Issue } from '../../core/errors.js';
import type { CreditRecord, Subject } from '../../core/types.js';
import { asOfDay, buildRecord } from '../codec.js';
import { Dict, SubjectDict } from '../dict.js';
import { isSealedBatch, type EncodedBatch, type EncodedStrings } from '../encoded.js';
import { IdSet, RowIdIndex } from '../id-index.js';
import { busyError, removeNote, WriterStatus } from './busy.js';
import {
  MAX_AGENCIES,
  type AppendResult,
  type ExportFormat,
  type FileReceipt,
  type Ledger,
  type RecordColumns,
} from '../ledger.js';
import { RecordChecker, rejectBatch, type SubjectTypeCode } from '../record-check.js';
import { formatRecordId, idOut, parseRecordId } from '../record-id.js';
import { Serial } from '../serial.js';
import { checkSubjects, cloneSubject, SUBJECT_LIST_FIELDS, SUBJECT_STRING_FIELDS } from '../subjects.js';
import {
  appendDict,
  appendRecords,
  appendSupersedes,
  copyOut,
  DICTS,
  LAYOUT_VERSION,
  layoutDdl,
  sqlString,
  type DictName,
  type EncodedColumns,
} from './physical.js';

/** Files open in this process: two ledgers on one file would each trust their own id set. */
const openFiles = new Set<string>();

export const SUBJECT_COLUMNS = [
  ['id', 'VARCHAR PRIMARY KEY'],
  ['type', 'VARCHAR NOT NULL'],
  ['jurisdiction', 'VARCHAR NOT NULL'],
  ['roles', 'VARCHAR[] NOT NULL'],
  ...SUBJECT_STRING_FIELDS.map((f) => [f, 'VARCHAR']),
  ...SUBJECT_LIST_FIELDS.map((f) => [f, 'VARCHAR[]']),
] as const;

/**
 * Version of the file's tables, columns and view (`ledger_meta` key `schema`; the record layout is `layout`). An open
 * of a file at this version runs no DDL. Anything that changes a table, a column or the view bumps it and adds its
 * step to `migrate`. Files without the key are version 1: any file written before versioning.
 */
export const SCHEMA_VERSION = 2;

/** Files stored in full (ingest's receipts): a re-run of the same bytes is answered from here. */
const FILES_DDL = `CREATE TABLE IF NOT EXISTS ledger_files (key VARCHAR PRIMARY KEY, rows BIGINT NOT NULL,
  records BIGINT NOT NULL, stored_at VARCHAR NOT NULL)`;

/** A batch's columns, with the widest index types the dictionaries allow. */
function newColumns(len: number): EncodedColumns {
  return {
    idHi: new Uint32Array(len),
    idLo: new Uint32Array(len),
    subject: new Uint32Array(len),
    kind: new Uint16Array(len),
    agency: new Uint16Array(len),
    basis: new Uint32Array(len),
    occurred: new Uint16Array(len),
    reported: new Uint16Array(len),
    amount: new Float64Array(len),
    severity: new Uint16Array(len),
    level: new Uint8Array(len),
    status: new Uint8Array(len),
  };
}

/** Where the dictionaries and the kind/severity maps stood before a batch (what a refused batch rolls back to). */
interface BatchMarks {
  dicts: Record<DictName, number>;
  kind: Int32Array;
  sev: Int32Array[];
}

interface ReadableVector {
  getItem(i: number): unknown;
}

/** A file's subject not mapped to this ledger's dictionary yet (encodedMaps). */
const UNMAPPED = -2;
/** Rows whose subject entries appendEncodedNow reads ahead of using them. */
const GATHER = 64;

export class DuckDBLedger implements Ledger {
  readonly adapter = 'duckdb';
  private n = 0;
  private ids: IdSet | undefined;
  private readonly serial = new Serial();
  /**
   * The subject register has its own connection and queue: its loads touch no record table, so record appends need
   * not wait behind a large register load (DuckDB runs the two transactions concurrently).
   */
  private readonly subjectSerial = new Serial();
  private readonly dicts: Record<DictName, Dict>;
  /** Threads the database was opened with, if limited (exports lift the limit while they run). */
  private writeThreads: number | undefined;
  private readonly subjectDict = new SubjectDict();
  /** Catalogue kind index → this file's kind dictionary index (-1 until first used). */
  private readonly kindToDb: Int32Array;
  /** Per catalogue kind: severity code - 1 → this file's severity dictionary index + 1. */
  private readonly sevToDb: Int32Array[];
  private readonly checker: RecordChecker;
  private closed = false;
  /** The note beside the file telling other processes what this one is doing with it (busy.ts). */
  private status: WriterStatus | undefined;

  private constructor(
    readonly catalogue: Catalogue,
    readonly file: string,
    private readonly db: DuckDBInstance,
    private readonly con: DuckDBConnection,
    private readonly subjectCon: DuckDBConnection,
  ) {
    this.dicts = {
      subject: this.subjectDict,
      kind: new Dict(65_536),
      agency: new Dict(MAX_AGENCIES),
      basis: new Dict(),
      severity: new Dict(65_535),
    };
    this.kindToDb = new Int32Array(catalogue.kinds.length).fill(-1);
    this.sevToDb = catalogue.kinds.map((k) => new Int32Array(k.severities?.length ?? 0).fill(-1));
    this.checker = new RecordChecker(catalogue, (s) => this.subjectDict.typeOf(s));
  }

  /** Open (creating if absent) the ledger in `file`; ':memory:' gives a throwaway database. */
  static async open(
    file: string,
    catalogue: Catalogue,
    opts: { threads?: number | undefined } = {},
  ): Promise<DuckDBLedger> {
    const path = file === ':memory:' ? file : resolve(file);
    if (path !== ':memory:') {
      if (openFiles.has(path))
        throw new MosaicError({
          code: 'ledger.already_open',
          message: `${path} is already open in this process; share the Ledger object instead`,
        });
      ensureDir(dirname(path), 'ledger directory');
    }
    let db: DuckDBInstance;
    try {
      const config: Record<string, string> = {};
      if (opts.threads) config['threads'] = String(opts.threads);
      db = await DuckDBInstance.create(path, config);
    } catch (err) {
      const message = (err as Error).message;
      if (/Could not set lock|Conflicting lock/.test(message)) throw busyError(path, message);
      throw new MosaicError({
        code: 'ledger.open_failed',
        message: `cannot open DuckDB ledger ${path}: ${(err as Error).message}`,
        location: { file: path },
      });
    }
    const con = await db.connect();
    const subjectCon = await db.connect();
    const ledger = new DuckDBLedger(catalogue, path, db, con, subjectCon);
    ledger.writeThreads = opts.threads;
    try {
      await ledger.init();
    } catch (err) {
      subjectCon.closeSync();
      con.closeSync();
      db.closeSync();
      throw err;
    }
    if (path !== ':memory:') {
      openFiles.add(path);
      ledger.status = new WriterStatus(path, {
        pid: process.pid,
        command: ['mosaic', ...process.argv.slice(2)].join(' '),
        since: new Date().toISOString(),
      });
    }
    return ledger;
  }

  private async init(): Promise<void> {
    const schema = await this.schemaVersion();
    if (schema !== SCHEMA_VERSION) await this.migrate(schema);
    const meta = await this.con.runAndReadAll(`SELECT value FROM ledger_meta WHERE key = 'layout'`);
    const version = meta.getRowsJS()[0]?.[0];
    if (version === undefined)
      await this.con.run(`INSERT INTO ledger_meta VALUES ('layout', '${LAYOUT_VERSION}')`);
    else if (version !== LAYOUT_VERSION)
      throw new MosaicError({
        code: 'ledger.layout_version',
        message: `${this.file} has ledger layout ${String(version)}; this Mosaic reads layout ${LAYOUT_VERSION}`,
      });
    for (const name of Object.keys(DICTS) as DictName[]) {
      const res = await this.con.runAndReadAll(`SELECT text FROM ${DICTS[name]} ORDER BY ix`);
      const dict = this.dicts[name];
      for (const [text] of res.getRowsJS()) dict.add(text as string);
    }
    this.dicts.kind.strings.forEach((code, ix) => {
      const k = this.catalogue.index(code);
      if (k >= 0) this.kindToDb[k] = ix;
    });
    this.catalogue.kinds.forEach((k, ki) =>
      (k.severities ?? []).forEach((s, si) => {
        const ix = this.dicts.severity.get(s);
        if (ix >= 0) this.sevToDb[ki]![si] = ix + 1;
      }),
    );
    const c = await this.con.runAndReadAll(`SELECT count(*)::UBIGINT FROM ledger_records`);
    this.n = Number(c.getRowsJS()[0]![0]);
  }

  /** The file's schema version: undefined for a new file, 1 for one written before versioning. */
  private async schemaVersion(): Promise<number | undefined> {
    const t = await this.con.runAndReadAll(
      `SELECT count(*)::INTEGER FROM duckdb_tables() WHERE database_name = current_database()
         AND schema_name = current_schema() AND table_name = 'ledger_meta'`,
    );
    if (t.getRowsJS()[0]![0] === 0) return undefined;
    const v = await this.con.runAndReadAll(`SELECT value FROM ledger_meta WHERE key = 'schema'`);
    const value = v.getRowsJS()[0]?.[0];
    return value === undefined ? 1 : Number(value);
  }

  /**
   * Bring a new or older file to SCHEMA_VERSION in one transaction. From nothing or version 1 the steps are the
   * idempotent creates, and the register fields added over time as columns (added columns read NULL: not set).
   */
  private async migrate(from: number | undefined): Promise<void> {
    if (from !== undefined && !(from >= 1 && from < SCHEMA_VERSION))
      throw new MosaicError({
        code: 'ledger.schema_version',
        message: `${this.file} has ledger schema ${from}; this Mosaic reads schemas up to ${SCHEMA_VERSION}`,
        location: { file: this.file },
      });
    await this.con.run('BEGIN TRANSACTION');
    try {
      await this.con.run(layoutDdl());
      await this.con.run(
        `CREATE TABLE IF NOT EXISTS ledger_subjects (${SUBJECT_COLUMNS.map(([c, t]) => `"${c}" ${t}`).join(', ')})`,
      );
      if (from !== undefined)
        for (const [c, t] of SUBJECT_COLUMNS.slice(4))
          await this.con.run(`ALTER TABLE ledger_subjects ADD COLUMN IF NOT EXISTS "${c}" ${t}`);
      await this.con.run(FILES_DDL);
      await this.con.run(`INSERT OR REPLACE INTO ledger_meta VALUES ('schema', '${SCHEMA_VERSION}')`);
      await this.con.run('COMMIT');
    } catch (err) {
      await this.con.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** The id set is built on the first append only: reads and exports never pay for it. */
  private async idSet(): Promise<IdSet> {
    if (this.ids) return this.ids;
    const set = new IdSet(Math.max(10, Math.ceil(Math.log2((this.n + 1) / 0.7))));
    const res = await this.con.stream(`SELECT id_hi, id_lo FROM ledger_records`);
    const hi = new Uint32Array(4096);
    const lo = new Uint32Array(4096);
    for (let chunk = await res.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await res.fetchChunk()) {
      const n = chunk.rowCount;
      copyChunk(chunk, [hi.subarray(0, n), lo.subarray(0, n)], 0);
      for (let i = 0; i < n; i++) set.add(hi[i]!, lo[i]!);
    }
    this.ids = set;
    return set;
  }

  append(records: readonly CreditRecord[]): Promise<AppendResult> {
    return this.run(() => this.appendNow(records));
  }

  private async appendNow(records: readonly CreditRecord[]): Promise<AppendResult> {
    this.assertOpen();
    const ids = await this.idSet();
    const len = records.length;
    const cols = newColumns(len);
    const marks = this.marks();
    const sup: [number, number, number, number][] = [];
    const ck = this.checker;
    ck.beginBatch();
    const bad: number[] = [];
    const extra: Issue[] = [];
    let k = 0;
    let duplicates = 0;
    for (let i = 0; i < len; i++) {
      const r = records[i]!;
      if (!ck.ok(r)) {
        bad.push(i);
        continue;
      }
      if (bad.length || extra.length) continue;
      if (!ids.add(ck.idHi, ck.idLo)) {
        duplicates++;
        continue;
      }
      let s = this.subjectDict.lastIndex;
      if (s < 0) s = this.subjectDict.addTyped(r.subject, ck.subjectType);
      else if (this.subjectDict.typeOf(r.subject) === 0) this.subjectDict.addTyped(r.subject, ck.subjectType);
      let kd = this.kindToDb[ck.kind]!;
      if (kd < 0) kd = this.kindToDb[ck.kind] = this.dicts.kind.add(r.kind);
      const a = this.dicts.agency.add(r.agency);
      let sv = 0;
      if (ck.severity > 0) {
        const m = this.sevToDb[ck.kind]!;
        sv = m[ck.severity - 1]!;
        if (sv < 0) sv = m[ck.severity - 1] = this.dicts.severity.add(r.severity!) + 1;
      }
      if (a < 0 || kd < 0 || sv < 0) {
        ids.remove(ck.idHi, ck.idLo);
        extra.push({
          code: 'ledger.dictionary_full',
          message: 'this ledger already holds 65,536 distinct agencies, kinds or severities',
          location: { path: ['records', i, a < 0 ? 'agency' : kd < 0 ? 'kind' : 'severity'] },
        });
        continue;
      }
      cols.idHi[k] = ck.idHi;
      cols.idLo[k] = ck.idLo;
      cols.subject[k] = s;
      cols.kind[k] = kd;
      cols.agency[k] = a;
      cols.basis[k] = this.dicts.basis.add(r.basis);
      cols.occurred[k] = ck.occurred;
      cols.reported[k] = ck.reported;
      cols.amount[k] = ck.amount;
      cols.severity[k] = sv;
      cols.level[k] = ck.level;
      cols.status[k] = ck.status;
      if (ck.hasSupersedes) sup.push([ck.idHi, ck.idLo, ck.supHi, ck.supLo]);
      k++;
    }
    const undo = () => {
      for (let j = 0; j < k; j++) ids.remove(cols.idHi[j]!, cols.idLo[j]!);
      this.rollBack(marks);
    };
    if (bad.length || extra.length) {
      undo();
      rejectBatch(records, bad, this.catalogue, extra);
    }
    if (k === 0) return { inserted: 0, duplicates };
    await this.store(cols, k, marks, sup, undo);
    return { inserted: k, duplicates };
  }

  /** Where the dictionaries and the kind/severity maps stand before a batch, so a refused batch can be undone. */
  private marks(): BatchMarks {
    return {
      dicts: Object.fromEntries(
        (Object.keys(DICTS) as DictName[]).map((d) => [d, this.dicts[d].size]),
      ) as Record<DictName, number>,
      kind: this.kindToDb.slice(),
      sev: this.sevToDb.map((a) => a.slice()),
    };
  }

  private rollBack(m: BatchMarks): void {
    for (const d of Object.keys(DICTS) as DictName[]) this.dicts[d].truncate(m.dicts[d]);
    this.kindToDb.set(m.kind);
    m.sev.forEach((a, i) => this.sevToDb[i]!.set(a));
  }

  /**
   * One transaction: the dictionaries' new strings, the first `k` rows of `cols` and the supersessions. With
   * `leaveCommit`, the COMMIT is issued and left running (DuckDB writes the batch's row groups on its own thread),
   * kept in `committing` for the next operation to settle; its promise is returned in an object (an async function
   * returning a promise would wait for it).
   */
  private async store(
    cols: EncodedColumns,
    k: number,
    m: BatchMarks,
    sup: [number, number, number, number][],
    undo: () => void,
    leaveCommit = false,
  ): Promise<{ committed: Promise<void> }> {
    const refused = (err: unknown) =>
      new MosaicError({
        code: 'ledger.write_failed',
        message: `DuckDB rejected the batch, nothing was stored: ${(err as Error).message}`,
      });
    try {
      await this.con.run('BEGIN TRANSACTION');
      for (const d of Object.keys(DICTS) as DictName[])
        await appendDict(this.con, DICTS[d], m.dicts[d], this.dicts[d].strings.slice(m.dicts[d]));
      await appendRecords(this.con, cols, 0, k);
      await appendSupersedes(this.con, sup);
      if (!leaveCommit) await this.con.run('COMMIT');
    } catch (err) {
      await this.con.run('ROLLBACK').catch(() => undefined);
      undo();
      throw refused(err);
    }
    if (!leaveCommit) {
      this.n += k;
      return { committed: Promise.resolve() };
    }
    const done = this.con.run('COMMIT').then(
      () => {
        this.n += k;
      },
      (err: unknown) => {
        throw refused(err);
      },
    );
    // Its failure is answered to the batch's caller and rolled back by the next operation's settle.
    done.catch(() => undefined);
    this.committing = { done, undo };
    return { committed: done };
  }

  /**
   * The bulk path's COMMIT still running, and what undoes its batch in this process (dictionaries, id set) if it
   * fails. The next operation on the connection settles it first (`settle`); a bulk batch prepares its rows before
   * that, so preparing one batch overlaps the commit of the one before it (docs/decisions/0183).
   */
  private committing: { done: Promise<void>; undo: () => void } | undefined;

  /**
   * Wait for the running COMMIT, if any; false if it failed. A failed batch is rolled back here: first `undoLater`
   * (a batch prepared after it, on top of its state), then its own undo, so states are restored newest first.
   */
  private async settle(undoLater?: () => void): Promise<boolean> {
    const c = this.committing;
    if (!c) return true;
    this.committing = undefined;
    try {
      await c.done;
      return true;
    } catch {
      await this.con.run('ROLLBACK').catch(() => undefined);
      undoLater?.();
      c.undo();
      return false;
    }
  }

  /** An operation on the record connection, after any bulk COMMIT still running. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial.run(async () => {
      await this.settle();
      return fn();
    });
  }

  /**
   * Resolves once the batch is committed, as before; the queue moves on as soon as its COMMIT is issued, so the
   * next batch's rows are prepared while DuckDB writes this one (ingest hands over the next before awaiting).
   */
  appendEncoded(batch: EncodedBatch): Promise<AppendResult> {
    const seen = this.bulkRefusals;
    const refused = (err: unknown) => {
      this.bulkRefusals++;
      throw err;
    };
    return this.serial
      .run(async () => {
        if (this.bulkRefusals !== seen)
          throw new MosaicError({
            code: 'ledger.write_failed',
            message: 'a batch handed over before this one was refused; nothing of this one was stored',
          });
        return this.appendEncodedNow(batch).catch(refused);
      })
      .then(({ result, committed }) => committed.then(() => result, refused));
  }

  readonly bulkAppendsChained = true;
  /** Bulk batches refused so far: a batch handed over before a refusal is refused too (bulkAppendsChained). */
  private bulkRefusals = 0;

  /**
   * The bulk path's columns, reused by every batch (sized to the largest so far): a batch's rows are copied into
   * DuckDB by its appender before the next batch is prepared.
   */
  private batchCols: EncodedColumns | undefined;

  /** Keeps appendEncodedNow's gathering reads live (a value nothing needs). */
  private sink = 0;

  /**
   * File string index → this file's dictionary index, per EncodedStrings (one file's ingest), filled as met. Subjects
   * in a typed array (UNMAPPED until met), sized for the file's subjects: at 10M records a million entries read at
   * random, half the bytes of a JavaScript array's (0192).
   */
  private readonly encodedMaps = new WeakMap<
    EncodedStrings,
    { subject: Int32Array; agency: number[]; basis: number[] }
  >();

  /**
   * The bulk path: the batch was checked when ingest parsed it (isSealedBatch), so a row costs an id-set probe and
   * array lookups; each distinct string of the file is looked up in this file's dictionaries once.
   */
  private async appendEncodedNow(
    b: EncodedBatch,
  ): Promise<{ result: AppendResult; committed: Promise<void> }> {
    this.assertOpen();
    if (!isSealedBatch(b))
      throw new MosaicError({
        code: 'ledger.internal',
        message: 'appendEncoded: a batch not built by ingest',
      });
    const ids = await this.idSet();
    const strings = b.strings;
    let map = this.encodedMaps.get(strings);
    if (map && map.subject.length < strings.subjects.length) {
      // Subjects met since the map was made (a file's table grows only while it is read; tests append as they go).
      const subject = new Int32Array(strings.subjects.length).fill(UNMAPPED);
      subject.set(map.subject);
      map.subject = subject;
    }
    if (!map) {
      const subject = new Int32Array(strings.subjects.length).fill(UNMAPPED);
      this.encodedMaps.set(strings, (map = { subject, agency: [], basis: [] }));
      // The whole file is validated before its first batch is stored, so its record count is known: into an empty
      // ledger the id set is sized for it once, instead of rebuilt at each doubling while the batches come in (0183).
      // Not into a ledger that holds records: a re-run after a crash would reserve for ids it already holds.
      if (ids.size === 0) ids.reserve(strings.records);
    }
    const len = b.length;
    // One set of columns serves every batch (appends run one at a time): a fresh set per batch touched ≈ 10 MiB of
    // new pages each time.
    if (!this.batchCols || this.batchCols.idHi.length < len) this.batchCols = newColumns(len);
    const cols = this.batchCols;
    // Per batch, not reused: a batch's undo may run after the next batch is prepared (settle).
    const fresh = new Uint8Array(len);
    const marks = this.marks();
    const sup: [number, number, number, number][] = [];
    const D = this.dicts;
    const sd = this.subjectDict;
    // Every id of the batch goes into the set first, in the order of their slots (IdSet.addBatch: the same verdicts
    // as adding row by row); a refused batch takes out exactly the rows marked fresh.
    const added = ids.addBatch(b.idHi, b.idLo, len, fresh);
    const duplicates = len - added;
    let next = 0;
    let k = 0;
    let full: Issue | undefined;
    const subjectMap = map.subject;
    const bSubject = b.subject;
    let touched = 0;
    for (let i = 0; i < len; i++) {
      // The next rows' subject entries read first, their cache misses in flight together (as IdSet.addBatch, 0192).
      if ((i & (GATHER - 1)) === 0)
        for (let j = i, e = Math.min(len, i + GATHER); j < e; j++) touched |= subjectMap[bSubject[j]!]!;
      const hi = b.idHi[i]!;
      const lo = b.idLo[i]!;
      // Read supRow only within its length: a read past the end of an array is a slow path in V8.
      const supAt = next < b.supRow.length && b.supRow[next] === i ? next++ : -1;
      if (fresh[i] === 0) continue;
      const ls = bSubject[i]!;
      let s = subjectMap[ls]!;
      if (s === UNMAPPED) {
        s = sd.intern(strings.subjects[ls]!, strings.subjectTypes[ls] as SubjectTypeCode);
        subjectMap[ls] = s;
      }
      const ck = b.kind[i]!;
      let kd = this.kindToDb[ck]!;
      if (kd < 0) kd = this.kindToDb[ck] = D.kind.add(this.catalogue.kinds[ck]!.code);
      const la = b.agency[i]!;
      let a = map.agency[la];
      if (a === undefined) {
        a = D.agency.add(strings.agencies[la]!);
        if (a >= 0) map.agency[la] = a;
      }
      const lb = b.basis[i]!;
      let bs = map.basis[lb];
      if (bs === undefined) bs = map.basis[lb] = D.basis.add(strings.bases[lb]!);
      const sc = b.severity[i]!;
      let sv = 0;
      if (sc > 0) {
        const m = this.sevToDb[ck]!;
        sv = m[sc - 1]!;
        if (sv < 0) sv = m[sc - 1] = D.severity.add(this.catalogue.kinds[ck]!.severities![sc - 1]!) + 1;
      }
      if (a < 0 || kd < 0 || sv < 0 || s < 0) {
        full = {
          code: 'ledger.dictionary_full',
          message: 'this ledger already holds 65,536 distinct agencies, kinds or severities',
          location: { path: ['records', i, a < 0 ? 'agency' : kd < 0 ? 'kind' : 'severity'] },
        };
        break;
      }
      cols.idHi[k] = hi;
      cols.idLo[k] = lo;
      cols.subject[k] = s;
      cols.kind[k] = kd;
      cols.agency[k] = a;
      cols.basis[k] = bs;
      cols.occurred[k] = b.occurred[i]!;
      cols.reported[k] = b.reported[i]!;
      cols.amount[k] = b.amount[i]!;
      cols.severity[k] = sv;
      cols.level[k] = b.level[i]!;
      cols.status[k] = b.status[i]!;
      if (supAt >= 0) sup.push([hi, lo, b.supHi[supAt]!, b.supLo[supAt]!]);
      k++;
    }
    this.sink = touched;
    const undo = () => {
      for (let j = 0; j < len; j++) if (fresh[j] === 1) ids.remove(b.idHi[j]!, b.idLo[j]!);
      this.rollBack(marks);
      // Its indexes may point past the truncated dictionaries.
      this.encodedMaps.delete(strings);
    };
    // The batch before this one may still be committing: this one was prepared on top of it, so if it failed, this
    // one is undone first, then it (settle), and nothing of this one is stored.
    if (!(await this.settle(undo)))
      throw new MosaicError({
        code: 'ledger.write_failed',
        message: 'the batch before this one was refused by DuckDB; nothing of this one was stored',
      });
    if (full) {
      undo();
      throw new MosaicError(full);
    }
    const result = { inserted: k, duplicates };
    if (k === 0) return { result, committed: Promise.resolve() };
    const { committed } = await this.store(cols, k, marks, sup, undo, true);
    return { result, committed };
  }

  progress(activity: string, done: number, total: number): void {
    this.status?.progress(activity, done, total);
  }

  putSubjects(subjects: readonly Subject[]): Promise<void> {
    // Checked and serialised at call time, so the caller's objects die young and later changes to them cannot
    // reach the ledger; only the load waits in the write queue.
    let csv: string;
    try {
      this.assertOpen();
      checkSubjects(subjects);
      csv = subjectsCsv(subjects);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return this.queueSubjects(csv, subjects.length);
  }

  /**
   * Register rows already serialised in this adapter's CSV form (subjectsCsv: one line per subject, ids unique
   * within the text, each line ending in a newline), for a producer that builds them straight from its own columns
   * and guarantees by construction what checkSubjects would check (the simulation's register, decision 0155).
   */
  putSubjectsCsv(csv: string, rows: number): Promise<void> {
    try {
      this.assertOpen();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return this.queueSubjects(csv, rows);
  }

  private queueSubjects(csv: string, rows: number): Promise<void> {
    if (!csv) return Promise.resolve();
    // Batches queued while an earlier operation runs are loaded together, in one statement: a register written in
    // many batches then costs DuckDB one load, not one per batch each waiting for the caller's thread.
    // A load's transient memory grows with its rows, so a load takes at most SUBJECTS_PER_LOAD of them.
    const waiting = this.subjectsWaiting;
    if (waiting && waiting.rows + rows <= SUBJECTS_PER_LOAD) {
      waiting.texts.push(csv);
      waiting.rows += rows;
      return waiting.done;
    }
    const texts = [csv];
    const done = this.subjectSerial.run(async () => {
      if (this.subjectsWaiting?.texts === texts) this.subjectsWaiting = undefined;
      this.assertOpen();
      await this.loadSubjects(texts);
    });
    this.subjectsWaiting = { texts, done, rows };
    return done;
  }

  private subjectsWaiting: { texts: string[]; done: Promise<void>; rows: number } | undefined;

  /**
   * Load register batches with DuckDB's CSV reader instead of the row appender, which makes one native call per
   * value and a value object per list (decision 0064). Batches are files 0, 1, …; for an id in several, the last
   * file wins, as a later putSubjects call would.
   */
  private async loadSubjects(texts: string[]): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-subjects-'));
    try {
      const files = texts.map((t, i) => {
        const f = join(dir, `${String(i).padStart(8, '0')}.csv`);
        writeFileSync(f, t);
        return f;
      });
      texts.length = 0;
      const source = `read_csv([${files.map(sqlString).join(', ')}], header = false, delim = ',', quote = '"',
        escape = '"', auto_detect = false, allow_quoted_nulls = false, filename = ${files.length > 1},
        columns = {${SUBJECT_CSV_COLUMNS}})`;
      const dedupe =
        files.length > 1 ? 'QUALIFY row_number() OVER (PARTITION BY id ORDER BY filename DESC) = 1' : '';
      await this.subjectCon
        .run(`INSERT OR REPLACE INTO ledger_subjects SELECT ${SUBJECT_SELECT} FROM ${source} ${dedupe}`)
        .catch((err: Error) => {
          throw new MosaicError({
            code: 'ledger.write_failed',
            message: `DuckDB rejected a subject register batch, nothing of it was stored: ${err.message}`,
          });
        });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private async selectSubjects(where: string, params: string[], order = 'ORDER BY id'): Promise<Subject[]> {
    const res = await this.subjectCon.runAndReadAll(
      `SELECT ${SUBJECT_COLUMNS.map(([c]) => `"${c}"`).join(', ')} FROM ledger_subjects ${where} ${order}`,
      params,
    );
    return res.getRowObjectsJS().map((row) => {
      const o: Record<string, unknown> = {};
      for (const [col] of SUBJECT_COLUMNS) if (row[col] !== null) o[col] = row[col];
      return cloneSubject(o as unknown as Subject);
    });
  }

  getSubject(id: string): Promise<Subject | undefined> {
    return this.subjectSerial.run(async () => (await this.selectSubjects('WHERE id = $1', [id]))[0]);
  }

  subjects(): Promise<Subject[]> {
    return this.subjectSerial.run(() => this.selectSubjects('', []));
  }

  findSubjects(prefix: string, limit: number): Promise<Subject[]> {
    // No ART index on the name: building one took as long as loading the register itself (12 s at 1M subjects),
    // while DuckDB's vectorised scan of the one name column with a top-N answers in tens of milliseconds, without
    // reading a subject into the process (docs/decisions/0097).
    const n = Math.max(0, Math.floor(limit));
    return this.subjectSerial.run(() =>
      this.selectSubjects('WHERE starts_with(name, $1)', [prefix], `ORDER BY name, id LIMIT ${n}`),
    );
  }

  subjectsOf(ids: readonly string[]): Promise<Map<string, string>> {
    return this.run(async () => {
      this.assertOpen();
      const out = new Map<string, string>();
      // An ingest asks for every correction's target (≈ 100k at 10M records): into an empty ledger that was ten
      // statements of 10,000 VALUES tuples each, ≈ 2 s of DuckDB's CPU, for nothing (docs/decisions/0190). With the
      // in-process id set loaded, an id it does not hold is not stored (commits are settled here, and a refused batch
      // takes its ids out).
      if (this.n === 0) return out;
      const known = this.ids;
      // Parsed ids are two u32 each, so they are inlined as integers (no quoting); 10,000 pairs per statement.
      const pairs: string[] = [];
      const flushPairs = async () => {
        if (!pairs.length) return;
        const res = await this.con.runAndReadAll(
          `SELECT r.id_hi, r.id_lo, r.subject FROM ledger_records r
           JOIN (VALUES ${pairs.join(',')}) AS w(hi, lo) ON r.id_hi = w.hi AND r.id_lo = w.lo`,
        );
        for (const [hi, lo, s] of res.getRowsJS() as number[][])
          out.set(formatRecordId(hi!, lo!), this.subjectDict.strings[s!]!);
        pairs.length = 0;
      };
      for (const id of ids) {
        if (!parseRecordId(id) || (known && !known.has(idOut.hi, idOut.lo))) continue;
        pairs.push(`(${idOut.hi}::UINTEGER,${idOut.lo}::UINTEGER)`);
        if (pairs.length === 10_000) await flushPairs();
      }
      await flushPairs();
      return out;
    });
  }

  fileReceipt(key: string): Promise<FileReceipt | undefined> {
    return this.run(async () => {
      this.assertOpen();
      const res = await this.con.runAndReadAll(
        `SELECT key, rows::DOUBLE, records::DOUBLE, stored_at FROM ledger_files WHERE key = $1`,
        [key],
      );
      const row = res.getRowsJS()[0];
      return row && { key, rows: row[1] as number, records: row[2] as number, at: row[3] as string };
    });
  }

  fileReceiptEnding(suffix: string): Promise<boolean> {
    return this.run(async () => {
      this.assertOpen();
      const res = await this.con.runAndReadAll(
        `SELECT count(*)::INTEGER FROM ledger_files WHERE ends_with(key, $1)`,
        [suffix],
      );
      return (res.getRowsJS()[0]![0] as number) > 0;
    });
  }

  putFileReceipt(r: FileReceipt): Promise<void> {
    return this.run(async () => {
      this.assertOpen();
      await this.con.run(`INSERT OR REPLACE INTO ledger_files VALUES ($1, $2, $3, $4)`, [
        r.key,
        r.rows,
        r.records,
        r.at,
      ]);
    });
  }

  agencies(): Promise<string[]> {
    return this.run(async () => {
      this.assertOpen();
      return this.dicts.agency.strings.slice();
    });
  }

  readSubject(id: string, asOf?: string): Promise<CreditRecord[]> {
    return this.run(async () => {
      this.assertOpen();
      const limit = asOfDay(asOf);
      const s = this.subjectDict.get(id);
      // Days are stored as 0..65535 since 1970: nothing was reported before, everything by the end of the range.
      if (s < 0 || limit < 0) return [];
      const res = await this.con.runAndReadAll(
        `SELECT r.id_hi, r.id_lo, r.kind, r.occurred, r.reported, r.agency, r.basis, r.amount, r.severity,
                r.level, r.status, sp.sup_hi, sp.sup_lo
         FROM ledger_records r LEFT JOIN ledger_supersedes sp ON sp.id_hi = r.id_hi AND sp.id_lo = r.id_lo
         WHERE r.subject = $1 AND r.reported <= $2
         ORDER BY r.occurred, r.reported, r.id_hi, r.id_lo`,
        [s, Math.min(limit, 65_535)],
        [UINTEGER, USMALLINT],
      );
      const D = this.dicts;
      return res.getRowsJS().map((row) => {
        const [hi, lo, kind, occ, rep, agency, basis, amount, sev, level, status, supHi, supLo] =
          row as number[];
        return buildRecord(
          formatRecordId(hi!, lo!),
          id,
          D.kind.strings[kind!]!,
          occ!,
          rep!,
          D.agency.strings[agency!]!,
          D.basis.strings[basis!]!,
          amount!,
          sev ? D.severity.strings[sev - 1] : undefined,
          level!,
          status!,
          supHi === null ? undefined : formatRecordId(supHi!, supLo!),
        );
      });
    });
  }

  scan(): Promise<RecordColumns> {
    return this.run(async () => {
      this.assertOpen();
      const n = this.n;
      const subject = new Uint32Array(n);
      const kind = new Uint16Array(n);
      const agency = new Uint16Array(n);
      const occurred = new Uint16Array(n);
      const reported = new Uint16Array(n);
      const amount = new Float64Array(n);
      const severity = new Uint8Array(n);
      const level = new Uint8Array(n);
      const status = new Uint8Array(n);
      const supCount = Number(
        (await this.con.runAndReadAll(`SELECT count(*)::UBIGINT FROM ledger_supersedes`)).getRowsJS()[0]![0],
      );
      const idHi = supCount > 0 ? new Uint32Array(n) : undefined;
      const idLo = supCount > 0 ? new Uint32Array(n) : undefined;
      const dbSev = new Uint16Array(n);
      const targets: ArrayLike<number>[] = [
        subject,
        kind,
        agency,
        occurred,
        reported,
        amount,
        dbSev,
        level,
        status,
      ];
      if (idHi && idLo) targets.push(idHi, idLo);
      // Append order: a plain scan of an append-only table returns rows in insertion order
      // (DuckDB's preserve_insertion_order, on by default).
      const res = await this.con.stream(
        `SELECT subject, kind, agency, occurred, reported, amount, severity, level, status${idHi ? ', id_hi, id_lo' : ''}
         FROM ledger_records`,
      );
      let off = 0;
      for (let chunk = await res.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await res.fetchChunk()) {
        if (off + chunk.rowCount > n) throw new Error('ledger_records changed under an open ledger');
        copyChunk(chunk, targets as (Uint8Array | Uint16Array | Uint32Array | Float64Array)[], off);
        off += chunk.rowCount;
      }
      // Stored kind and severity indexes are this file's own; engines want the catalogue's.
      const kindMap = this.dicts.kind.strings.map((code) => {
        const k = this.catalogue.index(code);
        return k < 0 ? 0xffff : k;
      });
      for (let i = 0; i < n; i++) {
        const kd = kind[i]!;
        const ck = kindMap[kd]!;
        kind[i] = ck;
        const sv = dbSev[i]!;
        if (sv !== 0)
          severity[i] =
            ck === 0xffff
              ? 0
              : Math.max(0, this.catalogue.severityCode(ck, this.dicts.severity.strings[sv - 1]));
      }
      let supersedeFrom = new Int32Array(0);
      let supersedeTo = new Int32Array(0);
      if (idHi && idLo) {
        const rows = (
          await this.con.runAndReadAll(`SELECT id_hi, id_lo, sup_hi, sup_lo FROM ledger_supersedes`)
        ).getRowsJS() as number[][];
        const index = new RowIdIndex(
          () => ({ hi: idHi, lo: idLo }),
          Math.max(10, Math.ceil(Math.log2((n + 1) / 0.7))),
        );
        for (let i = 0; i < n; i++) index.insert(idHi[i]!, idLo[i]!, i);
        const pairs = rows
          .map(([a, b, c, d]) => [index.find(a!, b!), index.find(c!, d!)] as const)
          .sort((x, y) => x[0] - y[0]);
        supersedeFrom = Int32Array.from(pairs, (p) => p[0]);
        supersedeTo = Int32Array.from(pairs, (p) => p[1]);
      }
      return {
        length: n,
        subject,
        kind,
        agency,
        occurred,
        reported,
        amount,
        severity,
        level,
        status,
        supersedeFrom,
        supersedeTo,
        subjects: this.subjectDict.strings.slice(),
        agencies: this.dicts.agency.strings.slice(),
      };
    });
  }

  count(): Promise<number> {
    return this.run(async () => this.n);
  }

  export(format: ExportFormat, file: string): Promise<number> {
    return this.run(async () => {
      this.assertOpen();
      ensureDir(dirname(resolve(file)), 'export directory');
      // A ledger opened with few threads (to leave the cores to a simulation's workers) exports with all of them:
      // an export is a bulk job that the rest of the process waits on.
      if (this.writeThreads) await this.con.run(`SET threads = ${availableParallelism()}`);
      try {
        return await copyOut(this.con, 'credit_records', format, resolve(file));
      } finally {
        if (this.writeThreads) await this.con.run(`SET threads = ${this.writeThreads}`);
      }
    });
  }

  /**
   * A new connection to this ledger's database, for a caller that keeps its own tables in the same file (the
   * server's state). The caller closes it before closing the ledger; it must not write the ledger's own tables.
   */
  connect(): Promise<DuckDBConnection> {
    this.assertOpen();
    return this.db.connect();
  }

  close(): Promise<void> {
    // After whatever either queue holds.
    return this.subjectSerial.run(() =>
      this.run(async () => {
        if (this.closed) return;
        this.closed = true;
        this.subjectCon.closeSync();
        this.con.closeSync();
        this.db.closeSync();
        openFiles.delete(this.file);
        if (this.status) removeNote(this.file);
      }),
    );
  }

  private assertOpen(): void {
    if (this.closed) throw new MosaicError({ code: 'ledger.closed', message: `${this.file} is closed` });
  }
}

/**
 * A register batch as CSV, the last entry winning for a repeated id (as across batches). Present strings are
 * always quoted and absent ones left empty, so reading with allow_quoted_nulls=false keeps '' and NULL apart. A
 * list is one field, each element prefixed by U+001F (checkSubjects refuses control characters in list elements),
 * so [] and [''] differ; SUBJECT_SELECT splits it again.
 */
export function subjectsCsv(subjects: readonly Subject[]): string {
  const last = new Map<string, number>();
  subjects.forEach((s, i) => last.set(s.id, i));
  const lines: string[] = [];
  for (const i of last.values()) {
    const rec = subjects[i] as unknown as Record<string, unknown>;
    let line = '';
    for (let c = 0; c < SUBJECT_COLUMNS.length; c++) {
      const v = rec[SUBJECT_COLUMNS[c]![0]];
      if (c > 0) line += ',';
      if (v != null) line += csvField(Array.isArray(v) ? packList(v as string[]) : (v as string));
    }
    lines.push(line);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

const SUBJECTS_PER_LOAD = 100_000;
const SUBJECT_CSV_COLUMNS = SUBJECT_COLUMNS.map(([c]) => `'${c}': 'VARCHAR'`).join(', ');
const SUBJECT_SELECT = SUBJECT_COLUMNS.map(([c, t]) =>
  t.startsWith('VARCHAR[]')
    ? `CASE WHEN "${c}" = '' THEN []::VARCHAR[] ELSE string_split("${c}", chr(31))[2:] END`
    : `"${c}"`,
).join(', ');

const UNIT = '\u001f';
/** A list as one string: each element prefixed by U+001F (elements containing it are refused by checkSubjects). */
export function packList(v: readonly string[]): string {
  let out = '';
  for (const x of v) out += UNIT + x;
  return out;
}

export function csvField(v: string): string {
  return v.includes('"') ? `"${v.replaceAll('"', '""')}"` : `"${v}"`;
}

type NumberArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/**
 * Copy each column of a result chunk into typed arrays at `offset`. The node API keeps a fixed-width vector's
 * values in a typed array (`items`) and its NULL mask in `validity.data` (null when every value is present); when
 * both look as expected the column is copied in one `set`, otherwise value by value through the public getItem.
 * The contract suite's scan-equals-rows test checks the result whichever path runs.
 */
function copyChunk(chunk: DuckDBDataChunk, targets: NumberArray[], offset: number): void {
  const rows = chunk.rowCount;
  for (let c = 0; c < targets.length; c++) {
    const v = chunk.getColumnVector(c) as unknown as ReadableVector & {
      items?: unknown;
      validity?: { data?: unknown };
    };
    const t = targets[c]!;
    const items = v.items;
    if (
      items instanceof (t.constructor as typeof Uint8Array) &&
      (items as NumberArray).length === rows &&
      v.validity?.data == null
    )
      t.set(items as never, offset);
    else for (let i = 0; i < rows; i++) t[offset + i] = v.getItem(i) as number;
  }
}
