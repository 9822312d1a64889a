// The server side of the web app: GET /v1/me, the objection queue, the static web app under its CSP, and the demo
// seeding of `mosaic serve --demo` (idempotent data, opaque portal refs that open the entity page).
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON read loosely by the assertions */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../ledger/open.js';
import { buildServer } from './app.js';
import { demoAccess, demoLicences, loadDemoData } from './demo.js';
import { findUnmasked } from './mask.js';
import { RONGCHENG_PERSON, type Harness } from './server.contract.js';
import { embeddedHarness } from './harness.testkit.js';

describe('web app routes', () => {
  let h: Harness;
  let dispose: () => Promise<void>;
  const webDir = mkdtempSync(join(tmpdir(), 'mosaic-webapp-'));
  beforeAll(async () => {
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(webDir, 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(webDir, 'assets', 'notes.txt'), 'not served');
    process.env.MOSAIC_WEB_DIR = webDir;
    const e = await embeddedHarness();
    h = e;
    dispose = e.close;
  }, 120_000);
  afterAll(async () => {
    delete process.env.MOSAIC_WEB_DIR;
    await dispose?.();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('GET /v1/me names the account behind a key, and the public without one', async () => {
    const pub = await h.call('GET', '/v1/me');
    expect(pub.json).toMatchObject({ role: 'public', subject: null, name: null });
    const me = await h.call('GET', '/v1/me', h.keys.subject);
    expect(me.json).toMatchObject({ role: 'subject', subject: RONGCHENG_PERSON, scopes: ['*'] });
    const office = await h.call('GET', '/v1/me', h.keys.credit_office);
    expect(office.json).toMatchObject({ role: 'credit_office', jurisdiction: '371082', subject: null });
    expect((await h.call('GET', '/v1/me', 'mk_nope_nope')).status).toBe(401);
  });

  it('GET /v1/objections lists open objections by deadline with working days late, and drops decided ones', async () => {
    const recs = (
      await h.call('GET', `/v1/subjects/${RONGCHENG_PERSON}/dueprocess?asOf=2025-01-01`, h.keys.subject)
    ).json.records;
    const [a, b] = recs;
    const file = async (ref: string, day: string) =>
      (
        await h.call('POST', '/v1/objections', h.keys.subject, {
          subject: RONGCHENG_PERSON,
          target: { type: 'record', ref },
          reasons: 'not mine',
          day,
        })
      ).json;
    const o1 = await file(a.id, '2025-03-03');
    const o2 = await file(b.id, '2025-03-10');
    const q = await h.call('GET', '/v1/objections?asOf=2025-06-02', h.keys.credit_office);
    expect(q.status, q.text).toBe(200);
    expect(q.json.objections.map((o: any) => o.id)).toEqual([o1.id, o2.id]);
    // Lateness is the overdue KPI's, item by item.
    const kpi = (await h.call('GET', '/v1/dueprocess/overdue?asOf=2025-06-02', h.keys.credit_office)).json;
    const late = new Map(kpi.bodies.flatMap((x: any) => x.items.map((i: any) => [i.id, i.workingDaysLate])));
    for (const o of q.json.objections) {
      expect(o.workingDaysLate).toBe(late.get(o.id));
      expect(o.workingDaysLate).toBeGreaterThan(0);
    }
    // Before the first was filed the queue is empty; as of its filing day it is within its limit.
    expect(
      (await h.call('GET', '/v1/objections?asOf=2025-03-01', h.keys.credit_office)).json.objections,
    ).toEqual([]);
    const early = (await h.call('GET', '/v1/objections?asOf=2025-03-03', h.keys.credit_office)).json
      .objections;
    expect(early.map((o: any) => [o.id, o.workingDaysLate])).toEqual([[o1.id, 0]]);
    const d = await h.call('POST', `/v1/objections/${o1.id}/decide`, h.keys.credit_office, {
      outcome: 'rejected',
      reasons: 'the record stands',
      day: '2025-06-03',
    });
    expect(d.status, d.text).toBe(200);
    const after = (await h.call('GET', '/v1/objections?asOf=2025-06-03', h.keys.credit_office)).json
      .objections;
    expect(after.map((o: any) => o.id)).toEqual([o2.id]);
    const all = (await h.call('GET', '/v1/objections?asOf=2025-06-03&status=all', h.keys.credit_office)).json
      .objections;
    expect(all.find((o: any) => o.id === o1.id)).toMatchObject({
      status: 'rejected',
      closedOn: '2025-06-03',
    });
    // An auditor sees the queue masked.
    const aud = await h.call('GET', '/v1/objections?asOf=2025-06-03', h.keys.auditor);
    expect(aud.status).toBe(200);
    expect(findUnmasked(aud.json)).toBeUndefined();
    expect((await h.call('GET', '/v1/objections?status=closed', h.keys.credit_office)).status).toBe(400);
  });

  it('serves the built app at / under a self-only CSP, hashed assets immutable, nothing else', async () => {
    const page = await h.call('GET', '/');
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    const res = await h.app.inject({ method: 'GET', url: '/' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("connect-src 'self'");
    const js = await h.app.inject({ method: 'GET', url: '/assets/index-abc.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toContain('text/javascript');
    expect(js.headers['cache-control']).toContain('immutable');
    for (const bad of [
      '/assets/notes.txt',
      '/assets/..%2Findex.html',
      '/assets/a..b.js',
      '/assets/missing.js',
    ]) {
      const r = await h.call('GET', bad);
      expect([400, 404], bad).toContain(r.status);
      expect(r.type, bad).toContain('problem+json');
    }
  });

  it('answers a clear 404 when the app is not built', async () => {
    process.env.MOSAIC_WEB_DIR = join(webDir, 'absent');
    const { app } = await buildServer(h.ctx, { rateLimit: false });
    try {
      const r = await app.inject({ method: 'GET', url: '/' });
      expect(r.statusCode).toBe(404);
      expect(JSON.parse(r.body).code).toBe('webapp.not_built');
    } finally {
      process.env.MOSAIC_WEB_DIR = webDir;
      await app.close();
    }
  });
});

describe('mosaic serve --demo seeding', () => {
  it('loads the sample once, publishes the demo penalties once, and issues working keys on every start', async () => {
    const ledger = await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 });
    const { createContext } = await import('./context.js');
    try {
      expect(await loadDemoData(ledger)).toBeGreaterThan(50);
      expect(await loadDemoData(ledger)).toBe(0);
      const ctx = await createContext(ledger);
      const { app } = await buildServer(ctx, { rateLimit: false });
      try {
        const first = await demoAccess(ctx);
        const second = await demoAccess(ctx);
        expect(second.map((k) => k.name)).toEqual(first.map((k) => k.name));
        expect(second.map((k) => k.key)).not.toEqual(first.map((k) => k.key));
        expect(await ctx.keys.countAccounts('subject')).toBe(
          first.filter((k) => k.role === 'subject').length,
        );
        for (const k of second) {
          const me = JSON.parse(
            (await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${k.key}` } })).body,
          );
          expect(me).toMatchObject({ role: k.role, subject: k.subject });
        }
        // The published penalty is on the portal, and the search result's ref opens the entity page.
        const search = JSON.parse((await app.inject({ url: '/v1/portal/search?q=威海某某建筑' })).body);
        const [firm] = search.results;
        expect(firm.ref).toMatch(/^p[0-9a-f]{20}$/);
        const page = JSON.parse((await app.inject({ url: `/v1/portal/entities/${firm.ref}` })).body);
        expect(page.entity.name).toBe(firm.name);
        expect(page.penalties.length).toBe(1);
        expect(findUnmasked(page)).toBeUndefined();
        // By its USCC (the register's lookup, no walk over every subject) the firm's page is the same page.
        const uscc = (await ledger.subjects()).find((s) => s.name === firm.name)!.id;
        const byCode = JSON.parse(
          (await app.inject({ url: `/v1/portal/entities/${uscc.toLowerCase()}` })).body,
        );
        expect(byCode.entity).toEqual(page.entity);
        expect(byCode.penalties).toEqual(page.penalties);
        // Double publicity's other half: the firm's licence decided 2025-03-14 is shown for the pack's 36 months (an
        // assumption, marked U), so until 2028-03-13; its 2021 licence stopped being shown after 2024-05-19.
        const lic = async (asOf: string) =>
          JSON.parse((await app.inject({ url: `/v1/portal/entities/${uscc}?asOf=${asOf}` })).body).licences;
        expect(await lic('2026-12-01')).toEqual([
          expect.objectContaining({
            kind: 'licensing.administrative_licence',
            decidedOn: '2025-03-14',
            showUntil: '2028-03-13',
            daysLeft: 468,
            marker: 'U',
            assumption: true,
            basis: expect.stringContaining('Administrative Licensing Law'),
          }),
        ]);
        expect((await lic('2024-05-19')).map((l: { daysLeft: number }) => l.daysLeft)).toEqual([0]);
        expect(await lic('2024-05-20')).toEqual([]);
        expect(await lic('2021-05-19')).toEqual([]);
      } finally {
        await app.close();
        await ctx.close();
      }
    } finally {
      await ledger.close();
    }
  });
});

describe('licences on the portal', () => {
  it('a withdrawn licence is not shown, a corrected one is shown as corrected, other kinds never', async () => {
    const { licencesShown } = await import('./routes/portal.js');
    const { shippedDueProcessPolicy } = await import('../dueprocess/policy.js');
    const { defaultCataloguePath, loadCatalogue } = await import('../core/catalogue.js');
    const { recordId } = await import('../core/types.js');
    const { toEpochDay } = await import('../core/dates.js');
    const [a, , b] = demoLicences();
    const fix = { ...b!, basis: 'corrected document', status: 'correction' as const, supersedes: b!.id };
    const gone = { ...a!, status: 'withdrawal' as const, supersedes: a!.id };
    const penalty = { ...a!, kind: 'admin.penalty', severity: 'warning' };
    const recs = [a!, b!, penalty, { ...fix, id: recordId(fix) }, { ...gone, id: recordId(gone) }];
    const shown = licencesShown(
      shippedDueProcessPolicy(),
      loadCatalogue(defaultCataloguePath()),
      recs,
      toEpochDay('2026-06-01'),
    );
    expect(shown.map((l) => l.document)).toEqual(['corrected document']);
    // Without the withdrawal and correction both licences show; a penalty record is never a licence.
    const plain = licencesShown(
      shippedDueProcessPolicy(),
      loadCatalogue(defaultCataloguePath()),
      [a!, b!, penalty],
      toEpochDay('2026-06-01'),
    );
    expect(plain.map((l) => l.record)).toEqual([a!.id, b!.id]);
  });
});
