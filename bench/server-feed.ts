// Benchmark: list changes pushed by webhook to 10 subscribers, one of which goes down mid-stream (dropping a delivery
// it had already processed, so it is sent again) and comes back on the same address. Every change must reach every
// subscriber, processed exactly once by seq (webhooks are at least once; subscribers deduplicate by seq, 0091).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { openLedger } from '../src/ledger/open.js';
import { residentIdAt } from '../src/ledger/synthetic.js';
import { buildServer } from '../src/server/app.js';
import { createContext } from '../src/server/context.js';
import type { BenchFigure } from './types.js';

const SUBSCRIBERS = 10;

interface Receiver {
  seen: Uint8Array;
  processed: number;
  redelivered: number;
  server: Server;
  port: number;
  /** Set to make the next delivery be processed but never answered, then the receiver goes down. */
  crashNext: boolean;
  down: boolean;
}

function handler(r: Receiver, onCrash: () => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const { changes } = JSON.parse(Buffer.concat(parts).toString()) as { changes: { seq: number }[] };
      for (const c of changes)
        if (r.seen[c.seq]) r.redelivered++;
        else {
          r.seen[c.seq] = 1;
          r.processed++;
        }
      if (r.crashNext) {
        // Processed, but the answer never leaves: the server must send this group again.
        r.crashNext = false;
        req.socket.destroy();
        onCrash();
        return;
      }
      res.writeHead(204).end();
    });
  };
}

const listenOn = (s: Server, port = 0) =>
  new Promise<number>((ok) => s.listen(port, '127.0.0.1', () => ok((s.address() as { port: number }).port)));

export async function feedBench(scale: number, log: (s: string) => void): Promise<BenchFigure> {
  const changes = Math.max(10_000, Math.round(1_000_000 * scale));
  const ledger = await openLedger({ adapter: 'duckdb', file: ':memory:' });
  const ctx = await createContext(ledger);
  const { app } = await buildServer(ctx, { rateLimit: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const court = await ctx.keys.createAccount({
    role: 'court',
    name: 'bench court',
    agency: 'court',
    jurisdiction: '371003',
  });
  const courtKey = (await ctx.keys.createKey(court.id)).key;
  const firm = await ctx.keys.createAccount({ role: 'firm', name: 'bench firm' });
  const firmKey = (await ctx.keys.createKey(firm.id)).key;
  const receivers: Receiver[] = [];
  let restarted: Promise<void> | undefined;
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const r: Receiver = {
      seen: new Uint8Array(changes + 1),
      processed: 0,
      redelivered: 0,
      server: undefined as unknown as Server,
      port: 0,
      crashNext: false,
      down: false,
    };
    const crash = () => {
      // Down for a second, then back on the same port (a restarted subscriber).
      r.down = true;
      restarted = new Promise<void>((ok) => {
        r.server.close();
        r.server.closeAllConnections();
        setTimeout(() => {
          r.server = createServer(handler(r, crash));
          void listenOn(r.server, r.port).then(() => {
            r.down = false;
            ok();
          });
        }, 1000);
      });
    };
    r.server = createServer(handler(r, crash));
    r.port = await listenOn(r.server);
    receivers.push(r);
    const sub = await app.inject({
      method: 'POST',
      url: '/v1/subscriptions',
      headers: { authorization: `Bearer ${firmKey}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ list: 'spc_defaulters', url: `http://127.0.0.1:${r.port}/hook`, cursor: 0 }),
    });
    if (sub.statusCode !== 200) throw new Error(`subscription: ${sub.body}`);
  }
  log(`feed: ${changes} listings through POST /v1/records, ${SUBSCRIBERS} subscribers`);
  const t0 = performance.now();
  ctx.webhooks.start();
  const size = 10_000;
  for (let off = 0; off < changes; off += size) {
    const rows = Array.from({ length: Math.min(size, changes - off) }, (_, j) => ({
      subject: residentIdAt(off + j),
      kind: 'court.defaulter_listed',
      occurredAt: '2025-02-01',
      reportedAt: '2025-02-03',
      basis: `(2025)鲁1003执${off + j + 1}号; Fa Shi [2017] No. 7 Art. 1`,
      severity: 'e2',
      level: 'national',
    }));
    const res = await fetch(`${url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${courtKey}` },
      body: JSON.stringify({ records: rows }),
    });
    if (res.status !== 200) throw new Error(`records: ${res.status} ${(await res.text()).slice(0, 300)}`);
    if (off === 0) receivers[0]!.crashNext = true;
  }
  const tStored = performance.now();
  const done = () => receivers.every((r) => r.processed >= changes);
  const deadline = Date.now() + 600_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await restarted;
  const seconds = (performance.now() - t0) / 1000;
  await ctx.webhooks.stop();
  const missing = receivers.reduce((n, r) => n + (changes - r.processed), 0);
  const redelivered = receivers.reduce((n, r) => n + r.redelivered, 0);
  const wrongSeq = receivers.some((r) => r.seen[0] !== 0);
  await app.close();
  for (const r of receivers) r.server.close();
  await ctx.close();
  await ledger.close();
  log(
    `feed: stored in ${((tStored - t0) / 1000).toFixed(1)} s, all delivered after ${seconds.toFixed(1)} s; missing ${missing}, redelivered ${redelivered}`,
  );
  return {
    name: `Feed: ${changes} list changes to ${SUBSCRIBERS} webhook subscribers, one restarted mid-stream`,
    value: (changes * SUBSCRIBERS) / seconds,
    unit: 'changes delivered/s',
    target: 'every change delivered exactly once per subscriber after a subscriber restart',
    note: `${missing === 0 && !wrongSeq ? 'every change reached every subscriber' : `MISSING ${missing}`}; processed once each by seq; ${redelivered} redelivered after the dropped answer (deduplicated by seq); ${seconds.toFixed(1)} s from first batch to last delivery`,
  };
}
