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
    const todo = records.flatMap((r) => changesOf(this.policy, r).map((c) => ({ r, c })));
    if (!todo.length) return 0;
    const [m] = await q.query<{ n: number | null }>(`SELECT max(seq) AS n FROM {t}server_feed`);
    let seq = Number(m?.n ?? 0);
    let added = 0;
    for (const { r, c } of todo) {
      const rows = await q.query(
        `INSERT INTO {t}server_feed VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING seq`,
        [seq + 1, c.list, c.change, r.subject, r.id, jurisdiction, at, JSON.stringify(r)],
      );
      if (rows.length) {
        seq++;
        added++;
      }
    }
    return added;
  }

  async since(opts: { list?: string; cursor: number; limit: number }): Promise<FeedChange[]> {
    const params: unknown[] = [opts.cursor];
    let where = 'seq > $1';
    if (opts.list !== undefined) {
      params.push(opts.list);
      where += ' AND list = $2';
    }
    const rows = await this.db.query<Record<string, unknown>>(
      `SELECT * FROM {t}server_feed WHERE ${where} ORDER BY seq LIMIT ${Math.max(1, Math.floor(opts.limit))}`,
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
