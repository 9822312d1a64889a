// Banks, platforms and firms' grades as Meritown actors: the lender scores from the record (the CRC grid), not the
// truth; firms are graded from what the tax authority recorded; the modules draw from their own streams (switching
// them on changes no record or event), are deterministic, and their parameters are checked when the scenario loads.
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { runSimulation } from '../engine.js';
import { loadScenario } from '../scenario.js';
import { toEpochDay } from '../../core/dates.js';
import { LOAN_DEFAULTED, LOAN_LENT, LOAN_ROW, bankScore, popcount24 } from './banks.js';
import { BANK_FEATURES } from './finance-schema.js';
import { DEFAULT_PROCESSES } from './process.js';

const MERITOWN = shipped('scenarios', 'meritown');
// Meritown's own list plus the three: the society modules (on by default where a scenario lists nothing) stay off.
const LISTED = loadScenario(MERITOWN).scenario.processes ?? DEFAULT_PROCESSES;
const ON = { 'scenario.processes': [...LISTED, 'banks', 'platforms', 'firmGrades'] };
const RUN = { scenarioDir: MERITOWN, workers: 0, population: 1500, years: 1, seed: 11 } as const;
const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

const codes = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    if (e instanceof MosaicError) return e.issues.map((i) => i.code);
    throw e;
  }
  return [];
};

describe('the bank scorecard reads the report', () => {
  const sc = loadScenario(MERITOWN).finance!.banks.scorecard;
  const x = (late: number, enq: number, def: number, inc: number) => {
    const v = new Float64Array(BANK_FEATURES.length);
    v.set([late, enq, def, inc]);
    return v;
  };
  it('counts months on the 24-month grid only', () => {
    expect(popcount24(0)).toBe(0);
    expect(popcount24(0b1011)).toBe(3);
    expect(popcount24(0xffffff)).toBe(24);
    expect(popcount24(0x1000000)).toBe(0);
  });
  it('adds the points of each feature’s bin; late months and a write-off lower the score below the cutoff', () => {
    const clean = bankScore(sc, x(0, 1, 0, 1));
    expect(clean).toBe(sc.startPoints + 40 + 10 + 20 + 10);
    expect(clean).toBeGreaterThanOrEqual(sc.cutoff);
    expect(bankScore(sc, x(3, 1, 0, 1))).toBeLessThan(sc.cutoff);
    expect(bankScore(sc, x(0, 1, 1, 1))).toBeLessThan(sc.cutoff);
    expect(bankScore(sc, x(0, 1, 0, 0.3))).toBeLessThan(clean);
  });
});

describe('banks and platforms in a Meritown run', () => {
  it('act (applications, reports, scores, perks), deterministically, without moving any other draw', async () => {
    const off = await runSimulation(RUN);
    const on = await runSimulation({ ...RUN, overrides: ON });
    const again = await runSimulation({ ...RUN, overrides: ON });
    const k = on.manifest.counts;
    // Own streams: the municipal records and events are those of the run without the modules.
    expect(on.manifest.digests).toEqual(off.manifest.digests);
    expect(Object.keys(off.manifest.counts).some((x) => x.startsWith('banks.'))).toBe(false);
    expect(again.manifest.counts).toEqual(k);
    expect(k['banks.applications']).toBeGreaterThan(0);
    expect(k['banks.approved']! + (k['banks.refusedScore'] ?? 0) + (k['banks.refusedListed'] ?? 0)).toBe(
      k['banks.applications'],
    );
    // The record is the truth thinned by the lenders' reporting coverage, never more.
    expect(k['banks.lateMonthsReported']).toBeLessThanOrEqual(k['banks.monthsPastDueTrue']!);
    expect(k['banks.lateMonthsReported']).toBeGreaterThan(0.9 * k['banks.monthsPastDueTrue']!);
    expect(k['platforms.scored']).toBeGreaterThan(0);
    const mean = k['platforms.scoreSum']! / k['platforms.scored']!;
    expect(mean).toBeGreaterThanOrEqual(350);
    expect(mean).toBeLessThanOrEqual(950);
    expect(k['platforms.perk.bike_deposit_free.granted']).toBeGreaterThan(0);
    // The loan book: only when the module runs, the same on a rerun, and its rows from the start on are the
    // counts' loans and defaults (the warm-up's rows come before the start).
    expect(off.loans.length).toBe(0);
    expect(again.loans).toEqual(on.loans);
    expect(on.loans.length % LOAN_ROW).toBe(0);
    const start = toEpochDay(on.manifest.start);
    const rows = (kind: number, since = -Infinity) => {
      const out: number[] = [];
      for (let o = 0; o < on.loans.length; o += LOAN_ROW)
        if (on.loans[o] === kind && on.loans[o + 3]! >= since) out.push(o);
      return out;
    };
    expect(rows(LOAN_LENT, start).length).toBe(k['banks.approved']);
    expect(rows(LOAN_DEFAULTED, start).length).toBe(k['banks.defaults'] ?? 0);
    expect(rows(LOAN_LENT).length).toBeGreaterThan(rows(LOAN_LENT, start).length);
    // A lent row carries the features and the score the lender computed from them (at or above its cutoff).
    const sc = loadScenario(MERITOWN).finance!.banks.scorecard;
    for (const o of rows(LOAN_LENT)) {
      const x = on.loans.slice(o + 4, o + 4 + BANK_FEATURES.length);
      expect(on.loans[o + 4 + BANK_FEATURES.length]).toBe(bankScore(sc, x));
      expect(bankScore(sc, x)).toBeGreaterThanOrEqual(sc.cutoff);
    }
  }, 120_000);

  it('firms are graded each April and drawn for inspection by class; more late filing, worse grades', async () => {
    const grades = (k: Record<string, number>) =>
      Object.fromEntries(['A', 'B', 'M', 'C', 'D'].map((g) => [g, k[`firms.taxGrade.${g}`] ?? 0]));
    const base = { ...RUN, population: 3000, years: 1.5 };
    const k = (await runSimulation({ ...base, overrides: ON })).manifest.counts;
    const g = grades(k);
    expect(g.A + g.B + g.M + g.C + g.D).toBeGreaterThan(0);
    const classed = ['A', 'B', 'C', 'D'].reduce((a, c) => a + (k[`firms.riskClass.${c}`] ?? 0), 0);
    const inspected = ['A', 'B', 'C', 'D'].reduce((a, c) => a + (k[`firms.inspected.${c}`] ?? 0), 0);
    expect(inspected).toBeGreaterThan(0);
    expect(inspected).toBeLessThan(classed);
    expect(k['firms.late_filing.recorded']).toBeLessThanOrEqual(k['firms.late_filing.true']!);
    const sloppy = (
      await runSimulation({
        ...base,
        overrides: { ...ON, 'finance.firms.lateFilingMonthly.value': 0.5 },
      })
    ).manifest.counts;
    const s = grades(sloppy);
    expect(s.A).toBeLessThan(g.A);
    expect(s.C + s.D).toBeGreaterThan(g.C + g.D);
  }, 180_000);

  it('a scorecard cutoff above every score refuses every applicant the list has not already refused', async () => {
    const r = await runSimulation({
      ...RUN,
      overrides: { ...ON, 'finance.banks.scorecard.cutoff': 10_000 },
    });
    const k = r.manifest.counts;
    expect(k['banks.approved'] ?? 0).toBe(0);
    expect(k['banks.refusedScore']).toBe(k['banks.applications']! - (k['banks.refusedListed'] ?? 0));
  }, 120_000);
});

describe('the court list reaches lenders and platforms', () => {
  it('listed applicants are refused (a parameter), listed users lose perks, and the record selects on the truth', async () => {
    const busy = {
      ...RUN,
      population: 3000,
      years: 2,
      overrides: { ...ON, 'finance.banks.applyMonthly.value': 1 },
    };
    const strict = (await runSimulation(busy)).manifest.counts;
    expect(strict['banks.refusedListed']).toBeGreaterThan(0);
    expect(strict['platforms.scoredListed']).toBeGreaterThan(0);
    expect(strict['platforms.perk.bike_deposit_free.blockedByList']).toBeGreaterThan(0);
    // Scoring from the report alone, the lender's approved borrowers have a lower true finance propensity on
    // average than its applicants.
    const meanApproved = strict['banks.approvedFinancePropensityMilli']! / strict['banks.approved']!;
    const meanApplied = strict['banks.applicantsFinancePropensityMilli']! / strict['banks.applications']!;
    expect(meanApproved).toBeLessThan(meanApplied);
    const lax = (
      await runSimulation({
        ...busy,
        overrides: { ...busy.overrides, 'finance.banks.refuseListed.value': false },
      })
    ).manifest.counts;
    expect(lax['banks.refusedListed']).toBeUndefined();
    expect(lax['platforms.scoredListed']).toBe(strict['platforms.scoredListed']);
  }, 180_000);
});

describe('finance.yaml is checked when the scenario loads', () => {
  it('the modules need the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-fin-'));
    tmp.push(dir);
    cpSync(MERITOWN, dir, { recursive: true });
    unlinkSync(join(dir, 'finance.yaml'));
    expect(codes(() => loadScenario(dir))).toEqual([]);
    expect(codes(() => loadScenario(dir, { overrides: ON }))).toContain('scenario.missing_finance');
  });
  it('a points table must have one more point than edges', () => {
    expect(
      codes(() =>
        loadScenario(MERITOWN, { overrides: { 'finance.banks.scorecard.variables.0.points': [1, 2] } }),
      ),
    ).toContain('scenario.bad_scorecard');
  });
  it('every number has provenance', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-fin-'));
    tmp.push(dir);
    cpSync(MERITOWN, dir, { recursive: true });
    const f = join(dir, 'finance.yaml');
    const text = readFileSync(f, 'utf8');
    const cut = text.replace('    assumption: most arrears are caught up within a few months\n', '');
    expect(cut).not.toBe(text);
    writeFileSync(f, cut);
    expect(codes(() => loadScenario(dir))).toContain('scenario.unsourced');
  });
});
