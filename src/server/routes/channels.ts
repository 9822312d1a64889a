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
import type { StateQuery } from '../state/state-db.js';
import { ProblemSchema, actorOf, problems, today } from './common.js';
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

/** The stored balance is not the one this server read: another server charged first. */
export class ChargeConflict extends Error {}

const budgetKey = (e: { dataset: string; purpose: string; period: string }) =>
  `${e.dataset}|${e.purpose}|${e.period}`;

/** A unique-key violation from either store: another server stored this log sequence number first. */
function isUniqueViolation(e: unknown): boolean {
  const m = e instanceof Error ? `${(e as { code?: string }).code ?? ''} ${e.message}` : '';
  return /23505|duplicate key|unique|primary key/i.test(m);
}

/**
 * Store the charge in the budget ledger's row: the balance moves from what this server read to what the engine left,
 * and only if the stored balance is still the one it read (another server's charge in between is a conflict). The
 * table's CHECK refuses a negative balance whatever a server believes.
 */
export async function storeCharge(
  q: StateQuery,
  engine: ChannelEngine,
  firm: string,
  d: ChannelDecision,
  balances: ReadonlyMap<string, number>,
  seq: number,
): Promise<void> {
  const dataset = engine.policy.channels.find((c) => c.id === d.channel)!.dataset;
  const at = { dataset, purpose: d.purpose, period: d.period ?? '' };
  const after = engine.budget.remaining(at.dataset, at.purpose, at.period);
  const before = balances.get(budgetKey(at));
  const allowance = engine.budget.allowance(d.purpose);
  const key = [firm, at.dataset, at.purpose, at.period];
  const rows = await q.query<{ remaining: number }>(
    `SELECT remaining FROM {t}server_channel_budget WHERE firm = $1 AND dataset = $2 AND purpose = $3 AND period = $4`,
    key,
  );
  // No row yet: the first charge of the period (or a log kept before the ledger table existed): store the balance.
  if (!rows.length) {
    await q.query(`INSERT INTO {t}server_channel_budget VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      ...key,
      after,
      allowance,
      seq,
    ]);
    return;
  }
  if (before === undefined || Number(rows[0]!.remaining) !== before) throw new ChargeConflict();
  await q.query(
    `UPDATE {t}server_channel_budget SET remaining = $5, updated_seq = $6
      WHERE firm = $1 AND dataset = $2 AND purpose = $3 AND period = $4`,
    [...key, after, seq],
  );
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
          response: { 200: Decision, ...problems, 409: ProblemSchema },
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
        const firm = req.params.firm;
        // One decision at a time: the budget check, the charge, the stored log entry and the stored budget row happen
        // in order, and the two rows are written in one transaction (both stored, or neither).
        const { decision: d, fresh } = await ctx.writes.run(async () => {
          const ch = await open(firm);
          const before = ch.log.entries().length;
          const balances = new Map(ch.engine.budget.entries().map((e) => [budgetKey(e), e.remaining]));
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
            try {
              await ctx.state.tx(async (q) => {
                for (const e of added)
                  await q.query(`INSERT INTO {t}server_channel_log VALUES ($1, $2, $3, $4)`, [
                    firm,
                    e.seq,
                    e.decision.request,
                    JSON.stringify(e),
                  ]);
                if (decision.outcome === 'granted' && decision.rho > 0)
                  await storeCharge(q, ch.engine, firm, decision, balances, added.at(-1)!.seq);
              });
            } catch (e) {
              // The engine in memory charged a decision the store did not take: drop it, so the next request
              // rebuilds the budget from what is stored. A row another server wrote first is a conflict (409).
              engines.delete(firm);
              if (e instanceof ChargeConflict || isUniqueViolation(e))
                throw httpError(
                  409,
                  'channel.conflict',
                  'another server decided on this channel first; ask again',
                );
              throw e;
            }
          return { decision, fresh: added.length > 0 };
        });
        await ctx.accessLog.append({
          actor: actorOf(req.principal),
          role: req.principal.role,
          action: 'channel.request',
          target: `/v1/channels/${req.params.firm}/requests/${req.body.id}`,
          purpose: req.body.purpose,
          status: 200,
          // A request id asked again gets its logged decision back: logged as such, with nothing charged.
          detail:
            (fresh ? '' : 'answered before: ') +
            (d.refusedBy ? `refused by ${d.refusedBy}` : `${d.outcome}; rho ${fresh ? d.rho : 0}`),
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
              /** The budget ledger's stored rows (what a restarted server starts from). */
              stored: z.array(
                z.object({
                  dataset: z.string(),
                  purpose: z.string(),
                  period: z.string(),
                  remaining: z.number(),
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
        const stored = await ctx.state.query<{
          dataset: string;
          purpose: string;
          period: string;
          remaining: number;
        }>(
          `SELECT dataset, purpose, period, remaining FROM {t}server_channel_budget WHERE firm = $1
            ORDER BY dataset, purpose, period`,
          [req.params.firm],
        );
        return {
          stored: stored.map((r) => ({ ...r, remaining: Number(r.remaining) })),
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
