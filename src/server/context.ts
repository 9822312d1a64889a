// What every route plugin is given: the ledger, the server state in the same database, the engines' policies and
// the server's services (keys, access log, feed, decision index). `createContext` wires them; nothing else does.
import type { Catalogue } from '../core/catalogue.js';
import { shipped } from '../core/paths.js';
import type { CreditRecord } from '../core/types.js';
import type { Ledger } from '../ledger/ledger.js';
import { Serial } from '../ledger/serial.js';
import { DecisionIndex } from '../schemes/lists/decision-index.js';
import { shippedListPolicy, type ListPolicy } from '../schemes/lists/policy.js';
import { loadSchemePack } from '../schemes/municipal/load.js';
import type { SchemePack } from '../schemes/municipal/types.js';
import { AccessLog } from './access-log.js';
import { KeyStore } from './auth.js';
import { Feed } from './feed.js';
import { GroupCommit } from './group-commit.js';
import { Jurisdictions, shippedJurisdictions, type Jurisdiction } from './jurisdictions.js';
import { Metrics } from './metrics.js';
import { openState } from './state/open-state.js';
import type { StateDb } from './state/state-db.js';
import { Webhooks } from './webhooks.js';

export interface ServerContext {
  readonly ledger: Ledger;
  readonly catalogue: Catalogue;
  readonly state: StateDb;
  readonly keys: KeyStore;
  readonly accessLog: AccessLog;
  readonly feed: Feed;
  readonly jurisdictions: Jurisdictions;
  readonly policy: ListPolicy;
  readonly metrics: Metrics;
  /** Writes that allocate sequence numbers (batches, feed) run one at a time. */
  readonly writes: Serial;
  /** Municipal packs by folder under policies/ (e.g. 'wendeng-points/2020'), loaded once. */
  pack(folder: string): SchemePack;
  /** The decision index, built from the ledger on first use and kept current by every stored batch. */
  decisions(): Promise<DecisionIndex>;
  /** Decision receipts, appended to the ledger in groups (one batch for all decisions answered meanwhile). */
  readonly receipts: GroupCommit<CreditRecord, void>;
  /** Webhook delivery (started by `mosaic serve`; tests start it when they need it). */
  readonly webhooks: Webhooks;
  /**
   * Tell the engines' caches about newly stored records; resolves once the decision index answers with them (so a
   * listing or deletion acknowledged by the server is reflected in the very next decision).
   */
  stored(records: readonly CreditRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface ContextOptions {
  pgUrl?: string | undefined;
  /** Jurisdictions to seed an empty server with (default: policies/jurisdictions/weihai.yaml). */
  jurisdictions?: Jurisdiction[];
}

const accessLogs = new WeakMap<Ledger, { log: AccessLog; refs: number }>();

export async function createContext(ledger: Ledger, opts: ContextOptions = {}): Promise<ServerContext> {
  const state = await openState(ledger, { pgUrl: opts.pgUrl });
  const rows = await state.query<{ config: string }>(`SELECT config FROM {t}server_jurisdictions`);
  const jurisdictions = new Jurisdictions(rows.map((r) => JSON.parse(r.config) as Jurisdiction));
  if (!rows.length)
    for (const j of opts.jurisdictions ?? shippedJurisdictions())
      await putJurisdiction(state, jurisdictions, j);
  const policy = shippedListPolicy();
  const packs = new Map<string, SchemePack>();
  let index: Promise<DecisionIndex> | undefined;
  const feed = new Feed(state, policy);
  const webhooks = new Webhooks(state, feed);
  // One access log per open ledger: a second context over the same ledger (a test's "restarted" server) shares its
  // chain head and journal instead of replaying and deleting a journal the first is still writing.
  let shared = accessLogs.get(ledger);
  if (!shared)
    accessLogs.set(
      ledger,
      (shared = { log: new AccessLog(state, { journal: accessJournalFor(ledger) }), refs: 0 }),
    );
  shared.refs++;
  const accessLog = shared.log;
  // Replay a journal tail a crash left before anything is answered (and fail the start if the table refuses it).
  await accessLog.ready();
  return {
    ledger,
    catalogue: ledger.catalogue,
    state,
    keys: new KeyStore(state),
    accessLog,
    feed,
    webhooks,
    receipts: new GroupCommit<CreditRecord, void>(async (rs) => {
      await ledger.append(rs);
      return rs.map(() => undefined);
    }),
    jurisdictions,
    policy,
    metrics: new Metrics(),
    writes: new Serial(),
    pack(folder) {
      let p = packs.get(folder);
      if (!p)
        packs.set(folder, (p = loadSchemePack(shipped('policies', ...folder.split('/')), ledger.catalogue)));
      return p;
    },
    decisions() {
      index ??= DecisionIndex.fromLedger(policy, ledger);
      return index;
    },
    async stored(records) {
      webhooks.wake();
      if (!index) return; // built later from the ledger, which already holds them
      const ix = await index;
      let touched = false;
      for (const r of records) touched = ix.apply(r) || touched;
      // A correction or withdrawal of a statement the start-up scan loaded without its id leaves its subject
      // waiting for the full records; read them now rather than answer from a stale entry.
      if (touched && ix.pending) await ix.sync(ledger);
    },
    close: async () => {
      await webhooks.stop();
      if (--shared.refs === 0) {
        accessLogs.delete(ledger);
        await accessLog.close();
      }
      await state.close();
    },
  };
}

/**
 * Where a ledger's access log keeps its write-ahead journal: beside a DuckDB file (the same disk, so the same
 * durability as the database). None for an in-memory DuckDB (nothing there outlives the process) nor for PostgreSQL,
 * where a file on the server's own disk would be less durable than the database it is meant for (decision 0158).
 */
export function accessJournalFor(ledger: Ledger): string | undefined {
  const file = (ledger as { file?: unknown }).file;
  return ledger.adapter === 'duckdb' && typeof file === 'string' && file !== ':memory:' && file !== ''
    ? file
    : undefined;
}

/** Store (insert or replace) one jurisdiction and update the in-memory view. */
export async function putJurisdiction(state: StateDb, js: Jurisdictions, j: Jurisdiction): Promise<void> {
  await state.tx(async (q) => {
    await q.query(`DELETE FROM {t}server_jurisdictions WHERE code = $1`, [j.code]);
    await q.query(`INSERT INTO {t}server_jurisdictions VALUES ($1, $2, $3, $4, $5)`, [
      j.code,
      j.name.en,
      j.name.zh,
      j.parent,
      JSON.stringify(j),
    ]);
  });
  js.put(j);
}
