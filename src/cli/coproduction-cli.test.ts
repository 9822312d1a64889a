// `mosaic coproduction kpi|perks` on a small Meritown run: agencies' KPI scores beside their true coverage (an
// agency inventing records is not marked down for it), and perks taken up by group with their cost.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipped } from '../core/paths.js';
import { runCli } from './run-cli.testkit.js';

const work = mkdtempSync(join(tmpdir(), 'issue-17-cli-'));
const run = join(work, 'run');
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('mosaic coproduction', () => {
  beforeAll(async () => {
    const r = await runCli(
      'sim',
      'run',
      shipped('scenarios', 'meritown'),
      '--population',
      '300',
      '--years',
      '0.5',
      '--seed',
      '1',
      '--out',
      run,
      '--no-progress',
    );
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('scores every reporting agency on the KPI form beside what it truly covered', async () => {
    const r = await runCli('coproduction', 'kpi', '--run', run, '--json');
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as {
      agency: string;
      kpi: number;
      of: number;
      lines: { item: string; earned: number | null }[];
      truth: { coverage: number; fabricated: number } | null;
    }[];
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      expect(row.kpi).toBeLessThanOrEqual(row.of);
      expect(row.lines.find((l) => l.item === 'publicity')!.earned).toBeNull();
    }
    // The mirage: an agency that invents records still earns the valid-entry points, since the form cannot see it.
    const inventor = rows.find((x) => (x.truth?.fabricated ?? 0) > 0)!;
    expect(inventor).toBeDefined();
    expect(inventor.lines.find((l) => l.item === 'valid_entry_rate')!.earned).toBe(6);
    const table = await runCli('coproduction', 'kpi', '--run', run);
    expect(table.stdout).toContain('true coverage');
  });

  it("runs the data channel over the run's true arrears: small districts suppressed, the prefecture total released", async () => {
    const ask = (granularity: string) => {
      const f = join(work, `req-${granularity}.yaml`);
      writeFileSync(
        f,
        [
          `id: meritown-${granularity}`,
          'date: 2024-06-01',
          "requester: { body: Meritown credit office, kind: credit_office, rank: prefecture, jurisdiction: '379900' }",
          'channel: regional_bad_debts',
          'legal_basis: ndrc-didi-2018',
          'purpose: urban_credit_monitoring',
          'fields: [count, sum:unpaid_yuan]',
          `granularity: ${granularity}`,
        ].join('\n'),
      );
      return f;
    };
    const county = await runCli('channel', 'request', ask('county'), '--run', run, '--json');
    expect(county.code, county.stderr).toBe(0);
    const c = JSON.parse(county.stdout) as { release: { cells: unknown[]; suppressed: number } };
    expect(c.release.cells).toEqual([]);
    expect(c.release.suppressed).toBeGreaterThan(1);
    const total = await runCli('channel', 'request', ask('total'), '--run', run, '--json');
    const t = JSON.parse(total.stdout) as {
      release: { cells: { cell: string; values: { count: number } }[] };
    };
    expect(t.release.cells.map((x) => x.cell)).toEqual(['total']);
    expect(t.release.cells[0]!.values.count).toBeGreaterThanOrEqual(10);
  });

  it('shows perks taken up by group and what they cost each payer', async () => {
    const r = await runCli('coproduction', 'perks', '--run', run, '--json');
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as {
      groups: { group: string; people: number; eligible: number; aware: number; users: number }[];
      costByPayer: Record<string, number>;
    };
    expect(res.groups.map((g) => g.group)).toEqual(['rural', 'urban']);
    for (const g of res.groups) {
      expect(g.users).toBeLessThanOrEqual(g.aware);
      expect(g.aware).toBeLessThanOrEqual(g.eligible);
      expect(g.eligible).toBeLessThanOrEqual(g.people);
    }
    expect(res.costByPayer.city).toBeGreaterThan(0);
  });
});
