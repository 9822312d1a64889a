// Ingest benchmarks (issue 18): `mosaic ingest` of one CSV file, with full validation, against the databases' own
// bulk loaders reading the same file in the same run; in-memory append; re-ingest of a stored file.
import { spawn } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serialize } from 'node:v8';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { loadCatalogue, type Catalogue } from '../src/core/catalogue.js';
import type { CreditRecord } from '../src/core/types.js';
import { formatCsvRow } from '../src/ingest/csv.js';
import { encodedParts, encodeRecords, type EncodedRecords } from '../src/ledger/encoded.js';
import { DEFAULT_BATCH, ingestFile } from '../src/ingest/ingest.js';
import { DuckDBLedger } from '../src/ledger/duckdb/duckdb-ledger.js';
import { sqlString } from '../src/ledger/duckdb/physical.js';
import { MemoryLedger } from '../src/ledger/memory/memory-ledger.js';
import { DEFAULT_PG_URL } from '../src/ledger/open.js';
import {
  BARE_RECORD_DDL,
  copyIn,
  keyedRecordTableSql,
  PG_COPY_COLUMNS,
  PostgresLedger,
} from '../src/ledger/postgres/postgres-ledger.js';
import { RecordChecker } from '../src/ledger/record-check.js';
import { idOut, recordIdHalves } from '../src/ledger/record-id.js';
import { syntheticRecords } from '../src/ledger/synthetic.js';
import { shipped } from '../src/core/paths.js';
import type { BenchContext, BenchFigure, BenchModule } from './types.js';
import type { BulkChildResult } from './memory-bulk-child.js';
import { ROW_COLUMNS } from '../src/ingest/rows.js';

const COLUMNS = ROW_COLUMNS;

/** The bulk loaders' view of the file: the CSV's own columns, typed, no key. */
const DUCK_COLUMNS = `{'subject': 'VARCHAR', 'kind': 'VARCHAR', 'occurredAt': 'DATE', 'reportedAt': 'DATE',
  'agency': 'VARCHAR', 'basis': 'VARCHAR', 'amount': 'DOUBLE', 'severity': 'VARCHAR', 'level': 'VARCHAR',
  'status': 'VARCHAR', 'supersedes': 'VARCHAR'}`;
const PG_BARE = `subject text, kind text, "occurredAt" date, "reportedAt" date, agency text, basis text,
  amount float8, severity text, level text, status text, supersedes text`;

function writeCsv(file: string, records: readonly CreditRecord[]): void {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, formatCsvRow([...COLUMNS]) + '\n');
    let buf = '';
    for (const r of records) {
      buf += formatCsvRow(COLUMNS.map((c) => (r[c] === undefined ? '' : String(r[c])))) + '\n';
      if (buf.length > 1 << 20) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
}

let lastCpu = 0;
let lastFaults = 0;
/**
 * Wall seconds of fn; its CPU seconds (this process) are left in lastCpu, its minor page faults in lastFaults (first
 * touches of fresh memory, most of the in-memory bulk append's cost on a VM, docs/decisions/0175).
 */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const f = process.resourceUsage().minorPageFault;
  const c = process.cpuUsage();
  const t = performance.now();
  await fn();
  const d = process.cpuUsage(c);
  lastFaults = process.resourceUsage().minorPageFault - f;
  lastCpu = (d.user + d.system) / 1e6;
  return (performance.now() - t) / 1000;
}

function fmtN(n: number): string {
  return n >= 1e6
    ? `${+(n / 1e6).toFixed(2)}M`
    : n >= 1e3
      ? `${+(n / 1e3).toFixed(1)}k`
      : String(Math.round(n));
}

async function duckdbFigures(ctx: BenchContext, cat: Catalogue, csv: string, n: number, dir: string) {
  ctx.log('DuckDB read_csv → bare table (the peer)');
  const peerDb = await DuckDBInstance.create(join(dir, 'peer.duckdb'));
  const peerCon = await peerDb.connect();
  const tPeer = await timed(() =>
    peerCon.run(`CREATE TABLE bare AS SELECT * FROM read_csv(${sqlString(csv)}, header = true,
      auto_detect = false, columns = ${DUCK_COLUMNS})`),
  );
  peerCon.closeSync();
  peerDb.closeSync();

  ctx.log('mosaic ingest → DuckDB ledger (validate every row, then store)');
  const ledger = await DuckDBLedger.open(join(dir, 'ledger.duckdb'), cat);
  let stored = 0;
  const t = await timed(async () => {
    const s = await ingestFile(ledger, csv);
    stored = s.inserted + s.duplicates;
  });
  const cpu = lastCpu;
  if (stored !== n) throw new Error(`DuckDB ingest stored ${stored} of ${n}`);
  ctx.log('re-ingest of the same file (all duplicates)');
  let dups = 0;
  const tRe = await timed(async () => {
    dups = (await ingestFile(ledger, csv)).duplicates;
  });
  if (dups !== n) throw new Error(`re-ingest saw ${dups} duplicates of ${n}`);
  await ledger.close();
  return [
    {
      name: `mosaic ingest ${fmtN(n)} CSV records → DuckDB`,
      value: n / t,
      unit: 'records/s',
      peer: { name: 'DuckDB read_csv into a bare table', value: n / tPeer, unit: 'rows/s' },
      ratio: tPeer / t,
      target: '≥ 0.5× read_csv',
      note: `full validation of every row, then stored; ${fmtN(n / cpu)} records per CPU-second of this process`,
    },
    {
      name: `re-ingest of the stored file ${fmtN(n)} → DuckDB`,
      value: n / tRe,
      unit: 'records/s',
      target: '≥ 1M records/s',
      note: 'all duplicates',
    },
  ] satisfies BenchFigure[];
}

async function postgresFigures(
  ctx: BenchContext,
  cat: Catalogue,
  csv: string,
  n: number,
  encoded: EncodedRecords | undefined,
) {
  const url = process.env.MOSAIC_PG_URL ?? process.env.DATABASE_URL ?? DEFAULT_PG_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    ctx.log(`PostgreSQL unreachable at ${url}: ${(err as Error).message}; skipping its figures`);
    return [];
  }
  const bare = `mosaic_bench_ingest_bare_${process.pid}`;
  const schema = `mosaic_bench_ingest_${process.pid}`;
  try {
    ctx.log('PostgreSQL raw COPY of the CSV → bare table (the peer)');
    await client.query(`CREATE SCHEMA ${bare}`);
    await client.query(`CREATE TABLE ${bare}.records (${PG_BARE})`);
    const tPeer = await timed(async () => {
      await client.query('BEGIN');
      await pipeline(
        createReadStream(csv, { highWaterMark: 1 << 16 }),
        client.query(copyFrom(`COPY ${bare}.records FROM STDIN (FORMAT csv, HEADER true)`)),
      );
      await client.query('COMMIT');
    });
    await client.query(`DROP SCHEMA ${bare} CASCADE`);

    ctx.log('mosaic ingest → PostgreSQL ledger');
    const ledger = await PostgresLedger.open(url, schema, cat);
    let stored = 0;
    const t = await timed(async () => {
      const s = await ingestFile(ledger, csv);
      stored = s.inserted + s.duplicates;
    });
    if (stored !== n) throw new Error(`PostgreSQL ingest stored ${stored} of ${n}`);
    const keyed = await keyedCopyFigure(ctx, client, schema, n);
    await ledger.dropSchema();
    await ledger.close();
    // The storage floor: the same records already checked, hashed and encoded (before the clock), stored through the
    // ledger's bulk path into its keyed table. No ingest can be faster than this; its ratio to the bare COPY is the
    // most any ingest into this table can reach.
    const floorFigures: BenchFigure[] = [];
    if (encoded) {
      ctx.log('PostgreSQL ledger bulk path of pre-encoded records (the storage floor)');
      const floor = await PostgresLedger.open(url, `${schema}_floor`, cat);
      const tFloor = await timed(async () => {
        for (const b of encoded.batches) await floor.appendEncoded(b);
      });
      if ((await floor.count()) !== n) throw new Error('PostgreSQL floor lost records');
      await floor.dropSchema();
      await floor.close();
      floorFigures.push({
        name: `PostgreSQL ledger bulk path of ${fmtN(n)} pre-encoded records (no parse, no checks: the storage floor)`,
        value: n / tFloor,
        unit: 'records/s',
        peer: { name: 'raw COPY of the file into a bare table', value: n / tPeer, unit: 'rows/s' },
        ratio: tPeer / tFloor,
        note: `the most an ingest into the keyed table can reach; mosaic ingest ran at ${(tFloor / t).toFixed(2)}× this floor`,
      });
    }
    return [
      ...floorFigures,
      keyed,
      {
        name: `mosaic ingest ${fmtN(n)} CSV records → PostgreSQL`,
        value: n / t,
        unit: 'records/s',
        peer: { name: 'raw COPY of the file into a bare table', value: n / tPeer, unit: 'rows/s' },
        ratio: tPeer / t,
        target: '≥ 0.9× COPY',
        note: 'ledger table has PRIMARY KEY (id) and an index on subject',
      },
    ] satisfies BenchFigure[];
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${bare} CASCADE`).catch(() => undefined);
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await client.query(`DROP SCHEMA IF EXISTS ${schema}_floor CASCADE`).catch(() => undefined);
    await client.end();
  }
}

/**
 * PostgreSQL's own COPY of the ledger's stored rows (read back before the clock, as COPY text) into the ledger's keyed
 * layout, against the same bytes into the same columns with no key: what the key and subject index alone cost, with
 * no Mosaic code on the clock. The 0.9× compares ingest with the bare table; this is the ceiling of any
 * ingest that keeps the key re-ingest and point reads need.
 */
async function keyedCopyFigure(
  ctx: BenchContext,
  client: pg.Client,
  schema: string,
  n: number,
): Promise<BenchFigure> {
  ctx.log('PostgreSQL COPY of the stored rows: keyed layout vs bare table (same bytes)');
  const pieces: Buffer[] = [];
  const out = client.query(
    copyTo(`COPY (SELECT ${PG_COPY_COLUMNS} FROM ${schema}.ledger_records ORDER BY seq) TO STDOUT`),
  );
  for await (const chunk of out) pieces.push(chunk as Buffer);
  const into = async (table: string, ddl: string[]): Promise<number> => {
    for (const sql of ddl) await client.query(sql);
    const t = await timed(async () => {
      await client.query('BEGIN');
      await copyIn(client, `COPY ${table} (${PG_COPY_COLUMNS}) FROM STDIN`, pieces);
      await client.query('COMMIT');
    });
    const got = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    if (got !== n) throw new Error(`COPY into ${table} stored ${got} of ${n}`);
    await client.query(`DROP TABLE ${table}`);
    return t;
  };
  const tBare = await into(`${schema}.copy_bare`, [`CREATE TABLE ${schema}.copy_bare (${BARE_RECORD_DDL})`]);
  const tKeyed = await into(`${schema}.copy_keyed`, keyedRecordTableSql(`${schema}.copy_keyed`));
  return {
    name: `PostgreSQL's own COPY of ${fmtN(n)} encoded rows into the ledger's keyed layout (no Mosaic code)`,
    value: n / tKeyed,
    unit: 'rows/s',
    peer: { name: 'the same COPY text into a bare table', value: n / tBare, unit: 'rows/s' },
    ratio: tBare / tKeyed,
    note: 'PRIMARY KEY (id_hi, id_lo) and a hash index on subject: the ceiling of any keyed ingest against a bare COPY',
  };
}

/** Wall seconds of appending records to a fresh memory ledger in batches of 100k (the ledger is dropped after). */
async function appendTimed(cat: Catalogue, records: readonly CreditRecord[], lost: string): Promise<number> {
  const ledger = new MemoryLedger(cat);
  const t = await timed(async () => {
    for (let i = 0; i < records.length; i += 100_000) await ledger.append(records.slice(i, i + 100_000));
  });
  if ((await ledger.count()) !== records.length) throw new Error(lost);
  return t;
}

/** Most records the record-object append figures take (the bulk figure takes the whole file). */
const RECORD_FIGURES_MAX = 1_000_000;

/** Batch size of the bulk figure: 100k, as every in-memory figure since 0163 (ingest itself cuts DEFAULT_BATCH). */
const BULK_BATCH = 100_000;

/**
 * The bulk path's figure (appendEncoded), measured in a fresh Node process fed the encoded file (docs/decisions/0193):
 * this process holds the generated records (gigabytes at 10M), and a bulk append timed here ran beside collections
 * of them (0191, finding 5). The child holds what ingest's storing thread holds: the batches and the string tables.
 */
async function bulkInChild(ctx: BenchContext, enc: EncodedRecords, dir: string): Promise<BulkChildResult> {
  const file = join(dir, 'encoded.v8');
  writeFileSync(file, serialize(encodedParts(enc).parts));
  const child = fileURLToPath(new URL('./memory-bulk-child.js', import.meta.url));
  ctx.log('in-memory ledger bulk append (appendEncoded) in a fresh process, fed the encoded file');
  const out = await new Promise<string>((resolve, reject) => {
    const c = spawn(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=16000', child, file, String(BULK_BATCH)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    c.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    c.on('error', reject);
    c.on('exit', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`bulk child exit ${code}: ${stderr}`)),
    );
  });
  rmSync(file, { force: true });
  return JSON.parse(out.trim().split('\n').pop()!) as BulkChildResult;
}

async function memoryFigures(
  ctx: BenchContext,
  cat: Catalogue,
  generated: CreditRecord[],
  dir: string,
  bulkOnly: boolean,
) {
  // The bulk path first, as ingest hands a file over (docs/decisions/0166): records checked, hashed and encoded into
  // columns when the file was parsed (not timed), then appended batch by batch in a fresh process.
  const n = generated.length;
  const bulk = await bulkInChild(ctx, encodeRecords(cat, generated, BULK_BATCH), dir);
  if (bulk.records !== n) throw new Error(`bulk child stored ${bulk.records} of ${n}`);
  const perRec = (f: number, count = n) => `${(f / count).toFixed(4)} minor page faults a record`;
  const bulkFigure: BenchFigure = {
    name: `in-memory ledger bulk append ${fmtN(n)} (appendEncoded, the columns ingest keeps from its one parse)`,
    value: n / bulk.wall,
    unit: 'records/s',
    target: '≥ 5M records/s',
    note:
      `${fmtN(n / bulk.cpu)} per CPU-second; checked, hashed and encoded before the clock, as ingest's parse does; ` +
      `timed in a fresh process after a warm-up on two throwaway ledgers, batches of ${fmtN(BULK_BATCH)}; ${perRec(bulk.minorFaults)}`,
  };
  ctx.log(`bulk append: ${fmtN(bulkFigure.value)} records/s, ${fmtN(n / bulk.cpu)} per CPU-second`);
  if (bulkOnly) return [bulkFigure];

  // The record-object figures take at most the file's first 1M records: at 10M the process holds three copies of
  // them (≈ 8 GB of heap) and the collector's marking of it dominated; main's scale-1 run did not finish the first of
  // them in 15 minutes (docs/decisions/0193).
  const m = Math.min(n, RECORD_FIGURES_MAX);
  ctx.log(`in-memory ledger append of ${fmtN(m)} record objects, batches of 100k`);
  // The records as a JSONL file or a request body hands them over: every field its own flat string. The generator's
  // template-literal agencies and bases are V8 cons strings shared by thousands of records, which parsers never
  // produce and whose characters cost several times more to read (docs/decisions/0146).
  // Round-tripped in slices: more than a few million records are more JSON than one V8 string can hold.
  const records: CreditRecord[] = [];
  for (let i = 0; i < m; i += 100_000)
    for (const r of JSON.parse(
      JSON.stringify(generated.slice(i, Math.min(m, i + 100_000))),
    ) as CreditRecord[])
      records.push(r);
  generated.length = 0;
  const t = await appendTimed(cat, records, 'memory ledger lost records');
  const cpu = lastCpu;
  const faults = lastFaults;
  // The same records as ingest hands them over: id computed once from the fields and sealed (0072), so the ledger
  // parses the id instead of hashing the fields again. Sealing (the hash) is done before the clock starts.
  const ck = new RecordChecker(cat);
  const sealed: CreditRecord[] = records.map(({ id: _id, ...fields }) => {
    if (!ck.okWithoutId(fields)) throw new Error('generated record refused');
    return ck.seal(fields);
  });
  const tSealed = await appendTimed(cat, sealed, 'memory ledger lost sealed records');
  const cpuSealed = lastCpu;
  const faultsSealed = lastFaults;
  // The ceiling of the verifying append on one core: the record-id hash alone over the same records (0146).
  let mix = 0;
  const tHash = await timed(async () => {
    for (const r of records) {
      recordIdHalves(r);
      mix ^= idOut.lo;
    }
  });
  if (mix === 0.5) throw new Error('unreachable: keeps the hash loop live');
  return [
    {
      name: `in-memory ledger append ${fmtN(m)}`,
      value: m / t,
      unit: 'records/s',
      peer: { name: 'the record-id hash alone over the same records', value: m / tHash, unit: 'records/s' },
      ratio: tHash / t,
      target: '≥ 5M records/s',
      note: `${fmtN(m / cpu)} per CPU-second; every id verified by hashing the record's fields; ${perRec(faults, m)}`,
    },
    {
      name: `in-memory ledger append ${fmtN(m)}, sealed records (as ingest hands them over)`,
      value: m / tSealed,
      unit: 'records/s',
      target: '≥ 5M records/s',
      note: `${fmtN(m / cpuSealed)} per CPU-second; ids hashed once before the clock, when the records were built; ${perRec(faultsSealed, m)}`,
    },
    bulkFigure,
  ] satisfies BenchFigure[];
}

/** The parts MOSAIC_BENCH_INGEST may name. */
const INGEST_PARTS = ['memory', 'memory-bulk', 'duckdb', 'postgres'];

export const ingestBench: BenchModule = {
  name: 'ingest',
  async run(ctx) {
    const cat = loadCatalogue(shipped('src', 'ledger', 'testdata', 'catalogue.yaml'));
    const n = Math.max(1000, Math.round(10_000_000 * ctx.scale));
    ctx.log(`generating ${fmtN(n)} records over ${fmtN(n / 10)} subjects (seeded)`);
    let records: CreditRecord[] = syntheticRecords(cat, {
      records: n,
      subjects: Math.max(100, Math.round(n / 10)),
      seed: 18,
    });
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-bench-ingest-'));
    try {
      // MOSAIC_BENCH_INGEST=memory,duckdb,postgres runs a subset while developing; memory-bulk is the in-memory bulk
      // figure alone (at 10M the record-object figures take minutes, it takes seconds after the generation).
      const parts = (process.env.MOSAIC_BENCH_INGEST ?? 'memory,duckdb,postgres').split(',');
      const unknown = parts.filter((p) => !INGEST_PARTS.includes(p));
      // A misspelt part would otherwise run nothing and print an empty section.
      if (unknown.length)
        throw new Error(
          `MOSAIC_BENCH_INGEST: unknown part ${unknown.join(', ')}; one of ${INGEST_PARTS.join(', ')}`,
        );
      const csv = join(dir, 'records.csv');
      // Only the database figures read the file.
      if (parts.includes('duckdb') || parts.includes('postgres')) {
        writeCsv(csv, records);
        ctx.log(`${(statSync(csv).size / 2 ** 20).toFixed(0)} MiB of CSV`);
      }
      const figs: BenchFigure[] = [];
      // Encoded for the PostgreSQL storage floor while the records are at hand, in ingest's batch size.
      const encoded = parts.includes('postgres') ? encodeRecords(cat, records, DEFAULT_BATCH) : undefined;
      if (parts.includes('memory') || parts.includes('memory-bulk'))
        figs.push(...(await memoryFigures(ctx, cat, records, dir, !parts.includes('memory'))));
      records = [];
      (globalThis as { gc?: () => void }).gc?.();
      if (parts.includes('duckdb')) figs.push(...(await duckdbFigures(ctx, cat, csv, n, dir)));
      if (parts.includes('postgres')) figs.push(...(await postgresFigures(ctx, cat, csv, n, encoded)));
      return figs;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
