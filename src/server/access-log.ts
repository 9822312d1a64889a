// The access log: every read of a personal record and every write, as a SHA-256 hash chain. Each row's hash covers
// its content and the previous row's hash, so an edit, a deletion or a reordering breaks the chain at that row.
import * as crypto from 'node:crypto';
import { GroupCommit } from './group-commit.js';
import type { Column, StateDb, StateQuery } from './state/state-db.js';

/** Rows per INSERT: 12 parameters each stays under PostgreSQL's 65,535 per statement. */
const GROUP_STATEMENT = 500;

/** The table's columns, in order, for stores that insert rows by name (`StateDb.insertRows`). */
const COLUMNS: readonly Column[] = [
  ['seq', 'BIGINT'],
  ['at', 'VARCHAR'],
  ['actor', 'VARCHAR'],
  ['role', 'VARCHAR'],
  ['action', 'VARCHAR'],
  ['target', 'VARCHAR'],
  ['subject', 'VARCHAR'],
  ['purpose', 'VARCHAR'],
  ['status', 'INTEGER'],
  ['detail', 'VARCHAR'],
  ['prev', 'VARCHAR'],
  ['hash', 'VARCHAR'],
];

export interface AccessEntry {
  /** Account id, or 'public'. */
  actor: string;
  role: string;
  /** What was done, e.g. 'report.read', 'records.submit'. */
  action: string;
  /** The route or object acted on. */
  target: string;
  subject?: string | null;
  purpose?: string | null;
  status: number;
  detail?: string | null;
}

export interface AccessRow {
  seq: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  target: string;
  subject: string | null;
  purpose: string | null;
  status: number;
  detail: string | null;
  prev: string;
  hash: string;
  [k: string]: unknown;
}

export const GENESIS = '0'.repeat(64);

/** The one-shot `crypto.hash` (Node ≥ 20.12) skips a Hash object per row; the chain's bytes are the same. */
const sha256Hex: (s: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (s) => crypto.hash('sha256', s, 'hex')
    : (s) => crypto.createHash('sha256').update(s).digest('hex');

/** The hash of one row: its content (not its sequence number: order is what `prev` proves) and the previous hash. */
export function rowHash(r: Omit<AccessRow, 'seq' | 'hash'>): string {
  const content = [
    r.at,
    r.actor,
    r.role,
    r.action,
    r.target,
    r.subject,
    r.purpose,
    r.status,
    r.detail,
    r.prev,
  ];
  return sha256Hex(JSON.stringify(content));
}

export type Tamper = 'edited' | 'deleted' | 'reordered';
export interface VerifyResult {
  ok: boolean;
  rows: number;
  head: string;
  /** The first row that does not hold, and how. */
  first?: { seq: number; problem: Tamper; message: string };
}

/** Walk rows in sequence order and name the first broken one. */
export function verifyRows(rows: readonly AccessRow[]): VerifyResult {
  const byHash = new Map<string, number>();
  rows.forEach((r, i) => byHash.set(r.hash, i));
  let prev = GENESIS;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const expectSeq = i === 0 ? r.seq : rows[i - 1]!.seq + 1;
    if (i === 0 && r.seq !== 1)
      return bad(rows.length, prev, 1, 'deleted', `row 1 is missing (the log starts at ${r.seq})`);
    if (r.seq !== expectSeq)
      return bad(
        rows.length,
        prev,
        expectSeq,
        'deleted',
        `row ${expectSeq} is missing (next row is ${r.seq})`,
      );
    if (rowHash(r) !== r.hash)
      return bad(rows.length, prev, r.seq, 'edited', `row ${r.seq}'s content does not match its hash`);
    if (r.prev !== prev) {
      const at = byHash.get(r.prev);
      if (at !== undefined && at > i)
        return bad(rows.length, prev, r.seq, 'reordered', `row ${r.seq} follows a row that now comes later`);
      return bad(
        rows.length,
        prev,
        r.seq,
        'deleted',
        `the row before ${r.seq} is not the one it was chained to`,
      );
    }
    prev = r.hash;
  }
  return { ok: true, rows: rows.length, head: prev };
}

function bad(rows: number, head: string, seq: number, problem: Tamper, message: string): VerifyResult {
  return { ok: false, rows, head, first: { seq, problem, message } };
}

export class AccessLog {
  private last: { seq: number; hash: string } | undefined;
  /** Rows are chained in arrival order and stored in groups: one INSERT for all requests that arrived meanwhile. */
  private readonly writer = new GroupCommit<{ e: AccessEntry; at: string }, AccessRow>((items) =>
    this.store(items),
  );

  constructor(private readonly db: StateDb) {}

  private async tail(): Promise<{ seq: number; hash: string }> {
    if (this.last) return this.last;
    const [r] = await this.db.query<{ seq: number; hash: string }>(
      `SELECT seq, hash FROM {t}server_access_log ORDER BY seq DESC LIMIT 1`,
    );
    this.last = r ? { seq: Number(r.seq), hash: r.hash } : { seq: 0, hash: GENESIS };
    return this.last;
  }

  /** Append one entry; resolves once it is stored (chained after every entry appended before it). */
  append(e: AccessEntry, at = new Date().toISOString()): Promise<AccessRow> {
    return this.writer.add({ e, at });
  }

  private async store(items: { e: AccessEntry; at: string }[]): Promise<AccessRow[]> {
    const t = await this.tail();
    let { seq, hash } = t;
    const rows: AccessRow[] = items.map(({ e, at }) => {
      const base = {
        at,
        actor: e.actor,
        role: e.role,
        action: e.action,
        target: e.target,
        subject: e.subject ?? null,
        purpose: e.purpose ?? null,
        status: e.status,
        detail: e.detail ?? null,
        prev: hash,
      };
      const row: AccessRow = { seq: ++seq, ...base, hash: rowHash(base) };
      hash = row.hash;
      return row;
    });
    const insert = async (q: StateQuery, part: AccessRow[]) => {
      const values = part.map(
        (_, j) => `(${Array.from({ length: 12 }, (_, c) => `$${j * 12 + c + 1}`).join(', ')})`,
      );
      await q.query(
        `INSERT INTO {t}server_access_log VALUES ${values.join(', ')}`,
        part.flatMap((r) => [
          r.seq,
          r.at,
          r.actor,
          r.role,
          r.action,
          r.target,
          r.subject,
          r.purpose,
          r.status,
          r.detail,
          r.prev,
          r.hash,
        ]),
      );
    };
    // DuckDB takes the group as one prepared statement over one JSON value (a third of a multi-row INSERT's cost
    // per row); elsewhere one statement is atomic by itself, and a BEGIN/COMMIT round trip around it would double
    // a small group's cost.
    if (this.db.insertRows) await this.db.insertRows('server_access_log', COLUMNS, rows);
    else if (rows.length <= GROUP_STATEMENT) await insert(this.db, rows);
    else
      await this.db.tx(async (q) => {
        for (let i = 0; i < rows.length; i += GROUP_STATEMENT)
          await insert(q, rows.slice(i, i + GROUP_STATEMENT));
      });
    // Advance only past what is stored: a failed group leaves the chain where it was.
    this.last = { seq, hash };
    return rows;
  }

  async rows(opts: { subject?: string; after?: number; limit?: number } = {}): Promise<AccessRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (opts.subject !== undefined) {
      params.push(opts.subject);
      where.push(`subject = $${params.length}`);
    }
    if (opts.after !== undefined) {
      params.push(opts.after);
      where.push(`seq > $${params.length}`);
    }
    const limit = opts.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(opts.limit))}` : '';
    const rows = await this.db.query<AccessRow>(
      `SELECT * FROM {t}server_access_log${where.length ? ' WHERE ' + where.join(' AND ') : ''} ORDER BY seq${limit}`,
      params,
    );
    return rows.map((r) => ({ ...r, seq: Number(r.seq), status: Number(r.status) }));
  }

  async verify(): Promise<VerifyResult> {
    return verifyRows(await this.rows());
  }
}
