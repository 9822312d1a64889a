// The real CLI in-process (main()) against a temporary DuckDB data dir: help, ingest, subject show, export, demo.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateResidentId, generateUscc } from '../core/identifiers-gen.js';
import { Rng } from '../core/rng.js';
import { sampleDir } from '../ingest/sample.js';
import { runCli, type CliRun } from './run-cli.testkit.js';

let dataDir: string;
const work = mkdtempSync(join(tmpdir(), 'mosaic-cli-'));

/** `mosaic ARGS` in this process with a private data dir (set per test). */
const mosaic = (...args: string[]): Promise<CliRun> =>
  runCli('--ledger', 'duckdb', '--data-dir', dataDir, ...args);

const rng = new Rng('cli-test');
const alice = generateResidentId(rng, { addressCode: '371082', birthDate: '1986-02-03', sex: 'F' });
const bob = generateResidentId(rng, { addressCode: '371003', birthDate: '1971-11-30', sex: 'M' });
const firm = generateUscc(rng, { typePair: '91', divisionCode: '371082' });

// Kinds from the shipped catalogue (policies/catalogue/30-lists.yaml), which this test reads as a user would.
const HEADER = 'subject,kind,occurredAt,reportedAt,agency,basis,amount,severity,level';
const GOOD = [
  `${alice},court.enforcement_warning,2025-01-06,2025-01-07,court,(2025)鲁1082执1号,,,county`,
  `${alice},court.defaulter_listed,2025-01-20,2025-01-24,court,(2025)鲁1082执1号,,e2,county`,
  `${alice},court.defaulter_deleted,2025-06-02,2025-06-05,court,(2025)鲁1082执1号,,performed,county`,
  `${firm},samr.abnormal_listed,2025-03-03,2025-03-04,samr,"荣市监异〔2025〕3号, 第1项",,annual_report_missing,county`,
  `${bob},court.enforcement_warning,2025-02-10,2025-02-11,court,(2025)鲁1003执9号,,,county`,
];

function write(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

beforeEach(() => {
  dataDir = mkdtempSync(join(work, 'data-'));
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('mosaic --help', () => {
  it('lists the commands, and every subcommand has its own help', async () => {
    const top = await mosaic('--help');
    expect(top.code).toBe(0);
    for (const c of ['ingest', 'subject', 'export', 'demo', 'sample']) expect(top.stdout).toContain(c);
    for (const c of [['ingest'], ['subject', 'show'], ['export'], ['demo'], ['sample', 'generate']]) {
      const r = await mosaic(...c, '--help');
      expect(r.code, c.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: mosaic /);
    }
    expect((await mosaic('subject', 'show', '--help')).stdout).toContain('--mask');
  });
});

describe('mosaic ingest', () => {
  it('stores a valid CSV once, prints counts, and `subject show` reads it back as of a date', async () => {
    const file = write('good.csv', [HEADER, ...GOOD].join('\n') + '\n');
    const first = await mosaic('ingest', file);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain('5 rows, 5 inserted, 0 duplicates, 0 rejected');
    const again = await mosaic('ingest', file, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 5, inserted: 0, duplicates: 5, rejected: 0 });

    const all = await mosaic('subject', 'show', alice);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(alice);
    expect(all.stdout).toContain('3 statements');
    expect(all.stdout).toContain('court.defaulter_deleted');
    const early = await mosaic('subject', 'show', alice, '--as-of', '2025-01-31', '--json');
    const parsed = JSON.parse(early.stdout) as { records: { kind: string }[]; asOf: string };
    expect(parsed.asOf).toBe('2025-01-31');
    expect(parsed.records.map((r) => r.kind)).toEqual([
      'court.enforcement_warning',
      'court.defaulter_listed',
    ]);
    const masked = await mosaic('subject', 'show', alice, '--mask');
    expect(masked.stdout).not.toContain(alice);
    expect(masked.stdout).toContain(alice.slice(0, 6) + '********' + alice.slice(-4));
  });

  it('stores nothing when a row is bad: file:line: code on stderr, exit code 2', async () => {
    const bad = [...GOOD];
    bad[1] = bad[1]!.replace('court.defaulter_listed', 'court.no_such_kind');
    bad[3] = bad[3]!.replace(firm, firm.slice(0, 17) + (firm[17] === 'A' ? 'B' : 'A'));
    const file = write('bad.csv', [HEADER, ...bad].join('\n'));
    const r = await mosaic('ingest', file);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(
      `${file}:3: record.unknown_kind: kind: record kind 'court.no_such_kind' is not in catalogue ${lines[0]!.split('catalogue ')[1]}`,
    );
    expect(lines[1]).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: uscc\\.check_char: `),
    );
    expect(r.stderr).toContain('nothing was stored');
    expect(r.stdout).toContain('5 rows, 0 inserted, 0 duplicates, 2 rejected');
    expect((await mosaic('subject', 'show', bob)).code).toBe(2); // subject.not_found: nothing stored
  });

  it('--skip-invalid stores the good rows and still exits 2', async () => {
    const file = write(
      'skip.csv',
      [HEADER, ...GOOD, `${bob},court.enforcement_warning,2025-02-30,2025-03-01,court,x,,,`].join('\n'),
    );
    const r = await mosaic('ingest', file, '--skip-invalid');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('6 rows, 5 inserted, 0 duplicates, 1 rejected');
    expect(r.stderr).toContain(`${file}:7: record.bad_date: occurredAt:`);
    expect((await mosaic('subject', 'show', bob)).code).toBe(0);
  });

  it('stores register entries given with --subjects, and refuses bad ones before reading records', async () => {
    const subjects = write(
      'subjects.jsonl',
      [
        {
          id: alice,
          type: 'natural',
          name: '赵某',
          jurisdiction: '371082',
          hukou: 'rural',
          roles: ['village_cadre'],
        },
        {
          id: firm,
          type: 'legal',
          name: '某某公司',
          jurisdiction: '371082',
          roles: [],
          legalRepresentative: alice,
        },
      ]
        .map((s) => JSON.stringify(s))
        .join('\n'),
    );
    const file = write('with-subjects.csv', [HEADER, ...GOOD].join('\n'));
    expect((await mosaic('ingest', file, '--subjects', subjects)).stdout).toContain('2 register entries');
    const shown = await mosaic('subject', 'show', firm);
    expect(shown.stdout).toContain('某某公司');
    expect(shown.stdout).toContain(`legal representative ${alice}`);

    const badSubjects = write(
      'bad-subjects.jsonl',
      JSON.stringify({ id: bob, type: 'legal', jurisdiction: '1', roles: [] }),
    );
    const r = await mosaic('ingest', file, '--subjects', badSubjects);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${badSubjects}:1: subject.invalid:`);
  });

  it('refuses unknown formats, bad headers and bad identifiers with codes', async () => {
    expect((await mosaic('ingest', write('x.txt', 'hello'))).stderr).toContain('ingest.unknown_format');
    const header = await mosaic('ingest', write('h.csv', 'who,kind\n'));
    expect(header.code).toBe(2);
    expect(header.stderr).toContain(':1: ingest.unknown_column:');
    expect((await mosaic('subject', 'show', '123')).stderr).toContain('uscc.length: ');
    expect((await mosaic('subject', 'show', alice, '--as-of', 'soon')).stderr).toContain('cli.bad_date');
  });

  it('shows a progress bar on request', async () => {
    const file = write('p.csv', [HEADER, ...GOOD].join('\n'));
    const r = await mosaic('ingest', file, '--progress');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/ingest \[.*\] 100%/);
  });
});

describe('mosaic export', () => {
  it('writes csv, jsonl and parquet with every record', async () => {
    await mosaic('ingest', write('e.csv', [HEADER, ...GOOD].join('\n')));
    const csv = join(work, 'out.csv');
    expect((await mosaic('export', '--out', csv)).stdout).toContain('exported 5 records');
    expect(readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(6);
    const jsonl = join(work, 'out.jsonl');
    await mosaic('export', '--format', 'jsonl', '--out', jsonl);
    const lines = readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { subject: string });
    expect(lines.filter((l) => l.subject === alice)).toHaveLength(3);
    const parquet = join(work, 'out.parquet');
    expect((await mosaic('export', '--format', 'parquet', '--out', parquet)).code).toBe(0);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const rows = await (
      await conn.run(`SELECT count(*)::INTEGER AS n FROM read_parquet('${parquet}')`)
    ).getRowObjects();
    expect(rows[0]!.n).toBe(5);
    conn.closeSync();
    expect((await mosaic('export', '--out', join(work, 'out.xlsx'))).stderr).toContain('cli.bad_format');
  });
});

describe('mosaic demo', () => {
  it('ingests the shipped sample once and prints subject summaries', async () => {
    const first = await mosaic('demo');
    expect(first.code).toBe(0);
    const records = readFileSync(join(sampleDir(), 'records.jsonl'), 'utf8').trim().split('\n').length;
    const subjects = readFileSync(join(sampleDir(), 'subjects.jsonl'), 'utf8').trim().split('\n');
    expect(first.stdout).toContain(`${records} records, ${records} new, 0 already stored`);
    for (const s of subjects) expect(first.stdout).toContain((JSON.parse(s) as { id: string }).id);
    expect(first.stdout).toContain('village_cadre');
    const second = await mosaic('demo');
    expect(second.stdout).toContain(`${records} records, 0 new, ${records} already stored`);
    expect(second.stdout).toContain(`The ledger now holds ${records} records`);
    expect(existsSync(join(dataDir))).toBe(true);
  });

  it('`sample generate` is deterministic', async () => {
    const a = join(work, 'sample-a');
    const b = join(work, 'sample-b');
    expect((await mosaic('sample', 'generate', '--out', a)).code).toBe(0);
    await mosaic('sample', 'generate', '--out', b);
    for (const f of ['subjects.jsonl', 'records.jsonl'])
      expect(readFileSync(join(a, f), 'utf8')).toBe(readFileSync(join(b, f), 'utf8'));
    const other = join(work, 'sample-c');
    await mosaic('sample', 'generate', '--out', other, '--seed', 'another');
    expect(readFileSync(join(other, 'records.jsonl'), 'utf8')).not.toBe(
      readFileSync(join(a, 'records.jsonl'), 'utf8'),
    );
  });
});
