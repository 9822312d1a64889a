// Nothing leaked: masked views mask identifiers in every field and show nothing derivable from them; reports are masked.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateResidentId, generateUscc } from '../core/identifiers-gen.js';
import { findIdentifiers } from '../core/mask.js';
import { Rng } from '../core/rng.js';
import { runCli, simRun } from './run-cli.testkit.js';

const work = mkdtempSync(join(tmpdir(), 'mosaic-privacy-'));
const rng = new Rng('privacy');
const alice = generateResidentId(rng, { addressCode: '371082', birthDate: '1986-02-03', sex: 'F' });
const bob = generateResidentId(rng, { addressCode: '371003', birthDate: '1971-11-30', sex: 'M' });
const firm = generateUscc(rng, { typePair: '91', divisionCode: '371082' });
afterEach(() => vi.restoreAllMocks());

/** Every file under `dir` except the copied plotting libraries, by relative path. */
function files(dir: string, pre = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) Object.assign(out, files(p, `${pre}${f}/`));
    else if (!f.endsWith('.js')) out[pre + f] = readFileSync(p, 'utf8');
  }
  return out;
}

describe('masked subject show', () => {
  it('masks identifiers typed into name, basis and agency, and prints no birth date', async () => {
    const data = join(work, 'data');
    const subjects = join(work, 'subjects.jsonl');
    writeFileSync(
      subjects,
      JSON.stringify({
        id: alice,
        type: 'natural',
        name: `王某 ${bob}`,
        jurisdiction: '371082',
        roles: [],
        birthDate: '1986-02-03',
        sex: 'F',
      }) + '\n',
    );
    const records = join(work, 'records.csv');
    writeFileSync(
      records,
      'subject,kind,occurredAt,reportedAt,agency,basis,amount,severity,level\n' +
        `${alice},court.enforcement_warning,2025-01-06,2025-01-07,court ${firm},(2025)鲁1082执1号 被执行人 ${bob},,,county\n`,
    );
    const ing = await runCli(
      '--ledger',
      'duckdb',
      '--data-dir',
      data,
      'ingest',
      records,
      '--subjects',
      subjects,
    );
    expect(ing.code, ing.stderr).toBe(0);
    for (const extra of [[], ['--json']]) {
      const r = await runCli(
        '--ledger',
        'duckdb',
        '--data-dir',
        data,
        'subject',
        'show',
        alice,
        '--mask',
        ...extra,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(findIdentifiers(r.stdout)).toEqual([]);
      for (const secret of [alice, bob, firm, '1986-02-03', '19860203'])
        expect(r.stdout).not.toContain(secret);
      expect(r.stdout).toContain('王某');
    }
    // The unmasked operator view still shows everything.
    const full = await runCli('--ledger', 'duckdb', '--data-dir', data, 'subject', 'show', alice);
    expect(full.stdout).toContain(bob);
    expect(full.stdout).toContain('born 1986-02-03');
  });
});

describe('audit report', () => {
  it('masks every identifier in every file by default (--unmasked is the operator view)', async () => {
    const run = join(work, 'run');
    await simRun(run, { population: 1500, years: 1, seed: 3 });
    const masked = await runCli('audit', run, '--draws', '20');
    expect(masked.code, masked.stderr).toBe(0);
    expect(findIdentifiers(masked.stdout)).toEqual([]);
    const report = files(join(run, 'audit'));
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['index.html', 'audit.json', 'csv/legality.csv']),
    );
    for (const [name, text] of Object.entries(report)) expect(findIdentifiers(text), name).toEqual([]);
    // Figures in words, and a header naming the run rather than a JSON object with an absolute path.
    expect(masked.stdout).toMatch(
      /^ {2}[\d,]+ records of kinds outside the national catalogue \(local kinds\)/m,
    );
    expect(report['index.html']).toContain('Source: run run (scenario meritown, seed 3)');
    expect(report['index.html']).not.toContain(work);
    expect(report['audit.json']).not.toContain(work);
    // The scan is not vacuous: the same report unmasked holds identifiers.
    await runCli('audit', run, '--draws', '20', '--unmasked', '--out', join(run, 'audit-operator'));
    const full = Object.values(files(join(run, 'audit-operator'))).flatMap((t) => findIdentifiers(t));
    expect(full.length).toBeGreaterThan(0);
  }, 180_000);
});
