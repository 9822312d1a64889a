// Contract cases for what a credit office manages (list entries by statement, schemes and published lists) and for
// the decision index following every list change made through the server; run by every storage mode's contract.
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON read loosely by the assertions */
import { expect, it } from 'vitest';
import type { Harness } from './server.contract.js';

const PERSON = '371082198207079437'; // RONGCHENG_PERSON (a fictional sample subject)
const CASE = '(2025)鲁1082执77号; Fa Shi [2017] No. 7 Art. 1 (entry criteria E1-E6)';

export function officeCases(get: () => Harness): void {
  it('lets a credit office list and delete an entry by statement, each reflected in the next decision and the feed', async () => {
    const h = get();
    const decide = async () => {
      const d = await h.call('POST', '/v1/decisions', h.keys.firm, {
        subject: PERSON,
        action: 'fly',
        date: '2025-05-01',
        purpose: 'ticket sale',
        receipt: false,
      });
      expect(d.status, d.text).toBe(200);
      return d.json.decision;
    };
    expect((await decide()).outcome).toBe('allow');
    const listing = {
      subject: PERSON,
      statement: 'listing',
      occurredAt: '2025-04-01',
      basis: CASE,
      code: 'e2',
    };
    // Rongcheng's office does not publish the SPC list; Weihai's (the prefecture) does.
    const elsewhere = await h.call(
      'POST',
      '/v1/lists/spc_defaulters/statements',
      h.keys.credit_office,
      listing,
    );
    expect(elsewhere.status, elsewhere.text).toBe(403);
    expect(elsewhere.json.code).toBe('list.not_published_here');
    const odd = await h.call('POST', '/v1/lists/spc_defaulters/statements', h.keys.prefecture_office, {
      ...listing,
      statement: 'banish',
    });
    expect(odd.status, odd.text).toBe(422);
    expect(odd.json.issues[0].location.path).toEqual(['body', 'statement']);
    const listed = await h.call(
      'POST',
      '/v1/lists/spc_defaulters/statements',
      h.keys.prefecture_office,
      listing,
      {
        'idempotency-key': 'office-listing-1',
      },
    );
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json).toMatchObject({ list: 'spc_defaulters', inserted: 1, replayed: false });
    const d1 = await decide();
    expect(d1.outcome).not.toBe('allow');
    expect(d1.reasons.some((r: any) => r.list === 'spc_defaulters' && r.case?.includes('执77号'))).toBe(true);
    const again = await h.call(
      'POST',
      '/v1/lists/spc_defaulters/statements',
      h.keys.prefecture_office,
      listing,
      {
        'idempotency-key': 'office-listing-1',
      },
    );
    expect(again.json.replayed).toBe(true);
    const deleted = await h.call('POST', '/v1/lists/spc_defaulters/statements', h.keys.prefecture_office, {
      subject: PERSON,
      statement: 'deletion',
      occurredAt: '2025-04-20',
      basis: CASE,
      code: 'performed',
    });
    expect(deleted.status, deleted.text).toBe(200);
    expect((await decide()).outcome).toBe('allow');
    const feed = await h.call('GET', '/v1/feeds/spc_defaulters?cursor=0', h.keys.firm);
    const mine = feed.json.changes.filter((c: any) => c.subject === PERSON);
    expect(mine.map((c: any) => c.change)).toEqual(['listed', 'deleted']);
    expect(mine[1].statement.agency).toBe('credit_office.371000');
    const log = await h.call('GET', '/v1/access-log', h.keys.auditor);
    expect(log.json.rows.filter((r: any) => r.action === 'list.statement').length).toBeGreaterThanOrEqual(2);
  });

  it("lets a credit office set its own platform's schemes and lists, and no other platform's", async () => {
    const h = get();
    const other = await h.call('PATCH', '/v1/jurisdictions/371000', h.keys.credit_office, {
      schemes: ['wendeng-points/2020'],
    });
    expect(other.status, other.text).toBe(403);
    expect(other.json.code).toBe('auth.other_jurisdiction');
    const bad = await h.call('PATCH', '/v1/jurisdictions/371082', h.keys.credit_office, {
      schemes: ['rongcheng-points/2021', 'nope/2020'],
    });
    expect(bad.status, bad.text).toBe(422);
    expect(bad.json.issues[0].location.path).toEqual(['body', 'schemes', 1]);
    const empty = await h.call('PATCH', '/v1/jurisdictions/371082', h.keys.credit_office, {});
    expect(empty.status).toBe(400);
    const schemes = async () => {
      const r = await h.call('GET', `/v1/subjects/${PERSON}/report?asOf=2025-06-01`, h.keys.credit_office);
      expect(r.status, r.text).toBe(200);
      return r.json.report.schemes.map((s: any) => s.scheme as string).sort();
    };
    const before = await schemes();
    const set = await h.call('PATCH', '/v1/jurisdictions/371082', h.keys.credit_office, {
      schemes: [],
      lists: ['spc_defaulters'],
    });
    expect(set.status, set.text).toBe(200);
    expect(set.json).toEqual({ code: '371082', schemes: [], lists: ['spc_defaulters'] });
    const after = await schemes();
    expect(after.length).toBeLessThan(before.length);
    const js = await h.call('GET', '/v1/jurisdictions');
    expect(js.json.jurisdictions.find((j: any) => j.code === '371082').lists).toEqual(['spc_defaulters']);
    const back = await h.call('PATCH', '/v1/jurisdictions/371082', h.keys.credit_office, {
      schemes: ['rongcheng-points/2021'],
      lists: [],
    });
    expect(back.status, back.text).toBe(200);
    expect(await schemes()).toEqual(before);
  });
}
