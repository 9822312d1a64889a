// Walks the whole role × route matrix (every cell allowed or refused with the right code) and crawls every public
// route to prove no unmasked identifier leaves the server.
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON read loosely by the assertions */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../ledger/open.js';
import { buildServer } from './app.js';
import { ROLES, type RoleName } from './auth.js';
import { findUnmasked } from './mask.js';
import { harness, RONGCHENG_PERSON, sampleSubjects, type Harness } from './server.contract.js';

/** Who may call what: the declared matrix, written out so a change to any route's access is a visible change here. */
const EXPECTED: Record<string, readonly RoleName[]> = {
  'GET /health': ROLES,
  'GET /metrics': ROLES,
  'GET /openapi.json': ROLES,
  'GET /v1/jurisdictions': ROLES,
  'GET /v1/lists': ROLES,
  'GET /v1/lists/:list/entries': ROLES,
  'POST /v1/admin/accounts': ['admin'],
  'POST /v1/admin/accounts/:id/keys': ['admin'],
  'DELETE /v1/admin/keys/:id': ['admin'],
  'PUT /v1/admin/jurisdictions/:code': ['admin'],
  'POST /v1/records': ['agency', 'court'],
  // What a credit office manages for its own platform: list entries by statement, schemes and published lists.
  'POST /v1/lists/:list/statements': ['credit_office', 'court'],
  'PATCH /v1/jurisdictions/:code': ['credit_office', 'admin'],
  'GET /v1/subjects/:id/report': ['subject', 'agency', 'credit_office', 'court', 'auditor', 'admin'],
  'GET /v1/me/access-log': ['subject'],
  'GET /v1/access-log': ['auditor', 'admin'],
  'GET /v1/access-log/verify': ['auditor', 'admin'],
  'GET /v1/feeds/:list': ['firm', 'credit_office', 'auditor', 'admin'],
  'POST /v1/subscriptions': ['firm'],
  'GET /v1/subscriptions': ['firm'],
  'POST /v1/subscriptions/:id/replay': ['firm'],
  'DELETE /v1/subscriptions/:id': ['firm'],
  'POST /v1/decisions': ['firm', 'agency', 'credit_office', 'court', 'admin'],
  // Due process and the public portal (issue 13).
  'POST /v1/evidence': ['subject', 'agency', 'court', 'credit_office', 'admin'],
  'POST /v1/objections': ['subject', 'credit_office', 'admin'],
  'GET /v1/objections/:id': ['subject', 'agency', 'court', 'credit_office', 'auditor', 'admin'],
  'POST /v1/objections/:id/refer': ['agency', 'court', 'credit_office', 'admin'],
  'POST /v1/objections/:id/decide': ['agency', 'court', 'credit_office', 'admin'],
  'POST /v1/objections/:id/withdraw': ['subject', 'credit_office', 'admin'],
  'POST /v1/objections/:id/evidence': ['subject', 'credit_office', 'admin'],
  'GET /v1/dueprocess/overdue': ['credit_office', 'auditor', 'admin'],
  'POST /v1/publications': ['agency', 'court', 'credit_office', 'admin'],
  'POST /v1/publications/:id/corrected': ['agency', 'court', 'credit_office', 'admin'],
  'POST /v1/repairs': ['subject', 'credit_office', 'admin'],
  'POST /v1/repairs/:id/forward': ['credit_office', 'admin'],
  'POST /v1/repairs/:id/decide': ['agency', 'court', 'credit_office', 'admin'],
  'GET /v1/subjects/:id/dueprocess': ['subject', 'agency', 'court', 'credit_office', 'auditor', 'admin'],
  'GET /v1/portal/search': ROLES,
  'GET /v1/portal/entities/:ref': ROLES,
  // The web app (issue 14): its page and assets, who a key stands for, the credit office's objection queue.
  'GET /': ROLES,
  'GET /assets/:file': ROLES,
  'GET /v1/me': ROLES,
  'GET /v1/objections': ['credit_office', 'auditor', 'admin'],
  // Firm → state data channels (issue 17): state bodies ask; auditors and admins read the budgets.
  'POST /v1/channels/:firm/requests': ['agency', 'court', 'credit_office'],
  'GET /v1/channels/:firm/budget': ['agency', 'court', 'credit_office', 'auditor', 'admin'],
  'GET /v1/repairs': ['credit_office', 'auditor', 'admin'],
  'GET /v1/publications': ['credit_office', 'auditor', 'admin'],
  'GET /v1/publications/:id/conditions': ['subject', 'credit_office', 'auditor', 'admin'],
  'GET /v1/office/kpis': ['credit_office', 'auditor', 'admin'],
  'POST /v1/lab/runs': ROLES,
  'GET /v1/lab/runs/:id': ROLES,
  'GET /v1/lab/packs': ROLES,
};

const fill = (url: string) =>
  url
    .replace('/subjects/:id', `/subjects/${RONGCHENG_PERSON}`)
    .replace(':list', 'spc_defaulters')
    .replace(':firm', 'ride-hailing')
    .replace(':code', '371082')
    .replace(':id', 'x_missing');

describe('role × route matrix', () => {
  let h: Harness;
  let routes: Map<string, { roles: readonly RoleName[] }>;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    const ledger = await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 });
    h = await harness({ ledger, dispose: () => ledger.close() });
    // The same context through a second app only to read its route table.
    const built = await buildServer(h.ctx, { rateLimit: false });
    routes = built.routes;
    dispose = async () => {
      await built.app.close();
      await h.app.close();
      await h.ctx.close();
      await ledger.close();
    };
  }, 120_000);
  afterAll(() => dispose?.());

  it('declares exactly the expected access for every API route', () => {
    const declared = Object.fromEntries(
      [...routes].filter(([k]) => !k.includes(' /docs')).map(([k, a]) => [k, [...a.roles].sort()]),
    );
    const expected = Object.fromEntries(Object.entries(EXPECTED).map(([k, r]) => [k, [...r].sort()]));
    expect(declared).toEqual(expected);
  });

  it('enforces every cell: allowed roles pass, others get 401 auth.required or 403 auth.forbidden_role', async () => {
    let cells = 0;
    for (const [route, allowed] of Object.entries(EXPECTED)) {
      const [method, url] = route.split(' ') as [string, string];
      for (const role of ROLES) {
        const key = role === 'public' ? undefined : h.keys[role];
        const body = method === 'GET' || method === 'DELETE' ? undefined : {};
        const res = await h.call(method, fill(url), key, body);
        const where = `${role} ${route} → ${res.status} ${res.text.slice(0, 200)}`;
        if (allowed.includes(role)) {
          expect([401, 403], where).not.toContain(res.status);
          expect(res.status, where).toBeLessThan(500);
        } else if (role === 'public') {
          expect(res.status, where).toBe(401);
          expect(res.json.code, where).toBe('auth.required');
        } else {
          expect(res.status, where).toBe(403);
          expect(res.json.code, where).toBe('auth.forbidden_role');
        }
        cells++;
      }
    }
    expect(cells).toBe(Object.keys(EXPECTED).length * ROLES.length);
  }, 120_000);

  it('a key without the route’s scope is refused with auth.missing_scope', async () => {
    const acc = await h.call('POST', '/v1/admin/accounts', h.keys.admin, {
      role: 'firm',
      name: 'feeds only',
    });
    const k = await h.call('POST', `/v1/admin/accounts/${acc.json.id}/keys`, h.keys.admin, {
      scopes: ['feeds:read'],
    });
    expect((await h.call('GET', '/v1/feeds/spc_defaulters', k.json.key)).status).toBe(200);
    const d = await h.call('POST', '/v1/decisions', k.json.key, {
      subject: RONGCHENG_PERSON,
      action: 'fly',
      purpose: 'x',
    });
    expect(d.status).toBe(403);
    expect(d.json.code).toBe('auth.missing_scope');
  });

  it('public routes never return an unmasked identifier (crawl)', async () => {
    const lists = (await h.call('GET', '/v1/lists')).json.lists.map((l: any) => l.list);
    const urls = [
      '/health',
      '/metrics',
      '/openapi.json',
      '/v1/jurisdictions',
      '/v1/lists',
      '/docs/',
      '/docs/json',
    ];
    for (const l of lists)
      for (const d of ['2024-06-30', '2024-12-31', '2025-06-30', '2026-12-31'])
        urls.push(`/v1/lists/${l}/entries?asOf=${d}`);
    // The portal (issue 13): searches, and every entity page they lead to.
    let pages = 0;
    // The search finds names by their start, so it is asked for the first two characters of every sample name.
    const prefixes = [...new Set(sampleSubjects().map((s) => (s.name ?? '').slice(0, 2)))].filter(
      (p) => p.length === 2,
    );
    for (const d of ['2024-12-31', '2025-06-30', '2026-06-30'])
      for (const q of prefixes) {
        const u = `/v1/portal/search?q=${encodeURIComponent(q)}&asOf=${d}`;
        urls.push(u);
        for (const r of (await h.call('GET', u)).json.results) {
          urls.push(`/v1/portal/entities/${r.ref}?asOf=${d}`);
          pages++;
        }
      }
    expect(pages).toBeGreaterThan(0);
    // The web app (issue 14): its page, every asset the page loads, and who-am-I without a key.
    urls.push('/', '/v1/me');
    // The lab: a run's status as anyone may read it (the run itself is stopped when the server closes).
    const lab = await h.call('POST', '/v1/lab/runs', undefined, {
      population: 1000,
      years: 0.25,
      seed: 1,
      set: {},
    });
    expect(lab.status, lab.text).toBe(202);
    urls.push(`/v1/lab/runs/${lab.json.id}`, '/v1/lab/packs');
    for (const m of (await h.call('GET', '/')).text.matchAll(/\/assets\/[\w.-]+/g)) urls.push(m[0]);
    expect(urls.some((u) => u.startsWith('/assets/'))).toBe(true);
    let rows = 0;
    for (const u of urls) {
      const res = await h.call('GET', u);
      expect(res.status, u).toBeLessThan(400);
      expect(findUnmasked(res.text), u).toBeUndefined();
      if (u.includes('/entries')) rows += res.json.count;
    }
    // The crawl saw real entries, not empty lists.
    expect(rows).toBeGreaterThan(0);
    // Every public GET route was crawled.
    for (const [route, a] of Object.entries(EXPECTED))
      if (a.includes('public') && route.startsWith('GET'))
        expect(
          urls.some((u) => u.split('?')[0]!.startsWith(route.split(' ')[1]!.split(':')[0]!)),
          route,
        ).toBe(true);
  });
});
