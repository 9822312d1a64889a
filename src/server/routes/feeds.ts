// Feeds for platform firms: a list's changes since a cursor, and webhook subscriptions that push the same changes.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { CHANGES } from '../feed.js';
import { maskDeep } from '../mask.js';
import { httpError } from '../problem.js';
import { actorOf, masked, problems, RecordSchema } from './common.js';
import type { RoutePlugin } from './plugin.js';

const Change = z.object({
  seq: z.number().describe('the cursor of this change'),
  list: z.string(),
  change: z.enum(CHANGES),
  subject: z.string(),
  record: z.string(),
  jurisdiction: z.string(),
  at: z.string(),
  statement: RecordSchema.describe('the record behind the change'),
});
const Subscription = z.object({
  id: z.string(),
  list: z.string(),
  url: z.string(),
  cursor: z.number().describe('the last change delivered'),
  active: z.boolean(),
});

interface SubRow {
  id: string;
  account: string;
  list: string;
  url: string;
  delivered: number;
  active: number;
  [k: string]: unknown;
}
const subOf = (r: SubRow) => ({
  id: r.id,
  list: r.list,
  url: r.url,
  cursor: Number(r.delivered),
  active: Number(r.active) === 1,
});

export const feedsPlugin: RoutePlugin = {
  name: 'feeds',
  register(app, ctx) {
    const listParam = z.object({ list: z.string().max(100) });
    const checkList = (list: string) => {
      if (!ctx.policy.list(list))
        throw httpError(404, 'list.unknown_list', `no list '${list}'`, { path: ['params', 'list'] });
    };
    app.get(
      '/v1/feeds/:list',
      {
        config: { access: { roles: ['firm', 'credit_office', 'auditor', 'admin'], scope: 'feeds:read' } },
        schema: {
          tags: ['feeds'],
          summary:
            'Changes to a list after a cursor: listed, extended, deleted, corrected, withdrawn — with the statement behind each',
          params: listParam,
          querystring: z.object({
            cursor: z.coerce
              .number()
              .int()
              .min(0)
              .optional()
              .describe('the last seq already seen (default 0)'),
            limit: z.coerce.number().int().min(1).max(10_000).optional(),
          }),
          response: {
            200: z.object({
              list: z.string(),
              changes: z.array(Change),
              cursor: z.number(),
              head: z.number(),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        checkList(req.params.list);
        const cursor = req.query.cursor ?? 0;
        const changes = await ctx.feed.since({
          list: req.params.list,
          cursor,
          limit: req.query.limit ?? 1000,
        });
        const out = {
          list: req.params.list,
          changes,
          cursor: changes.at(-1)?.seq ?? cursor,
          head: await ctx.feed.head(),
        };
        await ctx.accessLog.append({
          actor: actorOf(req.principal),
          role: req.principal.role,
          action: 'feed.read',
          target: `/v1/feeds/${req.params.list}?cursor=${cursor}`,
          status: 200,
          detail: `${changes.length} changes`,
        });
        return masked(req.principal) ? maskDeep(out) : out;
      },
    );
    const firm = { access: { roles: ['firm'] as const, scope: 'feeds:read' } };
    app.post(
      '/v1/subscriptions',
      {
        config: firm,
        schema: {
          tags: ['feeds'],
          summary:
            'Subscribe a webhook to a list: changes are POSTed signed (HMAC-SHA256), retried with backoff',
          body: z
            .object({
              list: z.string().max(100),
              url: z.url({ protocol: /^https?$/ }).max(2000),
              cursor: z
                .number()
                .int()
                .min(0)
                .optional()
                .describe('deliver changes after this seq (default: from the start)'),
            })
            .strict(),
          response: {
            200: Subscription.extend({ secret: z.string().describe('HMAC key, shown once') }),
            ...problems,
          },
        },
      },
      async (req) => {
        if (!ctx.policy.list(req.body.list))
          throw httpError(422, 'list.unknown_list', `no list '${req.body.list}'`, { path: ['body', 'list'] });
        const id = 'sub_' + randomBytes(8).toString('hex');
        const secret = randomBytes(24).toString('base64url');
        const acc = req.principal.account!;
        await ctx.state.query(`INSERT INTO {t}server_subscriptions VALUES ($1, $2, $3, $4, $5, $6, 1, $7)`, [
          id,
          acc.id,
          req.body.list,
          req.body.url,
          secret,
          req.body.cursor ?? 0,
          new Date().toISOString(),
        ]);
        await ctx.accessLog.append({
          actor: acc.id,
          role: 'firm',
          action: 'subscription.create',
          target: id,
          status: 200,
          detail: req.body.list,
        });
        ctx.webhooks.wake();
        return {
          id,
          list: req.body.list,
          url: req.body.url,
          cursor: req.body.cursor ?? 0,
          active: true,
          secret,
        };
      },
    );
    app.get(
      '/v1/subscriptions',
      {
        config: firm,
        schema: {
          tags: ['feeds'],
          summary: 'My webhook subscriptions',
          response: { 200: z.object({ subscriptions: z.array(Subscription) }) },
        },
      },
      async (req) => ({
        subscriptions: (
          await ctx.state.query<SubRow>(
            `SELECT * FROM {t}server_subscriptions WHERE account = $1 ORDER BY id`,
            [req.principal.account!.id],
          )
        ).map(subOf),
      }),
    );
    const own = async (id: string, account: string): Promise<SubRow> => {
      const [r] = await ctx.state.query<SubRow>(
        `SELECT * FROM {t}server_subscriptions WHERE id = $1 AND account = $2`,
        [id, account],
      );
      if (!r)
        throw httpError(404, 'subscription.not_found', `no subscription ${id}`, { path: ['params', 'id'] });
      return r;
    };
    app.post(
      '/v1/subscriptions/:id/replay',
      {
        config: firm,
        schema: {
          tags: ['feeds'],
          summary: 'Replay: deliver again every change after a cursor',
          params: z.object({ id: z.string().max(64) }),
          body: z.object({ cursor: z.number().int().min(0) }).strict(),
          response: { 200: Subscription, ...problems },
        },
      },
      async (req) => {
        const r = await own(req.params.id, req.principal.account!.id);
        await ctx.state.query(`UPDATE {t}server_subscriptions SET delivered = $1, active = 1 WHERE id = $2`, [
          req.body.cursor,
          r.id,
        ]);
        await ctx.accessLog.append({
          actor: actorOf(req.principal),
          role: 'firm',
          action: 'subscription.replay',
          target: r.id,
          status: 200,
          detail: String(req.body.cursor),
        });
        ctx.webhooks.wake();
        return subOf({ ...r, delivered: req.body.cursor, active: 1 });
      },
    );
    app.delete(
      '/v1/subscriptions/:id',
      {
        config: firm,
        schema: {
          tags: ['feeds'],
          summary: 'Stop a subscription',
          params: z.object({ id: z.string().max(64) }),
          response: { 200: Subscription, ...problems },
        },
      },
      async (req) => {
        const r = await own(req.params.id, req.principal.account!.id);
        await ctx.state.query(`UPDATE {t}server_subscriptions SET active = 0 WHERE id = $1`, [r.id]);
        await ctx.accessLog.append({
          actor: actorOf(req.principal),
          role: 'firm',
          action: 'subscription.stop',
          target: r.id,
          status: 200,
        });
        return subOf({ ...r, active: 0 });
      },
    );
  },
};
