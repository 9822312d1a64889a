// The stored privacy-budget ledger refuses a stale charge: two servers over one store, each with its own engine, cannot
// both spend the same balance (the second is a conflict), and the table refuses a negative balance outright.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelEngine, type ChannelDecision } from '../coproduction/engine.js';
import { resolveChannelPolicy } from '../coproduction/io.js';
import { MemoryChannelLog, restore } from '../coproduction/log.js';
import { syntheticChannelData } from '../coproduction/synthetic.js';
import type { DuckDBLedger } from '../ledger/duckdb/duckdb-ledger.js';
import { openLedger } from '../ledger/open.js';
import { ChargeConflict, storeCharge } from './routes/channels.js';
import { DuckDBState } from './state/duckdb-state.js';
import { migrate } from './state/migrations.js';

const policy = resolveChannelPolicy('ride-hailing');
const data = syntheticChannelData('ledger-test');
const ask = (id: string, granularity = 'county') => ({
  id,
  date: '2026-03-01',
  requester: {
    body: 'prefecture office',
    kind: 'credit_office',
    rank: 'prefecture' as const,
    jurisdiction: '371000',
  },
  channel: 'regional_bad_debts',
  legal_basis: 'ndrc-didi-2018',
  purpose: 'urban_credit_monitoring',
  fields: ['count', 'sum:unpaid_yuan'],
  granularity: granularity as 'county',
});

/** One server's decision and its charge stored as the route stores it (balances read before deciding). */
async function decide(
  db: DuckDBState,
  engine: ChannelEngine,
  id: string,
  granularity: string,
): Promise<ChannelDecision> {
  const balances = new Map(
    engine.budget.entries().map((e) => [`${e.dataset}|${e.purpose}|${e.period}`, e.remaining]),
  );
  const d = engine.handle(ask(id, granularity));
  // As the route: only a granted release that costs budget is charged.
  if (d.outcome === 'granted' && d.rho > 0)
    await db.tx((q) => storeCharge(q, engine, 'ride-hailing', d, balances, engine.log.entries().length));
  return d;
}

describe('the stored budget ledger', () => {
  let ledger: DuckDBLedger;
  let db: DuckDBState;
  beforeAll(async () => {
    ledger = (await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 })) as DuckDBLedger;
    db = new DuckDBState(await ledger.connect());
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
    await ledger.close();
  });

  it('refuses the charge of a server whose engine did not see the other server spend', async () => {
    const logA = new MemoryChannelLog();
    const a = new ChannelEngine(policy, data, { seed: 's', log: logA });
    const b = new ChannelEngine(policy, data, { seed: 's', log: new MemoryChannelLog() });
    expect((await decide(db, a, 'a1', 'county')).outcome).toBe('granted');
    // B believes the whole allowance is left; the stored row says half of it is.
    await expect(decide(db, b, 'b1', 'county')).rejects.toBeInstanceOf(ChargeConflict);
    // Rebuilt from what A logged, B sees the balance and spends the rest (another question: a repeat is free); a
    // third charge is refused by the engine.
    const logB = new MemoryChannelLog();
    restore(logB, logA.entries(), () => ({}));
    const b2 = new ChannelEngine(policy, data, { seed: 's', log: logB });
    expect((await decide(db, b2, 'b2', 'prefecture')).outcome).toBe('granted');
    expect((await decide(db, b2, 'b3', 'total')).refusedBy).toBe('budget.available');
    // A, now stale, grants in memory what the store no longer has: a conflict, never a negative balance.
    await expect(decide(db, a, 'a2', 'province')).rejects.toBeInstanceOf(ChargeConflict);
    const rows = await db.query<{ remaining: number }>(`SELECT remaining FROM {t}server_channel_budget`);
    expect(rows.map((r) => Number(r.remaining))).toEqual([0]);
    await expect(
      db.tx((q) => q.query(`UPDATE {t}server_channel_budget SET remaining = -1`)),
    ).rejects.toThrow();
  });
});
