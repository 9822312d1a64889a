// For any data and any sequence of requests: no released cell is below its threshold (true or noisy count), and no
// purpose's budget goes negative or is overspent in a period.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shipped } from '../core/paths.js';
import { ChannelEngine, type Row } from './engine.js';
import { cellOf, covers, loadChannelPolicy, type ChannelPolicy, type Granularity } from './policy.js';
import type { ChannelRequest } from './request.js';

const shippedRide = loadChannelPolicy(shipped('policies', 'coproduction', 'channels', 'ride-hailing.yaml'));
const AREAS = ['371002', '371003', '371082', '371083', '370202', '110101'];
const JURISDICTIONS = [
  ['000000', 'national'],
  ['370000', 'province'],
  ['371000', 'prefecture'],
  ['371082', 'county'],
  ['110000', 'province'],
] as const;

const rowArb = fc.record({
  passenger: fc.integer({ min: 0, max: 60 }).map((i) => `p${i}`),
  county: fc.constantFrom(...AREAS),
  unpaid_yuan: fc.integer({ min: 0, max: 5000 }),
});

const requestArb = fc.record({
  j: fc.constantFrom(...JURISDICTIONS),
  granularity: fc.constantFrom('county', 'prefecture', 'province', 'total', 'record'),
  fields: fc.subarray(['count', 'sum:unpaid_yuan'], { minLength: 1 }),
  month: fc.integer({ min: 1, max: 24 }),
  purpose: fc.constantFrom('urban_credit_monitoring', 'other'),
});

/** The shipped policy with the noise, threshold and budget drawn. */
const policyArb = fc
  .record({
    mechanism: fc.constantFrom('none', 'laplace', 'gaussian'),
    strength: fc.constantFrom(0.1, 0.5, 1, 2),
    minCell: fc.integer({ min: 1, max: 8 }),
    rho: fc.constantFrom(0.3, 1, 2.5),
    period: fc.constantFrom('month', 'year'),
  })
  .map(({ mechanism, strength, minCell, rho, period }): ChannelPolicy => {
    const c = shippedRide.channels[0]!;
    if (c.kind !== 'aggregate') throw new Error('shipped channel is an aggregate');
    const prov = { source: 'test', marker: 'U' as const };
    const noise =
      mechanism === 'none'
        ? { mechanism, ...prov }
        : mechanism === 'laplace'
          ? { mechanism, epsilon: strength, ...prov }
          : { mechanism, rho: strength, ...prov };
    return {
      ...shippedRide,
      budget: { period, purposes: [{ purpose: 'urban_credit_monitoring', rho, ...prov }] },
      channels: [{ ...c, min_rank: 'county', min_cell: minCell, noise: noise as typeof c.noise }],
    };
  });

describe('channel invariants', () => {
  it('never releases a cell below threshold and never overspends a budget', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.array(rowArb, { maxLength: 150 }),
        fc.array(requestArb, { minLength: 1, maxLength: 12 }),
        (policy, rows, requests) => {
          const e = new ChannelEngine(policy, new Map([['passenger_bad_debts', rows as Row[]]]), { seed: 3 });
          const channel = policy.channels[0]!;
          if (channel.kind !== 'aggregate') throw new Error('aggregate');
          const spent = new Map<string, number>();
          requests.forEach((q, i) => {
            const date = `${2024 + Math.floor((q.month - 1) / 12)}-${String(((q.month - 1) % 12) + 1).padStart(2, '0')}-15`;
            const req: ChannelRequest = {
              id: `q${i}`,
              date,
              requester: { body: `body ${i % 3}`, kind: 'credit_office', rank: q.j[1], jurisdiction: q.j[0] },
              channel: 'regional_bad_debts',
              legal_basis: 'ndrc-didi-2018',
              purpose: q.purpose,
              fields: q.fields,
              granularity: q.granularity as ChannelRequest['granularity'],
            };
            const d = e.handle(req);
            const period = e.budget.periodOf(date);
            const left = e.budget.remaining('passenger_bad_debts', q.purpose, period);
            expect(left).toBeGreaterThanOrEqual(0);
            const key = `${q.purpose}|${period}`;
            spent.set(key, (spent.get(key) ?? 0) + d.rho);
            expect(spent.get(key)!).toBeLessThanOrEqual(e.budget.allowance(q.purpose) + 1e-12);
            if (d.release?.kind !== 'aggregate') return;
            // True distinct subjects per cell, computed here independently: first in-jurisdiction row places a subject.
            const truth = new Map<string, Set<string>>();
            const placed = new Set<string>();
            for (const r of rows) {
              if (!covers(q.j[0], r.county) || placed.has(r.passenger)) continue;
              placed.add(r.passenger);
              const cell = cellOf(r.county, q.granularity as Granularity);
              if (!truth.has(cell)) truth.set(cell, new Set());
              truth.get(cell)!.add(r.passenger);
            }
            for (const c of d.release.cells) {
              expect(truth.get(c.cell)?.size ?? 0).toBeGreaterThanOrEqual(channel.min_cell);
              if (c.values.count !== undefined)
                expect(c.values.count).toBeGreaterThanOrEqual(channel.min_cell);
            }
            expect(d.release.cells.length + d.release.suppressed).toBe(truth.size);
          });
        },
      ),
      { numRuns: 150, seed: 17 },
    );
  });
});
