// The data-channel routes against a real store: a county office is refused by the rule that refused it, a
// prefecture office gets thresholded aggregates, budgets run out and survive a restart, every request is logged.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './app.js';
import { createContext } from './context.js';
import { loadMeasureCatalogue, PlatformMeasures, type ListChange } from '../coproduction/measures.js';
import { courtListing, harness, WENDENG_PERSON, type Harness, type StoreHandle } from './server.contract.js';

const ask = (over: Record<string, unknown> = {}) => ({
  id: 'q1',
  channel: 'regional_bad_debts',
  legal_basis: 'ndrc-didi-2018',
  purpose: 'urban_credit_monitoring',
  fields: ['count', 'sum:unpaid_yuan'],
  granularity: 'county',
  ...over,
});

export function channelsContract(name: string, open: () => Promise<StoreHandle>): void {
  describe(`data-channel API (${name})`, () => {
    let store: StoreHandle;
    let h: Harness;
    beforeAll(async () => {
      store = await open();
      h = await harness(store);
    }, 120_000);
    afterAll(async () => {
      await h?.app.close();
      await h?.ctx.close();
      await store?.dispose();
    });

    it('refuses a county office with the rule that refused it, and logs the request', async () => {
      const r = await h.call('POST', '/v1/channels/ride-hailing/requests', h.keys.credit_office, ask());
      expect(r.status, r.text).toBe(200);
      expect(r.json.outcome).toBe('refused');
      expect(r.json.refusedBy).toBe('authority.min_rank');
      expect(r.json.requester).toMatchObject({ rank: 'county', jurisdiction: '371082' });
      const log = await h.call('GET', '/v1/access-log', h.keys.admin);
      expect(log.json.rows.at(-1)).toMatchObject({
        action: 'channel.request',
        detail: 'refused by authority.min_rank',
      });
    });

    it('grants a prefecture office aggregates with small cells suppressed; the same id is answered once', async () => {
      const r = await h.call('POST', '/v1/channels/ride-hailing/requests', h.keys.prefecture_office, ask());
      expect(r.status, r.text).toBe(200);
      expect(r.json.outcome).toBe('granted');
      expect(r.json.rho).toBe(1);
      expect(r.json.release.suppressed).toBeGreaterThan(0);
      for (const c of r.json.release.cells) expect(c.values.count).toBeGreaterThanOrEqual(10);
      const again = await h.call(
        'POST',
        '/v1/channels/ride-hailing/requests',
        h.keys.prefecture_office,
        ask(),
      );
      expect(again.json).toEqual(r.json);
    });

    it('refuses once the budget is spent, and the budget survives a restart', async () => {
      const b = await h.call(
        'POST',
        '/v1/channels/ride-hailing/requests',
        h.keys.prefecture_office,
        ask({ id: 'q2', granularity: 'total' }),
      );
      expect(b.json.outcome).toBe('granted');
      const c = await h.call(
        'POST',
        '/v1/channels/ride-hailing/requests',
        h.keys.prefecture_office,
        ask({ id: 'q3', granularity: 'prefecture' }),
      );
      expect(c.json.refusedBy).toBe('budget.available');
      // A second server over the same store rebuilds the budget from the stored log.
      const ctx2 = await createContext(store.ledger, { pgUrl: store.pgUrl });
      const { app: app2 } = await buildServer(ctx2, { rateLimit: false });
      try {
        const res = await app2.inject({
          method: 'GET',
          url: '/v1/channels/ride-hailing/budget',
          headers: { authorization: `Bearer ${h.keys.admin}` },
        });
        const body = JSON.parse(res.body);
        expect(res.statusCode, res.body).toBe(200);
        expect(body.requests).toBe(4);
        expect(body.budgets).toEqual([
          expect.objectContaining({ purpose: 'urban_credit_monitoring', remaining: 0, allowance: 2 }),
        ]);
        // The ledger's own row, written with the decisions, says the same.
        expect(body.stored).toEqual([
          expect.objectContaining({ purpose: 'urban_credit_monitoring', remaining: 0 }),
        ]);
        // Every decision is in the access log, a request id asked again marked as answered before.
        const log = await h.call('GET', '/v1/access-log', h.keys.admin);
        const rows = log.json.rows as { action: string; detail: string }[];
        expect(rows.filter((r) => r.action === 'channel.request').map((r) => r.detail)).toEqual([
          'refused by authority.min_rank',
          'granted; rho 1',
          'answered before: granted; rho 0',
          'granted; rho 1',
          'refused by budget.available',
        ]);
        // The store itself refuses a negative balance, whatever a server process believes.
        await expect(
          ctx2.state.tx((q) => q.query(`UPDATE {t}server_channel_budget SET remaining = remaining - 1`)),
        ).rejects.toThrow();
      } finally {
        await app2.close();
        await ctx2.close();
      }
    });

    it("pushes a court listing through the feed to every platform's measures, once each", async () => {
      const sub = await h.call('POST', '/v1/records', h.keys.court, {
        records: [courtListing(WENDENG_PERSON, 917)],
      });
      expect(sub.status, sub.text).toBe(200);
      const cat = loadMeasureCatalogue();
      const platforms = cat.platforms.map((p) => new PlatformMeasures(cat, p.id));
      const read = async (list: string, cursor: number) => {
        const r = await h.call('GET', `/v1/feeds/${list}?cursor=${cursor}`, h.keys.firm);
        expect(r.status, r.text).toBe(200);
        return r.json.changes as ListChange[];
      };
      const deliver = async () =>
        (
          await Promise.all(
            platforms.map(async (p) => {
              const events = [];
              for (const list of p.lists) events.push(...p.apply(await read(list, 0)));
              return events;
            }),
          )
        ).flat();
      const first = (await deliver()).filter((e) => e.subject === WENDENG_PERSON);
      expect(first.map((e) => `${e.platform}:${e.measure}:${e.action}`).sort()).toEqual([
        'carrier:caller_notice:apply',
        'ecommerce:block_high_consumption_purchases:apply',
        'payment:lower_score_withhold_perks:apply',
        'social:defaulter_map:apply',
      ]);
      for (const e of first) expect(e.legalBasis ?? e.noBasisNote).toBeTruthy();
      // The same pages delivered again (a replay from cursor 0) change nothing.
      expect(await deliver()).toEqual([]);
    });

    it('never answers 5xx, whatever the body', async () => {
      const odd = fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.integer(),
        fc.constant(null),
        fc.array(fc.string(), { maxLength: 3 }),
      );
      const body = fc.record(
        {
          id: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), odd),
          channel: fc.oneof(fc.constantFrom('regional_bad_debts', 'food_safety_incidents', 'nope'), odd),
          legal_basis: fc.oneof(fc.constantFrom('ndrc-didi-2018', 'pipl-2021'), odd),
          purpose: fc.oneof(fc.constantFrom('urban_credit_monitoring', 'x'), odd),
          fields: fc.oneof(fc.subarray(['count', 'sum:unpaid_yuan', 'sum:trip_routes', 'phone']), odd),
          granularity: fc.oneof(fc.constantFrom('county', 'prefecture', 'total', 'record', 'street'), odd),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(body, fc.constantFrom('ride-hailing', 'food-delivery', 'x'), async (b, firm) => {
          const r = await h.call('POST', `/v1/channels/${firm}/requests`, h.keys.prefecture_office, b);
          expect(r.status, r.text).toBeLessThan(500);
        }),
        { numRuns: 300, seed: 17 },
      );
    });

    it('answers bad input with 4xx: unknown firm, unknown field, a firm account asking', async () => {
      expect(
        (await h.call('POST', '/v1/channels/nobody/requests', h.keys.prefecture_office, ask())).status,
      ).toBe(404);
      const bad = await h.call('POST', '/v1/channels/ride-hailing/requests', h.keys.prefecture_office, {
        ...ask(),
        rank: 'national',
      });
      expect(bad.status).toBe(400);
      expect((await h.call('POST', '/v1/channels/ride-hailing/requests', h.keys.firm, ask())).status).toBe(
        403,
      );
      expect((await h.call('POST', '/v1/channels/ride-hailing/requests', undefined, ask())).status).toBe(401);
    });

    // The last test: a second server writing makes the first one's cached access-log chain stale, so the first
    // server is not used after it.
    it('a restarted server refuses a request the stored budget cannot pay for', async () => {
      const ctx2 = await createContext(store.ledger, { pgUrl: store.pgUrl });
      const { app: app2 } = await buildServer(ctx2, { rateLimit: false });
      try {
        const res = await app2.inject({
          method: 'POST',
          url: '/v1/channels/ride-hailing/requests',
          headers: {
            authorization: `Bearer ${h.keys.prefecture_office}`,
            'content-type': 'application/json',
          },
          payload: ask({ id: 'q4', granularity: 'province' }),
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(JSON.parse(res.body)).toMatchObject({ outcome: 'refused', refusedBy: 'budget.available' });
        // The ledger's row still says nothing is left; the next period starts afresh (the same year here).
        const b = await app2.inject({
          method: 'GET',
          url: '/v1/channels/ride-hailing/budget',
          headers: { authorization: `Bearer ${h.keys.admin}` },
        });
        expect(JSON.parse(b.body).stored).toEqual([
          expect.objectContaining({ purpose: 'urban_credit_monitoring', remaining: 0 }),
        ]);
      } finally {
        await app2.close();
        await ctx2.close();
      }
    });
  });
}
