// Firm → state data channels over HTTP: a state body's account asks a firm's channel; the answer (granted, refused by
// a named rule, or a repeat) comes from the one channel engine, its log is kept in the server state, and the read is
// in the access log. The requester's body, kind, rank and jurisdiction come from its account, never from the request.
import { z } from 'zod';
import { ChannelEngine, type ChannelDecision, type Row } from '../../coproduction/engine.js';
import { resolveChannelPolicy, shippedFirms } from '../../coproduction/io.js';
import { MemoryChannelLog, restore, type LogEntry } from '../../coproduction/log.js';
import { rankOfJurisdiction } from '../../coproduction/policy.js';
import { syntheticChannelData } from '../../coproduction/synthetic.js';
import { httpError } from '../problem.js';
import { actorOf, problems, today } from './common.js';
import type { RoutePlugin } from './plugin.js';

const Firm = z.object({ firm: z.string().max(100) });

const Body = z
  .object({
    id: z.string().min(1).max(200).describe('the request id: the same id again returns the logged decision'),
    channel: z.string().min(1).max(100),
    legal_basis: z.string().min(1).max(100),
    purpose: z.string().min(1).max(100),
    fields: z.array(z.string().min(1).max(100)).min(1).max(50),
    granularity: z.enum(['county', 'prefecture', 'province', 'total', 'record']),
  })
  .strict();

/** The decision as JSON: reasons, charge and release are nested objects described by the engine's types. */
const Decision = z.looseObject({
  request: z.string(),
  outcome: z.enum(['granted', 'refused', 'repeat']),
  refusedBy: z.string().optional(),
  reasons: z.array(z.object({ rule: z.string(), ok: z.boolean(), message: z.string() })),
  rho: z.number(),
});

interface Channels {
  engine: ChannelEngine;
  log: MemoryChannelLog;
}

export const channelsPlugin: RoutePlugin = {
  name: 'channels',
  register(app, ctx) {
    // The reference server runs each shipped firm's channel over that firm's seeded synthetic data set; a firm
    // deploying this route would load its own rows here. Engines are built on first use from the stored log.
    const engines = new Map<string, Promise<Channels>>();
    const data: ReadonlyMap<string, readonly Row[]> = syntheticChannelData('server');
    const open = (firm: string): Promise<Channels> => {
      let p = engines.get(firm);
      if (!p) {
        p = (async () => {
          const policy = resolveChannelPolicy(firm);
          const rows = await ctx.state.query<{ entry: string }>(
            `SELECT entry FROM {t}server_channel_log WHERE firm = $1 ORDER BY seq`,
            [firm],
          );
          const log = new MemoryChannelLog();
          restore(
            log,
            rows.map((r) => JSON.parse(r.entry) as LogEntry),
            (i) => ({ path: ['server_channel_log', firm, i + 1] }),
          );
          return { engine: new ChannelEngine(policy, data, { seed: `server|${firm}`, log }), log };
        })();
        engines.set(firm, p);
        p.catch(() => engines.delete(firm));
      }
      return p;
    };
    const known = (firm: string) => {
      if (!shippedFirms().includes(firm))
        throw httpError(404, 'channel.unknown_firm', `no firm '${firm}'`, { path: ['params', 'firm'] });
    };
    const state = {
      access: { roles: ['agency', 'court', 'credit_office'] as const, scope: 'channels:request' },
    };

    app.post(
      '/v1/channels/:firm/requests',
      {
        config: state,
        schema: {
          tags: ['channels'],
          summary:
            "Ask a firm's data channel: every rule checked with its reason; refused requests name the rule that refused",
          params: Firm,
          body: Body,
          response: { 200: Decision, ...problems },
        },
      },
      async (req) => {
        known(req.params.firm);
        const acc = req.principal.account!;
        const rank = acc.jurisdiction ? rankOfJurisdiction(acc.jurisdiction) : undefined;
        if (!acc.jurisdiction || !rank)
          throw httpError(
            403,
            'channel.no_jurisdiction',
            'the account has no GB/T 2260 jurisdiction to ask from',
          );
        const ch = await open(req.params.firm);
        // One decision at a time: the budget check, the charge and the stored log entry happen in order.
        const d: ChannelDecision = await ctx.writes.run(async () => {
          const before = ch.log.entries().length;
          const decision = ch.engine.handle({
            ...req.body,
            // Request ids are the caller's idempotency keys: scoped to its account.
            id: `${acc.id}/${req.body.id}`,
            date: today(),
            requester: {
              body: acc.name,
              kind: acc.agency ?? acc.role,
              rank,
              jurisdiction: acc.jurisdiction!,
            },
          });
          const added = ch.log.entries().slice(before);
          if (added.length)
            await ctx.state.tx(async (q) => {
              for (const e of added)
                await q.query(`INSERT INTO {t}server_channel_log VALUES ($1, $2, $3, $4)`, [
                  req.params.firm,
                  e.seq,
                  e.decision.request,
                  JSON.stringify(e),
                ]);
            });
          return decision;
        });
        await ctx.accessLog.append({
          actor: actorOf(req.principal),
          role: req.principal.role,
          action: 'channel.request',
          target: `/v1/channels/${req.params.firm}/requests/${req.body.id}`,
          purpose: req.body.purpose,
          status: 200,
          detail: d.refusedBy ? `refused by ${d.refusedBy}` : `${d.outcome}; rho ${d.rho}`,
        });
        return { ...d };
      },
    );

    app.get(
      '/v1/channels/:firm/budget',
      {
        config: { access: { roles: ['agency', 'court', 'credit_office', 'auditor', 'admin'] } },
        schema: {
          tags: ['channels'],
          summary: "What each purpose has left of the firm's privacy budget, per period (zCDP ρ)",
          params: Firm,
          response: {
            200: z.object({
              firm: z.string(),
              period: z.enum(['month', 'year']),
              requests: z.number(),
              budgets: z.array(
                z.object({
                  dataset: z.string(),
                  purpose: z.string(),
                  period: z.string(),
                  remaining: z.number(),
                  allowance: z.number(),
                }),
              ),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        known(req.params.firm);
        const ch = await open(req.params.firm);
        return {
          firm: req.params.firm,
          period: ch.engine.policy.budget.period,
          requests: ch.log.entries().length,
          budgets: ch.engine.budget
            .entries()
            .map((e) => ({ ...e, allowance: ch.engine.budget.allowance(e.purpose) })),
        };
      },
    );
  },
};
