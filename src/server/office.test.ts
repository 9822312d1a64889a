// The credit office's read-only console routes: the repair queue with the step owed and its lateness, publications
// with their countdowns (list management), the conditions a repair must meet, and the KPI dashboard.
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON read loosely by the assertions */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUnmasked } from './mask.js';
import { RONGCHENG_PERSON, WENDENG_FIRM, type Harness } from './server.contract.js';
import { embeddedHarness } from './harness.testkit.js';

describe('credit office console routes', () => {
  let h: Harness;
  let dispose: () => Promise<void>;
  const k: Record<string, string> = {};
  let pub: any;
  let repair: any;
  let objection: any;

  beforeAll(async () => {
    const e = await embeddedHarness();
    h = e;
    dispose = e.close;
    Object.assign(k, h.keys);
    const make = async (account: Record<string, unknown>) => {
      const a = await h.call('POST', '/v1/admin/accounts', k.admin, account);
      expect(a.status, a.text).toBe(200);
      return (await h.call('POST', `/v1/admin/accounts/${a.json.id}/keys`, k.admin, {})).json.key;
    };
    k.fire = await make({
      role: 'agency',
      name: 'Weihai fire brigade',
      agency: 'fire',
      jurisdiction: '371000',
      kinds: ['firm.'],
    });
    k.firm = await make({ role: 'subject', name: 'the firm', subject: WENDENG_FIRM });
    const f = await h.call('POST', '/v1/records', k.fire, {
      records: [
        {
          subject: WENDENG_FIRM,
          kind: 'firm.fire_safety_fine',
          occurredAt: '2026-02-06',
          reportedAt: '2026-02-10',
          basis: 'Wei Xiao Fa [2026] No. 12',
          severity: 'fine',
          amount: 30000,
        },
      ],
    });
    expect(f.status, f.text).toBe(200);
    const fine = (await h.ctx.ledger.readSubject(WENDENG_FIRM)).find(
      (r) => r.basis === 'Wei Xiao Fa [2026] No. 12',
    )!;
    const p = await h.call('POST', '/v1/publications', k.fire, {
      subject: WENDENG_FIRM,
      record: fine.id,
      family: 'samr_penalty',
      class: 'ordinary',
      decided: '2026-02-09',
      day: '2026-03-10',
    });
    expect(p.status, p.text).toBe(200);
    pub = p.json;
    const [rec] = (
      await h.call('GET', `/v1/subjects/${RONGCHENG_PERSON}/dueprocess?asOf=2026-03-10`, k.subject)
    ).json.records;
    const o = await h.call('POST', '/v1/objections', k.subject, {
      subject: RONGCHENG_PERSON,
      target: { type: 'record', ref: rec.id },
      reasons: 'not mine',
      day: '2026-03-11',
    });
    expect(o.status, o.text).toBe(200);
    objection = o.json;
  }, 120_000);
  afterAll(() => dispose?.());

  it('lists publications with their countdowns as of a date, masked for an auditor', async () => {
    const before = await h.call('GET', '/v1/publications?asOf=2026-03-09', k.credit_office);
    expect(before.status, before.text).toBe(200);
    expect(before.json.publications).toEqual([]);
    const now = await h.call('GET', '/v1/publications?asOf=2026-03-10', k.credit_office);
    expect(now.json.publications).toEqual([
      expect.objectContaining({
        id: pub.id,
        subject: WENDENG_FIRM,
        family: 'samr_penalty',
        body: 'fire',
        corrected: null,
        countdown: expect.objectContaining({
          shown: true,
          repairableFrom: '2026-09-10',
          showUntil: '2029-03-09',
        }),
      }),
    ]);
    // The regimes in force that day, one per family, with their classes in both languages (the publish form's choices).
    const samr = now.json.regimes.find((r: any) => r.family === 'samr_penalty');
    expect(samr).toMatchObject({ regime: 'samr-45' });
    expect(samr.classes.map((c: any) => c.code)).toContain('ordinary');
    const ndrc = now.json.regimes.filter((r: any) => r.family === 'ndrc_penalty');
    expect(ndrc.map((r: any) => r.regime)).toEqual(['ndrc-2023']);
    const later = await h.call('GET', '/v1/publications?asOf=2026-04-01', k.credit_office);
    expect(
      later.json.regimes.filter((r: any) => r.family === 'ndrc_penalty').map((r: any) => r.regime),
    ).toEqual(['ndrc-2026']);
    // After the maximum period it is no longer shown: gone by default, kept under status=all.
    expect(
      (await h.call('GET', '/v1/publications?asOf=2029-03-10', k.credit_office)).json.publications,
    ).toEqual([]);
    const all = await h.call('GET', '/v1/publications?asOf=2029-03-10&status=all', k.credit_office);
    expect(all.json.publications[0].countdown).toMatchObject({
      shown: false,
      hiddenBecause: 'maximum_reached',
    });
    const aud = await h.call('GET', '/v1/publications?asOf=2026-03-10', k.auditor);
    expect(aud.status).toBe(200);
    expect(aud.text).not.toContain(WENDENG_FIRM);
    expect(findUnmasked(aud.json)).toBeUndefined();
  });

  it('states the conditions of a repair in both languages, to the subject itself only', async () => {
    const c = await h.call('GET', `/v1/publications/${pub.id}/conditions?asOf=2026-04-01`, k.firm);
    expect(c.status, c.text).toBe(200);
    expect(c.json).toMatchObject({
      regime: 'samr-45',
      class: 'ordinary',
      earlyStop: true,
      repairableFrom: '2026-09-10',
    });
    expect(c.json.conditions.map((x: any) => [x.code, x.fact])).toEqual([
      ['period_reached', null],
      ['performed', 'corrected'],
      ['harm_eliminated', 'harm_eliminated'],
      ['no_repeat', 'no_repeat_penalty'],
      ['not_listed', 'not_on_samr_lists'],
    ]);
    expect(c.json.conditions[1].zh).toBe('已履行行政处罚决定');
    const other = await h.call('GET', `/v1/publications/${pub.id}/conditions`, k.subject);
    expect(other.status).toBe(403);
    expect(other.json.code).toBe('auth.not_own_subject');
    const missing = await h.call('GET', '/v1/publications/nope/conditions', k.credit_office);
    expect(missing.status).toBe(404);
    expect(missing.type).toContain('problem+json');
    expect(missing.json.code).toBe('publication.not_found');
  });

  it('queues a repair with the step owed, its limit and working days late (as the overdue KPI counts them)', async () => {
    const r = await h.call('POST', '/v1/repairs', k.firm, {
      publication: pub.id,
      facts: { corrected: true, harm_eliminated: true, no_repeat_penalty: true, not_on_samr_lists: true },
      day: '2026-09-10',
    });
    expect(r.json.status, r.text).toBe('applied');
    repair = r.json;
    const q = await h.call('GET', '/v1/repairs?asOf=2026-09-10', k.credit_office);
    expect(q.status, q.text).toBe(200);
    expect(q.json.repairs).toEqual([
      expect.objectContaining({
        id: repair.id,
        status: 'applied',
        next: { step: 'decide', by: 'fire', due: repair.deadlines[0].due, workingDaysLate: 0 },
      }),
    ]);
    expect((await h.call('GET', '/v1/repairs?asOf=2026-09-09', k.credit_office)).json.repairs).toEqual([]);
    const late = (await h.call('GET', '/v1/repairs?asOf=2026-11-30', k.credit_office)).json.repairs[0];
    const kpi = (await h.call('GET', '/v1/dueprocess/overdue?asOf=2026-11-30', k.credit_office)).json;
    const item = kpi.bodies.find((b: any) => b.body === 'fire').items.find((i: any) => i.id === repair.id);
    expect(late.next.workingDaysLate).toBeGreaterThan(0);
    expect(late.next.workingDaysLate).toBe(item.workingDaysLate);
    const aud = await h.call('GET', '/v1/repairs?asOf=2026-11-30', k.auditor);
    expect(findUnmasked(aud.json)).toBeUndefined();
    expect((await h.call('GET', '/v1/repairs?status=closed', k.credit_office)).status).toBe(400);
  });

  it('drops a decided repair from the open queue and keeps it under status=all', async () => {
    const g = await h.call('POST', `/v1/repairs/${repair.id}/decide`, k.fire, {
      outcome: 'granted',
      reasons: 'all met',
      day: '2026-09-14',
    });
    expect(g.status, g.text).toBe(200);
    expect((await h.call('GET', '/v1/repairs?asOf=2026-09-14', k.credit_office)).json.repairs).toEqual([]);
    const all = (await h.call('GET', '/v1/repairs?asOf=2026-09-14&status=all', k.credit_office)).json.repairs;
    expect(all).toEqual([expect.objectContaining({ id: repair.id, status: 'granted', next: null })]);
    // The grant stopped the publication.
    expect(
      (await h.call('GET', '/v1/publications?asOf=2026-09-14', k.credit_office)).json.publications,
    ).toEqual([]);
  });

  it('reports timeliness per body, overdue objections and record volumes by agency', async () => {
    const r = await h.call('GET', '/v1/office/kpis?asOf=2026-09-30&from=2026-01-01', k.credit_office);
    expect(r.status, r.text).toBe(200);
    const kpi = r.json;
    expect(kpi).toMatchObject({ asOf: '2026-09-30', from: '2026-01-01' });
    // Timeliness is the overdue KPI's counts, with the on-time share.
    const od = (await h.call('GET', '/v1/dueprocess/overdue?asOf=2026-09-30', k.credit_office)).json;
    expect(kpi.timeliness.map((b: any) => [b.body, b.due, b.onTime, b.overdue])).toEqual(
      od.bodies.map((b: any) => [b.body, b.due, b.onTime, b.overdue]),
    );
    const fire = kpi.timeliness.find((b: any) => b.body === 'fire');
    expect(fire).toMatchObject({ due: 1, onTime: 1, onTimeShare: 1 });
    // The objection is open and past its limit.
    expect(kpi.objections).toMatchObject({ open: 1, overdue: 1, filedInPeriod: 1, byStatus: { open: 1 } });
    expect(objection.status).toBe('open');
    // The fire brigade reported one fine in the period, four days after the act.
    expect(kpi.records.find((x: any) => x.agency === 'fire')).toEqual({
      agency: 'fire',
      reported: 1,
      corrections: 0,
      withdrawals: 0,
      medianLagDays: 4,
    });
    // Outside the period it is not counted.
    const later = (await h.call('GET', '/v1/office/kpis?asOf=2026-09-30&from=2026-02-11', k.credit_office))
      .json;
    expect(later.records.find((x: any) => x.agency === 'fire')).toBeUndefined();
    const wide = (await h.call('GET', '/v1/office/kpis?asOf=2026-09-30&from=2000-01-01', k.credit_office))
      .json;
    const total = wide.records.reduce((n: number, x: any) => n + x.reported, 0);
    expect(total).toBe(await h.ctx.ledger.count());
    expect(wide.records.length).toBeGreaterThan(1);
    // Before the objection was filed nothing is open.
    const early = (await h.call('GET', '/v1/office/kpis?asOf=2026-03-10', k.credit_office)).json;
    expect(early.objections).toMatchObject({ open: 0, overdue: 0 });
    const bad = await h.call('GET', '/v1/office/kpis?asOf=2026-01-01&from=2026-02-01', k.credit_office);
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('problem+json');
    expect(bad.json.code).toBe('kpi.bad_period');
    expect((await h.call('GET', '/v1/office/kpis?asOf=2026-02-30', k.credit_office)).status).toBe(400);
    expect((await h.call('GET', '/v1/office/kpis', k.subject)).status).toBe(403);
    const aud = await h.call('GET', '/v1/office/kpis?asOf=2026-09-30', k.auditor);
    expect(findUnmasked(aud.json)).toBeUndefined();
  });
});
