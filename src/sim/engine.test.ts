// A small Meritown run end to end: invariants of the recorded statements against the true events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toEpochDay } from '../core/dates.js';
import { parseResidentId, validateResidentId } from '../core/identifiers.js';
import { shipped } from '../core/paths.js';
import type { CreditRecord } from '../core/types.js';
import type { Ledger } from '../ledger/ledger.js';
import { runSimulation, type SimResult } from './engine.js';

const SCENARIO = shipped('scenarios', 'meritown');
const SMALL = { scenarioDir: SCENARIO, population: 3000, years: 1, seed: 11, workers: 0 } as const;

async function allRecords(ledger: Ledger): Promise<CreditRecord[]> {
  const out: CreditRecord[] = [];
  for (const s of await ledger.subjects()) out.push(...(await ledger.readSubject(s.id)));
  return out;
}

describe('a small Meritown run', () => {
  let run: SimResult;
  let records: CreditRecord[];
  beforeAll(async () => {
    run = await runSimulation({ ...SMALL, keepLedger: true });
    records = await allRecords(run.ledger!);
  });
  afterAll(async () => run.ledger?.close());

  it('produces events, records, listings and scores', () => {
    const c = run.manifest.counts;
    expect(c.events).toBeGreaterThan(1000);
    expect(c.records).toBeGreaterThan(500);
    expect(c.records).toBe(records.length);
    expect(records.some((r) => r.kind === 'court.defaulter_listed')).toBe(true);
    const scored = run.timeseries.find((r) => r[1] === 'scored_share' && r[2] === 'all')!;
    expect(scored[3]).toBeGreaterThan(0.3);
    expect(run.timeseries.some((r) => r[1] === 'list_size' && r[3] > 0)).toBe(true);
  });

  it('never records an event before its subject was born (or founded)', () => {
    let checked = 0;
    for (const r of records) {
      if (!validateResidentId(r.subject).ok) continue;
      expect(r.occurredAt >= parseResidentId(r.subject).birthDate).toBe(true);
      expect(r.reportedAt >= r.occurredAt).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('never lists a minor', () => {
    const listings = records.filter(
      (r) => r.kind === 'court.defaulter_listed' && validateResidentId(r.subject).ok,
    );
    expect(listings.length).toBeGreaterThan(0);
    for (const r of listings) {
      const birth = toEpochDay(parseResidentId(r.subject).birthDate);
      expect((toEpochDay(r.occurredAt) - birth) / 365.25).toBeGreaterThanOrEqual(18);
    }
    // and the lists engine holds no entry for anyone under 18 on the day of listing
    for (const r of listings)
      for (const e of run.lists.ix.entriesOf(r.subject))
        expect(e.listedOn - toEpochDay(parseResidentId(r.subject).birthDate)).toBeGreaterThanOrEqual(
          18 * 365,
        );
  });

  it('fabricates records only through agencies with fabrication switched on', () => {
    expect(run.manifest.counts.fabricated).toBeGreaterThan(0);
  });
});

describe('process modules', () => {
  it('run only as the scenario names them: without collectors nothing is fabricated, without petitioning no petitions', async () => {
    const petitions = (r: SimResult) =>
      r.timeseries.filter(([, c, g, v]) => c === 'true_events' && g.startsWith('family=petition') && v > 0)
        .length;
    const all = await runSimulation({ ...SMALL, years: 0.5 });
    expect(all.manifest.counts.fabricated).toBeGreaterThan(0);
    expect(petitions(all)).toBeGreaterThan(0);
    const some = await runSimulation({
      ...SMALL,
      years: 0.5,
      overrides: {
        'scenario.processes': ['consumption', 'credit', 'annualReports', 'appraisal', 'vital', 'conduct'],
      },
    });
    expect(some.manifest.counts.fabricated).toBe(0);
    expect(some.manifest.counts.events).toBeGreaterThan(500);
    expect(petitions(some)).toBe(0);
  }, 120_000);
});

describe('listing decisions', () => {
  it("are the lists engine's: with minors in debt, the engine refuses them and no minor is ever listed", async () => {
    // Loans from age 10 put minors into the court's listing requests; the simulation has no filter of its own.
    const r = await runSimulation({
      ...SMALL,
      years: 1.5,
      seed: 7,
      keepLedger: true,
      overrides: { 'behaviour.processes.credit.loanAges.value': [10, 65] },
    });
    try {
      expect(r.manifest.counts['listingsRefused.list.refused.minor']).toBeGreaterThan(0);
      const records = await allRecords(r.ledger!);
      const listings = records.filter(
        (x) => x.kind === 'court.defaulter_listed' && validateResidentId(x.subject).ok,
      );
      expect(listings.length).toBeGreaterThan(0);
      for (const x of listings) {
        const birth = toEpochDay(parseResidentId(x.subject).birthDate);
        expect((toEpochDay(x.occurredAt) - birth) / 365.25).toBeGreaterThanOrEqual(18);
      }
    } finally {
      await r.ledger?.close();
    }
  }, 120_000);
});

describe('recorded versus true events', () => {
  it('recorded never exceed true events, per family and group, when fabrication is off', async () => {
    const r = await runSimulation({
      ...SMALL,
      overrides: { 'agencies.list.village_collector.quota.fabricationPerYear': 0 },
    });
    expect(r.manifest.counts.fabricated).toBe(0);
    const sum = (collector: string) => {
      const m = new Map<string, number>();
      for (const [, c, g, v] of r.timeseries) if (c === collector) m.set(g, (m.get(g) ?? 0) + v);
      return m;
    };
    const truth = sum('true_events');
    const rec = sum('recorded_events');
    expect(truth.size).toBeGreaterThan(10);
    for (const [g, v] of rec) expect(v).toBeLessThanOrEqual(truth.get(g) ?? 0);
    for (const [, c, , v] of r.timeseries) if (c === 'fabricated_records') expect(v).toBe(0);
    // the mobilising (positive-kind) records are a part of each group's records, and some group has some
    const all = sum('records_per_person');
    const positive = sum('positive_records_per_person');
    for (const [g, v] of positive) expect(v).toBeLessThanOrEqual(all.get(g)! + 1e-9);
    expect([...positive.values()].some((v) => v > 0)).toBe(true);
    expect([...positive.values()].reduce((a, b) => a + b, 0)).toBeLessThan(
      [...all.values()].reduce((a, b) => a + b, 0),
    );
  });
});
