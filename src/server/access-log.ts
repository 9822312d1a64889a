// The access log: every read of a personal record and every write, as a SHA-256 hash chain. Each row's hash covers
// its content and the previous row's hash, so an edit, a deletion or a reordering breaks the chain at that row.
import * as crypto from 'node:crypto';
import { AccessJournal, journalSegments, readJournal } from './access-journal.js';
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

/** The columns, for tests that write rows as a fold would. */
export const COLUMNS_FOR_TEST = COLUMNS;

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

/**
 * A new row, its hash and its journal line from one JSON encoding of each field (decision 0169): the hashed text is
 * byte for byte `JSON.stringify` of rowHash's array and the line byte for byte `JSON.stringify(row)` (a test holds
 * both), where the two whole-value encodings encoded every field twice.
 */
export function encodeRow(seq: number, r: Omit<AccessRow, 'seq' | 'hash'>): { row: AccessRow; line: string } {
  const at = JSON.stringify(r.at);
  const actor = JSON.stringify(r.actor);
  const role = JSON.stringify(r.role);
  const action = JSON.stringify(r.action);
  const target = JSON.stringify(r.target);
  const subject = JSON.stringify(r.subject);
  const purpose = JSON.stringify(r.purpose);
  const status = JSON.stringify(r.status);
  const detail = JSON.stringify(r.detail);
  const prev = JSON.stringify(r.prev);
  const hash = sha256Hex(
    `[${at},${actor},${role},${action},${target},${subject},${purpose},${status},${detail},${prev}]`,
  );
  const row = { seq, ...r, hash } as AccessRow;
  const line =
    `{"seq":${JSON.stringify(seq)},"at":${at},"actor":${actor},"role":${role},"action":${action},` +
    `"target":${target},"subject":${subject},"purpose":${purpose},"status":${status},"detail":${detail},` +
    `"prev":${prev},"hash":"${hash}"}`;
  return { row, line };
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

/** Rows folded from the journal into the table per statement (one JSON value of a few MB). */
const FOLD_STATEMENT = 8192;
/**
 * Fold once this many rows wait in the journal, or this long after the first of them was written. A DuckDB insert
 * costs about a transaction plus a few µs a row, so rare large folds are cheapest; readers fold first (`flush`),
 * so a longer wait is never seen, and a crash only lengthens the replay.
 */
const FOLD_ROWS = 8192;
const FOLD_MS = 1000;

export interface AccessLogOptions {
  /**
   * The DuckDB ledger file: the log then keeps a write-ahead journal beside it (`<file>.access-journal.<n>`), made
   * durable per group with fdatasync, and folds it into the table in large batches (docs/decisions/0158). Without
   * it every group is one INSERT into the table before the callers are answered.
   */
  journal?: string | undefined;
}

export class AccessLog {
  private last: { seq: number; hash: string } | undefined;
  private init: Promise<void> | undefined;
  private journal: AccessJournal | undefined;
  /** Rows durable in the journal and not yet in the table, with their journal lines (the fold's JSON). */
  private unfolded: { row: AccessRow; line: string }[] = [];
  /** The highest sequence number known to be in the table. */
  private foldedSeq = 0;
  private folding: Promise<void> = Promise.resolve();
  private foldTimer: ReturnType<typeof setTimeout> | undefined;
  private foldError: unknown;
  private closed = false;
  /** Rows are chained in arrival order and stored in groups: one write for all requests that arrived meanwhile. */
  private readonly writer = new GroupCommit<{ e: AccessEntry; at: string }, AccessRow>((items) =>
    this.store(items),
  );

  constructor(
    private readonly db: StateDb,
    private readonly opts: AccessLogOptions = {},
  ) {}

  /**
   * Find the chain's head; with a journal, first put every journalled row the table lacks into it (a crash may have
   * come between a row's fdatasync and its fold). Idempotent by sequence number: rows the table holds are skipped.
   */
  ready(): Promise<void> {
    this.init ??= this.open();
    return this.init;
  }

  private async open(): Promise<void> {
    const [r] = await this.db.query<{ seq: number; hash: string }>(
      `SELECT seq, hash FROM {t}server_access_log ORDER BY seq DESC LIMIT 1`,
    );
    let last = r ? { seq: Number(r.seq), hash: r.hash } : { seq: 0, hash: GENESIS };
    const base = this.opts.journal;
    if (base) {
      const segments = journalSegments(base);
      const tail = readJournal(base).filter((row) => row.seq > last.seq);
      for (let i = 0; i < tail.length; i += FOLD_STATEMENT) {
        const part = tail.slice(i, i + FOLD_STATEMENT);
        await this.insert(part, JSON.stringify(part));
      }
      if (tail.length) last = { seq: tail.at(-1)!.seq, hash: tail.at(-1)!.hash };
      this.journal = new AccessJournal(base, segments);
      this.journal.folded(last.seq);
    }
    this.foldedSeq = last.seq;
    this.last = last;
  }

  /** Append one entry; resolves once it is stored (chained after every entry appended before it). */
  append(e: AccessEntry, at = new Date().toISOString()): Promise<AccessRow> {
    return this.writer.add({ e, at });
  }

  private async store(items: { e: AccessEntry; at: string }[]): Promise<AccessRow[]> {
    await this.ready();
    // Once a journal is closed nothing may go to the table directly: rows still in the journal would then sit
    // behind later ones, and the next open skips journal rows the table's tail has passed.
    if (this.closed) throw new Error('the access log is closed');
    let { seq, hash } = this.last!;
    const rows: AccessRow[] = [];
    const lines: string[] = [];
    for (const { e, at } of items) {
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
      const { row, line } = encodeRow(++seq, base);
      hash = row.hash;
      rows.push(row);
      lines.push(line);
    }
    if (this.journal) {
      await this.journal.write(rows, lines.join('\n') + '\n');
      for (let i = 0; i < rows.length; i++) this.unfolded.push({ row: rows[i]!, line: lines[i]! });
      this.scheduleFold();
    } else await this.insert(rows);
    // Advance only past what is stored: a failed group leaves the chain where it was.
    this.last = { seq, hash };
    return rows;
  }

  /** Store rows in the table as one atomic statement (or one transaction of statements). */
  private async insert(rows: readonly AccessRow[], json?: string): Promise<void> {
    const insert = async (q: StateQuery, part: readonly AccessRow[]) => {
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
    // per row), PostgreSQL as a multi-row INSERT named per group size (planned once per connection and size, decision
    // 0173); a store without either gets the unnamed INSERT, one statement being atomic by itself (a BEGIN/COMMIT
    // round trip around it would double a small group's cost).
    if (this.db.insertRows) await this.db.insertRows('server_access_log', COLUMNS, rows, json);
    else if (rows.length <= GROUP_STATEMENT) await insert(this.db, rows);
    else
      await this.db.tx(async (q) => {
        for (let i = 0; i < rows.length; i += GROUP_STATEMENT)
          await insert(q, rows.slice(i, i + GROUP_STATEMENT));
      });
  }

  private scheduleFold(): void {
    if (this.unfolded.length >= FOLD_ROWS) void this.fold();
    else if (!this.foldTimer) {
      this.foldTimer = setTimeout(() => void this.fold(), FOLD_MS);
      // The timer must not keep a process alive: unfolded rows are safe in the journal.
      this.foldTimer.unref();
    }
  }

  /**
   * Move the rows journalled when the fold is asked for into the table, in large statements, one fold at a time. Rows
   * that arrive while it runs wait for the next timer (or a reader's flush): a fold that chased them would insert a
   * few dozen rows per statement, back to back, each with a transaction's fixed cost (decision 0179). A failed fold
   * keeps its rows (they stay durable in the journal) and the next fold, or the next open, retries them.
   */
  private fold(): Promise<void> {
    if (this.foldTimer) clearTimeout(this.foldTimer);
    this.foldTimer = undefined;
    const upTo = this.unfolded.at(-1)?.row.seq ?? 0;
    this.folding = this.folding.then(async () => {
      while (this.unfolded.length && this.foldedSeq < upTo) {
        const part = this.unfolded.slice(0, FOLD_STATEMENT);
        try {
          await this.insert(
            part.map((u) => u.row),
            `[${part.map((u) => u.line).join(',')}]`,
          );
        } catch (err) {
          this.foldError = err;
          return;
        }
        this.foldError = undefined;
        this.unfolded = this.unfolded.slice(part.length);
        this.foldedSeq = part.at(-1)!.row.seq;
        this.journal?.folded(this.foldedSeq);
      }
      if (this.unfolded.length && !this.closed) this.scheduleFold();
    });
    return this.folding;
  }

  /** Fold everything acknowledged so far, so that reads of the table see it; throws if the table refused it. */
  async flush(): Promise<void> {
    await this.ready();
    if (!this.journal) return;
    await this.fold();
    if (this.unfolded.length && this.foldError) throw this.foldError;
  }

  /** Fold what is journalled and close the journal (the rows stay in it if the fold fails; the next open replays). */
  async close(): Promise<void> {
    if (!this.init) return;
    await this.init.catch(() => undefined);
    const j = this.journal;
    if (!j) return;
    // Let groups already on their way reach the journal, then refuse new ones and fold.
    await this.writer.idle();
    this.closed = true;
    await this.fold();
    this.journal = undefined;
    await j.close(this.unfolded.length === 0);
  }

  async rows(opts: { subject?: string; after?: number; limit?: number } = {}): Promise<AccessRow[]> {
    await this.flush();
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
