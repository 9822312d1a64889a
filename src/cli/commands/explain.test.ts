// `mosaic explain`: counterfactual plans propose only actions a person can choose, smallest first; `--all` adds the
// smaller plan that needs an honour or a donation, labelled.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateResidentId } from '../../core/identifiers-gen.js';
import { Rng } from '../../core/rng.js';
import { runCli } from '../run-cli.testkit.js';

const work = mkdtempSync(join(tmpdir(), 'mosaic-explain-'));
const person = generateResidentId(new Rng('explain-plans'), {
  addressCode: '371003',
  birthDate: '1980-04-04',
  sex: 'F',
});
afterEach(() => vi.restoreAllMocks());

describe('mosaic explain counterfactuals', () => {
  it('shows the smallest choosable plan, and the rest only with --all', async () => {
    const dir = mkdtempSync(join(work, 'data-'));
    const file = join(work, 'r.csv');
    writeFileSync(
      file,
      [
        'subject,kind,occurredAt,reportedAt,agency,basis',
        `${person},online.bad_information,2023-03-01,2023-03-02,cac,网信罚〔2023〕1号`,
        `${person},online.bad_information,2023-09-01,2023-09-02,cac,网信罚〔2023〕2号`,
      ].join('\n') + '\n',
    );
    const g = ['--ledger', 'duckdb', '--data-dir', dir];
    expect((await runCli(...g, 'ingest', file, '--report-date', '2025-01-01')).code).toBe(0);
    const plain = await runCli(...g, 'explain', person, '--as-of', '2024-06-30');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('Plan 1: reaches A (1000) on 2025-09-01; no action');
    expect(plain.stdout).toContain('Plan 2: reaches A (960) on 2024-06-30; 6 actions');
    expect(plain.stdout).toContain('--all shows it');
    expect(plain.stdout).not.toContain('not a plan a person can choose');
    const all = await runCli(...g, 'explain', person, '--as-of', '2024-06-30', '--all');
    expect(all.stdout).toContain('Plan 2: reaches A (960) on 2024-06-30; 1 action');
    expect(all.stdout).toMatch(/W1-60-01, \+60\) \[not a plan a person can choose: an honour others award\]/);
    expect(all.stdout).toContain('Plan 3: reaches A (960) on 2024-06-30; 6 actions');
  });
});
