// Kill test: a child process appends batches and acknowledges each; we SIGKILL it at seeded random points, reopen,
// and require every acknowledged batch present, no batch partial and nothing duplicated (DuckDB and PostgreSQL).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../core/catalogue.js';
import { projectRoot } from '../core/paths.js';
import { Rng } from '../core/rng.js';
import { TEST_CATALOGUE } from './ledger.contract.js';
import { DEFAULT_PG_URL } from './open.js';
import { idOut, parseRecordId } from './record-id.js';
import { syntheticRecords } from './synthetic.js';

const BATCHES = 24;
const BATCH_SIZE = 250;
const SEED = 20_240_601;
const KILLS = 3;
const here = dirname(fileURLToPath(import.meta.url));
const work = join(projectRoot(), 'tmp', `mosaic-durability-${process.pid}`);
const srcOut = join(work, 'src');

/**
 * The child is plain Node, which cannot run TypeScript: compile just the modules it needs (src/core, src/ledger)
 * with the TypeScript compiler into a scratch directory inside the project, so it resolves node_modules and the
 * package's "type": "module". No dependence on a prior `npm run build`.
 */
function compileForChild(): void {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  const src = join(projectRoot(), 'src');
  for (const file of [...walk(join(src, 'core')), ...walk(join(src, 'ledger'))]) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.endsWith('.contract.ts')) continue;
    const out = join(srcOut, relative(src, file)).replace(/\.ts$/, '.js');
    const js = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, js);
  }
}

const catalogue = loadCatalogue(TEST_CATALOGUE);
/** Each batch's ids as "hi:lo" keys: the parent regenerates exactly what the child appends. */
const batchIds: string[][] = (() => {
  const recs = syntheticRecords(catalogue, { records: BATCHES * BATCH_SIZE, subjects: 500, seed: SEED });
  return Array.from({ length: BATCHES }, (_, b) =>
    recs.slice(b * BATCH_SIZE, (b + 1) * BATCH_SIZE).map((r) => {
      parseRecordId(r.id);
      return `${idOut.hi}:${idOut.lo}`;
    }),
  );
})();

interface Round {
  acked: number[];
  signal: NodeJS.Signals | null;
  done: boolean;
}

/** Run the child; unless `toEnd`, SIGKILL it after `newAcks` acknowledgements beyond `pastMax` plus `lag` ms. */
function runChild(
  adapter: string,
  target: string,
  kill: { pastMax: number; newAcks: number; lag: number } | undefined,
): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(here, 'testdata', 'ingest-child.mjs'),
        srcOut,
        adapter,
        target,
        TEST_CATALOGUE,
        String(SEED),
        String(BATCHES),
        String(BATCH_SIZE),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acked: number[] = [];
    let done = false;
    let fresh = 0;
    let killing = false;
    let stderr = '';
    let buf = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'DONE') done = true;
        const m = /^ACK (\d+)$/.exec(line);
        if (!m) continue;
        const b = Number(m[1]);
        acked.push(b);
        if (kill && b > kill.pastMax && ++fresh >= kill.newAcks && !killing) {
          killing = true;
          setTimeout(() => child.kill('SIGKILL'), kill.lag);
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === null && code !== 0) reject(new Error(`child exited ${code}: ${stderr}`));
      else resolve({ acked, signal, done });
    });
  });
}

/** Check the invariants against the ids actually stored; returns which batches are present. */
function checkStored(stored: string[], acked: Set<number>): number[] {
  const set = new Set(stored);
  expect(set.size, 'no duplicated record').toBe(stored.length);
  const present: number[] = [];
  let expected = 0;
  batchIds.forEach((ids, b) => {
    const n = ids.filter((k) => set.has(k)).length;
    expect([0, ids.length], `batch ${b} is all or nothing (found ${n})`).toContain(n);
    if (n) {
      present.push(b);
      expected += n;
    }
    if (acked.has(b)) expect(n, `acknowledged batch ${b} present`).toBe(ids.length);
  });
  expect(stored.length, 'nothing but the batches').toBe(expected);
  return present;
}

async function killTest(
  adapter: string,
  target: string,
  storedIds: () => Promise<string[]>,
  rng: Rng,
): Promise<void> {
  const acked = new Set<number>();
  let kills = 0;
  for (let round = 0; round < KILLS; round++) {
    const pastMax = acked.size ? Math.max(...acked) : -1;
    if (pastMax >= BATCHES - 1) break;
    const r = await runChild(adapter, target, { pastMax, newAcks: rng.range(1, 4), lag: rng.int(25) });
    r.acked.forEach((b) => acked.add(b));
    if (r.signal === 'SIGKILL') kills++;
    checkStored(await storedIds(), acked);
  }
  // The process was really killed (not just run to the end) several times.
  expect(kills).toBeGreaterThanOrEqual(KILLS - 1);
  const last = await runChild(adapter, target, undefined);
  expect(last.done).toBe(true);
  last.acked.forEach((b) => acked.add(b));
  expect(checkStored(await storedIds(), acked)).toHaveLength(BATCHES);
}

// The two adapters' tests mostly wait on their children, so they run side by side.
describe.concurrent('durability under SIGKILL', () => {
  beforeAll(() => {
    rmSync(work, { recursive: true, force: true });
    compileForChild();
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('DuckDB: acknowledged batches survive, none is partial, none duplicated', async () => {
    const file = join(work, 'kill.duckdb');
    const stored = async () => {
      const db = await DuckDBInstance.create(file);
      const con = await db.connect();
      try {
        const res = await con.runAndReadAll('SELECT id_hi, id_lo FROM ledger_records');
        return res.getRowsJS().map(([hi, lo]) => `${hi}:${lo}`);
      } finally {
        con.closeSync();
        db.closeSync();
      }
    };
    await killTest('duckdb', file, stored, new Rng(SEED));
  });

  it('PostgreSQL: the same, with the transaction aborted by the dropped connection', async (ctx) => {
    const url = process.env.MOSAIC_PG_URL ?? process.env.DATABASE_URL ?? DEFAULT_PG_URL;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
    } catch (err) {
      if (process.env.MOSAIC_REQUIRE_PG === '1') throw err;
      console.warn(
        `PostgreSQL kill test SKIPPED: cannot reach ${url} (set MOSAIC_REQUIRE_PG=1 to make this fail)`,
      );
      return ctx.skip();
    }
    const schema = `mosaic_kill_${process.pid}_${Date.now().toString(36)}`;
    try {
      const stored = async () =>
        (await client.query(`SELECT id_hi, id_lo FROM "${schema}".ledger_records`)).rows.map(
          (r: { id_hi: number; id_lo: number }) => `${r.id_hi >>> 0}:${r.id_lo >>> 0}`,
        );
      await killTest('postgres', schema, stored, new Rng(SEED + 1));
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });
});
