// Nothing lost: output paths never destroy what a command did not write, and each failure mode gets a coded error.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateResidentId } from '../core/identifiers-gen.js';
import { Rng } from '../core/rng.js';
import { shipped } from '../core/paths.js';
import { runCli, simRun, simRunArgs } from './run-cli.testkit.js';

const work = mkdtempSync(join(tmpdir(), 'mosaic-safety-'));
const WENDENG = shipped('policies', 'wendeng-points', '2020');
const MERITOWN = shipped('scenarios', 'meritown');
const stranger = generateResidentId(new Rng('safety'), {
  addressCode: '371082',
  birthDate: '1990-03-07',
  sex: 'M',
});

/** A data dir holding the shipped sample, built once. */
let data: string;
beforeAll(async () => {
  data = join(work, 'data');
  const r = await runCli('--ledger', 'duckdb', '--data-dir', data, 'demo');
  expect(r.code).toBe(0);
}, 120_000);
afterEach(() => vi.restoreAllMocks());

const inData = (...args: string[]) => runCli('--ledger', 'duckdb', '--data-dir', data, ...args);
const ledgerBytes = () => readFileSync(join(data, 'mosaic.duckdb'));

describe('outputs never overwrite the ledger or foreign files', () => {
  it('export --out onto the ledger file is refused (even with --force), and the ledger is unchanged', async () => {
    const before = ledgerBytes();
    for (const extra of [[], ['--force']]) {
      const r = await inData('export', '--format', 'csv', '--out', join(data, 'mosaic.duckdb'), ...extra);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('output.is_ledger');
    }
    expect(ledgerBytes().equals(before)).toBe(true);
  });

  it('export refuses an existing file without --force, and a file of another kind even with it', async () => {
    const file = join(work, 'records.jsonl');
    expect((await inData('export', '--out', file)).code).toBe(0);
    const again = await inData('export', '--out', file);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('output.exists');
    expect((await inData('export', '--out', file, '--force')).code).toBe(0);
    const parquetLooking = join(work, 'notes.parquet');
    writeFileSync(parquetLooking, 'my notes, not a parquet file\n');
    const other = await inData('export', '--out', parquetLooking, '--force');
    expect(other.stderr).toContain('output.other_kind');
    expect(readFileSync(parquetLooking, 'utf8')).toBe('my notes, not a parquet file\n');
  });

  it('score --parquet or --duckdb aimed at the ledger is refused before anything is written', async () => {
    const before = ledgerBytes();
    const common = ['score', '--policy', WENDENG, '--as-of', '2025-06-30'];
    const p = await inData(...common, '--parquet', join(data, 'mosaic.duckdb'));
    expect(p.stderr).toContain('output.is_ledger');
    const d = await inData(...common, '--duckdb', join(data, 'mosaic.duckdb'));
    expect(d.stderr).toContain('output.is_ledger');
    expect(ledgerBytes().equals(before)).toBe(true);
    // The default outputs are this command's own: running it twice replaces them.
    expect((await inData(...common)).code).toBe(0);
    expect((await inData(...common)).code).toBe(0);
  }, 60_000);

  it('sim run --out refuses a directory holding other files, and --force replaces only a previous run and what derives from it', async () => {
    const dir = join(work, 'mine');
    mkdirSync(dir);
    writeFileSync(join(dir, 'thesis.tex'), 'years of work');
    const small = { population: 200, years: 0.05 };
    for (const extra of [[], ['--force']]) {
      const r = await runCli(...simRunArgs(dir, small), ...extra);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('output.not_empty');
    }
    expect(readFileSync(join(dir, 'thesis.tex'), 'utf8')).toBe('years of work');

    const run = join(work, 'run');
    await simRun(run, small);
    const second = await runCli(...simRunArgs(run, small));
    expect(second.stderr).toContain('output.exists');
    writeFileSync(join(run, 'my-notes.txt'), 'keep me');
    // Data derived from the run (finance from-run) goes with it: it would be stale beside the new run.
    expect((await runCli('finance', 'from-run', run)).code).toBe(0);
    expect(existsSync(join(run, 'finance', 'credit.jsonl'))).toBe(true);
    expect((await runCli(...simRunArgs(run, small), '--force')).code).toBe(0);
    expect(readFileSync(join(run, 'my-notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(run, 'finance'))).toBe(false);
    expect(existsSync(join(run, 'manifest.json'))).toBe(true);
  }, 120_000);
});

describe('failure modes are coded errors with a location', () => {
  it('--data-dir under /proc fails at once instead of spinning', async () => {
    const t = performance.now();
    const r = await runCli('--data-dir', '/proc/nope', 'ingest', join(work, 'x.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^\/proc\/nope: output\.cannot_create: /m);
    const show = await runCli('--data-dir', '/proc/nope', 'subject', 'show', stranger);
    expect(show.stderr).toContain('ledger.not_found');
    expect(performance.now() - t).toBeLessThan(10_000);
  });

  it('--data-dir naming a file is a coded error, not EEXIST', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const r = await runCli('--data-dir', file, 'subject', 'show', stranger);
    expect(r.stderr).toMatch(new RegExp(`^${file}: ledger\\.data_dir_not_directory: `, 'm'));
    const nested = await runCli('--data-dir', join(file, 'sub'), 'ingest', join(work, 'x.csv'));
    expect(nested.stderr).toContain('output.not_a_directory');
    expect(nested.stderr).not.toContain('EEXIST');
  });

  it('a malformed manifest.json is audit.bad_manifest at its line and column', async () => {
    const run = join(work, 'bad-run');
    mkdirSync(run);
    writeFileSync(join(run, 'manifest.json'), '{\n  "seed": 1,\n  "population": ,\n}\n');
    const r = await runCli('audit', run);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/manifest\.json:3:\d+: audit\.bad_manifest: /);
    const e = await runCli('--data-dir', data, 'explain', stranger, '--as-of', '2025-01-01', '--run', run);
    expect(e.stderr).toContain('audit.bad_manifest');
    writeFileSync(join(run, 'manifest.json'), '{"policies": {"municipal": "not-a-list"}}');
    expect((await runCli('audit', run)).stderr).toContain('(policies.municipal): audit.bad_manifest');
  });

  it('--years 1e9 is refused before anything is allocated', async () => {
    const r = await runCli('sim', 'run', MERITOWN, '--years', '1e9', '--out', join(work, 'never'));
    expect(r.stderr).toContain('cli.years_out_of_range');
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('a line longer than the limit is ingest.line_too_long at its line, not "Invalid string length"', async () => {
    const file = join(work, 'long.jsonl');
    // Two short lines, then 3 MB without a newline (the limit is 1 Mi characters; nothing of this size is kept).
    writeFileSync(file, '{}\n{}\n' + 'x'.repeat(3 << 20));
    const r = await inData('ingest', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${file}:3: ingest\\.line_too_long: `, 'm'));
    const csv = join(work, 'long.csv');
    writeFileSync(csv, 'subject,kind,occurredAt,reportedAt,agency,basis\n' + 'y'.repeat(2 << 20) + '\n');
    expect((await inData('ingest', csv)).stderr).toMatch(/long\.csv:2: ingest\.line_too_long/);
  });

  it('read-only commands refuse a data dir without a ledger and create nothing', async () => {
    const missing = join(work, 'no-such-dir');
    const cmds = [
      ['explain', stranger, '--as-of', '2025-01-01'],
      ['policy', 'explain', WENDENG, '--subject', stranger, '--as-of', '2025-01-01'],
      ['subject', 'show', stranger],
      ['export', '--out', join(work, 'never.csv')],
    ];
    for (const c of cmds) {
      const r = await runCli('--ledger', 'duckdb', '--data-dir', missing, ...c);
      expect(r.code, c.join(' ')).toBe(2);
      expect(r.stderr, c.join(' ')).toContain('ledger.not_found');
    }
    expect(existsSync(missing)).toBe(false);
  });

  it('explain and policy explain report an unknown subject as subject.not_found, not 1000/A', async () => {
    const e = await inData('explain', stranger, '--as-of', '2025-01-01');
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('subject.not_found');
    expect(e.stdout).not.toContain('1000');
    const p = await inData('policy', 'explain', WENDENG, '--subject', stranger, '--as-of', '2025-01-01');
    expect(p.stderr).toContain('subject.not_found');
    expect(statSync(join(data, 'mosaic.duckdb')).isFile()).toBe(true);
  });
});
