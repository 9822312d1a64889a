// Data quality, legality and scrutiny on a hand-made ledger: every figure below is worked out by hand.
import { describe, expect, it } from 'vitest';
import { makeRecord, type CreditRecord } from '../core/types.js';
import { columnsOf, smallCatalogue, smallPoints, smallPopulation, SMALL_LINES } from './fixtures.js';
import { checkLegality } from './legality.js';
import { bonusSpikes, heaping, suzhouKpi, timeliness } from './quality.js';
import {
  detectionByGroup,
  mirage,
  recordsPerPersonYear,
  reservedLines,
  type EventColumns,
} from './scrutiny.js';
import { disparity } from './stats.js';
import type { ListsView } from './views.js';

const rec = (
  subject: string,
  kind: string,
  occurredAt: string,
  reportedAt: string,
  agency: string,
  extra: Partial<CreditRecord> = {},
): CreditRecord => makeRecord({ subject, kind, occurredAt, reportedAt, agency, basis: 'doc', ...extra });

function ledger(): CreditRecord[] {
  const r9 = rec('u1', 'discipline.party', '2024-03-02', '2024-03-03', 'party');
  return [
    rec('u0', 'traffic.fine', '2024-01-31', '2024-02-29', 'police', { amount: 200 }), // lag 29, on time (leap Feb)
    rec('r4', 'traffic.fine', '2024-01-31', '2024-03-01', 'police', { amount: 200 }), // lag 30, late
    rec('r4', 'traffic.fine', '2024-05-10', '2024-05-10', 'police', { amount: 150 }), // lag 0
    rec('r1', 'rural.straw_burning', '2024-04-01', '2024-06-15', 'village'), // lag 75, late
    rec('r2', 'rural.straw_burning', '2024-04-01', '2024-04-02', 'village'), // lag 1
    rec('r2', 'honour.volunteer_hours', '2024-12-20', '2024-12-28', 'village', { amount: 20 }), // lag 8, no level
    rec('r3', 'honour.volunteer_hours', '2024-06-01', '2024-06-05', 'village', {
      amount: 10,
      level: 'county',
    }), // 4
    rec('u1', 'discipline.party', '2024-03-01', '2024-03-05', 'party', { severity: 'warning' }), // lag 4
    r9, // lag 1, no severity
    rec('u1', 'discipline.party', '2024-03-02', '2024-04-01', 'party', {
      status: 'withdrawal',
      supersedes: r9.id,
    }),
  ];
}

describe('timeliness (1-month entry rule)', () => {
  it('counts late entries overall, by agency and by kind', () => {
    const cat = smallCatalogue();
    const t = timeliness(columnsOf(ledger(), cat), cat);
    expect(t.overall).toEqual({
      key: 'all',
      n: 9,
      late: 2,
      onTimeShare: 7 / 9,
      medianLagDays: 4,
      p90LagDays: 30,
    });
    expect(t.byAgency.map((r) => [r.key, r.n, r.late])).toEqual([
      ['police', 3, 1],
      ['village', 4, 1],
      ['party', 2, 0],
    ]);
    expect(t.byKind.find((r) => r.key === 'rural.straw_burning')).toMatchObject({
      n: 2,
      late: 1,
      onTimeShare: 0.5,
    });
  });
});

describe('Suzhou-style KPI', () => {
  it('gives entry rate and completeness per agency with the 95 % pass mark', () => {
    const cat = smallCatalogue();
    const k = suzhouKpi(columnsOf(ledger(), cat), cat);
    const by = Object.fromEntries(k.rows.map((r) => [r.agency, r]));
    expect(by.party).toMatchObject({
      submitted: 2,
      valid: 1,
      entryRate: 0.5,
      complete: 1,
      completeness: 0.5,
    });
    expect(by.village).toMatchObject({
      submitted: 4,
      valid: 4,
      entryRate: 1,
      complete: 3,
      completeness: 0.75,
    });
    expect(by.police).toMatchObject({
      submitted: 3,
      valid: 3,
      complete: 3,
      entryRatePass: true,
      completenessPass: true,
    });
    expect(by.village!.completenessPass).toBe(false);
    expect(k.overall).toMatchObject({
      submitted: 9,
      valid: 8,
      entryRate: 8 / 9,
      complete: 7,
      entryRatePass: false,
    });
  });
});

describe('quota signals', () => {
  it('measures the bonus rate in the 30 days before 31 December against the rest', () => {
    const cat = smallCatalogue();
    const s = bonusSpikes(columnsOf(ledger(), cat), cat);
    expect(s.evaluationDates).toEqual(['2024-12-31']);
    // reported dates span 2024-02-29 .. 2024-12-28 (304 days); the window holds 2 .. 28 Dec (27 days)
    expect(s.overall).toMatchObject({ windowCount: 1, windowDays: 27, otherCount: 1, otherDays: 277 });
    expect(s.overall.ratio).toBeCloseTo(277 / 27, 12);
    expect(s.overall.z).toBeCloseTo((1 - 27 / 277) / Math.sqrt(27 / 277), 12);
    expect(s.overall.flag).toBe(false); // z ≈ 2.89 < 3
    const strict = bonusSpikes(columnsOf(ledger(), cat), cat, { minZ: 2 });
    expect(strict.overall.flag).toBe(true);
  });

  it('finds heaping on round numbers and on band thresholds', () => {
    const cat = smallCatalogue();
    const heaped = Array.from({ length: 30 }, (_, i) =>
      rec(`p${i}`, 'honour.volunteer_hours', '2024-01-01', '2024-01-02', 'v', {
        amount: i % 2 ? 10 : 20,
        level: 'county',
      }),
    );
    const spread = Array.from({ length: 40 }, (_, i) =>
      rec(`q${i}`, 'traffic.fine', '2024-01-01', '2024-01-02', 'p', { amount: 101 + i }),
    );
    const h = heaping(
      columnsOf([...heaped, ...spread], cat),
      cat,
      new Map([['honour.volunteer_hours', [10, 20, 50]]]),
    );
    const vol = h.find((r) => r.kind === 'honour.volunteer_hours')!;
    expect(vol).toMatchObject({
      n: 30,
      whipple: { 5: 500, 10: 1000 },
      onThreshold: 1,
      nearThreshold: 0,
      flag: true,
    });
    const fine = h.find((r) => r.kind === 'traffic.fine')!;
    // 101..140: multiples of 5: 105..140 → 8 of 40; of 10: 110..140 → 4 of 40; of 100: none ≥ 100 is a multiple
    expect(fine.whipple).toEqual({ 5: 100, 10: 100, 100: 0 });
    expect(fine.flag).toBe(false);
  });
});

describe('legality', () => {
  it('reports local kinds, records used after the 5-year cap, and unlisted or baseless measures', () => {
    const cat = smallCatalogue();
    const records = [
      ...ledger(),
      rec('r0', 'traffic.fine', '2018-06-01', '2018-06-10', 'police', { amount: 300 }),
    ];
    const cols = columnsOf(records, cat);
    const points = smallPoints();
    // r0's Beijing petition row is counted from the 2018 record; the audit date is 2024-01-01 (> 5 years).
    points.contrib.record[3] = records.length - 1;
    const lists: ListsView = {
      asOf: '2024-01-01',
      lists: [{ id: 'spc', en: 'defaulters', zh: '失信被执行人' }],
      entries: { length: 1, subject: Uint32Array.of(6), list: Uint16Array.of(0) },
      measures: [
        {
          id: 'no_flights',
          en: 'No flights',
          zh: '限制乘机',
          basis: 'Fa Shi [2015] No. 17',
          inCatalogue: true,
        },
        { id: 'no_wechat', en: 'No WeChat', zh: '限制微信', basis: '', inCatalogue: false },
      ],
      applied: {
        length: 3,
        subject: Uint32Array.of(6, 6, 7),
        measure: Uint16Array.of(0, 1, 1),
        list: Int32Array.of(0, 0, 0),
      },
      actions: [],
      denied: { length: 0, subject: new Uint32Array(0), action: new Uint16Array(0) },
    };
    const l = checkLegality(cols, cat, [points], lists, { subjectIds: smallPopulation().ids });
    expect(l.totals).toEqual({
      'legality.local_kind': 2,
      'legality.used_after_cap': 1,
      'legality.measure_not_in_catalogue': 2,
      'legality.measure_without_basis': 2,
    });
    expect(l.violations.find((v) => v.code === 'legality.used_after_cap')!.examples).toEqual([
      'r0 traffic.fine 2018-06-01',
    ]);
    expect(l.violations.find((v) => v.code === 'legality.measure_not_in_catalogue')!.examples).toEqual([
      'r1',
      'r2',
    ]);
  });
});

describe('scrutiny', () => {
  it('counts records per person per year by group, excluding withdrawn statements', () => {
    const cat = smallCatalogue();
    const pop = smallPopulation();
    const o = recordsPerPersonYear(columnsOf(ledger(), cat), cat, pop, '2024-01-01', '2024-12-31');
    const years = 366 / 365.25;
    // urban: u0 1, u1 1 (the withdrawn one left out) → 2 records / 5 people; rural: r1 1, r2 2, r3 1, r4 2 → 6 / 5
    const t = disparity(pop.attributes[0]!, o, { reference: { label: 'urban' } });
    expect(t.rows[0]!.rate).toBeCloseTo(2 / 5 / years, 12);
    expect(t.rows[1]!.rate).toBeCloseTo(6 / 5 / years, 12);
    expect(t.rows[1]!.ratio).toBeCloseTo(3, 12);
  });

  it('lists the rule lines reserved for a group', () => {
    expect(reservedLines(SMALL_LINES)).toEqual([
      { group: 'rural', lines: ['rural.straw'], share: 1 / 6, total: 6 },
    ]);
  });

  it('gives detection probability by group and the mirage by kind', () => {
    const pop = smallPopulation();
    const ev: EventColumns = {
      length: 6,
      subject: Int32Array.of(0, 0, 5, 5, 5, 6),
      kind: Uint16Array.of(0, 0, 1, 1, 1, 1),
      kinds: ['traffic', 'straw'],
      agency: Uint16Array.of(0, 0, 1, 1, 1, 1),
      agencies: ['police', 'village'],
      recorded: Uint8Array.of(1, 0, 1, 1, 1, 1),
      fabricated: Uint8Array.of(0, 0, 0, 0, 0, 1),
    };
    expect(detectionByGroup(ev, pop.attributes[0]!, 'urban')).toEqual([
      { group: 'urban', events: 2, recorded: 1, probability: 0.5, diff: 0, ratio: 1 },
      { group: 'rural', events: 3, recorded: 3, probability: 1, diff: 0.5, ratio: 2 },
    ]);
    expect(mirage(ev, 'kind')).toEqual([
      {
        key: 'straw',
        trueEvents: 3,
        recorded: 3,
        omitted: 0,
        fabricated: 1,
        coverage: 1,
        fabricatedShare: 0.25,
      },
      {
        key: 'traffic',
        trueEvents: 2,
        recorded: 1,
        omitted: 1,
        fabricated: 0,
        coverage: 0.5,
        fabricatedShare: 0,
      },
    ]);
  });
});
