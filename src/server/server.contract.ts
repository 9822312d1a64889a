// The API contract: one suite every storage mode runs (DuckDB file, PostgreSQL schema), through the real Fastify app.
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON read loosely by the assertions */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipped } from '../core/paths.js';
import { recordId, type CreditRecord, type Subject } from '../core/types.js';
import type { Ledger } from '../ledger/ledger.js';
import { buildServer, type ServerApp } from './app.js';
import { createContext, type ServerContext } from './context.js';
import { findUnmasked } from './mask.js';
import { officeCases } from './office.contract.js';
import { bootstrapAdmin } from './serve.js';

export interface StoreHandle {
  ledger: Ledger;
  pgUrl?: string;
  dispose(): Promise<void>;
}

const jsonl = <T>(f: string): T[] =>
  readFileSync(shipped('scenarios', 'sample', f), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
export const sampleSubjects = () => jsonl<Subject>('subjects.jsonl');
export const sampleRecords = () => jsonl<CreditRecord>('records.jsonl');

/** A running app with a seeded ledger and one key per role. */
export interface Harness {
  app: ServerApp;
  ctx: ServerContext;
  keys: Record<string, string>;
  call(
    method: string,
    url: string,
    key?: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: any; text: string; type: string }>;
}

export const RONGCHENG_PERSON = '371082198207079437';
export const WENDENG_PERSON = '371003197006309398';

export function courtListing(subject = WENDENG_PERSON, n = 901): Record<string, unknown> {
  return {
    subject,
    kind: 'court.defaulter_listed',
    occurredAt: '2025-02-01',
    reportedAt: '2025-02-03',
    basis: `(2025)鲁1003执${n}号; Fa Shi [2017] No. 7 Art. 1 (entry criteria E1-E6)`,
    severity: 'e2',
    level: 'national',
  };
}
export const WENDENG_FIRM = '91371003YYYFFGJT08';

export async function harness(store: StoreHandle): Promise<Harness> {
  await store.ledger.putSubjects(sampleSubjects());
  await store.ledger.append(sampleRecords());
  const ctx = await createContext(store.ledger, { pgUrl: store.pgUrl });
  const { app } = await buildServer(ctx, { rateLimit: false });
  const keys: Record<string, string> = { admin: (await bootstrapAdmin(ctx))! };
  const call: Harness['call'] = async (method, url, key, body, headers = {}) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      ...(body === undefined
        ? {}
        : typeof body === 'string'
          ? {
              payload: body,
              headers: {
                'content-type': 'application/json',
                ...(key ? { authorization: `Bearer ${key}` } : {}),
                ...headers,
              },
            }
          : { payload: body as object }),
    });
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, json, text: res.body, type: String(res.headers['content-type'] ?? '') };
  };
  const make = async (name: string, account: Record<string, unknown>) => {
    const a = await call('POST', '/v1/admin/accounts', keys.admin, { name, ...account });
    expect(a.status, a.text).toBe(200);
    const k = await call('POST', `/v1/admin/accounts/${a.json.id}/keys`, keys.admin, {});
    expect(k.status, k.text).toBe(200);
    keys[name] = k.json.key;
  };
  await make('subject', { role: 'subject', subject: RONGCHENG_PERSON });
  await make('agency', {
    role: 'agency',
    agency: 'community',
    jurisdiction: '371082',
    kinds: ['community.'],
  });
  await make('court', { role: 'court', agency: 'court', jurisdiction: '371003' });
  await make('credit_office', { role: 'credit_office', jurisdiction: '371082' });
  await make('prefecture_office', { role: 'credit_office', jurisdiction: '371000' });
  await make('firm', { role: 'firm' });
  await make('auditor', { role: 'auditor' });
  return { app, ctx, keys, call };
}

export function communityRecord(i: number, subject = RONGCHENG_PERSON): Record<string, unknown> {
  return {
    subject,
    kind: 'community.dispute_mediation',
    occurredAt: '2024-04-01',
    reportedAt: '2024-04-03',
    basis: `community-2024-${1000 + i}; Wendeng 2020 Attachment 1 positive item P18`,
    amount: 1,
    level: 'county',
  };
}

export function serverContract(name: string, open: () => Promise<StoreHandle>): void {
  describe(`server API contract (${name})`, () => {
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

    it('serves the OpenAPI 3.1 document and a local explorer', async () => {
      const doc = await h.call('GET', '/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.json.openapi).toBe('3.1.0');
      expect(Object.keys(doc.json.paths)).toEqual(
        expect.arrayContaining(['/v1/records', '/v1/subjects/{id}/report']),
      );
      const ui = await h.call('GET', '/docs/');
      expect(ui.status).toBe(200);
      expect(ui.text).not.toMatch(/src="https?:/);
      const js = await h.call('GET', '/docs/static/swagger-ui-bundle.js');
      expect(js.status).toBe(200);
    });

    it('answers health and metrics', async () => {
      const r = await h.call('GET', '/health');
      expect(r.json).toMatchObject({ status: 'ok', ledger: store.ledger.adapter });
      const m = await h.call('GET', '/metrics');
      expect(m.text).toMatch(/^mosaic_http_requests_total\{/m);
    });

    it('answers unknown routes and bad JSON with problem+json', async () => {
      const nf = await h.call('GET', '/v1/nothing');
      expect(nf.status).toBe(404);
      expect(nf.type).toMatch(/application\/problem\+json/);
      expect(nf.json.code).toBe('route.not_found');
      const bad = await h.call('POST', '/v1/records', h.keys.agency, '{"records": [');
      expect(bad.status).toBe(400);
      expect(bad.type).toMatch(/problem\+json/);
    });

    it('stores a batch once, replays it, and refuses a reused key with another body', async () => {
      const before = await store.ledger.count();
      const body = { records: [communityRecord(1), communityRecord(2)] };
      const a = await h.call('POST', '/v1/records', h.keys.agency, body, { 'idempotency-key': 'b1' });
      expect(a.status, a.text).toBe(200);
      expect(a.json).toMatchObject({ records: 2, inserted: 2, duplicates: 0, replayed: false });
      const b = await h.call('POST', '/v1/records', h.keys.agency, body, { 'idempotency-key': 'b1' });
      expect(b.json).toMatchObject({ inserted: 2, replayed: true });
      const c = await h.call(
        'POST',
        '/v1/records',
        h.keys.agency,
        { records: [communityRecord(3)] },
        { 'idempotency-key': 'b1' },
      );
      expect(c.status).toBe(409);
      expect(c.json.code).toBe('records.idempotency_conflict');
      expect(await store.ledger.count()).toBe(before + 2);
      const recs = await store.ledger.readSubject(RONGCHENG_PERSON);
      expect(recs.filter((r) => r.basis.startsWith('community-2024-100')).map((r) => r.agency)).toEqual([
        'community',
        'community',
      ]);
    });

    it('rejects a batch with bad rows whole, naming each row by position and code', async () => {
      const before = await store.ledger.count();
      const rows = [
        communityRecord(10),
        { ...communityRecord(11), occurredAt: '2024-02-30' },
        { ...communityRecord(12), kind: 'no.such_kind' },
        { ...communityRecord(13), agency: 'police' },
        // No amount: drink driving has no unit, and the row must be refused for the kind alone.
        { ...communityRecord(14), kind: 'traffic.drink_driving', amount: undefined },
      ];
      const r = await h.call('POST', '/v1/records', h.keys.agency, { records: rows });
      expect(r.status).toBe(422);
      const at = r.json.issues.map((i: any) => i.location.path[1]);
      expect(new Set(at)).toEqual(new Set([1, 2, 3, 4]));
      expect(r.json.issues.map((i: any) => i.code)).toEqual(
        expect.arrayContaining(['records.agency_mismatch', 'records.kind_not_authorised']),
      );
      expect(await store.ledger.count()).toBe(before);
    });

    it('gives a data subject its own report only, and logs every read with its purpose', async () => {
      const own = await h.call(
        'GET',
        `/v1/subjects/${RONGCHENG_PERSON}/report?asOf=2025-01-01`,
        h.keys.subject,
      );
      expect(own.status, own.text).toBe(200);
      expect(own.json.report.subject).toBe(RONGCHENG_PERSON);
      expect(own.json.report.schemes.map((s: any) => s.scheme)).toContain('rongcheng-points@2021');
      const other = await h.call('GET', `/v1/subjects/${WENDENG_FIRM}/report`, h.keys.subject);
      expect(other.status).toBe(403);
      expect(other.json.code).toBe('auth.not_own_subject');
      const noPurpose = await h.call('GET', `/v1/subjects/${RONGCHENG_PERSON}/report`, h.keys.agency);
      expect(noPurpose.status).toBe(400);
      expect(noPurpose.json.code).toBe('access.purpose_required');
      const withPurpose = await h.call(
        'GET',
        `/v1/subjects/${RONGCHENG_PERSON}/report?purpose=licence%20review`,
        h.keys.agency,
      );
      expect(withPurpose.status).toBe(200);
      const log = await h.call('GET', '/v1/me/access-log', h.keys.subject);
      expect(log.status).toBe(200);
      expect(log.json.rows.some((r: any) => r.role === 'agency' && r.purpose === 'licence review')).toBe(
        true,
      );
    });

    it('logs a report read once, and a read that fails after its row was written once more with its end', async () => {
      const url = `/v1/subjects/${WENDENG_PERSON}/report?asOf=2025-03-01`;
      const rowsFor = async () =>
        (await h.ctx.accessLog.rows({ subject: WENDENG_PERSON })).filter((r) => r.target === url);
      const before = (await rowsFor()).length;
      expect((await h.call('GET', url, h.keys.auditor)).status).toBe(200);
      const ok = (await rowsFor()).slice(before);
      expect(ok.map((r) => [r.role, r.status, r.detail])).toEqual([['auditor', 200, null]]);
      // An auditor's read is logged before the reads finish (decision 0165): make the ledger read fail after it.
      const ledger = h.ctx.ledger as { readSubject?: unknown };
      const own = Object.hasOwn(ledger, 'readSubject');
      const readSubject = ledger.readSubject;
      ledger.readSubject = () => Promise.reject(new Error('the ledger is gone'));
      try {
        expect((await h.call('GET', url, h.keys.auditor)).status).toBe(500);
      } finally {
        if (own) ledger.readSubject = readSubject;
        else delete ledger.readSubject;
      }
      const failed = (await rowsFor()).slice(before + 1);
      expect(failed.map((r) => [r.status, r.detail])).toEqual([
        [200, null],
        [500, `the read logged as row ${failed[0]!.seq} was answered 500`],
      ]);
      expect((await h.ctx.accessLog.verify()).ok).toBe(true);
    });

    it('names the field a record lacks when no rule line can score it without', async () => {
      const r: Omit<CreditRecord, 'id'> = {
        subject: WENDENG_PERSON,
        kind: 'admin.penalty',
        occurredAt: '2024-04-01',
        reportedAt: '2024-04-02',
        agency: 'police',
        basis: '公罚决字〔2024〕2号',
        status: 'original',
        level: 'county',
      };
      await store.ledger.append([{ id: recordId(r), ...r }]);
      const res = await h.call(
        'GET',
        `/v1/subjects/${WENDENG_PERSON}/report?asOf=2024-06-01`,
        h.keys.auditor,
      );
      expect(res.status, res.text).toBe(200);
      const lines = res.json.report.schemes.flatMap((v: any) => v.lines);
      expect(lines.filter((l: any) => l.needs)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'admin.penalty',
            occurredAt: '2024-04-01',
            needs: expect.objectContaining({ field: 'severity', pack: expect.stringContaining('wendeng') }),
          }),
        ]),
      );
    });

    it('masks identifiers for auditors', async () => {
      const r = await h.call('GET', `/v1/subjects/${RONGCHENG_PERSON}/report`, h.keys.auditor);
      expect(r.status).toBe(200);
      expect(r.text).not.toContain(RONGCHENG_PERSON);
      expect(r.json.view.masked).toBe(true);
    });

    it('shows a province only what its cities share upward', async () => {
      const city = await h.call(
        'GET',
        `/v1/subjects/${RONGCHENG_PERSON}/report?asOf=2025-06-01`,
        h.keys.credit_office,
      );
      const pref = await h.call(
        'GET',
        `/v1/subjects/${RONGCHENG_PERSON}/report?asOf=2025-06-01`,
        h.keys.prefecture_office,
      );
      expect(city.status).toBe(200);
      expect(pref.status).toBe(200);
      expect(city.json.view.withheld).toBe(0);
      expect(pref.json.view.records).toBeLessThan(city.json.view.records);
      expect(pref.json.view.records + pref.json.view.withheld).toBe(city.json.view.records);
    });

    it('refuses unknown, revoked and expired keys', async () => {
      const bad = await h.call('GET', '/v1/me/access-log', 'mk_nope_nope');
      expect(bad.status).toBe(401);
      expect(bad.json.code).toBe('auth.invalid_key');
      const acc = await h.call('POST', '/v1/admin/accounts', h.keys.admin, { role: 'auditor', name: 'temp' });
      const past = await h.call('POST', `/v1/admin/accounts/${acc.json.id}/keys`, h.keys.admin, {
        expiresAt: '2000-01-01T00:00:00Z',
      });
      const expired = await h.call('GET', '/v1/access-log', past.json.key);
      expect(expired.status).toBe(401);
      expect(expired.json.code).toBe('auth.expired_key');
      const live = await h.call('POST', `/v1/admin/accounts/${acc.json.id}/keys`, h.keys.admin, {});
      expect((await h.call('GET', '/v1/access-log', live.json.key)).status).toBe(200);
      expect((await h.call('DELETE', `/v1/admin/keys/${live.json.id}`, h.keys.admin)).status).toBe(200);
      expect((await h.call('GET', '/v1/access-log', live.json.key)).status).toBe(401);
    });

    it('lets a court list a defaulter, publishes the entry masked, and feeds the change to firms', async () => {
      const sub = await h.call('POST', '/v1/records', h.keys.court, { records: [courtListing()] });
      expect(sub.status, sub.text).toBe(200);
      const pub = await h.call('GET', '/v1/lists/spc_defaulters/entries?asOf=2025-03-01');
      expect(pub.status, pub.text).toBe(200);
      expect(pub.json.masked).toBe(true);
      expect(pub.json.count).toBeGreaterThanOrEqual(1);
      expect(findUnmasked(pub.json)).toBeUndefined();
      const office = await h.call(
        'GET',
        '/v1/lists/spc_defaulters/entries?asOf=2025-03-01',
        h.keys.credit_office,
      );
      expect(office.text).toContain(WENDENG_PERSON);
      // A data subject's key reads other people's entries as the public does.
      const resident = await h.call(
        'GET',
        '/v1/lists/spc_defaulters/entries?asOf=2025-03-01',
        h.keys.subject,
      );
      expect(resident.status, resident.text).toBe(200);
      expect(resident.json.masked).toBe(true);
      expect(findUnmasked(resident.json)).toBeUndefined();
      expect(resident.text).not.toContain(WENDENG_PERSON);
      expect((await h.call('GET', '/v1/feeds/spc_defaulters')).status).toBe(401);
      const feed = await h.call('GET', '/v1/feeds/spc_defaulters?cursor=0', h.keys.firm);
      expect(feed.status, feed.text).toBe(200);
      const mine = feed.json.changes.filter((c: any) => c.subject === WENDENG_PERSON);
      expect(mine.map((c: any) => c.change)).toEqual(['listed']);
      expect(mine[0].statement.basis).toContain('执901号');
      const after = await h.call('GET', `/v1/feeds/spc_defaulters?cursor=${feed.json.cursor}`, h.keys.firm);
      expect(after.json.changes).toEqual([]);
    });

    it('decides at the point of service with every reason and a stored receipt', async () => {
      const before = await store.ledger.count();
      const q = { subject: WENDENG_PERSON, action: 'fly', date: '2025-03-01' };
      const noPurpose = await h.call('POST', '/v1/decisions', h.keys.firm, q);
      expect(noPurpose.status).toBe(400);
      const d = await h.call('POST', '/v1/decisions', h.keys.firm, { ...q, purpose: 'ticket sale' });
      expect(d.status, d.text).toBe(200);
      expect(d.json.decision.outcome).not.toBe('allow');
      expect(d.json.decision.reasons.length).toBeGreaterThan(0);
      for (const r of d.json.decision.reasons) expect(r.legalBasis).toBeTruthy();
      expect(d.json.receipt.stored).toBe(true);
      expect(await store.ledger.count()).toBe(before + 1);
      const recs = await store.ledger.readSubject(WENDENG_PERSON);
      expect(recs.some((r) => r.id === d.json.receipt.id && r.kind.startsWith('receipt.'))).toBe(true);
      const unknown = await h.call('POST', '/v1/decisions', h.keys.firm, {
        ...q,
        action: 'teleport',
        purpose: 'x',
      });
      expect(unknown.status).toBe(422);
      expect(unknown.json.code).toBe('decide.unknown_action');
    });

    it('pushes list changes to webhooks, signed, retried, and replayable from a cursor', async () => {
      const got: any[] = [];
      let failFirst = 2;
      let secret = '';
      const receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          if (failFirst-- > 0) return void res.writeHead(503).end();
          const sig = String(req.headers['x-mosaic-signature']);
          const t = /t=(\d+)/.exec(sig)![1];
          const want = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
          if (!sig.endsWith(`v1=${want}`)) return void res.writeHead(401).end();
          got.push(...JSON.parse(body).changes);
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      const port = (receiver.address() as { port: number }).port;
      try {
        const s = await h.call('POST', '/v1/subscriptions', h.keys.firm, {
          list: 'spc_defaulters',
          url: `http://127.0.0.1:${port}/hook`,
        });
        expect(s.status, s.text).toBe(200);
        secret = s.json.secret;
        h.ctx.webhooks.start();
        const head = (await h.call('GET', '/v1/feeds/spc_defaulters?limit=10000', h.keys.firm)).json.head;
        const until = Date.now() + 20_000;
        while (Date.now() < until && (got.at(-1)?.seq ?? 0) < head)
          await new Promise((r) => setTimeout(r, 50));
        const seqs = got.map((c) => c.seq);
        expect(new Set(seqs).size).toBe(seqs.length);
        expect(seqs.length).toBeGreaterThan(0);
        expect(h.ctx.webhooks.failed).toBeGreaterThanOrEqual(2);
        got.length = 0;
        const replay = await h.call('POST', `/v1/subscriptions/${s.json.id}/replay`, h.keys.firm, {
          cursor: 0,
        });
        expect(replay.status).toBe(200);
        const until2 = Date.now() + 20_000;
        while (Date.now() < until2 && (got.at(-1)?.seq ?? 0) < head)
          await new Promise((r) => setTimeout(r, 50));
        expect(got.map((c) => c.seq)).toEqual(seqs);
      } finally {
        await h.ctx.webhooks.stop();
        await new Promise((r) => receiver.close(r));
      }
    }, 60_000);

    it('keeps an access log whose hash chain verifies', async () => {
      const v = await h.call('GET', '/v1/access-log/verify', h.keys.auditor);
      expect(v.status).toBe(200);
      expect(v.json.ok).toBe(true);
      expect(v.json.rows).toBeGreaterThan(5);
    });

    officeCases(() => h);
  });
}
