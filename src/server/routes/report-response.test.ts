// The credit report's 200 is printed through its schema's projection (decision 0172): the bytes must be Zod
// serializer's own, for real reports of every view (masked and not, scoped and not) and for generated responses with
// extra keys, shuffled key order, absent optionals and arbitrary JSON where the schema says `any`.
import fc from 'fast-check';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import type { Subject } from '../../core/types.js';
import { openLedger } from '../../ledger/open.js';
import { syntheticRecords, syntheticSubjectIds } from '../../ledger/synthetic.js';
import { shippedListPolicy } from '../../schemes/lists/policy.js';
import type { Account, Principal } from '../auth.js';
import { createContext, type ServerContext } from '../context.js';
import { sampleRecords, sampleSubjects } from '../server.contract.js';
import { fastSerializer, projector } from './fast-route.js';
import { buildReport, ReportResponse } from './reports.js';

const route = { schema: ReportResponse, method: 'GET', url: '/v1/subjects/:id/report', httpStatus: '200' };
const fast = fastSerializer(route);
const slow = serializerCompiler(route as never) as (d: unknown) => string;

/** Every object inside `v` (schema's or not) with an extra key and its keys in a seeded order. */
function stir(v: unknown, rng: Rng): unknown {
  if (Array.isArray(v)) return v.map((x) => stir(x, rng));
  if (!v || typeof v !== 'object') return v;
  const entries = Object.entries(v).map(([k, x]) => [k, stir(x, rng)] as const);
  if (rng.int(2)) entries.push([`extra${rng.int(3)}`, rng.int(2) ? 'x' : { nested: [1, 'y'] }]);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries);
}

const str = fc.string({ maxLength: 6 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const json = fc.jsonValue({ maxDepth: 3 });
const line = fc.record(
  {
    type: str,
    rule: str,
    ruleEn: str,
    ruleZh: str,
    points: fc.integer({ min: -1000, max: 1000 }),
    grade: str,
    kind: str,
    occurredAt: str,
    agency: str,
    basis: str,
    from: str,
    until: str,
    detail: str,
    needs: fc.record(
      {
        field: str,
        pack: str,
        rule: str,
        values: fc.array(str, { maxLength: 3 }),
        zh: str,
        en: str,
      },
      { requiredKeys: ['field', 'pack', 'rule', 'values'] },
    ),
  },
  { requiredKeys: ['type'] },
);
const response = fc.record(
  {
    report: fc.record({
      subject: str,
      asOf: str,
      schemes: fc.array(
        fc.record(
          {
            scheme: str,
            title: fc.record({ en: str, zh: str }),
            status: str,
            score: fc.double({ noNaN: true, noDefaultInfinity: true }),
            grade: str,
            base: fc.integer(),
            lines: fc.array(line, { maxLength: 4 }),
            counterfactual: json,
          },
          { requiredKeys: ['scheme', 'title', 'status', 'base', 'lines', 'counterfactual'] },
        ),
        { maxLength: 3 },
      ),
      lists: fc.array(
        fc.record({
          list: str,
          en: str,
          zh: str,
          since: str,
          until: fc.option(str, { nil: null }),
          exit: json,
        }),
        { maxLength: 2 },
      ),
      measures: fc.array(
        fc.record({
          action: str,
          actionEn: str,
          actionZh: str,
          outcome: str,
          measure: str,
          measureName: str,
          list: str,
          relation: str,
          legalBasis: str,
          until: fc.option(str, { nil: null }),
        }),
        { maxLength: 2 },
      ),
    }),
    view: fc.record({
      jurisdiction: fc.option(str, { nil: null }),
      records: fc.nat(),
      withheld: fc.nat(),
      masked: fc.boolean(),
    }),
    disputed: maybe(fc.array(json, { maxLength: 2 })),
  },
  { requiredKeys: ['report', 'view'] },
);

describe('credit report response: the projection against Zod', () => {
  it('compiles (no part of the schema falls back to Zod)', () => {
    expect(projector(ReportResponse)).toBeDefined();
  });

  it('prints the same bytes as Zod for generated responses, stirred', () => {
    fc.assert(
      fc.property(response, fc.integer(), (r, seed) => {
        const v = stir(r, new Rng(seed));
        expect(fast(v)).toBe(slow(v));
      }),
      { numRuns: 3_000, seed: 20261205 },
    );
  });

  describe('real reports', () => {
    let ctx: ServerContext;
    let ids: string[];
    beforeAll(async () => {
      const ledger = await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 });
      const places = ['371082', '371003', '371002', '371000'];
      ids = syntheticSubjectIds(200);
      const subjects: Subject[] = ids.map((id, i) => ({
        id,
        type: i < 180 ? 'natural' : 'legal',
        jurisdiction: places[i % places.length]!,
        roles: [],
      }));
      await ledger.putSubjects([...sampleSubjects(), ...subjects]);
      await ledger.append(sampleRecords());
      await ledger.append(
        syntheticRecords(shippedListPolicy().catalogue, { records: 4_000, subjects: 200, seed: 3000 }),
      );
      ctx = await createContext(ledger, {});
      ids = [...sampleSubjects().map((s) => s.id), ...ids];
    }, 120_000);
    afterAll(async () => {
      await ctx?.close();
    });

    const account = (role: Account['role'], jurisdiction: string | null): Account => ({
      id: `acc_${role}`,
      role,
      name: role,
      jurisdiction,
      agency: null,
      subject: null,
      kinds: null,
    });
    const principals: Principal[] = [
      { role: 'auditor', account: account('auditor', null), keyId: null, scopes: [] },
      { role: 'admin', account: account('admin', null), keyId: null, scopes: [] },
      { role: 'credit_office', account: account('credit_office', '371000'), keyId: null, scopes: [] },
    ];

    it('prints every real report as Zod does, as built and stirred', async () => {
      const rng = new Rng(11);
      const dates = ['2025-06-01', '2023-03-15', '2021-07-01'];
      let n = 0;
      for (const id of ids) {
        const p = principals[rng.int(principals.length)]!;
        let out: unknown;
        try {
          out = await buildReport(ctx, p, id, dates[rng.int(dates.length)]!, rng.int(2) ? 'A' : 'AA');
        } catch {
          continue; // a scoped caller's 404
        }
        expect(fast(out)).toBe(slow(out));
        const stirred = stir(out, rng);
        expect(fast(stirred)).toBe(slow(stirred));
        n++;
      }
      expect(n).toBeGreaterThan(150);
    }, 120_000);
  });
});
