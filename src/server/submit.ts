// Storing a batch of record rows for a key: every row checked once by the ingest rules and the key's rights, then
// the ledger's own bulk path, then the batch row, record origins and feed changes in one state transaction.
import { createHash } from 'node:crypto';
import type { Issue } from '../core/errors.js';
import type { CreditRecord } from '../core/types.js';
import { rowToRecord } from '../ingest/rows.js';
import { EncodedRecords, type EncodedBatch } from '../ledger/encoded.js';
import type { Principal } from './auth.js';
import type { ServerContext } from './context.js';
import { JsonRecordBuilder } from './json-rows.js';
import { HttpError, httpError } from './problem.js';
import type { StateQuery } from './state/state-db.js';

export interface SubmitResult {
  batch: string;
  records: number;
  inserted: number;
  duplicates: number;
  replayed: boolean;
}

/**
 * Checked records, and the same records as the ledger's bulk-path columns when every row took the fast path and the
 * ledger has one (decision 0168): the ledger then stores the columns without checking each record a second time.
 */
export type CheckedRecords = CreditRecord[] & { encoded?: EncodedBatch };

/** One fast row builder per catalogue (the checker's tables are built once). */
const builders = new WeakMap<object, JsonRecordBuilder>();

/** Multi-row inserts in chunks on DuckDB (one statement per row would dominate a 10k batch). */
const CHUNK = 500;

/**
 * Check `rows` as `mosaic ingest` does plus the key's rights (agency stamp, kinds, jurisdiction scope); on any
 * problem throw a 422 naming every bad row at `[...at, i]`. Returns the records, ready for the ledger.
 */
export function checkRows(
  ctx: ServerContext,
  p: Principal,
  rows: readonly unknown[],
  at: readonly (string | number)[] = ['records'],
): CheckedRecords {
  const acc = p.account!;
  const agency = acc.agency!;
  const jurisdiction = acc.jurisdiction!;
  const issues: Issue[] = [];
  const records: CheckedRecords = [];
  const fast = (builders.get(ctx.catalogue) ??
    builders.set(ctx.catalogue, new JsonRecordBuilder(ctx.catalogue)).get(ctx.catalogue))!;
  fast.beginBatch();
  // The bulk path's kind and severity codes are the checker's catalogue's: only for the ledger's own catalogue.
  let encoded =
    ctx.ledger.appendEncoded && ctx.catalogue === ctx.ledger.catalogue
      ? new EncodedRecords(Math.max(1, rows.length))
      : undefined;
  // Made only for a row with an issue: a 10k batch of good rows would otherwise allocate 20k objects for nothing.
  const where = (i: number) => ({ path: [...at, i] });
  for (let i = 0; i < rows.length; i++) {
    const item = rows[i];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      issues.push({
        code: 'ingest.bad_row',
        message: 'a record row must be a JSON object',
        location: where(i),
      });
      continue;
    }
    const row = item as Record<string, unknown>;
    const value = row.agency === undefined ? { ...row, agency } : row;
    // The fast path only accepts; a row it does not take is decided and reported by the reference rules.
    let r = fast.build(value, encoded, i + 1);
    if (!r) {
      encoded = undefined; // a row built by the reference path has no columns: the batch goes through append
      const res = rowToRecord(value, { file: 'body', line: i }, ctx.catalogue, false);
      for (const x of res.issues) issues.push({ code: x.code, message: x.message, location: where(i) });
      r = res.record;
    }
    if (!r) continue;
    if (r.agency !== agency)
      issues.push({
        code: 'records.agency_mismatch',
        message: `agency '${r.agency}' is not this key's agency '${agency}'`,
        location: where(i),
      });
    const kind = r.kind;
    const allowed =
      (acc.kinds
        ? acc.kinds.some((k) => kind.startsWith(k))
        : p.role !== 'court' || kind.startsWith('court.')) && ctx.jurisdictions.accepts(jurisdiction, kind);
    if (!allowed)
      issues.push({
        code: 'records.kind_not_authorised',
        message: `this key may not submit '${kind}' in ${jurisdiction}`,
        location: where(i),
      });
    records.push(r);
  }
  if (issues.length) throw new HttpError(422, issues);
  if (encoded?.batches.length === 1 && encoded.length === records.length)
    records.encoded = encoded.batches[0];
  return records;
}

/**
 * Store checked records as one idempotent batch (see docs/decisions/0091): a stored batch with the same body is
 * answered from its row; the same key with another body is 409. Acknowledged only once the ledger and the state
 * transaction are stored and the decision index has taken the records in.
 */
export function storeBatch(
  ctx: ServerContext,
  p: Principal,
  records: CheckedRecords,
  idempotencyKey: string | undefined,
  action = 'records.submit',
): Promise<SubmitResult> {
  const acc = p.account!;
  const ids = records.map((r) => r.id);
  const bodyHash = createHash('sha256').update(JSON.stringify(ids)).digest('hex');
  const batch = `${acc.id}:${idempotencyKey ?? bodyHash}`;
  const log = (detail: string) =>
    ctx.accessLog.append({ actor: acc.id, role: p.role, action, target: batch, status: 200, detail });
  return ctx.writes.run(async () => {
    const [prev] = await ctx.state.query<{
      body_hash: string;
      records: number;
      inserted: number;
      duplicates: number;
    }>(`SELECT body_hash, records, inserted, duplicates FROM {t}server_batches WHERE id = $1`, [batch]);
    if (prev) {
      if (prev.body_hash !== bodyHash)
        throw httpError(
          409,
          'records.idempotency_conflict',
          'this idempotency key was used for a different batch',
          {
            path: ['headers', 'idempotency-key'],
          },
        );
      await log('replayed');
      return {
        batch,
        records: prev.records,
        inserted: prev.inserted,
        duplicates: prev.duplicates,
        replayed: true,
      };
    }
    // The ledger stores the batch atomically through its own bulk path while the state transaction writes the
    // origins and feed changes alongside; the state commits only after the ledger has, so a batch row never exists
    // without its records. If the process dies before the state commits, the batch was never acknowledged and its
    // retry finds every record already stored (ids are content hashes).
    const at = new Date().toISOString();
    const appended =
      records.encoded && ctx.ledger.appendEncoded
        ? ctx.ledger.appendEncoded(records.encoded)
        : ctx.ledger.append(records);
    appended.catch(() => undefined); // awaited inside the transaction below, which rolls back on its failure
    const res = await ctx.state.tx(async (q) => {
      await storeOrigins(ctx, q, ids, [batch, acc.id, acc.agency!, acc.jurisdiction!]);
      await ctx.feed.record(q, records, acc.jurisdiction!, at);
      const r = await appended;
      await q.query(`INSERT INTO {t}server_batches VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        batch,
        acc.id,
        bodyHash,
        records.length,
        r.inserted,
        r.duplicates,
        at,
      ]);
      return r;
    });
    await ctx.stored(records);
    await log(`${records.length} records, ${res.inserted} new`);
    return {
      batch,
      records: records.length,
      inserted: res.inserted,
      duplicates: res.duplicates,
      replayed: false,
    };
  });
}

/** A record id's two signed 32-bit halves, as the origins table keys them ('r' and 16 hex digits). */
export function idHalf(id: string, half: 0 | 1): number {
  return parseInt(id.substr(1 + 8 * half, 8), 16) | 0;
}

/** The halves of `ids` as two int4[] literals (`{n,n,…}`), written once rather than escaped element by element. */
function halvesLiterals(ids: readonly string[]): [hi: string, lo: string] {
  const hi = new Array<number>(ids.length);
  const lo = new Array<number>(ids.length);
  for (let i = 0; i < ids.length; i++) {
    hi[i] = idHalf(ids[i]!, 0);
    lo[i] = idHalf(ids[i]!, 1);
  }
  return [`{${hi.join(',')}}`, `{${lo.join(',')}}`];
}

/**
 * Each record's origin: one row for the batch (account, agency, platform) under the next batch number, and per
 * record its id's halves and that number (decision 0178). A record stored before (a retry after a crash, or records
 * another batch sent) keeps its first origin.
 */
async function storeOrigins(
  ctx: ServerContext,
  q: StateQuery,
  ids: readonly string[],
  same: [batch: string, account: string, agency: string, jurisdiction: string],
): Promise<void> {
  // Writes are serialised in the process (ctx.writes), so the next number is the largest plus one.
  const batchRow = `INSERT INTO {t}server_batch_origin
    SELECT coalesce(max(no), 0) + 1, $1, $2, $3, $4 FROM {t}server_batch_origin RETURNING no`;
  if (ctx.state.dialect === 'postgres') {
    // One statement: the batch row and 10k origins from two int4[] parameters. A plain INSERT first: ON CONFLICT's
    // speculative insertion costs PostgreSQL about 40% more per row, and only a batch holding records stored before
    // needs it (decision 0168).
    const [hi, lo] = halvesLiterals(ids);
    const sql = `WITH b AS (${batchRow})
      INSERT INTO {t}server_origins SELECT u.h, u.l, b.no FROM b, unnest($5::int4[], $6::int4[]) AS u(h, l)`;
    const params = [...same, hi, lo];
    await q.query('SAVEPOINT origins');
    try {
      await q.query(sql, params);
      await q.query('RELEASE SAVEPOINT origins');
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err;
      await q.query('ROLLBACK TO SAVEPOINT origins');
      await q.query(`${sql} ON CONFLICT DO NOTHING`, params);
    }
    return;
  }
  const [row] = await q.query<{ no: number | bigint | string }>(batchRow, same);
  const no = Number(row!.no);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const values = part.map((_, j) => `($${2 * j + 2}, $${2 * j + 3}, $1)`);
    await q.query(`INSERT INTO {t}server_origins VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`, [
      no,
      ...part.flatMap((id) => [idHalf(id, 0), idHalf(id, 1)]),
    ]);
  }
}
