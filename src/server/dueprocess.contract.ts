// The due-process and portal API contract: one suite every storage mode runs (DuckDB file, PostgreSQL schema).
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON read loosely by the assertions */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './app.js';
import { createContext } from './context.js';
import { findUnmasked } from './mask.js';
import {
  harness,
  RONGCHENG_PERSON,
  WENDENG_FIRM,
  type Harness,
  type StoreHandle,
} from './server.contract.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n').toString('base64');

export function dueProcessContract(name: string, open: () => Promise<StoreHandle>): void {
  describe(`due process and portal API (${name})`, () => {
    let store: StoreHandle;
    let h: Harness;
    let call: Harness['call'];
    const k: Record<string, string> = {};
    let fine: any; // a community record about RONGCHENG_PERSON
    let second: any;
    let firmFine: any;

    beforeAll(async () => {
      store = await open();
      h = await harness(store);
      call = h.call;
      Object.assign(k, h.keys);
      const acc = await call('POST', '/v1/admin/accounts', k.admin, {
        role: 'agency',
        name: 'Weihai fire brigade',
        agency: 'fire',
        jurisdiction: '371000',
        kinds: ['firm.'],
      });
      k.fire = (await call('POST', `/v1/admin/accounts/${acc.json.id}/keys`, k.admin, {})).json.key;
      const sub = await call('POST', '/v1/records', k.agency, {
        records: [
          {
            subject: RONGCHENG_PERSON,
            kind: 'community.hazardous_conduct',
            occurredAt: '2026-02-02',
            reportedAt: '2026-02-03',
            basis: 'community-2026-7001',
          },
          {
            subject: RONGCHENG_PERSON,
            kind: 'community.hazardous_conduct',
            occurredAt: '2026-02-05',
            reportedAt: '2026-02-06',
            basis: 'community-2026-7002',
          },
        ],
      });
      expect(sub.status, sub.text).toBe(200);
      const recs = (await h.ctx.ledger.readSubject(RONGCHENG_PERSON)).filter((r) =>
        r.basis.startsWith('community-2026-700'),
      );
      fine = recs.find((r) => r.basis.endsWith('7001'));
      second = recs.find((r) => r.basis.endsWith('7002'));
      const f = await call('POST', '/v1/records', k.fire, {
        records: [
          {
            subject: WENDENG_FIRM,
            kind: 'firm.fire_safety_fine',
            occurredAt: '2026-02-09',
            reportedAt: '2026-02-10',
            basis: 'Wei Xiao Fa [2026] No. 12',
            severity: 'fine',
            amount: 30000,
          },
        ],
      });
      expect(f.status, f.text).toBe(200);
      firmFine = (await h.ctx.ledger.readSubject(WENDENG_FIRM)).find(
        (r) => r.basis === 'Wei Xiao Fa [2026] No. 12',
      );
      expect(firmFine?.agency).toBe('fire');
    }, 120_000);

    afterAll(async () => {
      await h?.app.close();
      await h?.ctx.close();
      await store?.dispose();
    });

    let evidence: any;
    it('stores evidence by hash, refusing wrong types and oversize files with a clear error', async () => {
      const ok = await call('POST', '/v1/evidence', k.subject, {
        name: 'receipt.pdf',
        type: 'application/pdf',
        content: PDF,
      });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json.sha256).toMatch(/^[0-9a-f]{64}$/);
      evidence = ok.json;
      const bad = await call('POST', '/v1/evidence', k.subject, {
        name: 'receipt.pdf',
        type: 'application/pdf',
        content: Buffer.from('MZ not a pdf').toString('base64'),
      });
      expect(bad.status).toBe(422);
      expect(bad.json.code).toBe('evidence.type_mismatch');
      const exe = await call('POST', '/v1/evidence', k.subject, {
        name: 'x.exe',
        type: 'application/x-msdownload',
        content: PDF,
      });
      expect(exe.json.code).toBe('evidence.type_not_allowed');
      const big = Buffer.alloc(10 * 1024 * 1024 + 1);
      big.write('%PDF-');
      const tooBig = await call('POST', '/v1/evidence', k.subject, {
        name: 'big.pdf',
        type: 'application/pdf',
        content: big.toString('base64'),
      });
      expect(tooBig.status).toBe(413);
      expect(tooBig.json.code).toBe('evidence.too_large');
    });

    let objection: any;
    let before: any;
    let beforeDp: any;
    it('a subject objects to a wrong record: routed to the producing body with the Shandong deadline, flagged in every report', async () => {
      const o = await call('POST', '/v1/objections', k.subject, {
        subject: RONGCHENG_PERSON,
        target: { type: 'record', ref: fine.id },
        reasons: 'I was in hospital that day; the report names the wrong person.',
        evidence: [evidence],
        day: '2026-02-12',
      });
      expect(o.status, o.text).toBe(200);
      expect(o.json).toMatchObject({
        channel: 'shandong_public_credit',
        body: 'community',
        receivedOn: '2026-02-12',
        due: '2026-02-24',
        status: 'open',
      });
      expect(o.json.basis).toContain('Art. 39');
      objection = o.json;
      // Nobody files for someone else as a data subject.
      const other = await call('POST', '/v1/objections', k.subject, {
        subject: WENDENG_FIRM,
        target: { type: 'record', ref: firmFine.id },
        reasons: 'x',
        day: '2026-02-12',
      });
      expect(other.status).toBe(403);
      before = await call('GET', `/v1/subjects/${RONGCHENG_PERSON}/report?asOf=2026-02-13`, k.subject);
      expect(before.status, before.text).toBe(200);
      expect(before.json.disputed).toEqual([
        expect.objectContaining({
          record: fine.id,
          flags: [expect.objectContaining({ objection: objection.id, due: '2026-02-24' })],
        }),
      ]);
      beforeDp = await call('GET', `/v1/subjects/${RONGCHENG_PERSON}/dueprocess?asOf=2026-02-13`, k.subject);
      expect(beforeDp.status).toBe(200);
      expect(beforeDp.json.records.find((r: any) => r.id === fine.id).flags).toHaveLength(1);
    });

    it('only the answering body decides; an upheld objection withdraws the record by a superseding one', async () => {
      const wrong = await call('POST', `/v1/objections/${objection.id}/decide`, k.court, {
        outcome: 'rejected',
        reasons: 'no',
        day: '2026-02-20',
      });
      expect(wrong.status).toBe(403);
      expect(wrong.json.code).toBe('auth.not_answering_body');
      const noFix = await call('POST', `/v1/objections/${objection.id}/decide`, k.agency, {
        outcome: 'upheld',
        reasons: 'wrong person',
        day: '2026-02-20',
      });
      expect(noFix.status).toBe(422);
      expect(noFix.json.code).toBe('objection.no_correction');
      const d = await call('POST', `/v1/objections/${objection.id}/decide`, k.agency, {
        outcome: 'upheld',
        reasons: 'Hospital records confirm the subject was elsewhere.',
        corrections: [{ record: fine.id, action: 'withdraw' }],
        day: '2026-02-24',
      });
      expect(d.status, d.text).toBe(200);
      expect(d.json).toMatchObject({ status: 'upheld', closedOn: '2026-02-24' });
      expect(d.json.corrections).toHaveLength(1);
      const after = await call(
        'GET',
        `/v1/subjects/${RONGCHENG_PERSON}/dueprocess?asOf=2026-02-24`,
        k.subject,
      );
      expect(after.json.records.find((r: any) => r.id === fine.id)).toMatchObject({
        inForce: false,
        flags: [],
      });
      const rep = await call('GET', `/v1/subjects/${RONGCHENG_PERSON}/report?asOf=2026-02-24`, k.subject);
      expect(rep.json.disputed).toBeUndefined();
      // The reports as of the earlier day are exactly what they were.
      expect(
        (await call('GET', `/v1/subjects/${RONGCHENG_PERSON}/report?asOf=2026-02-13`, k.subject)).json,
      ).toEqual(before.json);
      expect(
        (await call('GET', `/v1/subjects/${RONGCHENG_PERSON}/dueprocess?asOf=2026-02-13`, k.subject)).json,
      ).toEqual(beforeDp.json);
    });

    it('survives a server restart mid-objection with nothing lost', async () => {
      const o = await call('POST', '/v1/objections', k.subject, {
        subject: RONGCHENG_PERSON,
        target: { type: 'record', ref: second.id },
        reasons: 'Not me either.',
        day: '2026-02-25',
      });
      expect(o.status, o.text).toBe(200);
      const ref = await call('POST', `/v1/objections/${o.json.id}/refer`, k.agency, {
        reason: 'police must verify',
        day: '2026-02-26',
      });
      // 7 working days after 25 Feb 2026, Saturday 28 Feb a make-up working day.
      expect(ref.json).toMatchObject({ limit: 'extended', due: '2026-03-05' });
      await h.app.close();
      await h.ctx.close();
      const ctx = await createContext(store.ledger, { pgUrl: store.pgUrl });
      const { app } = await buildServer(ctx, { rateLimit: false });
      h = { ...h, app, ctx, call: restartedCall(app) };
      call = h.call;
      const got = await call('GET', `/v1/objections/${o.json.id}`, k.subject);
      expect(got.status, got.text).toBe(200);
      expect(got.json).toEqual(ref.json);
      const rej = await call('POST', `/v1/objections/${o.json.id}/decide`, k.agency, {
        outcome: 'rejected',
        reasons: 'The police confirmed the record.',
        day: '2026-03-10',
      });
      expect(rej.json).toMatchObject({ status: 'rejected' });
    });

    it('lists the late decision in the overdue KPI per body, with working days late', async () => {
      const kpi = await call('GET', '/v1/dueprocess/overdue?asOf=2026-03-20', k.credit_office);
      expect(kpi.status, kpi.text).toBe(200);
      const community = kpi.json.bodies.find((b: any) => b.body === 'community');
      expect(community).toMatchObject({ due: 2, onTime: 1, late: 1, overdue: 0, maxWorkingDaysLate: 3 });
      expect(community.items[0]).toMatchObject({ due: '2026-03-05', done: '2026-03-10', workingDaysLate: 3 });
      expect((await call('GET', '/v1/dueprocess/overdue', k.subject)).status).toBe(403);
    });

    let pub: any;
    it('publishes a penalty with a countdown, refuses an early repair with each unmet condition, grants a later one', async () => {
      const p = await call('POST', '/v1/publications', k.fire, {
        subject: WENDENG_FIRM,
        record: firmFine.id,
        family: 'samr_penalty',
        class: 'ordinary',
        decided: '2026-02-09',
        day: '2026-03-10',
      });
      expect(p.status, p.text).toBe(200);
      expect(p.json.countdown).toMatchObject({
        shown: true,
        regime: 'samr-45',
        repairableFrom: '2026-09-10',
        showUntil: '2029-03-09',
      });
      pub = p.json;
      const firmAcc = await call('POST', '/v1/admin/accounts', k.admin, {
        role: 'subject',
        name: 'the firm',
        subject: WENDENG_FIRM,
      });
      k.firmSubject = (
        await call('POST', `/v1/admin/accounts/${firmAcc.json.id}/keys`, k.admin, {})
      ).json.key;
      const early = await call('POST', '/v1/repairs', k.firmSubject, {
        publication: pub.id,
        facts: { corrected: true, no_repeat_penalty: true },
        day: '2026-04-01',
      });
      expect(early.status, early.text).toBe(200);
      expect(early.json.status).toBe('refused_at_intake');
      expect(early.json.checks.filter((c: any) => !c.ok).map((c: any) => c.code)).toEqual([
        'period_reached',
        'harm_eliminated',
        'not_listed',
      ]);
      const facts = {
        corrected: true,
        harm_eliminated: true,
        no_repeat_penalty: true,
        not_on_samr_lists: true,
      };
      const r = await call('POST', '/v1/repairs', k.firmSubject, {
        publication: pub.id,
        facts,
        day: '2026-09-10',
      });
      expect(r.json).toMatchObject({ status: 'applied', regime: 'samr-45' });
      const g = await call('POST', `/v1/repairs/${r.json.id}/decide`, k.fire, {
        outcome: 'granted',
        reasons: 'all met',
        day: '2026-09-14',
      });
      expect(g.status, g.text).toBe(200);
      expect(g.json.status).toBe('granted');
    });

    it('the portal shows penalties within their periods with countdowns, masked, as of a date and with rule versions', async () => {
      const s = await call(
        'GET',
        `/v1/portal/search?q=${encodeURIComponent('威海某某建筑')}&asOf=2026-06-01`,
      );
      expect(s.status, s.text).toBe(200);
      expect(s.json.results).toEqual([
        expect.objectContaining({ type: 'legal', name: '威海某某建筑工程有限公司' }),
      ]);
      expect(findUnmasked(s.text)).toBeUndefined();
      // The search reads names by their start through the ledger's lookup: a text inside a name finds nothing; a
      // full USCC in any case finds its firm, masked; the same ref opens the page.
      const inside = await call(
        'GET',
        `/v1/portal/search?q=${encodeURIComponent('建筑工程')}&asOf=2026-06-01`,
      );
      expect(inside.json.results).toEqual([]);
      const byCode = await call('GET', `/v1/portal/search?q=${WENDENG_FIRM.toLowerCase()}&asOf=2026-06-01`);
      expect(byCode.json.results).toEqual([
        expect.objectContaining({
          type: 'legal',
          name: '威海某某建筑工程有限公司',
          ref: s.json.results[0].ref,
        }),
      ]);
      expect(findUnmasked(byCode.text)).toBeUndefined();
      // Text that means something to SQL or to PostgreSQL's text type is only text: an empty answer, never a 5xx.
      for (const q of ['%%', '__', "威海'; --", '威海\u0000', '威海\\'])
        expect((await call('GET', `/v1/portal/search?q=${encodeURIComponent(q)}`)).json, q).toMatchObject({
          count: 0,
          results: [],
        });
      const e = await call('GET', `/v1/portal/entities/${WENDENG_FIRM}?asOf=2026-06-01`);
      expect(e.status, e.text).toBe(200);
      expect(findUnmasked(e.text)).toBeUndefined();
      expect(e.json).toMatchObject({
        asOf: '2026-06-01',
        ruleVersions: { dueProcess: expect.stringContaining('publication@') },
      });
      expect(e.json.penalties).toEqual([
        expect.objectContaining({
          kind: 'firm.fire_safety_fine',
          showUntil: '2029-03-09',
          daysLeft: 1012,
          repairableFrom: '2026-09-10',
        }),
      ]);
      // After the repair was granted the penalty is no longer shown; as of the day before it still is.
      expect(
        (await call('GET', `/v1/portal/entities/${WENDENG_FIRM}?asOf=2026-09-14`)).json.penalties,
      ).toEqual([]);
      expect(
        (await call('GET', `/v1/portal/entities/${WENDENG_FIRM}?asOf=2026-09-13`)).json.penalties,
      ).toHaveLength(1);
    });

    it('natural persons appear only while a public list publishes them, by name with the ID masked', async () => {
      const mask = await call('GET', `/v1/portal/search?q=${encodeURIComponent('王某某')}&asOf=2026-06-01`);
      expect(mask.status).toBe(200);
      expect(mask.json.results.every((r: any) => r.lists.length > 0)).toBe(true);
      const lists = await call('GET', '/v1/lists/spc_defaulters/entries?asOf=2025-06-30');
      const natural = lists.json.tables.find((t: any) => t.type === 'natural');
      const name = natural.rows[0][natural.columns.indexOf('name')];
      const found = await call('GET', `/v1/portal/search?q=${encodeURIComponent(name)}&asOf=2025-06-30`);
      expect(found.json.results.length).toBeGreaterThan(0);
      const person = found.json.results.find((r: any) => r.type === 'natural');
      expect(person.id).toMatch(/\*{8}/);
      const page = await call('GET', `/v1/portal/entities/${person.ref}?asOf=2025-06-30`);
      expect(page.status, page.text).toBe(200);
      expect(page.json.lists.length).toBeGreaterThan(0);
      expect(page.json.lists[0]).toHaveProperty('showUntil');
      expect(findUnmasked(page.text)).toBeUndefined();
      expect((await call('GET', '/v1/portal/entities/pdeadbeefdeadbeefdead')).status).toBe(404);
    });
  });
}

/** The harness's call helper, bound to a restarted app. */
function restartedCall(app: Harness['app']): Harness['call'] {
  return async (method, url, key, body, headers = {}) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, json, text: res.body, type: String(res.headers['content-type'] ?? '') };
  };
}
