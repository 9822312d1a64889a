// `mosaic ingest` warns (and still stores) at file:line when a record lacks the severity or level its rule lines
// need, and `mosaic explain` then names the missing field rather than blaming the source.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateResidentId } from '../../core/identifiers-gen.js';
import { Rng } from '../../core/rng.js';
import { runCli } from '../run-cli.testkit.js';

const work = mkdtempSync(join(tmpdir(), 'mosaic-ingest-lint-'));
const person = generateResidentId(new Rng('ingest-lint'), {
  addressCode: '371003',
  birthDate: '1980-04-04',
  sex: 'M',
});
const HEADER = 'subject,kind,occurredAt,reportedAt,agency,basis,amount,severity,level';
afterEach(() => vi.restoreAllMocks());

describe('ingest lint: a record lacking the field its rule line needs', () => {
  it('is stored with a coded warning at its line, and explain names the missing field', async () => {
    const dir = mkdtempSync(join(work, 'data-'));
    const file = join(work, 'r.csv');
    writeFileSync(
      file,
      [
        HEADER,
        `${person},admin.penalty,2024-03-01,2024-03-02,police,公罚决字〔2024〕1号,,warning,county`,
        `${person},admin.penalty,2024-04-01,2024-04-02,police,公罚决字〔2024〕2号,,,county`,
        `${person},commerce.contract_nonperformance,2024-04-03,2024-04-04,court,(2024)鲁1081民初1号,,,county`,
      ].join('\n') + '\n',
    );
    const r = await runCli(
      '--ledger',
      'duckdb',
      '--data-dir',
      dir,
      'ingest',
      file,
      '--report-date',
      '2025-01-01',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 rows, 3 inserted, 0 duplicates, 0 rejected, 1 warnings');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(
      lines[0]!.startsWith(`${file}:3: ingest.missing_severity: warning (stored): admin.penalty: `),
    ).toBe(true);
    expect(lines[0]).toContain(
      'the record has no `severity`; rule line W1-17-01 (wendeng-points@2020) needs severity warning',
    );

    const ex = await runCli(
      '--ledger',
      'duckdb',
      '--data-dir',
      dir,
      'explain',
      person,
      '--as-of',
      '2024-06-01',
    );
    expect(ex.code).toBe(0);
    expect(ex.stdout).toContain('Not counted:');
    expect(ex.stdout).toContain(
      '[admin.penalty 2024-04-01, police] the record has no `severity`; rule line W1-17-01',
    );
    const json = await runCli(
      ...['--ledger', 'duckdb', '--data-dir', dir, 'explain', person, '--as-of', '2024-06-01', '--json'],
    );
    const view = JSON.parse(json.stdout).schemes[0];
    expect(view.lines.filter((l: { needs?: unknown }) => l.needs)).toEqual([
      expect.objectContaining({
        kind: 'admin.penalty',
        needs: expect.objectContaining({ field: 'severity' }),
      }),
    ]);
  });

  it('keeps at most 100 warnings and counts the rest', async () => {
    const dir = mkdtempSync(join(work, 'data-'));
    const file = join(work, 'many.csv');
    const rows = Array.from(
      { length: 130 },
      (_, i) => `${person},finance.loan_overdue,2024-01-01,2024-01-02,bank,loan-${i},,,county`,
    );
    writeFileSync(file, [HEADER, ...rows].join('\n') + '\n');
    const r = await runCli(
      '--ledger',
      'duckdb',
      '--data-dir',
      dir,
      'ingest',
      file,
      '--json',
      '--report-date',
      '2025-01-01',
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ inserted: 130, warnings: 130 });
    expect(r.stderr.match(/ingest\.missing_severity/g)).toHaveLength(100);
    expect(r.stderr).toContain('… and 30 more warnings');
  });
});
