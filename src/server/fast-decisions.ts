// The point-of-service decision route's happy path on node:http, in front of Fastify: a request with a cached key the
// route admits, a small JSON body the schema accepts and a decision the index gives is answered here, with the same
// receipt, access-log row, rate-limit count, metrics and bytes; every other request is Fastify's (decision 0181).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { admits, BEARER, type Access, type Principal } from './auth.js';
import type { ServerContext } from './context.js';
import { problemFor, problemOf } from './problem.js';
import { ProblemSchema, purposeMissing, today } from './routes/common.js';
import {
  decisionBodyAccepts,
  DecisionResponse,
  PREREAD_BODY,
  recordDecision,
  type DecisionBody,
} from './routes/decisions.js';
import { projector } from './routes/fast-route.js';

/** The rate-limit store @fastify/rate-limit counts in (its LocalStore), shared with the fast path. */
export interface RateStore {
  incr(
    key: string,
    cb: (err: Error | null, res: { current: number; ttl: number }) => void,
    timeWindow: number,
    max: number,
  ): void;
  read(
    key: string,
    cb: (err: Error | null, res: { current: number; ttl: number }) => void,
    timeWindow: number,
    max: number,
  ): void;
  child(routeOptions: object): RateStore;
}

const LocalStore = createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
) => RateStore;

/**
 * A `store` for @fastify/rate-limit that is its own LocalStore (same counting, same LRU), handed to `onStore` with the
 * limit and window the plugin resolved, so the fast path counts in the very same map. The plugin calls
 * `new Store(params)`; a constructor may return its object.
 */
export function sharedRateStore(
  onStore: (s: RateStore, params: { max: number; timeWindow: number }) => void,
): new (params: object) => RateStore {
  return function SharedStore(params: {
    continueExceeding?: boolean;
    exponentialBackoff?: boolean;
    max: number;
    timeWindow: number;
  }) {
    const s = new LocalStore(params.continueExceeding ?? false, params.exponentialBackoff ?? false);
    if (typeof params.max !== 'number' || typeof params.timeWindow !== 'number')
      throw new Error('the decision fast path needs a fixed rate limit and window');
    onStore(s, { max: params.max, timeWindow: params.timeWindow });
    return s;
  } as unknown as new (params: object) => RateStore;
}

export const DECISIONS_URL = '/v1/decisions';
/** Larger bodies (a decision body is well under 1 KB) go to Fastify unread: they are never read twice. */
const MAX_FAST_BODY = 8 * 1024;

export interface FastDecisionOptions {
  ctx: ServerContext;
  /** The route's declared access (config.access). */
  access: Access;
  /** The rate limit Fastify applies to the route, if any: the same store, limit and window. */
  rate?: { store: RateStore; max: number; timeWindow: number } | undefined;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const print200 = projector(DecisionResponse)!;
const printProblem = projector(ProblemSchema)!;
/** Statuses the route declares a schema for: their problem bodies are printed through it, as Fastify does. */
const DECLARED = new Set([400, 401, 403, 404, 422]);

export class DecisionFastPath {
  /** Requests answered here, and requests read here and then handed to Fastify (for tests). */
  answered = 0;
  handed = 0;
  /** Set when the app starts closing: Fastify then answers (503) everything. */
  closing = false;

  constructor(private readonly o: FastDecisionOptions) {}

  /** Answer `req` here when it is on the happy path, else hand it to `slow` (Fastify), unread or with its body. */
  handle(req: IncomingMessage, res: ServerResponse, slow: Handler): void {
    if (req.method !== 'POST' || req.url !== DECISIONS_URL || this.closing) return slow(req, res);
    const h = req.headers;
    const len = h['content-length'];
    const auth = h.authorization;
    if (
      h['content-type'] !== 'application/json' ||
      len === undefined ||
      auth === undefined ||
      h['transfer-encoding'] !== undefined ||
      h['content-encoding'] !== undefined
    )
      return slow(req, res);
    const n = Number(len);
    if (!(n > 0 && n <= MAX_FAST_BODY)) return slow(req, res);
    const m = BEARER.exec(auth);
    const p = m ? this.o.ctx.keys.cached(m[1]!) : undefined;
    if (!p || !admits(p, this.o.access)) return slow(req, res);
    const t0 = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      void this.answer(req, res, slow, p, buf, t0);
    });
    // A client gone mid-body gets no answer from either path.
    req.on('error', () => res.destroy());
  }

  private async answer(
    req: IncomingMessage,
    res: ServerResponse,
    slow: Handler,
    p: Principal,
    buf: Buffer,
    t0: number,
  ): Promise<void> {
    const { ctx, rate } = this.o;
    const handOver = () => {
      this.handed++;
      (req as { [PREREAD_BODY]?: Buffer })[PREREAD_BODY] = buf;
      slow(req, res);
    };
    // Up to the rate-limit count nothing is stored or counted: any doubt goes to Fastify, which answers it as always.
    let body: DecisionBody;
    try {
      body = JSON.parse(buf.toString('utf8')) as DecisionBody;
    } catch {
      return handOver();
    }
    if (!decisionBodyAccepts(body) || purposeMissing(p, body.purpose)) return handOver();
    let d;
    try {
      d = (await ctx.decisions()).decide(body.subject, body.action, body.date ?? today());
    } catch {
      return handOver();
    }
    if (this.closing) return handOver();
    const headers: Record<string, string | number> = {};
    if (rate) {
      // Fastify counts at preHandler, after the checks above; a request over the limit is Fastify's to refuse.
      const key = `key:${p.keyId}`;
      let seen = { current: 0, ttl: 0 };
      rate.store.read(key, (_e, r) => (seen = r), rate.timeWindow, rate.max);
      if (seen.current + 1 > rate.max) return handOver();
      rate.store.incr(key, (_e, r) => (seen = r), rate.timeWindow, rate.max);
      headers['x-ratelimit-limit'] = rate.max;
      headers['x-ratelimit-remaining'] = Math.max(0, rate.max - seen.current);
      headers['x-ratelimit-reset'] = Math.ceil(seen.ttl / 1000);
    }
    let status = 200;
    let text: string;
    let type = 'application/json; charset=utf-8';
    try {
      text = JSON.stringify(print200(await recordDecision(ctx, p, body, d)));
      this.answered++;
    } catch (err) {
      // What the error handler sends for a failure inside the handler (a journal write, a receipt).
      const pr = problemFor(err);
      status = pr.status;
      const problem = problemOf(pr.status, pr.issues, DECISIONS_URL);
      text = JSON.stringify(DECLARED.has(status) ? printProblem(problem) : problem);
      type = 'application/problem+json; charset=utf-8';
    }
    headers['content-type'] = type;
    headers['content-length'] = Buffer.byteLength(text);
    res.writeHead(status, headers).end(text);
    ctx.metrics.observe('POST', DECISIONS_URL, status, (performance.now() - t0) / 1000);
  }
}
