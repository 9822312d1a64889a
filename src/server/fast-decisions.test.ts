// The decision route's node:http fast path against Fastify's own path: two servers over two identically seeded stores,
// one with the fast path and one without, get the same requests over real HTTP and must give the same status, headers,
// body bytes, access-log rows, metrics and rate-limit counts — and the fast path must really answer the happy ones.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../ledger/ledger.js';
import { openLedger } from '../ledger/open.js';
import { buildServer, type ServerApp } from './app.js';
import { createContext, type ServerContext } from './context.js';
import type { DecisionFastPath } from './fast-decisions.js';
import {
  RONGCHENG_PERSON,
  sampleRecords,
  sampleSubjects,
  WENDENG_FIRM,
  WENDENG_PERSON,
} from './server.contract.js';

interface Side {
  ledger: Ledger;
  ctx: ServerContext;
  app: ServerApp;
  url: string;
  fast: DecisionFastPath | undefined;
  /** The access log's last sequence number already compared. */
  seq: number;
}

/** The same accounts and keys (ids, hashes) in both stores, so actors, receipts and bodies can be compared bytewise. */
const KEYS = {
  firm: { account: 'acc_firm', role: 'firm', scopes: ['*'], expires: null },
  agency: { account: 'acc_agency', role: 'agency', scopes: ['decisions:write'], expires: null },
  subject: { account: 'acc_subject', role: 'subject', scopes: ['*'], expires: null },
  scoped: { account: 'acc_scoped', role: 'firm', scopes: ['lists:read'], expires: null },
  expired: { account: 'acc_expired', role: 'firm', scopes: ['*'], expires: '2020-01-01T00:00:00.000Z' },
  revoked: { account: 'acc_revoked', role: 'firm', scopes: ['*'], expires: null },
} as const;
type KeyName = keyof typeof KEYS;
const plainKey = (k: KeyName) => `mk_test_${k}_0123456789abcdef`;

async function seed(ctx: ServerContext): Promise<void> {
  for (const [name, k] of Object.entries(KEYS)) {
    await ctx.state.query(`INSERT INTO {t}server_accounts VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      k.account,
      k.role,
      name,
      k.role === 'agency' ? '371082' : null,
      k.role === 'agency' ? 'community' : null,
      k.role === 'subject' ? RONGCHENG_PERSON : null,
      null,
      '2026-01-01T00:00:00.000Z',
    ]);
    await ctx.state.query(`INSERT INTO {t}server_keys VALUES ($1, $2, $3, $4, $5, NULL, $6)`, [
      `key_${name}`,
      createHash('sha256')
        .update(plainKey(name as KeyName))
        .digest('hex'),
      k.account,
      JSON.stringify(k.scopes),
      k.expires,
      '2026-01-01T00:00:00.000Z',
    ]);
  }
}

async function side(fast: boolean, rateLimit: { max: number } | false): Promise<Side> {
  const ledger = await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 });
  await ledger.putSubjects(sampleSubjects());
  await ledger.append(sampleRecords());
  const ctx = await createContext(ledger);
  await seed(ctx);
  const built = await buildServer(ctx, { rateLimit, fastDecisions: fast });
  const url = await built.app.listen({ host: '127.0.0.1', port: 0 });
  return { ledger, ctx, app: built.app, url, fast: built.fast, seq: 0 };
}

async function close(s: Side): Promise<void> {
  await s.app.close();
  await s.ctx.close();
  await s.ledger.close();
}

interface Req {
  url?: string;
  contentType?: string | undefined;
  auth?: string | undefined;
  body: string;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function send(base: string, r: Req): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(r.body) };
    if (r.contentType !== undefined) headers['content-type'] = r.contentType;
    if (r.auth !== undefined) headers.authorization = r.auth;
    const req = request(`${base}${r.url ?? '/v1/decisions'}`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (k !== 'date') h[k] = String(v);
        resolve({ status: res.statusCode!, headers: h, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Request counters by series (the latency sums are timings, not compared). */
function counters(ctx: ServerContext): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of ctx.metrics.render({}).split('\n'))
    if (line.startsWith('mosaic_http_requests_total{')) {
      const i = line.lastIndexOf(' ');
      m.set(line.slice(0, i), line.slice(i + 1));
    }
  return m;
}

/** Access-log rows appended since the last call, without their time (and so without the hashes that cover it). */
async function newRows(s: Side): Promise<unknown[]> {
  const rows = await s.ctx.accessLog.rows({ after: s.seq });
  if (rows.length) s.seq = rows.at(-1)!.seq;
  return rows.map(({ at: _at, prev: _prev, hash: _hash, ...r }) => r);
}

/** Rate-limit reset seconds may differ by one when the two windows straddle a second; everything else must match. */
function normalise(a: Answer, other: Answer): Answer {
  const h = { ...a.headers };
  for (const k of ['x-ratelimit-reset', 'retry-after'])
    if (
      h[k] !== undefined &&
      other.headers[k] !== undefined &&
      Math.abs(Number(h[k]) - Number(other.headers[k])) <= 1
    )
      h[k] = other.headers[k]!;
  return { ...a, headers: h };
}

async function same(fast: Side, slow: Side, r: Req): Promise<Answer> {
  const a = await send(fast.url, r);
  const b = await send(slow.url, r);
  expect(normalise(a, b)).toEqual(b);
  expect(await newRows(fast)).toEqual(await newRows(slow));
  expect(counters(fast.ctx)).toEqual(counters(slow.ctx));
  return a;
}

const bearer = (k: KeyName) => `Bearer ${plainKey(k)}`;
const SUBJECTS = [RONGCHENG_PERSON, WENDENG_PERSON, WENDENG_FIRM, '110105195008131001', '371082198207079438'];
const ACTIONS = ['fly', 'buy_property', 'bid_government_procurement', 'receive_honour', 'teleport', ''];

/** Bodies around the happy path: valid ones, and each way a body can miss it (schema, purpose, decision). */
const bodyText = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          subject: fc.constantFrom(RONGCHENG_PERSON, WENDENG_PERSON, WENDENG_FIRM),
          action: fc.constantFrom('fly', 'buy_property', 'bid_government_procurement'),
          date: fc.constantFrom('2025-03-01', '2024-02-29', '2021-01-01'),
          purpose: fc.constantFrom('ticket sale', '审核', ' x '),
          receipt: fc.boolean(),
        },
        { requiredKeys: ['subject', 'action', 'purpose'] },
      )
      .map((b) => JSON.stringify(b)),
  },
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          subject: fc.oneof(fc.constantFrom(...SUBJECTS), fc.string({ maxLength: 20 }), fc.integer()),
          action: fc.oneof(fc.constantFrom(...ACTIONS), fc.string({ maxLength: 3 })),
          date: fc.constantFrom('2025-03-01', '2024-02-29', '2023-02-29', '2024-6-1', ''),
          purpose: fc.oneof(fc.constantFrom('ticket sale', '  ', '', '审核'), fc.string({ maxLength: 8 })),
          receipt: fc.oneof(fc.boolean(), fc.constant('yes')),
          extra: fc.constant(1),
        },
        { requiredKeys: ['subject', 'action'] },
      )
      .map((b) => JSON.stringify(b)),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '{"__proto__":{"x":1}}', '\uFEFF{}') },
  {
    weight: 1,
    arbitrary: fc
      .string({ maxLength: 30 })
      .map((s) => `{"subject":"${RONGCHENG_PERSON}","action":${JSON.stringify(s)}}`),
  },
);

const AUTHS: (string | undefined)[] = [
  ...(Object.keys(KEYS) as KeyName[]).map(bearer),
  'Bearer mk_unknown',
  'Basic abc',
  `bearer   ${plainKey('firm')}`,
  undefined,
];

describe('the decision fast path answers exactly as Fastify does', () => {
  let fast: Side;
  let slow: Side;
  beforeAll(async () => {
    [fast, slow] = await Promise.all([side(true, { max: 100_000 }), side(false, { max: 100_000 })]);
    expect(fast.fast).toBeDefined();
    expect(slow.fast).toBeUndefined();
    // A revoked key is cached first (as a live server would have it), then revoked: the cache must forget it.
    for (const s of [fast, slow]) {
      await s.ctx.keys.authenticate(plainKey('revoked'));
      await s.ctx.keys.revokeKey('key_revoked');
    }
  }, 60_000);
  afterAll(async () => {
    await close(fast);
    await close(slow);
  });

  it('on the happy path, answered by the fast path itself', async () => {
    const q = { subject: WENDENG_PERSON, action: 'fly', date: '2025-03-01', purpose: 'ticket sale' };
    // The first request of a key reads it from the store (Fastify's path); later ones find it cached.
    await same(fast, slow, {
      contentType: 'application/json',
      auth: bearer('firm'),
      body: JSON.stringify(q),
    });
    const before = fast.fast!.answered;
    for (const body of [
      { ...q, receipt: false },
      q,
      { ...q, date: undefined },
      { subject: RONGCHENG_PERSON, action: 'buy_property', purpose: 'p', receipt: false },
      { subject: WENDENG_FIRM, action: 'bid_government_procurement', purpose: 'tender', date: '2024-02-29' },
    ]) {
      const a = await same(fast, slow, {
        contentType: 'application/json',
        auth: bearer('firm'),
        body: JSON.stringify(body),
      });
      expect(a.status, a.body).toBe(200);
    }
    expect(fast.fast!.answered - before).toBe(5);
  });

  it('hands everything else to Fastify, which answers it as before', async () => {
    const handed = fast.fast!.handed;
    for (const r of [
      { body: JSON.stringify({ subject: WENDENG_PERSON, action: 'fly' }) }, // a firm without a purpose
      { body: JSON.stringify({ subject: WENDENG_PERSON, action: 'teleport', purpose: 'x' }) }, // unknown action
      { body: JSON.stringify({ subject: '371082198207079438', action: 'fly', purpose: 'x' }) }, // bad check digit
      { body: '{"subject":' },
      { body: JSON.stringify({ subject: WENDENG_PERSON, action: 'fly', purpose: 'x', more: 1 }) },
    ])
      expect(
        (await same(fast, slow, { contentType: 'application/json', auth: bearer('firm'), ...r })).status,
      ).not.toBe(200);
    expect(fast.fast!.handed - handed).toBe(5);
  });

  it('agrees over generated requests (keys, roles, scopes, media types, urls, bodies)', async () => {
    const answered = fast.fast!.answered;
    await fc.assert(
      fc.asyncProperty(
        bodyText,
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(bearer('firm'), bearer('agency')) },
          { weight: 3, arbitrary: fc.constantFrom(...AUTHS) },
        ),
        fc.oneof(
          { weight: 4, arbitrary: fc.constant('application/json') },
          {
            weight: 1,
            arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/plain', undefined),
          },
        ),
        fc.oneof(
          { weight: 4, arbitrary: fc.constant('/v1/decisions') },
          { weight: 1, arbitrary: fc.constant('/v1/decisions?x=1') },
        ),
        async (body, auth, contentType, url) => {
          await same(fast, slow, { body, auth, contentType, url });
        },
      ),
      { numRuns: 250, seed: 1812 },
    );
    // The property must have exercised the fast path, not only the hand-over.
    expect(fast.fast!.answered - answered).toBeGreaterThan(20);
  }, 120_000);

  it('answers a failure to store the row as the error handler does, and counts it alike', async () => {
    const body = JSON.stringify({ subject: WENDENG_PERSON, action: 'fly', purpose: 'x', receipt: false });
    const saved = [fast, slow].map((s) => s.ctx.accessLog.append.bind(s.ctx.accessLog));
    for (const s of [fast, slow]) s.ctx.accessLog.append = () => Promise.reject(new Error('disk full'));
    try {
      const answered = fast.fast!.answered;
      const a = await same(fast, slow, { contentType: 'application/json', auth: bearer('firm'), body });
      expect(a.status).toBe(500);
      expect(JSON.parse(a.body).code).toBe('server.error');
      expect(fast.fast!.answered).toBe(answered);
    } finally {
      [fast, slow].forEach((s, i) => (s.ctx.accessLog.append = saved[i]!));
    }
    expect((await fast.ctx.accessLog.verify()).ok).toBe(true);
  });
});

describe('the decision fast path counts against the same rate limit', () => {
  it('gives the same limit headers and refuses the same request', async () => {
    const [fast, slow] = await Promise.all([side(true, { max: 3 }), side(false, { max: 3 })]);
    try {
      const body = JSON.stringify({ subject: WENDENG_PERSON, action: 'fly', purpose: 'x', receipt: false });
      const r = { contentType: 'application/json', auth: bearer('agency'), body };
      const statuses: number[] = [];
      // A body Fastify refuses before its rate-limit hook counts nothing, on either path.
      await same(fast, slow, { ...r, body: '{' });
      for (let i = 0; i < 5; i++) {
        const a = await same(fast, slow, r);
        statuses.push(a.status);
        expect(a.headers['x-ratelimit-limit']).toBe('3');
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      // The refused '{' (its key not cached yet: Fastify's, unread) put the key in the cache, as keys are checked
      // before bodies: the three 200s were the fast path's, the two 429s read by it and handed to Fastify.
      expect(fast.fast!.answered).toBe(3);
      expect(fast.fast!.handed).toBe(2);
    } finally {
      await close(fast);
      await close(slow);
    }
  }, 60_000);
});
