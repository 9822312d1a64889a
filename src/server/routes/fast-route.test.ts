// The decision route's fast paths agree with Zod: a body the plain check accepts is one Zod accepts unchanged (and
// every other body is judged by Zod itself), and the projected 200 response prints the bytes Zod's serializer prints.
import fc from 'fast-check';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { Decision, DecisionBody, decisionBodyAccepts } from './decisions.js';
import { fastSerializer, fastValidator, projector } from './fast-route.js';
import { Body as RecordsBody, MAX_BATCH, recordsBodyAccepts } from './records.js';

const SUBJECTS = ['371082198207079437', '91371082MA3C0XXXX0', '110105195008131001', '11010519500813100X'];

/** Bodies near the schema's edges: valid and invalid ids, lengths around the limits, wrong types, extra keys. */
const body = fc.record(
  {
    subject: fc.oneof(
      fc.constantFrom(...SUBJECTS),
      fc.string({ maxLength: 20 }),
      fc.constantFrom('371082198207079438', '3710821982070794370', ''),
      fc.integer(),
    ),
    action: fc.oneof(
      fc.string({ minLength: 0, maxLength: 2 }),
      fc.string({ minLength: 95, maxLength: 105 }),
      fc.constantFrom('fly', 'buy_property'),
      fc.constant(null),
    ),
    date: fc.oneof(
      fc.constantFrom('2024-06-01', '2024-02-29', '2023-02-29', '2024-13-01', '2024-6-1', '20240601', ''),
      fc.string({ maxLength: 12 }),
      fc.integer(),
    ),
    purpose: fc.oneof(
      fc.string({ maxLength: 3 }),
      fc.string({ minLength: 498, maxLength: 502 }),
      fc.boolean(),
    ),
    receipt: fc.oneof(fc.boolean(), fc.constantFrom('true', 0, null)),
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

/** Bodies that should pass: the common shape, with optional keys present or absent. */
const validBody = fc.record(
  {
    subject: fc.constantFrom(...SUBJECTS),
    action: fc.oneof(fc.constantFrom('fly', 'buy_property'), fc.string({ minLength: 1, maxLength: 100 })),
    date: fc.constantFrom('2024-06-01', '2024-02-29', '1999-12-31'),
    purpose: fc.string({ maxLength: 500 }),
    receipt: fc.boolean(),
  },
  { requiredKeys: ['subject', 'action'] },
);

describe('decision body: the plain check against Zod', () => {
  it('accepts only what Zod accepts, unchanged; and accepts every valid generated body', () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof(validBody, body, fc.anything()), (b) => {
        // Bodies reach the validator from JSON.parse.
        const text = JSON.stringify(b);
        if (text === undefined) return;
        const v: unknown = JSON.parse(text);
        const zod = DecisionBody.safeParse(v);
        if (decisionBodyAccepts(v)) {
          fast++;
          expect(zod.success).toBe(true);
          expect(zod.data).toEqual(v);
        } else expect(zod.success, JSON.stringify(v)).toBe(false);
      }),
      { numRuns: 20_000, seed: 20261205 },
    );
    expect(fast).toBeGreaterThan(500);
    // And the common body never leaves the fast path when Zod would take it.
    fc.assert(
      fc.property(validBody, (b) => {
        if (DecisionBody.safeParse(b).success) expect(decisionBodyAccepts(b)).toBe(true);
      }),
      { numRuns: 5_000, seed: 20261205 },
    );
  });

  it('sends everything it refuses to Zod: the same value or the same error', () => {
    const validate = fastValidator(decisionBodyAccepts)({
      schema: DecisionBody,
      method: 'POST',
      url: '/v1/decisions',
      httpPart: 'body',
    }) as (d: unknown) => { value?: unknown; error?: { message: string } };
    const good = { subject: SUBJECTS[0], action: 'fly', purpose: 'why' };
    expect(validate(good)).toEqual({ value: good });
    const bad = validate({ ...good, action: '' });
    expect(bad.error).toBeDefined();
    expect(JSON.stringify(bad.error)).toMatch(/action/);
    expect(validate({ ...good, extra: 1 }).error).toBeDefined();
  });
});

describe('records body: the plain check against Zod', () => {
  const rows = fc.array(fc.oneof(fc.anything(), fc.record({ subject: fc.string(), kind: fc.string() })), {
    maxLength: 4,
  });
  const bodies = fc.oneof(
    fc.record({ records: rows }),
    fc.record({ records: rows, extra: fc.anything() }),
    fc.record({ records: fc.oneof(fc.anything(), fc.string(), fc.dictionary(fc.string(), fc.anything())) }),
    fc.dictionary(fc.constantFrom('records', 'Records', '__proto__', 'x'), fc.anything()),
    fc.anything(),
  );
  it('accepts only what Zod accepts, unchanged; and accepts every body of rows', () => {
    let fast = 0;
    fc.assert(
      fc.property(bodies, (b) => {
        const text = JSON.stringify(b);
        if (text === undefined) return;
        const v: unknown = JSON.parse(text);
        const zod = RecordsBody.safeParse(v);
        if (recordsBodyAccepts(v)) {
          fast++;
          expect(zod.success).toBe(true);
          expect(zod.data).toEqual(v);
        } else if (zod.success) expect(zod.data).not.toEqual(v); // Zod took it only by dropping a key
      }),
      { numRuns: 20_000, seed: 20261205 },
    );
    expect(fast).toBeGreaterThan(1_000);
    fc.assert(
      fc.property(fc.array(fc.anything(), { minLength: 1, maxLength: 5 }), (r) => {
        expect(recordsBodyAccepts({ records: r })).toBe(true);
      }),
    );
  });
  it('leaves the edges to Zod: an empty batch, one row too many, an inherited key', () => {
    expect(recordsBodyAccepts({ records: [] })).toBe(false);
    expect(RecordsBody.safeParse({ records: [] }).success).toBe(false);
    const over = { records: new Array<unknown>(MAX_BATCH + 1).fill({}) };
    expect(recordsBodyAccepts(over)).toBe(false);
    expect(RecordsBody.safeParse(over).success).toBe(false);
    expect(recordsBodyAccepts({ records: new Array<unknown>(MAX_BATCH).fill({}) })).toBe(true);
    expect(recordsBodyAccepts(Object.assign(Object.create({ extra: 1 }) as object, { records: [{}] }))).toBe(
      false,
    );
  });
});

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const reason = fc.record({
  outcome: fc.string(),
  effect: fc.string(),
  list: fc.string(),
  listName: fc.string(),
  listed: fc.string(),
  relation: fc.string(),
  case: opt(fc.string()),
  criterion: opt(fc.string()),
  listedOn: fc.string(),
  since: fc.string(),
  until: fc.option(fc.string(), { nil: null }),
  instrument: fc.string(),
  memorandum: opt(fc.string()),
  measure: fc.string(),
  measureName: fc.string(),
  catalogue: opt(fc.string()),
  agency: fc.string(),
  legalBasis: fc.string(),
  marker: fc.constantFrom('V' as const, 'P' as const, 'U' as const),
  note: opt(fc.string()),
});
/** Objects in any key order, with keys the schema does not know (both serializers drop them). */
const shuffled = <T extends object>(a: fc.Arbitrary<T>) =>
  fc
    .tuple(a, fc.dictionary(fc.constantFrom('zz', 'internal', 'x1'), fc.string()), fc.boolean())
    .map(([o, extra, rev]) => {
      const entries = Object.entries({ ...extra, ...o });
      return Object.fromEntries(rev ? entries.reverse() : entries) as T;
    });
const response = fc.record({
  decision: shuffled(
    fc.record({
      subject: fc.string(),
      action: fc.string(),
      date: fc.string(),
      outcome: fc.constantFrom('allow' as const, 'incentive' as const, 'restrict' as const, 'deny' as const),
      reasons: fc.array(shuffled(reason), { maxLength: 4 }),
    }),
  ),
  receipt: fc.option(fc.record({ id: fc.string(), stored: fc.boolean() }), { nil: null }),
});

describe('decision response: the projection against Zod', () => {
  const schema = z.object({
    decision: Decision,
    receipt: z.object({ id: z.string(), stored: z.boolean() }).nullable(),
  });
  const route = { schema, method: 'POST', url: '/v1/decisions', httpStatus: '200' };
  const fast = fastSerializer(route);
  const slow = serializerCompiler(route as never) as (d: unknown) => string;

  it('prints the same bytes as Zod for every response the schema admits', () => {
    expect(projector(schema)).toBeDefined();
    fc.assert(
      fc.property(response, (r) => {
        expect(fast(r)).toBe(slow(r));
      }),
      { numRuns: 5_000, seed: 20261205 },
    );
  });

  it('keeps Zod for other statuses', () => {
    const problem = fastSerializer({ ...route, httpStatus: '400', schema: z.object({ a: z.string() }) });
    expect(() => problem({ a: 1 })).toThrow();
  });
});
