// The commands people expect: catalogue, score with --top/--subject and the table's whereabouts, suggestions.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { shipped } from '../core/paths.js';
import { runCli } from './run-cli.testkit.js';

const work = mkdtempSync(join(tmpdir(), 'mosaic-expected-'));
const data = join(work, 'data');
afterEach(() => vi.restoreAllMocks());

describe('mosaic catalogue', () => {
  it('lists kinds with severities and units, the issuer levels and the roles', async () => {
    const r = await runCli('catalogue');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/court\.defaulter_listed .*\n.*severity: e1 \| e2/);
    expect(r.stdout).toContain('amount in yuan');
    expect(r.stdout).toContain('Issuer levels');
    expect(r.stdout).toContain('party_member');
    const j = JSON.parse((await runCli('catalogue', 'court.', '--json')).stdout);
    expect(j.kinds.every((k: { code: string }) => k.code.startsWith('court.'))).toBe(true);
  });
});

describe('unknown values', () => {
  it('list the allowed ones and suggest the nearest', async () => {
    const f = join(work, 'typos.csv');
    writeFileSync(
      f,
      'subject,kind,occurredAt,reportedAt,agency,basis,level\n' +
        '371082198207079437,court.enforcement_warnin,2025-01-06,2025-01-07,court,doc,county\n' +
        '371082198207079437,court.enforcement_warning,2025-01-06,2025-01-07,court,doc,countyy\n',
    );
    const r = await runCli('--data-dir', data, 'ingest', f);
    expect(r.stderr).toContain("did you mean 'court.enforcement_warning'?");
    expect(r.stderr).toContain(
      "allowed: county, prefecture_dept, prefecture, province_dept, province, national); did you mean 'county'?",
    );
  });
});

describe('mosaic score', () => {
  it('says where the per-subject table went and shows rows with --top and --subject', async () => {
    expect((await runCli('--data-dir', data, 'demo')).code).toBe(0);
    const args = ['--data-dir', data, 'score', '--policy', shipped('policies', 'wendeng-points', '2020')];
    const r = await runCli(...args, '--as-of', '2025-06-30', '--top', '2', '--subject', '371082198207079437');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/per-subject table \(\d+ rows/);
    expect(r.stdout).toContain(`DuckDB  ${join(data, 'scores.duckdb')}, table scores`);
    const rows = r.stdout
      .split(/subject +status +score +grade\n/)[1]!
      .trim()
      .split('\n');
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatch(/^371082198207079437 /);
    const unknown = await runCli(...args, '--as-of', '2025-06-30', '--subject', '110105194912310029');
    expect(unknown.stderr).toContain('subject.not_found');
  }, 60_000);
});
