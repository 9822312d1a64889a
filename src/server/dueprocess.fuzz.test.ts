// Fuzz the due-process and portal write routes: generated and near-valid bodies; no answer may be a 5xx, and every
// refusal is problem+json with a code.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../ledger/ledger.js';
import { RONGCHENG_PERSON } from './server.contract.js';
import { embeddedHarness, type EmbeddedHarness } from './harness.testkit.js';

const RUNS = Number(process.env.MOSAIC_FUZZ_RUNS_DUEPROCESS ?? 300);

const odd = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    '2024-02-30',
    '9999-12-31',
    '1900-01-01',
    '2026-02-12',
    '',
    'record',
    'publication',
    RONGCHENG_PERSON,
  ),
  fc.object({ maxDepth: 1 }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
);
const day = fc.oneof(
  fc.constantFrom('2026-03-01', '2026-12-31', '2027-06-30', '9999-12-31', '1970-01-01'),
  odd,
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, odd);

/** The route as written in its url function (ids are only known once the seed data exists). */
const label = (fn: string) =>
  (/`([^`]+)`|'([^']+)'/.exec(fn)?.slice(1).find(Boolean) ?? fn).replace(/\$\{[^}]+\}/g, ':x');

describe('due-process write-route fuzz', () => {
  let h: EmbeddedHarness;
  let ledger: Ledger;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    h = await embeddedHarness();
    ledger = h.ledger;
    const rec = (await ledger.readSubject(RONGCHENG_PERSON))[0]!;
    ids.record = rec.id;
    const o = await h.call('POST', '/v1/objections', h.keys.subject, {
      subject: RONGCHENG_PERSON,
      target: { type: 'record', ref: rec.id },
      reasons: 'fuzz seed',
      day: '2026-02-12',
    });
    ids.objection = o.json.id;
    const p = await h.call('POST', '/v1/publications', h.keys.admin, {
      subject: RONGCHENG_PERSON,
      record: rec.id,
      family: 'ndrc_penalty',
      class: 'general',
      day: '2026-02-12',
    });
    ids.publication = p.json.id;
    const r = await h.call('POST', '/v1/repairs', h.keys.admin, {
      publication: p.json.id,
      facts: {},
      day: '2026-02-12',
    });
    ids.repair = r.json.id;
    expect(Object.values(ids).every(Boolean)).toBe(true);
  }, 120_000);
  afterAll(() => h?.close());

  const ev = fc.record(
    {
      sha256: maybe(
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }),
      ),
      size: maybe(fc.nat()),
      type: odd,
      name: odd,
    },
    { requiredKeys: [] },
  );
  const routes: { url: () => string; key: string; body: fc.Arbitrary<unknown>; action?: string }[] = [
    {
      url: () => '/v1/evidence',
      key: 'subject',
      body: fc.record(
        {
          name: maybe(fc.constant('a.pdf')),
          type: maybe(fc.constantFrom('application/pdf', 'text/plain', 'image/png')),
          content: maybe(fc.base64String({ maxLength: 200 })),
        },
        { requiredKeys: [] },
      ),
    },
    {
      url: () => '/v1/objections',
      key: 'subject',
      body: fc.record(
        {
          subject: maybe(fc.constant(RONGCHENG_PERSON)),
          target: maybe(
            fc.record({
              type: maybe(fc.constantFrom('record', 'list_entry', 'publication', 'repair')),
              ref: maybe(fc.constantFrom(...['record', 'publication', 'repair'].map((k) => k))),
            }),
          ),
          reasons: odd,
          evidence: maybe(fc.array(ev, { maxLength: 2 })),
          day,
        },
        { requiredKeys: [] },
      ),
    },
    ...['refer', 'withdraw', 'evidence', 'decide'].map((a) => ({
      url: () => `/v1/objections/${ids.objection}/${a}`,
      action: a,
      key: 'admin',
      body: fc.record(
        {
          reason: odd,
          outcome: maybe(fc.constantFrom('upheld', 'partly_upheld', 'rejected')),
          reasons: odd,
          evidence: maybe(fc.array(ev, { maxLength: 2 })),
          corrections: maybe(
            fc.array(
              fc.record(
                {
                  record: maybe(fc.constant(ids.record ?? 'x')),
                  action: maybe(fc.constantFrom('withdraw', 'correct')),
                  set: maybe(
                    fc.record(
                      { kind: odd, amount: odd, severity: odd, occurredAt: day },
                      { requiredKeys: [] },
                    ),
                  ),
                },
                { requiredKeys: [] },
              ),
              { maxLength: 2 },
            ),
          ),
          day,
        },
        { requiredKeys: [] },
      ),
    })),
    {
      url: () => '/v1/publications',
      key: 'admin',
      body: fc.record(
        {
          subject: maybe(fc.constant(RONGCHENG_PERSON)),
          record: maybe(fc.constant(ids.record ?? 'x')),
          family: maybe(fc.constantFrom('ndrc_penalty', 'samr_penalty', 'spc_defaulter', 'nope')),
          class: maybe(fc.constantFrom('general', 'serious', 'minor', 'ordinary', 'warning')),
          decided: day,
          restrictionMonths: odd,
          day,
        },
        { requiredKeys: [] },
      ),
    },
    {
      url: () => `/v1/publications/${ids.publication}/corrected`,
      key: 'admin',
      body: fc.record({ evidence: maybe(fc.array(ev)), day }, { requiredKeys: [] }),
    },
    {
      url: () => '/v1/repairs',
      key: 'admin',
      body: fc.record(
        {
          publication: maybe(fc.constant(ids.publication ?? 'x')),
          facts: maybe(fc.dictionary(fc.string({ maxLength: 10 }), fc.boolean())),
          check: odd,
          day,
        },
        { requiredKeys: [] },
      ),
    },
    {
      url: () => `/v1/repairs/${ids.repair}/forward`,
      key: 'admin',
      body: fc.record({ day }, { requiredKeys: [] }),
    },
    {
      url: () => `/v1/repairs/${ids.repair}/decide`,
      key: 'admin',
      body: fc.record(
        { outcome: maybe(fc.constantFrom('granted', 'refused')), reasons: odd, day },
        { requiredKeys: [] },
      ),
    },
  ];

  for (const r of routes)
    it(`POST ${label(r.url.toString()).replace(':x/:x', `:id/${r.action}`).replace(':x', ':id')}: ${RUNS} bodies, no 5xx, problem+json on refusal`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ weight: 8, arbitrary: r.body }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }),
          async (body) => {
            const res = await h.call('POST', r.url(), h.keys[r.key], JSON.stringify(body));
            expect(res.status, `${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
            if (res.status >= 400) expect(typeof res.json?.code, res.text.slice(0, 200)).toBe('string');
          },
        ),
        { numRuns: RUNS },
      );
    }, 300_000);
});
