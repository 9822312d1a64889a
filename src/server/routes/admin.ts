// Administration: accounts for every role, API keys (shown once), key revocation, jurisdictions.
import { z } from 'zod';
import { AccountInput, checkAccount } from '../auth.js';
import { putJurisdiction } from '../context.js';
import { JurisdictionSchema } from '../jurisdictions.js';
import { HttpError, httpError } from '../problem.js';
import { actorOf, problems } from './common.js';
import { checkPublication } from './office.js';
import type { RoutePlugin } from './plugin.js';

const Account = z.object({
  id: z.string(),
  role: z.string(),
  name: z.string(),
  jurisdiction: z.string().nullable(),
  agency: z.string().nullable(),
  subject: z.string().nullable(),
  kinds: z.array(z.string()).nullable(),
});
const KeyInput = z
  .object({
    scopes: z
      .array(z.string().regex(/^(\*|[a-z-]+:[a-z]+)$/))
      .min(1)
      .max(20)
      .optional(),
    expiresAt: z.iso.datetime().optional().describe('ISO 8601 instant; default: never'),
  })
  .strict();
const Key = z.object({
  id: z.string(),
  key: z.string().describe('shown once; only its hash is stored'),
  scopes: z.array(z.string()),
  expiresAt: z.string().nullable(),
});

export const adminPlugin: RoutePlugin = {
  name: 'admin',
  register(app, ctx) {
    const admin = { access: { roles: ['admin'] as const } };
    app.post(
      '/v1/admin/accounts',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Create an account',
          body: AccountInput,
          response: { 200: Account, ...problems },
        },
      },
      async (req) => {
        const bad = checkAccount(req.body);
        if (bad.length)
          throw new HttpError(
            422,
            bad.map((b) => ({ code: b.code, message: b.message, location: { path: ['body', b.path] } })),
          );
        if (req.body.jurisdiction && !ctx.jurisdictions.get(req.body.jurisdiction))
          throw httpError(422, 'jurisdiction.unknown', `no jurisdiction ${req.body.jurisdiction}`, {
            path: ['body', 'jurisdiction'],
          });
        const acc = await ctx.keys.createAccount(req.body);
        await ctx.accessLog.append({
          actor: actorOf(req.principal),
          role: 'admin',
          action: 'account.create',
          target: acc.id,
          status: 200,
          detail: acc.role,
        });
        return acc;
      },
    );
    app.post(
      '/v1/admin/accounts/:id/keys',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Issue an API key for an account',
          params: z.object({ id: z.string().max(64) }),
          body: KeyInput,
          response: { 200: Key, ...problems },
        },
      },
      async (req) => {
        const acc = await ctx.keys.getAccount(req.params.id);
        if (!acc)
          throw httpError(404, 'account.not_found', `no account ${req.params.id}`, {
            path: ['params', 'id'],
          });
        const key = await ctx.keys.createKey(acc.id, {
          scopes: req.body.scopes,
          expiresAt: req.body.expiresAt ?? null,
        });
        await ctx.accessLog.append({
          actor: actorOf(req.principal),
          role: 'admin',
          action: 'key.create',
          target: key.id,
          status: 200,
          detail: acc.id,
        });
        return key;
      },
    );
    app.delete(
      '/v1/admin/keys/:id',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Revoke an API key',
          params: z.object({ id: z.string().max(64) }),
          response: { 200: z.object({ revoked: z.string() }), ...problems },
        },
      },
      async (req) => {
        if (!(await ctx.keys.revokeKey(req.params.id)))
          throw httpError(404, 'key.not_found', `no live key ${req.params.id}`, { path: ['params', 'id'] });
        await ctx.accessLog.append({
          actor: actorOf(req.principal),
          role: 'admin',
          action: 'key.revoke',
          target: req.params.id,
          status: 200,
        });
        return { revoked: req.params.id };
      },
    );
    app.put(
      '/v1/admin/jurisdictions/:code',
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: 'Create or replace a jurisdiction',
          params: z.object({ code: z.string().regex(/^\d{6}$/) }),
          body: JurisdictionSchema,
          response: { 200: JurisdictionSchema, ...problems },
        },
      },
      async (req) => {
        const j = req.body;
        if (j.code !== req.params.code)
          throw httpError(422, 'jurisdiction.code_mismatch', 'body code differs from the path', {
            path: ['body', 'code'],
          });
        if (j.parent && !ctx.jurisdictions.get(j.parent))
          throw httpError(422, 'jurisdiction.unknown_parent', `no jurisdiction ${j.parent}`, {
            path: ['body', 'parent'],
          });
        if (j.parent && ctx.jurisdictions.chain(j.parent).some((x) => x.code === j.code))
          throw httpError(422, 'jurisdiction.cycle', 'a jurisdiction cannot be its own ancestor', {
            path: ['body', 'parent'],
          });
        checkPublication(ctx, j);
        await putJurisdiction(ctx.state, ctx.jurisdictions, j);
        await ctx.accessLog.append({
          actor: actorOf(req.principal),
          role: 'admin',
          action: 'jurisdiction.put',
          target: j.code,
          status: 200,
        });
        return j;
      },
    );
  },
};
