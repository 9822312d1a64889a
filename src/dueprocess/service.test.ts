// The objection and repair workflows end to end over a real in-memory ledger and log.
import { describe, expect, it } from 'vitest';
import { MosaicError } from '../core/errors.js';
import { fictionalFirm, fictionalPerson, memoryService, penalty } from './fixtures.js';

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(MosaicError);
  expect((e as MosaicError).code).toBe(code);
}

describe('objections', () => {
  it('a wrong record is objected to, flagged while open, withdrawn by a superseding record; the old report stays', async () => {
    const svc = await memoryService();
    const subject = fictionalPerson(1);
    const rec = penalty(subject, { occurredAt: '2026-01-05', reportedAt: '2026-01-06' });
    await svc.ledger.append([rec]);
    await svc.ledger.putSubjects([{ id: subject, type: 'natural', jurisdiction: '371081', roles: [] }]);

    const o = await svc.fileObjection({
      subject,
      target: { type: 'record', ref: rec.id },
      reasons: 'The fine was paid by someone else with the same name.',
      day: '2026-02-12',
    });
    // Routed by jurisdiction (Shandong) to the agency that produced the record; 3 working days across Spring Festival.
    expect(o).toMatchObject({
      channel: 'shandong_public_credit',
      body: 'wendeng-market-regulator',
      status: 'open',
    });
    expect(o.due).toBe(Date.UTC(2026, 1, 24) / 86400000);

    const during = await svc.report(subject, '2026-02-13');
    expect(during.records).toHaveLength(1);
    expect(during.records[0]!.flags.map((f) => f.objection)).toEqual([o.id]);

    const { records } = await svc.decideObjection({
      objection: o.id,
      day: '2026-02-24',
      outcome: 'upheld',
      reasons: 'Identity mix-up confirmed by the public security bureau.',
      corrections: [{ record: rec.id, action: 'withdraw' }],
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'withdrawal', supersedes: rec.id, reportedAt: '2026-02-24' });

    const after = await svc.report(subject, '2026-02-24');
    expect(after.records[0]).toMatchObject({
      id: rec.id,
      inForce: false,
      supersededBy: records[0]!.id,
      flags: [],
    });
    expect(after.objections[0]).toMatchObject({ status: 'upheld', closedOn: '2026-02-24' });
    // As of the day before the decision, the report is exactly what it was then.
    expect(await svc.report(subject, '2026-02-13')).toEqual(during);
    expect(await svc.overdue('2026-03-01')).toEqual([
      expect.objectContaining({ body: 'wendeng-market-regulator', due: 1, onTime: 1, overdue: 0, late: 0 }),
    ]);
  });

  it('reads the log once per as-of day until its next write, which every later as-of read sees', async () => {
    const svc = await memoryService();
    const subject = fictionalPerson(3);
    const rec = penalty(subject, { occurredAt: '2026-01-05', reportedAt: '2026-01-06' });
    await svc.ledger.append([rec]);
    await svc.ledger.putSubjects([{ id: subject, type: 'natural', jurisdiction: '371081', roles: [] }]);
    let reads = 0;
    const read = svc.log.read.bind(svc.log);
    (svc.log as { read: typeof read }).read = (asOf) => (reads++, read(asOf));
    const before = await svc.state('2026-03-01');
    expect(await svc.state('2026-03-01')).toBe(before);
    expect(reads).toBe(1);
    expect(before.objections.size).toBe(0);
    // A statement dated before a kept day changes that day's state.
    await svc.fileObjection({
      subject,
      target: { type: 'record', ref: rec.id },
      reasons: 'Not mine.',
      day: '2026-02-12',
    });
    expect((await svc.state('2026-03-01')).objections.size).toBe(1);
    expect(reads).toBe(2);
  });

  it('partly upheld corrects a field by a correction record', async () => {
    const svc = await memoryService();
    const subject = fictionalPerson(2);
    const rec = penalty(subject, {
      severity: 'fine_top',
      occurredAt: '2025-09-01',
      reportedAt: '2025-09-02',
    });
    await svc.ledger.append([rec]);
    const o = await svc.fileObjection({
      subject,
      target: { type: 'record', ref: rec.id },
      reasons: 'Wrong tier',
      day: '2025-09-26',
    });
    expect(o.channel).toBe('credit_china'); // no jurisdiction on the register: the fallback route
    const { records } = await svc.decideObjection({
      objection: o.id,
      day: '2025-10-09',
      outcome: 'partly_upheld',
      reasons: 'The fine was in the low band; the conduct itself is confirmed.',
      corrections: [{ record: rec.id, action: 'correct', set: { severity: 'fine_low' } }],
    });
    expect(records[0]).toMatchObject({ status: 'correction', severity: 'fine_low', supersedes: rec.id });
    const rep = await svc.report(subject, '2025-10-09');
    expect(rep.records.map((r) => [r.severity, r.inForce])).toEqual([
      ['fine_top', false],
      ['fine_low', true],
    ]);
  });

  it('refuses bad transitions with stable codes', async () => {
    const svc = await memoryService();
    const subject = fictionalPerson(3);
    const rec = penalty(subject, { occurredAt: '2025-03-03', reportedAt: '2025-03-03' });
    await svc.ledger.append([rec]);
    await svc.ledger.putSubjects([{ id: subject, type: 'natural', jurisdiction: '371081', roles: [] }]);
    await rejects(
      svc.fileObjection({
        subject,
        target: { type: 'record', ref: 'r0000000000000000' },
        reasons: 'x',
        day: '2025-03-04',
      }),
      'dueprocess.unknown_record',
    );
    await rejects(
      svc.fileObjection({
        subject: '123',
        target: { type: 'record', ref: rec.id },
        reasons: 'x',
        day: '2025-03-04',
      }),
      'dueprocess.bad_subject',
    );
    await rejects(
      svc.fileObjection({ subject, target: { type: 'record', ref: rec.id }, reasons: 'x', day: '2025-3-4' }),
      'dueprocess.bad_date',
    );
    await rejects(
      svc.fileObjection({
        subject,
        target: { type: 'record', ref: rec.id },
        reasons: '  ',
        day: '2025-03-04',
      }),
      'objection.no_reasons',
    );
    const o = await svc.fileObjection({
      subject,
      target: { type: 'record', ref: rec.id },
      reasons: 'wrong',
      day: '2025-03-04',
    });
    await rejects(
      svc.fileObjection({
        subject,
        target: { type: 'record', ref: rec.id },
        reasons: 'again',
        day: '2025-03-04',
      }),
      'objection.already_open',
    );
    await rejects(
      svc.decideObjection({ objection: o.id, day: '2025-03-05', outcome: 'upheld', reasons: 'ok' }),
      'objection.no_correction',
    );
    await rejects(
      svc.decideObjection({ objection: o.id, day: '2025-03-05', outcome: 'rejected', reasons: '' }),
      'objection.no_reasons',
    );
    // 3 working days after 4 Mar 2025 is 7 Mar; a referral on the 10th is too late to extend the limit.
    await rejects(
      svc.referObjection(o.id, '2025-03-10', 'needs the tax bureau'),
      'objection.extension_too_late',
    );
    const referred = await svc.referObjection(o.id, '2025-03-06', 'needs the tax bureau');
    expect(referred).toMatchObject({ limit: 'extended' });
    expect(referred.due).toBe(Date.UTC(2025, 2, 13) / 86400000);
    await rejects(svc.referObjection(o.id, '2025-03-06', 'again'), 'objection.already_referred');
    await svc.decideObjection({
      objection: o.id,
      day: '2025-03-14',
      outcome: 'rejected',
      reasons: 'The record is right.',
    });
    await rejects(svc.withdrawObjection(o.id, '2025-03-15'), 'objection.closed');
    // Backdating would rewrite history as seen from the days in between.
    await rejects(svc.withdrawObjection(o.id, '2025-03-01'), 'dueprocess.backdated');
    // Decided one working day late: 14 Mar is a Friday after the 13 Mar limit.
    const kpi = await svc.overdue('2025-03-20');
    expect(kpi[0]).toMatchObject({ body: 'wendeng-market-regulator', late: 1, maxWorkingDaysLate: 1 });
    expect(kpi[0]!.items[0]).toMatchObject({ due: '2025-03-13', done: '2025-03-14', workingDaysLate: 1 });
  });

  it('lists overdue objections per body with working days late across a holiday', async () => {
    const svc = await memoryService();
    const a = fictionalPerson(4);
    const b = fictionalFirm(4);
    const ra = penalty(a, { occurredAt: '2025-09-01', reportedAt: '2025-09-01' });
    const rb = penalty(b, {
      kind: 'samr.abnormal_listed',
      severity: undefined,
      agency: 'weihai-amr',
      occurredAt: '2025-09-01',
      reportedAt: '2025-09-01',
    });
    await svc.ledger.append([ra, rb]);
    await svc.ledger.putSubjects([{ id: a, type: 'natural', jurisdiction: '371081', roles: [] }]);
    const oa = await svc.fileObjection({
      subject: a,
      target: { type: 'record', ref: ra.id },
      reasons: 'wrong',
      day: '2025-09-26',
    });
    const ob = await svc.fileObjection({
      subject: b,
      target: { type: 'list_entry', ref: rb.id },
      reasons: 'filed on time',
      day: '2025-09-26',
    });
    expect(ob.channel).toBe('enterprise_publicity');
    // Shandong: due 30 Sep. On 13 Oct the limit is late by 9 Oct, 10 Oct, 11 Oct (make-up Saturday) and 13 Oct.
    const kpi = await svc.overdue('2025-10-13');
    expect(kpi).toHaveLength(1);
    expect(kpi[0]).toMatchObject({ body: 'wendeng-market-regulator', overdue: 1 });
    expect(kpi[0]!.items).toEqual([
      expect.objectContaining({ kind: 'objection', id: oa.id, due: '2025-09-30', workingDaysLate: 4 }),
    ]);
  });
});

describe('repair', () => {
  it('runs applied → forwarded → granted with the 2026 time limits, and publication stops', async () => {
    const svc = await memoryService();
    const subject = fictionalPerson(5);
    const rec = penalty(subject, { occurredAt: '2026-04-08', reportedAt: '2026-04-10' });
    await svc.ledger.append([rec]);
    const pub = await svc.publish({
      record: rec.id,
      subject,
      family: 'ndrc_penalty',
      class: 'general',
      day: '2026-04-10',
    });
    const facts = { corrected: true, credit_commitment: true, other_legal_conditions: true };
    const r = await svc.applyRepair({ publication: pub.id, day: '2026-09-30', facts });
    expect(r.status).toBe('applied');
    expect(r.deadlines).toEqual([expect.objectContaining({ step: 'forward', by: 'credit_china' })]);
    const f = await svc.forwardRepair(r.id, '2026-10-09');
    expect(f.deadlines.map((d) => [d.step, d.by, d.done !== undefined])).toEqual([
      ['forward', 'credit_china', true],
      ['decide', 'wendeng-market-regulator', false],
    ]);
    await rejects(svc.applyRepair({ publication: pub.id, day: '2026-10-09', facts }), 'repair.pending');
    const g = await svc.decideRepair(r.id, '2026-10-14', 'granted', 'conditions met');
    expect(g.status).toBe('granted');
    const [cd] = await svc.countdowns(subject, '2026-10-14');
    expect(cd).toMatchObject({
      shown: false,
      hiddenBecause: 'stopped',
      stopCause: 'repair',
      stoppedOn: '2026-10-14',
    });
    const [before] = await svc.countdowns(subject, '2026-10-13');
    expect(before).toMatchObject({ shown: true });
    // The department decided one working day late (due 13 Oct).
    const kpi = await svc.overdue('2026-10-20');
    expect(kpi.find((k) => k.body === 'wendeng-market-regulator')).toMatchObject({ late: 1 });
    expect(kpi.find((k) => k.body === 'credit_china')).toMatchObject({ onTime: 1, late: 0 });
  });

  it('refuses a forward under a regime whose designating body takes applications itself', async () => {
    const svc = await memoryService();
    const subject = fictionalPerson(6);
    const rec = penalty(subject, { occurredAt: '2025-01-02', reportedAt: '2025-01-02' });
    await svc.ledger.append([rec]);
    const pub = await svc.publish({
      record: rec.id,
      subject,
      family: 'samr_penalty',
      class: 'ordinary',
      day: '2025-01-10',
    });
    const r = await svc.applyRepair({
      publication: pub.id,
      day: '2025-07-10',
      facts: { corrected: true, harm_eliminated: true, no_repeat_penalty: true, not_on_samr_lists: true },
    });
    await rejects(svc.forwardRepair(r.id, '2025-07-11'), 'repair.no_forward_step');
    await rejects(svc.decideRepair(r.id, '2025-07-11', 'refused', ''), 'repair.no_reasons');
    const d = await svc.decideRepair(r.id, '2025-07-11', 'refused', 'Repeat penalty found in May 2025');
    expect(d.status).toBe('refused');
    const [cd] = await svc.countdowns(subject, '2025-07-11');
    expect(cd).toMatchObject({ shown: true });
  });

  it('an objection to a repair result flags the published record', async () => {
    const svc = await memoryService();
    const subject = fictionalPerson(9);
    const rec = penalty(subject, { occurredAt: '2026-04-01', reportedAt: '2026-04-01' });
    await svc.ledger.append([rec]);
    const pub = await svc.publish({
      record: rec.id,
      subject,
      family: 'ndrc_penalty',
      class: 'general',
      day: '2026-04-01',
    });
    const r = await svc.applyRepair({ publication: pub.id, day: '2026-05-04', facts: {} });
    expect(r.status).toBe('refused_at_intake');
    const o = await svc.fileObjection({
      subject,
      target: { type: 'repair', ref: r.id },
      reasons: 'I did correct it',
      day: '2026-05-06',
    });
    expect(o).toMatchObject({ channel: 'credit_china', body: 'wendeng-market-regulator' });
    const rep = await svc.report(subject, '2026-05-06');
    expect(rep.records[0]!.flags).toHaveLength(1);
    expect(rep.repairs[0]!.failed.map((f) => f.code)).toEqual([
      'period_reached',
      'corrected',
      'commitment',
      'other_legal',
    ]);
  });
});
