// What a credit office manages for its own jurisdiction: list entries (listed, extended, deleted … each by a
// statement stored as a record, exactly as a court or agency submits one) and its schemes and published lists.
import { z } from 'zod';
import { putJurisdiction, type ServerContext } from '../context.js';
import type { Jurisdiction } from '../jurisdictions.js';
import { httpError } from '../problem.js';
import { checkRows, storeBatch } from '../submit.js';
import { IsoDate, problems, SubjectId } from './common.js';
import type { RoutePlugin } from './plugin.js';

/** Refuse lists or scheme packs the server does not know, naming the first by its place in the body. */
export function checkPublication(ctx: ServerContext, j: Pick<Jurisdiction, 'lists' | 'schemes'>): void {
  for (const [i, l] of j.lists.entries())
    if (!ctx.policy.list(l))
      throw httpError(422, 'list.unknown_list', `no list '${l}'`, { path: ['body', 'lists', i] });
  for (const [i, s] of j.schemes.entries())
    try {
      ctx.pack(s);
    } catch {
      throw httpError(422, 'jurisdiction.unknown_scheme', `no scheme pack '${s}'`, {
        path: ['body', 'schemes', i],
      });
    }
}

const Statement = z
  .object({
    subject: SubjectId,
    statement: z
      .string()
      .regex(/^[a-z_]{1,40}$/)
      .describe(
        "the list's statement type: listing, deletion, extension, publication … (see the list's policy)",
      ),
    occurredAt: IsoDate.describe('the day of the decision'),
    reportedAt: IsoDate.optional().describe('default: occurredAt'),
    basis: z.string().min(1).max(500).describe('case or decision number and legal basis'),
    code: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe("the list's criterion (a listing) or ground (a deletion), e.g. e2 or performed"),
    amount: z.number().min(0).max(1e12).optional(),
  })
  .strict();

export const officePlugin: RoutePlugin = {
  name: 'office',
  register(app, ctx) {
    app.post(
      '/v1/lists/:list/statements',
      {
        config: { access: { roles: ['credit_office', 'court'], scope: 'lists:write' } },
        schema: {
          tags: ['lists'],
          summary:
            'List, extend or delete an entry by a statement (stored as a record; reflected in the next decision and the feed)',
          params: z.object({ list: z.string().max(100) }),
          headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
          body: Statement,
          response: {
            200: z.object({
              list: z.string(),
              statement: z.string(),
              record: z.string(),
              batch: z.string(),
              inserted: z.number(),
              replayed: z.boolean(),
            }),
            ...problems,
            409: problems[400],
          },
        },
      },
      async (req) => {
        const def = ctx.policy.list(req.params.list);
        if (!def)
          throw httpError(404, 'list.unknown_list', `no list '${req.params.list}'`, {
            path: ['params', 'list'],
          });
        const b = req.body;
        const spec = (def.kinds as Record<string, string | { kind: string; severity?: string } | undefined>)[
          b.statement
        ];
        if (!spec)
          throw httpError(
            422,
            'list.unknown_statement',
            `list '${def.list}' has no '${b.statement}' statement (it has ${Object.keys(def.kinds).join(', ')})`,
            { path: ['body', 'statement'] },
          );
        const p = req.principal;
        const acc = p.account!;
        const home = ctx.jurisdictions.get(acc.jurisdiction ?? '');
        // A credit office manages the lists its own platform publishes; a court its own court lists anywhere
        // (checkRows keeps a court to court.* kinds).
        if (p.role === 'credit_office' && !home?.lists.includes(def.list))
          throw httpError(
            403,
            'list.not_published_here',
            `${acc.jurisdiction} does not publish '${def.list}'`,
            {
              path: ['params', 'list'],
            },
          );
        const row = {
          subject: b.subject,
          kind: typeof spec === 'string' ? spec : spec.kind,
          occurredAt: b.occurredAt,
          reportedAt: b.reportedAt ?? b.occurredAt,
          basis: b.basis,
          ...(b.code !== undefined
            ? { severity: b.code }
            : typeof spec !== 'string' && spec.severity
              ? { severity: spec.severity }
              : {}),
          ...(b.amount !== undefined ? { amount: b.amount } : {}),
        };
        // A credit office account needs no agency code of its own: its statements carry its platform's.
        const as = { ...p, account: { ...acc, agency: acc.agency ?? `credit_office.${acc.jurisdiction}` } };
        const [record] = checkRows(ctx, as, [row], ['body']);
        const res = await storeBatch(ctx, as, [record!], req.headers['idempotency-key'], 'list.statement');
        return {
          list: def.list,
          statement: b.statement,
          record: record!.id,
          batch: res.batch,
          inserted: res.inserted,
          replayed: res.replayed,
        };
      },
    );

    app.patch(
      '/v1/jurisdictions/:code',
      {
        config: { access: { roles: ['credit_office', 'admin'], scope: 'schemes:write' } },
        schema: {
          tags: ['lists'],
          summary: "Set a platform's active schemes (policy pack versions) and the lists it publishes",
          params: z.object({ code: z.string().regex(/^\d{6}$/) }),
          body: z
            .object({
              schemes: z
                .array(z.string().regex(/^[a-z0-9-]+\/[0-9]{4}$/))
                .max(50)
                .optional()
                .describe('pack folders under policies/, e.g. rongcheng-points/2021'),
              lists: z.array(z.string().max(100)).max(100).optional(),
            })
            .strict()
            .refine((x) => x.schemes !== undefined || x.lists !== undefined, 'give schemes, lists or both'),
          response: {
            200: z.object({ code: z.string(), schemes: z.array(z.string()), lists: z.array(z.string()) }),
            ...problems,
          },
        },
      },
      async (req) => {
        const p = req.principal;
        const j = ctx.jurisdictions.get(req.params.code);
        if (!j)
          throw httpError(404, 'jurisdiction.unknown', `no jurisdiction ${req.params.code}`, {
            path: ['params', 'code'],
          });
        if (p.role === 'credit_office' && p.account?.jurisdiction !== j.code)
          throw httpError(
            403,
            'auth.other_jurisdiction',
            `this key manages ${p.account?.jurisdiction}, not ${j.code}`,
            {
              path: ['params', 'code'],
            },
          );
        const next = { ...j, schemes: req.body.schemes ?? j.schemes, lists: req.body.lists ?? j.lists };
        checkPublication(ctx, next);
        await ctx.writes.run(() => putJurisdiction(ctx.state, ctx.jurisdictions, next));
        await ctx.accessLog.append({
          actor: p.account!.id,
          role: p.role,
          action: 'jurisdiction.publication',
          target: j.code,
          status: 200,
          detail: `schemes ${next.schemes.join(',') || '-'}; lists ${next.lists.join(',') || '-'}`,
        });
        return { code: j.code, schemes: next.schemes, lists: next.lists };
      },
    );
  },
};
