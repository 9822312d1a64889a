// The channel engine decides with reasons, refuses with the rule that refused, charges and logs, and replays its log.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shipped } from '../core/paths.js';
import { ChannelEngine } from './engine.js';
import { FileChannelLog } from './log.js';
import { loadChannelPolicy } from './policy.js';
import type { ChannelRequest } from './request.js';
import { syntheticChannelData } from './synthetic.js';

const ride = loadChannelPolicy(shipped('policies', 'coproduction', 'channels', 'ride-hailing.yaml'));
const food = loadChannelPolicy(shipped('policies', 'coproduction', 'channels', 'food-delivery.yaml'));
const data = syntheticChannelData(1);

const ask = (over: Partial<ChannelRequest> = {}): ChannelRequest => ({
  id: 'r1',
  date: '2025-06-01',
  requester: {
    body: 'Weihai credit office',
    kind: 'credit_office',
    rank: 'prefecture',
    jurisdiction: '371000',
  },
  channel: 'regional_bad_debts',
  legal_basis: 'ndrc-didi-2018',
  purpose: 'urban_credit_monitoring',
  fields: ['count', 'sum:unpaid_yuan'],
  granularity: 'county',
  ...over,
});

describe('the channel engine', () => {
  it('refuses a county body with the rule that refused it, and logs the refusal', () => {
    const e = new ChannelEngine(ride, data, { seed: 1 });
    const d = e.handle(
      ask({
        requester: {
          body: 'Rongcheng office',
          kind: 'credit_office',
          rank: 'county',
          jurisdiction: '371082',
        },
      }),
    );
    expect(d.outcome).toBe('refused');
    expect(d.refusedBy).toBe('authority.min_rank');
    expect(d.reasons.at(-1)).toMatchObject({ rule: 'authority.min_rank', ok: false });
    expect(d.release).toBeUndefined();
    expect(e.log.entries()).toHaveLength(1);
  });

  it('refuses a body claiming a rank its jurisdiction does not have', () => {
    const e = new ChannelEngine(ride, data, { seed: 1 });
    const d = e.handle(
      ask({
        requester: {
          body: 'Rongcheng office',
          kind: 'credit_office',
          rank: 'province',
          jurisdiction: '371082',
        },
      }),
    );
    expect(d.refusedBy).toBe('authority.rank_matches_jurisdiction');
  });

  it.each([
    [{ legal_basis: 'pipl-2021' }, 'basis.accepted'],
    [{ purpose: 'marketing' }, 'purpose.accepted'],
    [{ fields: ['sum:trip_routes'] }, 'fields.never_share'],
    [{ fields: ['sum:passenger'] }, 'fields.channel'],
    [{ granularity: 'record' as const }, 'granularity.allowed'],
    [{ channel: 'raw_trips' }, 'channel.exists'],
  ])('refuses %j by %s', (over, rule) => {
    const d = new ChannelEngine(ride, data, { seed: 1 }).handle(ask(over));
    expect(d.outcome).toBe('refused');
    expect(d.refusedBy).toBe(rule);
  });

  it('grants a prefecture office noised county aggregates, suppressing the small county', () => {
    const e = new ChannelEngine(ride, data, { seed: 1 });
    const d = e.handle(ask());
    expect(d.outcome).toBe('granted');
    expect(d.reasons.every((r) => r.ok)).toBe(true);
    const rel = d.release!;
    if (rel.kind !== 'aggregate') throw new Error('expected an aggregate');
    expect(rel.cells.map((c) => c.cell)).toEqual(['371002', '371003', '371082']);
    expect(rel.suppressed).toBe(1); // Rushan (371083) has fewer than 10 passengers with debts
    expect(rel.measures[1]).toMatchObject({ measure: 'sum:unpaid_yuan', sensitivity: 2000, epsilon: 1 });
    // Two measures at ε = 1: ρ = 2 · 1²/2 = 1 of the year's 2.
    expect(d.rho).toBe(1);
    expect(d.budgetLeft).toBe(1);
    expect(e.budget.remaining('passenger_bad_debts', 'urban_credit_monitoring', '2025')).toBe(1);
  });

  it('answers the same question again at no cost, so repeats cannot average the noise away', () => {
    const e = new ChannelEngine(ride, data, { seed: 1 });
    const first = e.handle(ask());
    const again = e.handle(ask({ id: 'r2', requester: { ...ask().requester, body: 'another office' } }));
    expect(again.outcome).toBe('repeat');
    expect(again.rho).toBe(0);
    expect(again.release).toEqual(first.release);
  });

  it('refuses once the purpose budget for the period is spent, and budgets renew next period', () => {
    const e = new ChannelEngine(ride, data, { seed: 1 });
    expect(e.handle(ask({ id: 'a' })).outcome).toBe('granted');
    expect(e.handle(ask({ id: 'b', granularity: 'prefecture' })).outcome).toBe('granted');
    const c = e.handle(ask({ id: 'c', granularity: 'total' }));
    expect(c.refusedBy).toBe('budget.available');
    expect(e.budget.remaining('passenger_bad_debts', 'urban_credit_monitoring', '2025')).toBe(0);
    expect(e.handle(ask({ id: 'd', granularity: 'total', date: '2026-01-05' })).outcome).toBe('granted');
  });

  it('gives the same request id the logged decision back without charging twice', () => {
    const e = new ChannelEngine(ride, data, { seed: 1 });
    const a = e.handle(ask());
    const b = e.handle(ask({ granularity: 'total' }));
    expect(b).toBe(a);
    expect(e.log.entries()).toHaveLength(1);
  });

  it('draws noise from the seed and the request id only', () => {
    const a = new ChannelEngine(ride, data, { seed: 7 }).handle(ask());
    const b = new ChannelEngine(ride, data, { seed: 7 }).handle(ask());
    const c = new ChannelEngine(ride, data, { seed: 8 }).handle(ask());
    expect(b.release).toEqual(a.release);
    expect(c.release).not.toEqual(a.release);
  });

  it('replays a log file: budget and repeats survive a restart; an edited log is refused', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'channels-')), 'log.jsonl');
    const e1 = new ChannelEngine(ride, data, { seed: 1, log: new FileChannelLog(file) });
    e1.handle(ask({ id: 'a' }));
    const e2 = new ChannelEngine(ride, data, { seed: 1, log: new FileChannelLog(file) });
    expect(e2.budget.remaining('passenger_bad_debts', 'urban_credit_monitoring', '2025')).toBe(1);
    expect(e2.handle(ask({ id: 'z' })).outcome).toBe('repeat');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"granted"', '"refused"'));
    expect(() => new FileChannelLog(file)).toThrow(/broken_chain/);
  });

  it('an incident channel gives the incident, never the customer, and only to the market regulator', () => {
    const e = new ChannelEngine(food, data, { seed: 1 });
    const base: ChannelRequest = {
      id: 'f1',
      date: '2025-06-01',
      requester: {
        body: 'Rongcheng market regulator',
        kind: 'market_regulator',
        rank: 'county',
        jurisdiction: '371082',
      },
      channel: 'food_safety_incidents',
      legal_basis: 'food-safety-law',
      purpose: 'food_safety_supervision',
      fields: ['merchant_uscc', 'date', 'category', 'county'],
      granularity: 'record',
    };
    const d = e.handle(base);
    expect(d.outcome).toBe('granted');
    const rel = d.release!;
    if (rel.kind !== 'incident') throw new Error('expected incidents');
    expect(rel.rows.length).toBeGreaterThan(0);
    for (const r of rel.rows) {
      expect(Object.keys(r).sort()).toEqual(['category', 'county', 'date', 'merchant_uscc']);
      expect(r.county).toBe('371082');
    }
    expect(e.handle({ ...base, id: 'f2', fields: ['customer_phone'] }).refusedBy).toBe('fields.never_share');
    expect(e.handle({ ...base, id: 'f3', requester: { ...base.requester, kind: 'police' } }).refusedBy).toBe(
      'authority.body_kind',
    );
  });
});
