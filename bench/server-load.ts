// The load generator for the server benchmark, run as a second process: autocannon (closed loop) or an open-loop
// fixed-rate schedule against one URL with bodies cycling through a list; prints one JSON line with requests/s and
// latency percentiles.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';

interface LoadConfig {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  /** Request bodies (POST) or paths (GET), used in turn. */
  items: string[];
  connections: number;
  duration?: number;
  amount?: number;
  /** Requests per second across all connections (fixed-rate load). */
  overallRate?: number;
  /** With `overallRate`: autocannon's per-second bursts instead of the open loop (kept to compare with old runs). */
  bursts?: boolean;
}

const cfg = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadConfig;
let i = 0;

/**
 * Fixed-rate load as an open loop: request k is due at t0 + k/rate and its latency counts from that moment (so a
 * slow answer that delays later requests is charged to them, as wrk2 does). autocannon's `overallRate` is not a fixed
 * rate: each connection sends its share back to back at the start of every second and then waits, so 200 req/s over
 * 16 connections arrived as bursts of 16 concurrent requests, and the p99 measured the burst's queue.
 */
async function openLoop(rate: number): Promise<void> {
  const url = new URL(cfg.url);
  const agent = new Agent({ keepAlive: true, maxSockets: cfg.connections });
  const seconds = cfg.duration ?? 10;
  const n = Math.round(rate * seconds);
  const latencies = new Float64Array(n);
  let non2xx = 0;
  let errors = 0;
  let answered = 0;
  let sent = 0;
  let lastAnswer = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const send = (k: number) => {
      const due = t0 + (k * 1000) / rate;
      const item = cfg.items[i++ % cfg.items.length]!;
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          agent,
          method: cfg.method,
          path: cfg.method === 'POST' ? url.pathname : item,
          headers: cfg.headers,
        },
        (res) => {
          if (res.statusCode! < 200 || res.statusCode! >= 300) non2xx++;
          res.resume();
          res.on('end', () => finish(k, due));
        },
      );
      req.on('error', () => {
        errors++;
        finish(k, due);
      });
      req.end(cfg.method === 'POST' ? item : undefined);
    };
    const finish = (k: number, due: number) => {
      lastAnswer = performance.now();
      latencies[k] = lastAnswer - due;
      if (++answered === n) resolve();
    };
    const tick = () => {
      const due = Math.min(n, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
      while (sent < due) send(sent++);
      if (sent < n) setTimeout(tick, Math.max(0, t0 + (sent * 1000) / rate - performance.now()));
    };
    tick();
  });
  agent.destroy();
  const sorted = latencies.slice().sort();
  const at = (q: number) => Math.round(sorted[Math.min(n - 1, Math.floor(q * n))]! * 10) / 10;
  const wall = (lastAnswer - t0) / 1000;
  process.stdout.write(
    JSON.stringify({
      rps: n / wall,
      total: n,
      seconds: wall,
      p50: at(0.5),
      p99: at(0.99),
      max: Math.round(sorted[n - 1]! * 10) / 10,
      non2xx,
      errors,
      timeouts: 0,
      schedule: 'open loop, evenly spaced',
    }) + '\n',
  );
}

if (cfg.overallRate && !cfg.bursts) {
  await openLoop(cfg.overallRate);
  process.exit(0);
}
const t0 = Date.now();
let done: (r: autocannon.Result) => void = () => undefined;
let failed: (e: unknown) => void = () => undefined;
const finished = new Promise<autocannon.Result>((resolve, reject) => {
  done = resolve;
  failed = reject;
});
const opts: autocannon.Options = {
  url: cfg.url,
  connections: cfg.connections,
  ...(cfg.amount ? { amount: cfg.amount } : { duration: cfg.duration ?? 10 }),
  ...(cfg.overallRate ? { overallRate: cfg.overallRate } : {}),
  requests: [
    {
      method: cfg.method,
      headers: cfg.headers,
      setupRequest: (req) => {
        const item = cfg.items[i++ % cfg.items.length]!;
        return cfg.method === 'POST' ? { ...req, body: item } : { ...req, path: item };
      },
    },
  ],
};
const instance = autocannon(opts, (err, res) => (err ? failed(err) : done(res)));
// autocannon ends a run only on its next 1 s sample tick, so its finish time is rounded up to the tick: a run of
// `amount` requests that took 1.1 s reported 2.0 s. The wall time is taken from the last answer instead.
let lastResponse = 0;
instance.on('response', () => {
  lastResponse = Date.now();
});
const result = await finished;
process.stdout.write(
  JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    // Wall time from the start of the run to the last answer.
    seconds: ((lastResponse || new Date(result.finish).getTime()) - t0) / 1000,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }) + '\n',
);
