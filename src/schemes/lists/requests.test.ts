// The lifecycle as a simulation drives it: request, append, apply, decide, and the duties that follow.
import { describe, expect, it } from 'vitest';
import { shippedCalendar } from '../../core/calendar.js';
import { toEpochDay } from '../../core/dates.js';
import type { Subject } from '../../core/types.js';
import { DecisionIndex } from './decision-index.js';
import { dutiesOf } from './duties.js';
import { shippedListPolicy } from './policy.js';
import { receiptFor } from './receipts.js';
import { expiryRecord, requestDeletion, requestListing } from './requests.js';
import { maskKeep } from './display.js';

const policy = shippedListPolicy();
const A = '110105198003120016';
const subjects: Subject[] = [
  { id: A, type: 'natural', jurisdiction: '110105', roles: [], birthDate: '1980-03-12' },
];

describe('driving the lifecycle through the index', () => {
  it('lists, decides, deletes on performance, and records the deadline met', () => {
    const ix = new DecisionIndex(policy, subjects);
    const warn = requestListing(policy, ix.register, ix.statementsOf(A), {
      list: 'spc_defaulters',
      subject: A,
      case: 'K1',
      date: '2025-01-10',
      agency: 'court',
      criterion: 'e1',
    });
    expect(warn.ok).toBe(false);
    expect(warn.ok ? [] : warn.issues.map((i) => i.code)).toEqual(['list.refused.no_prior_warning']);
    ix.apply({
      id: 'x',
      subject: A,
      kind: 'court.enforcement_warning',
      occurredAt: '2025-01-02',
      reportedAt: '2025-01-02',
      agency: 'court',
      basis: 'K1',
      status: 'original',
    });
    const listed = requestListing(policy, ix.register, ix.statementsOf(A), {
      list: 'spc_defaulters',
      subject: A,
      case: 'K1',
      date: '2025-01-10',
      agency: 'court',
      criterion: 'e1',
    });
    if (!listed.ok) throw new Error(JSON.stringify(listed.issues));
    ix.apply(listed.record);
    const d = ix.decide(A, 'fly', '2025-02-01');
    expect(d.outcome).toBe('deny');
    const receipt = receiptFor(d);
    expect(receipt).toMatchObject({
      kind: 'receipt.denied',
      severity: 'fly',
      subject: A,
      occurredAt: '2025-02-01',
    });
    expect(receipt.basis).toContain('Fa Gai Cai Jin [2016] No. 141');
    const del = requestDeletion(policy, ix.statementsOf(A), {
      list: 'spc_defaulters',
      subject: A,
      case: 'K1',
      date: '2025-09-30',
      reportedAt: '2025-10-11',
      agency: 'court',
      ground: 'performed',
    });
    if (!del.ok) throw new Error(JSON.stringify(del.issues));
    ix.apply(del.record);
    expect(ix.decide(A, 'fly', '2025-09-29').outcome).toBe('deny');
    expect(ix.decide(A, 'fly', '2025-09-30').outcome).toBe('allow');
    const duties = dutiesOf(policy, shippedCalendar(), ix.statementsOf(A), toEpochDay('2025-12-01'));
    expect(duties.map((x) => [x.code, x.status])).toEqual([['list.duty.deletion', 'done']]);
  });

  it('will not record an expiry for a listing without a term', () => {
    const ix = new DecisionIndex(policy, subjects);
    ix.apply({
      id: 'l',
      subject: A,
      kind: 'court.defaulter_listed',
      occurredAt: '2025-01-10',
      reportedAt: '2025-01-10',
      agency: 'court',
      basis: 'K2',
      severity: 'e1',
      status: 'original',
    });
    const e = ix.entriesOf(A)[0]!;
    const out = expiryRecord(policy, e, '2027-01-10');
    expect(out.ok ? [] : out.issues.map((i) => i.code)).toEqual(['list.refused.not_expired']);
  });

  it('masks by keeping the first and last characters', () => {
    expect(maskKeep(A, 6, 4)).toBe('110105********0016');
    expect(maskKeep('abcdef', 2, 2)).toBe('ab**ef');
    expect(maskKeep('abc', 2, 2)).toBe('***');
  });
});
