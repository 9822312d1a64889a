// The feed journal: each (list, record) once, sequence numbers contiguous, a retried batch adding nothing; reads
// after a cursor equal to the plain ordered query; a webhook body equal to JSON.stringify of its parts.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRecord, type CreditRecord } from '../core/types.js';
import type { Ledger } from '../ledger/ledger.js';
import { openLedger } from '../ledger/open.js';
import { shippedListPolicy } from '../schemes/lists/policy.js';
import { Feed } from './feed.js';
import { openState } from './state/open-state.js';
import type { StateDb } from './state/state-db.js';
import { deliveryBody } from './webhooks.js';

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

describe('Feed.since', () => {
  let ledger: Ledger;
  let state: StateDb;
  let feed: Feed;
  const N = 3000;
  beforeAll(async () => {
    ledger = await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 });
    state = await openState(ledger);
    feed = new Feed(state, shippedListPolicy());
    // Two lists interleaved unevenly (list b is sparse and clustered), so windows come back part-full or empty.
    await state.query(
      `INSERT INTO {t}server_feed SELECT i, CASE WHEN i % 7 = 0 OR (i > 2000 AND i < 2100) THEN 'b' ELSE 'a' END,
         'listed', 's' || i, 'r' || i, '371003', 'x', '{}' FROM range(1, ${N + 1}) t(i)`,
    );
  });
  afterAll(async () => {
    await state.close();
    await ledger.close();
  });

  it('reads in widening windows exactly what the open ordered query reads', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
        fc.integer({ min: 0, max: N + 5 }),
        fc.integer({ min: 1, max: 1500 }),
        async (list, cursor, limit) => {
          const got = (await feed.since({ list, cursor, limit })).map((c) => c.seq);
          const ref = await state.query<{ seq: number }>(
            `SELECT seq FROM {t}server_feed WHERE seq > $1 ${list ? 'AND list = $2' : ''} ORDER BY seq LIMIT ${limit}`,
            list ? [cursor, list] : [cursor],
          );
          expect(got).toEqual(ref.map((r) => Number(r.seq)));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('deliveryBody', () => {
  it('is JSON.stringify of the subscription, the list and the changes', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.array(fc.jsonValue()), (sub, list, changes) => {
        expect(deliveryBody(sub, list, JSON.stringify(changes))).toBe(
          JSON.stringify({ subscription: sub, list, changes }),
        );
      }),
    );
  });
});
