// The money-and-platform commands through the real CLI on the shipped finance sample: credit report, scorecard
// fit/score/validate (on the demo data and on a Meritown run's loan book), platform score and rating, firm grades and
// inspections, the finance sample's determinism.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shipped } from '../core/paths.js';
import { syntheticLoans, withEmployerType } from '../schemes/scorecard/synthetic.js';
import { datasetCsv } from './commands/scorecard.js';
import { DEFAULT_PROCESSES } from '../sim/processes/process.js';
import { cliWith, simRun } from './run-cli.testkit.js';

const work = mkdtempSync(join(tmpdir(), 'issue-15-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const mosaic = cliWith('--data-dir', join(work, 'data'));

describe('finance CLI on the shipped sample', () => {
  it('scorecard fit --categorical groups categories by WoE; score reads the labels back', async () => {
    const csv = join(work, 'employer.csv');
    writeFileSync(csv, datasetCsv(withEmployerType(syntheticLoans(4000, 9))));
    const model = join(work, 'employer.json');
    const r = await mosaic(
      'scorecard',
      'fit',
      '--data',
      csv,
      '--categorical',
      'employer_type',
      '--out',
      model,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/employer_type {2}IV/);
    expect(r.stdout).toMatch(/\{[a-z-]+, [a-z-]+\} +WoE/);
    const s = await mosaic('scorecard', 'score', '--model', model, '--data', csv, '--row', '1');
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/employer_type +self-employed +\{[^}]*self-employed/);
    const nocat = await mosaic('scorecard', 'fit', '--data', csv, '--out', model);
    expect(nocat.code).toBe(2);
    expect(nocat.stderr).toContain('scorecard.not_a_number');
  });

  it('on a Meritown run with banks and platforms: finance from-run, report credit, platform score, firm grades', async () => {
    const run = join(work, 'run');
    await simRun(run, {
      population: 800,
      years: 0.5,
      seed: 4,
      workers: 0,
      set: { 'scenario.processes': [...DEFAULT_PROCESSES, 'banks', 'platforms', 'firmGrades'] },
    });
    const m = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8')) as {
      end: string;
      counts: Record<string, number>;
    };
    expect(m.counts['banks.applications']).toBeGreaterThan(0);
    expect(m.counts['platforms.scored']).toBeGreaterThan(0);
    const fr = await mosaic('finance', 'from-run', run);
    expect(fr.code, fr.stderr).toBe(0);
    const fin = join(run, 'finance');
    const first = JSON.parse(readFileSync(join(fin, 'credit.jsonl'), 'utf8').split('\n')[0]!) as {
      subject?: string;
    };
    const id = first.subject ?? '';
    expect(id).not.toBe('');
    const rep = await mosaic('report', 'credit', id, '--as-of', m.end, '--data', join(fin, 'credit.jsonl'));
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stdout).toContain('三、信贷交易信息明细');
    const ps = await mosaic(
      'platform',
      'score',
      '--as-of',
      m.end,
      '--users',
      join(fin, 'platform-users.jsonl'),
      '--feed',
      join(run, 'ledger.duckdb'),
      '--json',
    );
    expect(ps.code, ps.stderr).toBe(0);
    expect((JSON.parse(ps.stdout) as unknown[]).length).toBeGreaterThan(100);
    const tg = await mosaic(
      'firm',
      'tax-grade',
      '--as-of',
      m.end,
      '--data',
      join(fin, 'firms.jsonl'),
      '--json',
    );
    expect(tg.code, tg.stderr).toBe(0);
    const rc = await mosaic('firm', 'risk-class', '--as-of', m.end, '--data', join(fin, 'firms.jsonl'));
    expect(rc.code, rc.stderr).toBe(0);
  }, 180_000);

  it("on a Meritown run's loan book: finance from-run labels it, scorecard fit, score and validate run on it", async () => {
    // A lender that lends to every applicant for a test period (a through-the-door sample: cutoff 0), in a city
    // that falls behind more often and applies more often than Meritown's defaults, so a short run has the defaults
    // a fit needs; the labels still come from what the simulated borrowers did.
    const run = join(work, 'run-loans');
    await simRun(run, {
      population: 800,
      years: 0.5,
      seed: 4,
      workers: 0,
      set: {
        'scenario.processes': [...DEFAULT_PROCESSES, 'banks'],
        'finance.banks.scorecard.cutoff': 0,
        'finance.banks.missMonthly.value': 0.1,
        'finance.banks.applyMonthly.value': 0.05,
      },
    });
    const fr = await mosaic('finance', 'from-run', run);
    expect(fr.code, fr.stderr).toBe(0);
    const book = readFileSync(join(run, 'bank-loans.csv'), 'utf8').trim().split('\n');
    const lentRows = book.filter((l) => l.startsWith('lent,')).length;
    const m =
      /loan book: (\d+) loans lent; (\d+) labelled over 12 months \((\d+) defaults\) — (\d+) in loans\.csv, (\d+) in loans-later\.csv; (\d+) censored/.exec(
        fr.stdout,
      );
    expect(m, fr.stdout).not.toBeNull();
    const [lent, labelled, bads, train, later, censored] = m!.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    expect(lent).toBe(lentRows);
    expect(labelled + censored).toBe(lent);
    expect(train + later).toBe(labelled);
    expect(bads).toBeGreaterThan(0);
    expect(bads).toBeLessThan(labelled);
    // The features are the record's, never the truth: exactly the lender's columns, no propensity.
    const fin = join(run, 'finance');
    const rows = (f: string) => readFileSync(join(fin, f), 'utf8').trim().split('\n');
    expect(rows('loans.csv')[0]).toBe(
      'id,late_months_24m,enquiries_3m,default_5y,income_rel,default,hukou,sex,age_band',
    );
    expect(rows('loans.csv').length - 1).toBe(train);
    expect(rows('loans-open.csv').length - 1).toBe(censored);

    const model = join(work, 'run-model.json');
    const fit = await mosaic('scorecard', 'fit', '--data', join(fin, 'loans.csv'), '--out', model);
    expect(fit.code, fit.stderr).toBe(0);
    expect(fit.stdout).toContain(`trained on ${train} rows`);
    const saved = JSON.parse(readFileSync(model, 'utf8')) as {
      variables: { name: string; iv: number }[];
      rejected: { name: string; iv: number }[];
      training: { auc: number };
    };
    const iv = Object.fromEntries([...saved.variables, ...saved.rejected].map((v) => [v.name, v.iv]));
    // Late months on the report and income both carry information about the default the run produced.
    expect(iv['late_months_24m']).toBeGreaterThan(0.02);
    expect(iv['income_rel']).toBeGreaterThan(0.02);
    expect(saved.variables.length).toBeGreaterThan(0);
    expect(saved.training.auc).toBeGreaterThan(0.6);

    const scores = join(work, 'run-open-scores.csv');
    const sc = await mosaic(
      'scorecard',
      'score',
      '--model',
      model,
      '--data',
      join(fin, 'loans-open.csv'),
      '--out',
      scores,
    );
    expect(sc.code, sc.stderr).toBe(0);
    const scored = readFileSync(scores, 'utf8').trim().split('\n').slice(1);
    expect(scored.length).toBe(censored);
    for (const l of scored) {
      const [, score, pd] = l.split(',').map(Number);
      expect(Number.isFinite(score)).toBe(true);
      expect(pd).toBeGreaterThan(0);
      expect(pd).toBeLessThan(1);
    }
    const one = await mosaic(
      'scorecard',
      'score',
      '--model',
      model,
      '--data',
      join(fin, 'loans.csv'),
      '--row',
      '1',
    );
    expect(one.stdout).toMatch(/application 1: score -?\d+ \(PD 0\.\d+\)/);

    const v = await mosaic(
      'scorecard',
      'validate',
      '--model',
      model,
      '--data',
      join(fin, 'loans-later.csv'),
      '--baseline',
      join(fin, 'loans.csv'),
      '--json',
    );
    expect(v.code, v.stderr).toBe(0);
    const j = JSON.parse(v.stdout) as {
      rows: number;
      auc: number;
      ks: number;
      psi: { psi: number; status: string };
      byGroup: Record<string, unknown>;
    };
    expect(j.rows).toBe(later);
    expect(j.auc).toBeGreaterThanOrEqual(0);
    expect(j.auc).toBeLessThanOrEqual(1);
    expect(j.ks).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(j.psi.psi)).toBe(true);
    expect(Object.keys(j.byGroup).sort()).toEqual(['age_band', 'hukou', 'sex']);
  }, 180_000);

  it('report credit prints the second-generation layout and logs the read', async () => {
    const r = await mosaic('report', 'credit', '371082197305069211', '--as-of', '2026-11-15');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('三、信贷交易信息明细');
    expect(r.stdout).toContain('371082********9211');
    expect(readFileSync(join(work, 'data', 'credit-report-reads.jsonl'), 'utf8')).toContain(
      '"reason":"self"',
    );
    const bad = await mosaic('report', 'credit', '371082197305069211', '--as-of', '2026-13-01');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('cli.bad_date');
  });

  it('scorecard fit, score and validate', async () => {
    const model = join(work, 'model.json');
    const fit = await mosaic('scorecard', 'fit', '--out', model);
    expect(fit.code).toBe(0);
    expect(fit.stdout).toMatch(/AUC 0\.\d+/);
    const s = await mosaic('scorecard', 'score', '--model', model, '--row', '1');
    expect(s.stdout).toMatch(/application 1: score \d+/);
    const v = await mosaic('scorecard', 'validate', '--model', model, '--json');
    const j = JSON.parse(v.stdout) as {
      auc: number;
      psi: { status: string };
      byGroup: Record<string, unknown>;
    };
    expect(j.auc).toBeGreaterThan(0.6);
    expect(Object.keys(j.byGroup).sort()).toEqual(['age_band', 'hukou', 'sex']);
    expect(j.psi.status).toBe('stable');
  });

  it('platform score blocks the perks of the listed defaulter while listed', async () => {
    const r = await mosaic('platform', 'score', '--as-of', '2025-01-15', '--subject', '371003196105269470');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('listed as a defaulter');
    expect(r.stdout).not.toContain('GRANTED');
    const after = await mosaic('platform', 'score', '--as-of', '2026-10-31', '--json');
    const rows = JSON.parse(after.stdout) as { listed: boolean }[];
    expect(rows.some((x) => x.listed)).toBe(false);
    const rating = await mosaic(
      'platform',
      'rating',
      '--system',
      'ride_hailing_passenger',
      '--as-of',
      '2026-10-31',
    );
    expect(rating.stdout).toContain('网约车乘客评分');
  });

  it('firm tax-grade, risk-class and inspections', async () => {
    const t = await mosaic('firm', 'tax-grade', '--as-of', '2026-05-01', '--json');
    const grades = JSON.parse(t.stdout) as { evaluation?: { grade: string } }[];
    expect(grades.length).toBeGreaterThan(10);
    for (const g of grades) if (g.evaluation) expect(['A', 'B', 'M', 'C', 'D']).toContain(g.evaluation.grade);
    const rc = await mosaic('firm', 'risk-class', '--as-of', '2026-10-31');
    expect(rc.stdout).toMatch(/ [ABCD] {2}\(score/);
    const i1 = await mosaic('firm', 'inspections', '--as-of', '2026-10-31', '--round', 'R1', '--json');
    const i2 = await mosaic('firm', 'inspections', '--as-of', '2026-10-31', '--round', 'R1', '--json');
    expect(i1.stdout).toBe(i2.stdout);
  });

  it('finance sample regenerates the shipped files byte for byte', async () => {
    const dir = join(work, 'sample');
    const r = await mosaic('finance', 'sample', '--out', dir);
    expect(r.code).toBe(0);
    for (const f of [
      'credit.jsonl',
      'loans.csv',
      'loans-later.csv',
      'platform-users.jsonl',
      'ratings.jsonl',
      'firms.jsonl',
    ])
      expect(readFileSync(join(dir, f), 'utf8')).toBe(
        readFileSync(shipped('scenarios', 'sample', 'finance', f), 'utf8'),
      );
  });
});
