// The feed journal: each (list, record) once, sequence numbers contiguous, a retried batch adding nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRecord, type CreditRecord } from '../core/types.js';
import type { Ledger } from '../ledger/ledger.js';
import { openLedger } from '../ledger/open.js';
import { shippedListPolicy } from '../schemes/lists/policy.js';
import { Feed } from './feed.js';
import { openState } from './state/open-state.js';
import type { StateDb } from './state/state-db.js';

const listing = (n: number): CreditRecord =>
  makeRecord({
    subject: '371003197006309398',
    kind: 'court.defaulter_listed',
    occurredAt: '2025-02-01',
    reportedAt: '2025-02-03',
    agency: 'court',
    basis: `(2025)鲁1003执${n}号; Fa Shi [2017] No. 7 Art. 1`,
    severity: 'e2',
    level: 'national',
  });
const mediation = makeRecord({
  subject: '371003197006309398',
  kind: 'community.dispute_mediation',
  occurredAt: '2024-04-01',
  reportedAt: '2024-04-03',
  agency: 'community',
  basis: 'community-2024-1001',
  amount: 1,
  level: 'county',
});

describe('Feed.record', () => {
  let ledger: Ledger;
  let state: StateDb;
  let feed: Feed;
  beforeAll(async () => {
    ledger = await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 });
    state = await openState(ledger);
    feed = new Feed(state, shippedListPolicy());
  });
  afterAll(async () => {
    await state.close();
    await ledger.close();
  });

  it('journals list changes once each, in contiguous sequence, and nothing for a retried batch', async () => {
    const batch = [
      listing(1),
      mediation,
      listing(2),
      listing(1),
      ...Array.from({ length: 1200 }, (_, i) => listing(10 + i)),
    ];
    const added = await state.tx((q) => feed.record(q, batch, '371003', '2025-02-03T00:00:00Z'));
    expect(added).toBe(1202); // the repeated listing once; the mediation is on no list
    expect(await state.tx((q) => feed.record(q, batch, '371003', '2025-02-04T00:00:00Z'))).toBe(0);
    expect(await state.tx((q) => feed.record(q, [listing(2), listing(5000)], '371003', 'x'))).toBe(1);
    const all = await feed.since({ cursor: 0, limit: 10_000 });
    expect(all.map((c) => c.seq)).toEqual(Array.from({ length: 1203 }, (_, i) => i + 1));
    expect(new Set(all.map((c) => c.record)).size).toBe(1203);
    expect(all[0]!.statement).toEqual(listing(1));
    expect(all.at(-1)!.record).toBe(listing(5000).id);
  });
});
