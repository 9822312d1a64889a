// `mosaic objection …` and `mosaic repair …` in-process against a temporary DuckDB data dir, as a script would use them.
/* eslint-disable @typescript-eslint/no-explicit-any -- CLI output is JSON read loosely by the assertions */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fictionalPerson, penalty } from '../../dueprocess/fixtures.js';
import { openLedger } from '../../ledger/open.js';
import { jsonOf, runCli, type CliRun } from '../run-cli.testkit.js';

const dataDir = mkdtempSync(join(tmpdir(), 'issue-13-cli-'));
const subject = fictionalPerson(31);
const rec = penalty(subject, { occurredAt: '2026-02-02', reportedAt: '2026-02-03' });

/** `mosaic ARGS` against the test's data dir, with its stdout read as JSON when it is JSON. */
async function mosaic(...args: string[]): Promise<CliRun & { json: any }> {
  const r = await runCli('--ledger', 'duckdb', '--data-dir', dataDir, ...args);
  return { ...r, json: jsonOf(r) };
}

beforeAll(async () => {
  const ledger = await openLedger({ adapter: 'duckdb', dataDir, threads: 1 });
  await ledger.append([rec]);
  await ledger.putSubjects([{ id: subject, type: 'natural', jurisdiction: '371081', roles: [] }]);
  await ledger.close();
}, 60_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('mosaic objection / repair', () => {
  it('lists every deadline rule with its source marker', async () => {
    const r = await mosaic('objection', 'rules');
    expect(r.code).toBe(0);
    for (const c of [
      'financial_credit_reporting',
      'shandong_public_credit',
      'enterprise_publicity',
      'spc_defaulter_correction',
      'credit_china',
    ])
      expect(r.stdout).toContain(c);
    expect(r.stdout).toMatch(/3 working days; 7 working days when other units must help verify \[V\]/);
  });

  it('files, flags, decides and shows a subject’s report as of before and after', async () => {
    const note = join(dataDir, 'note.txt');
    writeFileSync(note, '医院证明：当日住院');
    const f = await mosaic(
      'objection',
      'file',
      '--subject',
      subject,
      '--target',
      `record:${rec.id}`,
      '--reasons',
      'wrong person',
      '--evidence',
      note,
      '--day',
      '2026-02-12',
    );
    expect(f.code, f.stderr).toBe(0);
    expect(f.json).toMatchObject({
      channel: 'shandong_public_credit',
      status: 'open',
      evidence: [expect.objectContaining({ type: 'text/plain' })],
    });
    const id = f.json.id;
    const during = await mosaic('objection', 'show', subject, '--as-of', '2026-02-13');
    expect(during.json.records[0].flags).toHaveLength(1);
    const d = await mosaic(
      'objection',
      'decide',
      id,
      '--outcome',
      'upheld',
      '--reasons',
      'confirmed',
      '--withdraw',
      rec.id,
      '--day',
      '2026-02-24',
    );
    expect(d.code, d.stderr).toBe(0);
    expect(d.json.objection.status).toBe('upheld');
    const after = await mosaic('objection', 'show', subject, '--as-of', '2026-02-24');
    expect(after.json.records[0]).toMatchObject({ inForce: false });
    expect((await mosaic('objection', 'show', subject, '--as-of', '2026-02-13')).json).toEqual(during.json);
    const again = await mosaic('objection', 'withdraw', id, '--day', '2026-02-25');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('objection.closed');
  });

  it('publishes, refuses an early repair with each unmet condition, and counts down', async () => {
    const p = await mosaic(
      'repair',
      'publish',
      '--subject',
      subject,
      '--record',
      rec.id,
      '--family',
      'ndrc_penalty',
      '--class',
      'general',
      '--day',
      '2026-04-10',
    );
    expect(p.code, p.stderr).toBe(0);
    const c = await mosaic('repair', 'check', p.json.id, '--fact', 'corrected', '--day', '2026-05-04');
    expect(c.json).toMatchObject({ regime: 'ndrc-2026', eligible: false });
    expect(c.json.checks.filter((x: any) => !x.ok).map((x: any) => x.code)).toEqual([
      'period_reached',
      'commitment',
      'other_legal',
    ]);
    const a = await mosaic(
      'repair',
      'apply',
      p.json.id,
      '--fact',
      'corrected',
      '--fact',
      'credit_commitment',
      '--fact',
      'other_legal_conditions',
      '--day',
      '2026-07-10',
    );
    expect(a.json.status).toBe('applied');
    const cd = await mosaic('repair', 'countdown', subject, '--as-of', '2026-07-10');
    expect(cd.json[0]).toMatchObject({ shown: true, repairableFrom: '2026-07-10', regime: 'ndrc-2026' });
  });
});
