// The load generator for the server benchmark, run as a second process: autocannon against one URL with bodies
// cycling through a list; prints one JSON line with requests/s and latency percentiles.
import { readFileSync } from 'node:fs';
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
}

const cfg = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadConfig;
let i = 0;
const result = await autocannon({
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
});
process.stdout.write(
  JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    // Wall time from first request to last answer (autocannon's own duration is whole seconds).
    seconds: (new Date(result.finish).getTime() - new Date(result.start).getTime()) / 1000,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }) + '\n',
);
