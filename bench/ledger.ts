// Ledger benchmarks (issue 2): DuckDB and PostgreSQL ingest against their raw bulk paths in the same run, the
// in-memory adapter's rate and bytes per record, and Parquet export time, all on one pre-generated record set.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBDateValue, DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';
import { loadCatalogue, type Catalogue } from '../src/core/catalogue.js';
import type { CreditRecord } from '../src/core/types.js';
import { SubjectDict } from '../src/ledger/dict.js';
import { DuckDBLedger } from '../src/ledger/duckdb/duckdb-ledger.js';
import { appendRecords, layoutDdl, type EncodedColumns } from '../src/ledger/duckdb/physical.js';
import { MemoryLedger } from '../src/ledger/memory/memory-ledger.js';
import { DEFAULT_PG_URL } from '../src/ledger/open.js';
import {
  BARE_RECORD_DDL,
  copyIn,
  copyLine,
  PG_COPY_COLUMNS,
  PostgresLedger,
} from '../src/ledger/postgres/postgres-ledger.js';
import { RecordChecker } from '../src/ledger/record-check.js';
import { idOut, parseRecordId } from '../src/ledger/record-id.js';
import { syntheticRecords } from '../src/ledger/synthetic.js';
import { shipped } from '../src/core/paths.js';
import type { BenchContext, BenchFigure, BenchModule } from './types.js';

const BATCH = 100_000;

function batches(records: readonly CreditRecord[]): CreditRecord[][] {
  const out: CreditRecord[][] = [];
  for (let i = 0; i < records.length; i += BATCH) out.push(records.slice(i, i + BATCH));
  return out;
}

let lastCpu = 0;
/** Wall seconds of fn; its CPU seconds (user + system, this process only) are left in lastCpu. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const c = process.cpuUsage();
  const t = performance.now();
  await fn();
  const d = process.cpuUsage(c);
  lastCpu = (d.user + d.system) / 1e6;
  return (performance.now() - t) / 1000;
}

// Twice: a single full collection can leave garbage that the next one frees, skewing heap deltas.
const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  g?.();
  g?.();
};

const dayOf = (iso: string) => Date.parse(iso) / 86_400_000;

/** The DuckDB Appender's row API into a bare table of the record's own columns: what a user would write. */
async function duckRowAppender(con: DuckDBConnection, parts: CreditRecord[][]): Promise<void> {
  await con.run(`CREATE TABLE bare (id VARCHAR, subject VARCHAR, kind VARCHAR, occurredAt DATE, reportedAt DATE,
    agency VARCHAR, basis VARCHAR, amount DOUBLE, severity VARCHAR, level VARCHAR, status VARCHAR, supersedes VARCHAR)`);
  for (const part of parts) {
    await con.run('BEGIN TRANSACTION');
    const ap = await con.createAppender('bare');
    for (const r of part) {
      ap.appendVarchar(r.id);
      ap.appendVarchar(r.subject);
      ap.appendVarchar(r.kind);
      ap.appendDate(new DuckDBDateValue(dayOf(r.occurredAt)));
      ap.appendDate(new DuckDBDateValue(dayOf(r.reportedAt)));
      ap.appendVarchar(r.agency);
      ap.appendVarchar(r.basis);
      if (r.amount === undefined) ap.appendNull();
      else ap.appendDouble(r.amount);
      if (r.severity === undefined) ap.appendNull();
      else ap.appendVarchar(r.severity);
      if (r.level === undefined) ap.appendNull();
      else ap.appendVarchar(r.level);
      ap.appendVarchar(r.status);
      if (r.supersedes === undefined) ap.appendNull();
      else ap.appendVarchar(r.supersedes);
      ap.endRow();
    }
    ap.closeSync();
    await con.run('COMMIT');
  }
}

/** Pre-encode every record into the ledger's physical columns (untimed), for the storage-floor peer. */
function encodeAll(cat: Catalogue, records: readonly CreditRecord[]): EncodedColumns {
  const n = records.length;
  const cols: EncodedColumns = {
    idHi: new Uint32Array(n),
    idLo: new Uint32Array(n),
    subject: new Uint32Array(n),
    kind: new Uint16Array(n),
    agency: new Uint16Array(n),
    basis: new Uint32Array(n),
    occurred: new Uint16Array(n),
    reported: new Uint16Array(n),
    amount: new Float64Array(n),
    severity: new Uint16Array(n),
    level: new Uint8Array(n),
    status: new Uint8Array(n),
  };
  const dict = new Map<string, number>();
  const ix = (s: string) => dict.get(s) ?? (dict.set(s, dict.size), dict.size - 1);
  const ck = new RecordChecker(cat);
  records.forEach((r, i) => {
    ck.ok(r);
    cols.idHi[i] = ck.idHi;
    cols.idLo[i] = ck.idLo;
    cols.subject[i] = ix(r.subject);
    cols.kind[i] = ck.kind;
    cols.agency[i] = ix(r.agency) & 0xffff;
    cols.basis[i] = ix(r.basis);
    cols.occurred[i] = ck.occurred;
    cols.reported[i] = ck.reported;
    cols.amount[i] = ck.amount;
    cols.severity[i] = ck.severity;
    cols.level[i] = ck.level;
    cols.status[i] = ck.status;
  });
  return cols;
}

async function duckdbFigures(ctx: BenchContext, cat: Catalogue, records: CreditRecord[], dir: string) {
  const parts = batches(records);
  const n = records.length;
  const figs: BenchFigure[] = [];

  ctx.log('DuckDB raw row appender → bare table');
  const rawDb = await DuckDBInstance.create(join(dir, 'raw.duckdb'));
  const rawCon = await rawDb.connect();
  const tRaw = await timed(() => duckRowAppender(rawCon, parts));
  rawCon.closeSync();
  rawDb.closeSync();

  ctx.log('DuckDB raw chunk appender of pre-encoded columns → bare table with the ledger layout');
  const cols = encodeAll(cat, records);
  const floorDb = await DuckDBInstance.create(join(dir, 'floor.duckdb'));
  const floorCon = await floorDb.connect();
  await floorCon.run(layoutDdl());
  const tFloor = await timed(async () => {
    for (let i = 0; i < n; i += BATCH) {
      await floorCon.run('BEGIN TRANSACTION');
      await appendRecords(floorCon, cols, i, Math.min(n, i + BATCH));
      await floorCon.run('COMMIT');
    }
  });
  floorCon.closeSync();
  floorDb.closeSync();

  ctx.log('DuckDB ledger append (validation, id check, dedupe, dictionaries, one transaction per batch)');
  const file = join(dir, 'ledger.duckdb');
  const ledger = await DuckDBLedger.open(file, cat);
  const tLedger = await timed(async () => {
    for (const p of parts) await ledger.append(p);
  });
  if ((await ledger.count()) !== n) throw new Error('DuckDB ledger lost records');
  const reTime = await timed(() => ledger.append(parts[0]!));

  await ledger.close();

  const rate = n / tLedger;
  figs.push({
    name: `DuckDB ledger ingest ${fmtN(n)} (${fmtN(n / 10)} subjects)`,
    value: rate,
    unit: 'records/s',
    peer: {
      name: 'raw DuckDB appender (row API, bare table of record columns)',
      value: n / tRaw,
      unit: 'rows/s',
    },
    ratio: rate / (n / tRaw),
    target: '≥ 0.90× the appender',
    note: `batches of ${fmtN(BATCH)}, each a transaction`,
  });
  figs.push({
    name: 'DuckDB ledger ingest vs storage floor',
    value: rate,
    unit: 'records/s',
    peer: { name: 'raw chunk appender of pre-encoded ledger columns', value: n / tFloor, unit: 'rows/s' },
    ratio: rate / (n / tFloor),
    note: 'the floor does no validation, hashing, dedupe or dictionary work',
  });
  figs.push({
    name: 'DuckDB ledger re-append of a stored batch',
    value: BATCH / reTime,
    unit: 'records/s',
    note: 'all duplicates: validation + id set only',
  });
  return figs;
}

/**
 * Export and scan of the DuckDB ledger file written above, measured after the input records are released: with
 * 10M record objects alive every allocation-triggered collection marks gigabytes, which is the benchmark's cost,
 * not the ledger's.
 */
async function duckdbReadFigures(ctx: BenchContext, cat: Catalogue, n: number, dir: string) {
  const ledger = await DuckDBLedger.open(join(dir, 'ledger.duckdb'), cat);
  try {
    ctx.log('Parquet export from the DuckDB ledger');
    const pq = join(dir, 'export.parquet');
    const tPq = await timed(() => ledger.export('parquet', pq));
    ctx.log('scan() of the DuckDB ledger');
    const tScan = await timed(() => ledger.scan());
    return [
      {
        name: `Parquet export ${fmtN(n)} (DuckDB ledger)`,
        value: tPq,
        unit: 's',
        target: 'state the time',
        note: `${(statSync(pq).size / 2 ** 20).toFixed(0)} MiB, zstd, append order, decoded through the credit_records view`,
      },
      {
        name: `DuckDB ledger scan() ${fmtN(n)}`,
        value: tScan,
        unit: 's',
        note: 'typed arrays incl. supersession pairs',
      },
    ] satisfies BenchFigure[];
  } finally {
    await ledger.close();
  }
}

async function postgresFigures(ctx: BenchContext, cat: Catalogue, records: CreditRecord[]) {
  const url = process.env.MOSAIC_PG_URL ?? process.env.DATABASE_URL ?? DEFAULT_PG_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err) {
    ctx.log(`PostgreSQL unreachable at ${url}: ${(err as Error).message}; skipping its figures`);
    return [];
  }
  const n = records.length;
  const parts = batches(records);
  const bare = `mosaic_bench_bare_${process.pid}`;
  const schema = `mosaic_bench_${process.pid}`;
  try {
    ctx.log('PostgreSQL raw COPY → bare table (same columns and text, no key)');
    await client.query(`CREATE SCHEMA ${bare}`);
    await client.query(`CREATE TABLE ${bare}.records (${BARE_RECORD_DDL})`);
    const tRaw = await timed(async () => {
      for (const part of parts) {
        const pieces: string[] = [];
        let piece = '';
        for (const r of part) {
          parseRecordId(r.id);
          const hi = idOut.hi;
          const lo = idOut.lo;
          const sup = r.supersedes !== undefined && parseRecordId(r.supersedes);
          piece += copyLine(r, hi, lo, idOut.hi, idOut.lo, sup);
          if (piece.length > 1 << 16) {
            pieces.push(piece);
            piece = '';
          }
        }
        if (piece) pieces.push(piece);
        await client.query('BEGIN');
        await copyIn(client, `COPY ${bare}.records (${PG_COPY_COLUMNS}) FROM STDIN`, pieces);
        await client.query('COMMIT');
      }
    });
    await client.query(`DROP SCHEMA ${bare} CASCADE`);

    ctx.log('PostgreSQL ledger append (validation, id check, COPY into the keyed table)');
    const ledger = await PostgresLedger.open(url, schema, cat);
    const tLedger = await timed(async () => {
      for (const p of parts) await ledger.append(p);
    });
    const reTime = await timed(() => ledger.append(parts[0]!));
    if ((await ledger.count()) !== n) throw new Error('PostgreSQL ledger lost records');
    await ledger.dropSchema();
    await ledger.close();
    const rate = n / tLedger;
    return [
      {
        name: `PostgreSQL ledger ingest ${fmtN(n)} (${fmtN(n / 10)} subjects)`,
        value: rate,
        unit: 'records/s',
        peer: { name: 'raw COPY into a bare table', value: n / tRaw, unit: 'rows/s' },
        ratio: rate / (n / tRaw),
        target: '≥ 0.90× COPY',
        note: 'ledger table has PRIMARY KEY (id) and an index on subject',
      },
      {
        name: 'PostgreSQL ledger re-append of a stored batch',
        value: BATCH / reTime,
        unit: 'records/s',
        note: 'unique violation → staging + INSERT … ON CONFLICT DO NOTHING',
      },
    ] satisfies BenchFigure[];
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${bare} CASCADE`).catch(() => undefined);
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await client.end();
  }
}

async function memoryFigures(ctx: BenchContext, cat: Catalogue, records: CreditRecord[]) {
  const n = records.length;
  const parts = batches(records);
  ctx.log('validation alone (RecordChecker.ok over every record)');
  const ck = new RecordChecker(cat);
  const tCheck = await timed(async () => {
    for (const p of parts) {
      ck.beginBatch();
      for (const r of p) if (!ck.ok(r)) throw new Error('invalid synthetic record');
    }
  });

  ctx.log('subject dictionary on its own');
  // Own copies of the id strings, as a dictionary filled from a file would hold (the records share theirs).
  const distinct = [...new Set(records.map((r) => r.subject))];
  gc();
  const s0 = process.memoryUsage().heapUsed;
  const owned = distinct.map((s) => Buffer.from(s, 'utf8').toString('utf8'));
  gc();
  const s1 = process.memoryUsage().heapUsed;
  // Building a dictionary first lets V8 settle the strings (hashing flattens and may shorten their representation),
  // so the second build measures the dictionary alone: Map entries, the index array and the type bytes.
  let dict = new SubjectDict();
  for (const s of owned) dict.addTyped(s, 1);
  dict = new SubjectDict();
  gc();
  const s1b = process.memoryUsage().heapUsed;
  for (const s of owned) dict.addTyped(s, 1);
  gc();
  const s2 = process.memoryUsage().heapUsed;
  if (dict.size !== distinct.length) throw new Error('dictionary size');
  const perSubject = (s2 - s1b) / distinct.length;
  const stringsPerSubject = (s1 - s0) / distinct.length;

  ctx.log('memory ledger append');
  gc();
  const rss0 = process.memoryUsage().rss;
  const heap0 = process.memoryUsage().heapUsed;
  const ledger = new MemoryLedger(cat);
  const t = await timed(async () => {
    for (const p of parts) await ledger.append(p);
  });
  const cpu = lastCpu;
  gc();
  const rss1 = process.memoryUsage().rss;
  const heap1 = process.memoryUsage().heapUsed;
  const { columns, pairs, index } = ledger.typedBytes;
  if ((await ledger.count()) !== n) throw new Error('memory ledger lost records');
  const typed = (columns + pairs + index) / n;
  const heap = (heap1 - heap0) / n;
  const b = (x: number) => x.toFixed(1);

  return [
    {
      name: `Memory ledger append ${fmtN(n)}`,
      value: n / t,
      unit: 'records/s',
      target: '≥ 5M records/s',
      note:
        `${fmtN(n / cpu)} records per CPU-second; validation + id hash check alone: ${fmtN(n / tCheck)}/s ` +
        `(${((tCheck / t) * 100).toFixed(0)}% of append time)`,
    },
    {
      name: 'Memory ledger bytes/record, typed storage',
      value: typed,
      unit: 'B/record',
      target: '≤ 32 B/record (state the figure)',
      note: `columns ${b(columns / n)} + pairs ${b(pairs / n)} + id index ${b(index / n)}`,
    },
    {
      name: 'Memory ledger bytes/record, all resident',
      value: typed + heap,
      unit: 'B/record',
      note:
        `typed ${b(typed)} + JS heap (dictionaries, subject strings shared with the input) ${b(heap)}; ` +
        `process RSS grew ${b((rss1 - rss0) / n)} B/record (RSS also moves with garbage and heap reservations)`,
    },
    {
      name: `Subject dictionary (${fmtN(distinct.length)} subjects)`,
      value: perSubject,
      unit: 'B/subject',
      note:
        `Map + array + type byte = ${b(perSubject / (n / distinct.length))} B/record at ` +
        `${(n / distinct.length).toFixed(0)} records/subject; owning the id strings adds ${b(stringsPerSubject)} B/subject`,
    },
  ] satisfies BenchFigure[];
}

function fmtN(n: number): string {
  return n >= 1e6
    ? `${+(n / 1e6).toFixed(2)}M`
    : n >= 1e3
      ? `${+(n / 1e3).toFixed(1)}k`
      : String(Math.round(n));
}

export const ledgerBench: BenchModule = {
  name: 'ledger',
  async run(ctx) {
    const cat = loadCatalogue(shipped('src', 'ledger', 'testdata', 'catalogue.yaml'));
    const n = Math.max(1000, Math.round(10_000_000 * ctx.scale));
    ctx.log(`generating ${fmtN(n)} records over ${fmtN(n / 10)} subjects (seeded)`);
    let records = syntheticRecords(cat, {
      records: n,
      subjects: Math.max(100, Math.round(n / 10)),
      seed: 2,
    });
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-bench-ledger-'));
    try {
      // MOSAIC_BENCH_LEDGER=memory,duckdb,postgres runs a subset while developing.
      const parts = (process.env.MOSAIC_BENCH_LEDGER ?? 'memory,duckdb,postgres').split(',');
      const figs: BenchFigure[] = [];
      if (parts.includes('memory')) figs.push(...(await memoryFigures(ctx, cat, records)));
      gc();
      if (parts.includes('duckdb')) figs.push(...(await duckdbFigures(ctx, cat, records, dir)));
      gc();
      if (parts.includes('postgres')) figs.push(...(await postgresFigures(ctx, cat, records)));
      records = [];
      gc();
      if (parts.includes('duckdb')) figs.push(...(await duckdbReadFigures(ctx, cat, n, dir)));
      return figs;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
