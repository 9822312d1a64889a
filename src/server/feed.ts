// The list feed: every listing, extension, deletion, correction and withdrawal stored through the server, in one
// numbered journal per server (a cursor is a sequence number), written in the same transaction as its batch.
import type { CreditRecord } from '../core/types.js';
import type { ListPolicy } from '../schemes/lists/policy.js';
import type { StateDb, StateQuery } from './state/state-db.js';

export const CHANGES = [
  'listed',
  'extended',
  'deleted',
  'expired',
  'published',
  'corrected',
  'withdrawn',
] as const;
export type Change = (typeof CHANGES)[number];

export interface FeedChange {
  seq: number;
  list: string;
  change: Change;
  subject: string;
  record: string;
  jurisdiction: string;
  at: string;
  /** The statement behind the change: the full record. */
  statement: CreditRecord;
}

const BY_ROLE: Partial<Record<string, Change>> = {
  listing: 'listed',
  extension: 'extended',
  deletion: 'deleted',
  expiry: 'expired',
  publication: 'published',
};

/** The feed changes one record makes (none for a kind that plays no part in a list). */
export function changesOf(policy: ListPolicy, r: CreditRecord): { list: string; change: Change }[] {
  const out: { list: string; change: Change }[] = [];
  for (const { list, role } of policy.rolesOf(r.kind)) {
    let change = BY_ROLE[role];
    if (!change) continue;
    if (r.status === 'correction') change = 'corrected';
    else if (r.status === 'withdrawal') change = 'withdrawn';
    out.push({ list: policy.lists[list]!.list, change });
  }
  return out;
}

/** Rows per statement (8 parameters each stays under PostgreSQL's 65,535). */
const CHUNK = 500;

export class Feed {
  constructor(
    private readonly db: StateDb,
    private readonly policy: ListPolicy,
  ) {}

  /**
   * Journal the changes of `records` inside the caller's transaction. A record already journalled (a retried batch)
   * adds nothing: (list, record) is unique. Callers serialize writes so sequence numbers never collide.
   */
  async record(
    q: StateQuery,
    records: readonly CreditRecord[],
    jurisdiction: string,
    at: string,
  ): Promise<number> {
    // Most kinds play no part in a list: those records are passed over without a changes array each (decision 0174).
    const todo: { r: CreditRecord; c: { list: string; change: Change } }[] = [];
    for (const r of records) {
      if (this.policy.rolesOf(r.kind).length === 0) continue;
      for (const c of changesOf(this.policy, r)) todo.push({ r, c });
    }
    if (!todo.length) return 0;
    // Which (list, record) pairs are journalled already (a retried batch), in a few statements rather than one
    // INSERT … RETURNING per change: a 10k batch of listings would otherwise cost 10k round trips.
    const seen = new Set<string>();
    if (this.db.dialect === 'postgres') {
      // One statement on the (list, record) key's index: `record IN (…)` alone cannot use it (list leads) and
      // scanned the whole feed once per 500 ids, a cost that grew with every batch stored (decision 0168).
      const rows = await q.query<{ list: string; record: string }>(
        `SELECT f.list, f.record FROM {t}server_feed f
         JOIN unnest($1::text[], $2::text[]) AS u(list, record) ON f.list = u.list AND f.record = u.record`,
        [todo.map((t) => t.c.list), todo.map((t) => t.r.id)],
      );
      for (const x of rows) seen.add(`${x.list}\t${x.record}`);
    } else {
      // The batch's ids as one JSON text: one scan of the feed per batch. `record IN ($1, …, $500)` scanned the
      // whole feed once per 500 ids (0.9 s a 10k batch against a 1M-row feed).
      const rows = await q.query<{ list: string; record: string }>(
        `SELECT list, record FROM {t}server_feed
         WHERE record IN (SELECT unnest(from_json($1::VARCHAR, '["VARCHAR"]')))`,
        [JSON.stringify([...new Set(todo.map((t) => t.r.id))])],
      );
      for (const x of rows) seen.add(`${x.list}\t${x.record}`);
    }
    const [m] = await q.query<{ n: number | null }>(`SELECT max(seq) AS n FROM {t}server_feed`);
    let seq = Number(m?.n ?? 0);
    const rows: unknown[][] = [];
    for (const { r, c } of todo) {
      const k = `${c.list}\t${r.id}`;
      if (seen.has(k)) continue;
      seen.add(k);
      rows.push([++seq, c.list, c.change, r.subject, r.id, jurisdiction, at, JSON.stringify(r)]);
    }
    if (this.db.dialect === 'postgres' && rows.length) {
      // One statement over eight array parameters instead of one per 500 rows.
      await q.query(
        `INSERT INTO {t}server_feed SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[],
           $5::text[], $6::text[], $7::text[], $8::text[])`,
        Array.from({ length: 8 }, (_, c) => rows.map((r) => r[c])),
      );
      return rows.length;
    }
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK);
      await q.query(
        `INSERT INTO {t}server_feed VALUES ${part.map((_, j) => `(${Array.from({ length: 8 }, (_, c) => `$${j * 8 + c + 1}`).join(', ')})`).join(', ')}`,
        part.flat(),
      );
    }
    return rows.length;
  }

  /**
   * The changes after `cursor`, in seq order, at most `limit` (fewer only when the feed holds no more). On DuckDB the
   * read walks seq in widening windows: an open `seq > cursor ORDER BY seq LIMIT n` scans every row after the cursor
   * (266 ms at cursor 0 of a 1M-row feed), where a bounded range skips the row groups outside it by their min/max;
   * delivering 1M changes in pages of 1,000 was quadratic without it. PostgreSQL's primary-key index reads the open
   * range directly.
   */
  async since(opts: { list?: string; cursor: number; limit: number }): Promise<FeedChange[]> {
    const limit = Math.max(1, Math.floor(opts.limit));
    if (this.db.dialect !== 'duckdb') return this.range(opts.list, opts.cursor, undefined, limit);
    // Writers serialize and commit in seq order, so no row at or below the head read here can appear later.
    const head = await this.head();
    const out: FeedChange[] = [];
    let from = opts.cursor;
    let width = 2 * limit;
    while (out.length < limit && from < head) {
      const to = Math.min(head, from + width);
      for (const c of await this.range(opts.list, from, to, limit - out.length)) out.push(c);
      from = to;
      width *= 2;
    }
    return out;
  }

  private async range(
    list: string | undefined,
    after: number,
    upTo: number | undefined,
    limit: number,
  ): Promise<FeedChange[]> {
    const params: unknown[] = [after];
    let where = 'seq > $1';
    if (upTo !== undefined) {
      params.push(upTo);
      where += ` AND seq <= $${params.length}`;
    }
    if (list !== undefined) {
      params.push(list);
      where += ` AND list = $${params.length}`;
    }
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT * FROM {t}server_feed WHERE ${where} ORDER BY seq LIMIT ${limit}`,
      params,
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      list: String(r.list),
      change: r.change as Change,
      subject: String(r.subject),
      record: String(r.record),
      jurisdiction: String(r.jurisdiction),
      at: String(r.at),
      statement: JSON.parse(String(r.statement)) as CreditRecord,
    }));
  }

  async head(): Promise<number> {
    const [m] = await this.db.query<{ n: number | null }>(`SELECT max(seq) AS n FROM {t}server_feed`);
    return Number(m?.n ?? 0);
  }
}
