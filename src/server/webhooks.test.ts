// Webhook fan-out: subscribers at one cursor share a page of the feed; one that fails falls behind alone, catches up
// from its own cursor, and every subscriber gets every change once, in order, with the body its signature covers.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../ledger/ledger.js';
import { openLedger } from '../ledger/open.js';
import { shippedListPolicy } from '../schemes/lists/policy.js';
import { Feed } from './feed.js';
import { openState } from './state/open-state.js';
import type { StateDb } from './state/state-db.js';
import { Webhooks } from './webhooks.js';

describe('Webhooks', () => {
  let ledger: Ledger;
  let state: StateDb;
  let feed: Feed;
  const servers: Server[] = [];
  beforeAll(async () => {
    ledger = await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 });
    state = await openState(ledger);
    feed = new Feed(state, shippedListPolicy());
    await state.query(
      `INSERT INTO {t}server_feed SELECT i, CASE WHEN i % 5 = 0 THEN 'other' ELSE 'spc_defaulters' END, 'listed',
         's' || i, 'r' || i, '371003', 'x', '{"n":' || i || '}' FROM range(1, 2501) t(i)`,
    );
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await state.close();
    await ledger.close();
  });

  it('delivers every change once per subscriber, in order, when subscribers share pages and one fails', async () => {
    const got: number[][] = [[], [], []];
    const bodies: string[][] = [[], [], []];
    let failures = 3;
    for (let i = 0; i < 3; i++) {
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          // Subscriber 1 refuses its first three deliveries: it falls behind the others and must catch up alone.
          if (i === 1 && failures-- > 0) return void res.writeHead(503).end();
          const sig = String(req.headers['x-mosaic-signature']);
          const t = /t=(\d+)/.exec(sig)![1];
          const want = createHmac('sha256', `secret${i}`).update(`${t}.${body}`).digest('hex');
          if (!sig.endsWith(`v1=${want}`)) return void res.writeHead(401).end();
          const parsed = JSON.parse(body) as {
            subscription: string;
            list: string;
            changes: { seq: number }[];
          };
          expect(body).toBe(JSON.stringify(parsed));
          expect(parsed.subscription).toBe(`sub${i}`);
          got[i]!.push(...parsed.changes.map((c) => c.seq));
          bodies[i]!.push(body);
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      servers.push(server);
      const port = (server.address() as { port: number }).port;
      await state.query(`INSERT INTO {t}server_subscriptions VALUES ($1, 'acc', $2, $3, $4, 0, 1, 'x')`, [
        `sub${i}`,
        'spc_defaulters',
        `http://127.0.0.1:${port}/hook`,
        `secret${i}`,
      ]);
    }
    const hooks = new Webhooks(state, feed, { batch: 300, baseBackoffMs: 20, maxBackoffMs: 40, idleMs: 20 });
    const want = Array.from({ length: 2500 }, (_, k) => k + 1).filter((s) => s % 5 !== 0);
    hooks.start();
    const until = Date.now() + 20_000;
    while (Date.now() < until && got.some((g) => g.length < want.length))
      await new Promise((r) => setTimeout(r, 20));
    await hooks.stop();
    for (const g of got) expect(g).toEqual(want);
    expect(hooks.failed).toBe(3);
    // Subscribers 0 and 2 moved together: the same pages, so the same changes in each body.
    expect(bodies[0]!.map((b) => b.replace('sub0', ''))).toEqual(
      bodies[2]!.map((b) => b.replace('sub2', '')),
    );
  }, 30_000);
});
