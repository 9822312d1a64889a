// The access log over HTTP: a subject sees who read its report; auditors read the whole log (masked) and verify it.
import { z } from 'zod';
import { maskDeep } from '../mask.js';
import { problems } from './common.js';
import type { RoutePlugin } from './plugin.js';

const Row = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  role: z.string(),
  action: z.string(),
  target: z.string(),
  subject: z.string().nullable(),
  purpose: z.string().nullable(),
  status: z.number(),
  detail: z.string().nullable(),
  prev: z.string(),
  hash: z.string(),
});

export const accessPlugin: RoutePlugin = {
  name: 'access-log',
  register(app, ctx) {
    app.get(
      '/v1/me/access-log',
      {
        config: { access: { roles: ['subject'] } },
        schema: {
          tags: ['access log'],
          summary: 'Who read my report: every access to my records, with role and purpose',
          response: { 200: z.object({ subject: z.string(), rows: z.array(Row) }), ...problems },
        },
      },
      async (req) => {
        const subject = req.principal.account!.subject!;
        return { subject, rows: await ctx.accessLog.rows({ subject }) };
      },
    );
    app.get(
      '/v1/access-log',
      {
        config: { access: { roles: ['auditor', 'admin'], scope: 'access-log:read' } },
        schema: {
          tags: ['access log'],
          summary: 'The access log from a sequence number on (identifiers masked)',
          querystring: z.object({
            after: z.coerce.number().int().min(0).optional(),
            limit: z.coerce.number().int().min(1).max(10_000).optional(),
          }),
          response: { 200: z.object({ rows: z.array(Row) }), ...problems },
        },
      },
      async (req) => ({
        rows: maskDeep(
          await ctx.accessLog.rows({ after: req.query.after ?? 0, limit: req.query.limit ?? 1000 }),
        ),
      }),
    );
    app.get(
      '/v1/access-log/verify',
      {
        config: { access: { roles: ['auditor', 'admin'], scope: 'access-log:read' } },
        schema: {
          tags: ['access log'],
          summary: 'Check the hash chain: the first edited, deleted or reordered row, if any',
          response: {
            200: z.object({
              ok: z.boolean(),
              rows: z.number(),
              head: z.string(),
              first: z.object({ seq: z.number(), problem: z.string(), message: z.string() }).optional(),
            }),
            ...problems,
          },
        },
      },
      async () => ctx.accessLog.verify(),
    );
  },
};
