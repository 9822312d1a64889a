// Fuzz: at least 10,000 generated bodies to every write route — arbitrary JSON, broken JSON and near-valid rows.
// No answer may be a 5xx, and the ledger may grow only by what the 200 answers say they stored.
/* eslint-disable @typescript-eslint/no-explicit-any -- generated bodies and JSON answers are untyped by nature */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../ledger/ledger.js';
import { communityRecord, courtListing, RONGCHENG_PERSON } from './server.contract.js';
import { embeddedHarness, type EmbeddedHarness } from './harness.testkit.js';

const RUNS = Number(process.env.MOSAIC_FUZZ_RUNS ?? 10_000);

const FIELDS = [
  'subject',
  'kind',
  'occurredAt',
  'reportedAt',
  'agency',
  'basis',
  'amount',
  'severity',
  'level',
  'status',
  'supersedes',
  'id',
];
const oddValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    '2024-02-30',
    '2024-13-01',
    '9999-12-31',
    '1969-12-31',
    '',
    ' ',
    'county',
    'national',
    'withdrawal',
    'correction',
    RONGCHENG_PERSON,
    '371082198207079438',
    'community.dispute_mediation',
    'court.defaulter_listed',
  ),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);
/** Usually a plausible value, sometimes an odd one (so some bodies pass and are stored). */
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: good }, { weight: 1, arbitrary: oddValue });
/** A valid row with a few fields replaced, removed or added. */
const nearRow = fc
  .tuple(
    fc.nat(1_000_000),
    fc.array(fc.tuple(fc.constantFrom(...FIELDS, 'extra'), fc.option(oddValue)), { maxLength: 3 }),
  )
  .map(([n, edits]) => {
    const row: Record<string, unknown> = communityRecord(100_000 + n);
    for (const [f, v] of edits)
      if (v === null) delete row[f];
      else row[f] = v;
    return row;
  });
const anyJson = fc.jsonValue({ maxDepth: 3 });
const broken = fc.string({ maxLength: 40 }).map((s) => '{"records": [' + s);

function bodies(kind: 'records' | 'other', shapes: fc.Arbitrary<unknown>[]): fc.Arbitrary<{ raw: string }> {
  const structured =
    kind === 'records'
      ? fc.record({ records: fc.array(nearRow, { minLength: 0, maxLength: 4 }) })
      : fc.oneof(...shapes);
  return fc.oneof(
    { weight: 6, arbitrary: structured.map((b) => ({ raw: JSON.stringify(b) })) },
    { weight: 2, arbitrary: anyJson.map((b) => ({ raw: JSON.stringify(b) })) },
    { weight: 1, arbitrary: broken.map((raw) => ({ raw })) },
  );
}

describe('write-route fuzz', () => {
  let h: EmbeddedHarness;
  let ledger: Ledger;
  beforeAll(async () => {
    h = await embeddedHarness();
    ledger = h.ledger;
    await h.call('POST', '/v1/records', h.keys.court, { records: [courtListing()] });
  }, 120_000);
  afterAll(() => h?.close());

  const routes: {
    method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    url: string;
    key: string;
    shapes: fc.Arbitrary<unknown>[];
    kind?: 'records';
  }[] = [
    { method: 'POST', url: '/v1/records', key: 'agency', shapes: [], kind: 'records' },
    {
      method: 'POST',
      url: '/v1/decisions',
      key: 'firm',
      shapes: [
        fc.record(
          {
            subject: fc.oneof(fc.constant(RONGCHENG_PERSON), fc.constant('371003197006309398'), oddValue),
            action: fc.oneof(fc.constantFrom('fly', 'buy_property', 'teleport'), oddValue),
            date: fc.oneof(fc.constantFrom('2025-03-01', '2024-02-30'), oddValue),
            purpose: fc.oneof(fc.constant('fuzz'), oddValue),
            receipt: fc.oneof(fc.boolean(), oddValue),
          },
          { requiredKeys: [] },
        ),
      ],
    },
    {
      method: 'POST',
      url: '/v1/admin/accounts',
      key: 'admin',
      shapes: [
        fc.record(
          {
            role: fc.oneof(
              fc.constantFrom('subject', 'agency', 'court', 'firm', 'auditor', 'root'),
              oddValue,
            ),
            name: oddValue,
            jurisdiction: fc.oneof(fc.constantFrom('371082', '999999'), oddValue),
            agency: oddValue,
            subject: oddValue,
            kinds: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), oddValue),
          },
          { requiredKeys: [] },
        ),
      ],
    },
    {
      method: 'PUT',
      url: '/v1/admin/jurisdictions/371099',
      key: 'admin',
      shapes: [
        fc.record(
          {
            code: fc.oneof(fc.constant('371099'), oddValue),
            name: fc.oneof(fc.record({ en: fc.string(), zh: fc.string() }), oddValue),
            parent: fc.oneof(fc.constantFrom('371000', '371099', null), oddValue),
            schemes: fc.oneof(fc.constantFrom(['wendeng-points/2020'], ['nope/2020'], []), oddValue),
            lists: fc.oneof(fc.constantFrom(['spc_defaulters'], ['nope']), oddValue),
            agencies: fc.oneof(fc.constant([]), oddValue),
            kinds: fc.oneof(fc.constant([]), oddValue),
            shareUp: fc.oneof(fc.constant(['*']), oddValue),
          },
          { requiredKeys: [] },
        ),
      ],
    },
    {
      method: 'POST',
      url: '/v1/subscriptions',
      key: 'firm',
      shapes: [
        fc.record(
          {
            list: fc.oneof(fc.constantFrom('spc_defaulters', 'nope'), oddValue),
            url: fc.oneof(fc.constantFrom('http://127.0.0.1:9/x', 'ftp://x', 'not a url'), oddValue),
            cursor: fc.oneof(fc.nat(), oddValue),
          },
          { requiredKeys: [] },
        ),
      ],
    },
    {
      method: 'POST',
      url: '/v1/admin/accounts/x_missing/keys',
      key: 'admin',
      shapes: [fc.record({ scopes: oddValue, expiresAt: oddValue }, { requiredKeys: [] })],
    },
    {
      method: 'POST',
      url: '/v1/subscriptions/x_missing/replay',
      key: 'firm',
      shapes: [fc.record({ cursor: oddValue }, { requiredKeys: [] })],
    },
    {
      method: 'POST',
      url: '/v1/lists/spc_defaulters/statements',
      key: 'prefecture_office',
      shapes: [
        fc.record(
          {
            subject: mostly(fc.constantFrom(RONGCHENG_PERSON, '371003197006309398')),
            statement: mostly(fc.constantFrom('listing', 'deletion', 'extension', 'banish')),
            occurredAt: mostly(fc.constantFrom('2025-03-01', '2025-03-20')),
            reportedAt: mostly(fc.constant('2025-03-21')),
            basis: mostly(fc.nat(99).map((n) => `(2025)鲁1082执${n}号; Fa Shi [2017] No. 7`)),
            code: mostly(fc.constantFrom('e1', 'e2', 'performed', 'zz')),
            amount: mostly(fc.nat(1_000_000)),
          },
          { requiredKeys: ['subject', 'statement', 'occurredAt', 'basis'] },
        ),
      ],
    },
    { method: 'DELETE', url: '/v1/admin/keys/x_missing', key: 'admin', shapes: [anyJson] },
    { method: 'DELETE', url: '/v1/subscriptions/x_missing', key: 'firm', shapes: [anyJson] },
    {
      // Last: it may change which lists the prefecture publishes.
      method: 'PATCH',
      url: '/v1/jurisdictions/371000',
      key: 'prefecture_office',
      shapes: [
        fc.record(
          {
            schemes: fc.oneof(fc.constantFrom(['weihai-haibei/2020'], ['nope/2020'], []), oddValue),
            lists: fc.oneof(fc.constantFrom(['spc_defaulters'], ['nope'], []), oddValue),
          },
          { requiredKeys: [] },
        ),
      ],
    },
  ];

  for (const r of routes)
    it(`${r.method} ${r.url}: ${RUNS} bodies, no 5xx, nothing stored beyond what 200s report`, async () => {
      const before = await ledger.count();
      let stored = 0;
      const receipts = new Set<string>();
      let ok = 0;
      await fc.assert(
        fc.asyncProperty(bodies(r.kind ?? 'other', r.shapes), async ({ raw }) => {
          const res = await h.app.inject({
            method: r.method,
            url: r.url,
            headers: { authorization: `Bearer ${h.keys[r.key]}`, 'content-type': 'application/json' },
            payload: raw,
          });
          expect(res.statusCode, `${raw.slice(0, 300)} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
          expect(res.statusCode).toBeGreaterThanOrEqual(200);
          if (res.statusCode >= 400)
            expect(String(res.headers['content-type'])).toContain('application/problem+json');
          if (res.statusCode === 200) {
            ok++;
            const j = JSON.parse(res.body) as any;
            if ((r.kind === 'records' || r.url.endsWith('/statements')) && !j.replayed) stored += j.inserted;
            if (r.url === '/v1/decisions' && j.receipt?.stored) receipts.add(j.receipt.id);
          }
        }),
        { numRuns: RUNS, seed: 1212 },
      );
      // A receipt repeated the same day is one statement (ids are content hashes).
      expect(await ledger.count()).toBe(before + stored + receipts.size);
      if (r.kind === 'records' || r.url === '/v1/decisions' || r.url.endsWith('/statements'))
        expect(ok).toBeGreaterThan(0);
    }, 600_000);
});
