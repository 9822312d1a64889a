// Record submission: a batch, validated row by row exactly as `mosaic ingest` does, stored all or nothing and
// idempotently (per key or per body), each record stamped with the submitting agency and kept with its batch.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Issue } from '../../core/errors.js';
import type { CreditRecord } from '../../core/types.js';
import { rowToRecord } from '../../ingest/rows.js';
import { HttpError, httpError } from '../problem.js';
import { actorOf, problems } from './common.js';
import type { RoutePlugin } from './plugin.js';

export const MAX_BATCH = 100_000;

const Body = z.object({
  records: z
    .array(z.unknown())
    .min(1)
    .max(MAX_BATCH)
    .describe(
      'record rows (objects), as in a JSONL ingest file; `agency` may be left out (the key’s agency is used). Each row is checked by the ingest rules, not here, so every bad row is reported with its position.',
    ),
});
const Result = z.object({
  batch: z.string(),
  records: z.number(),
  inserted: z.number(),
  duplicates: z.number(),
  replayed: z.boolean().describe('true when this batch was already stored and this is the stored answer'),
});

/** Multi-row inserts in chunks: one statement per row would dominate a 10k batch. */
const CHUNK = 500;

export const recordsPlugin: RoutePlugin = {
  name: 'records',
  register(app, ctx) {
    app.post(
      '/v1/records',
      {
        config: { access: { roles: ['agency', 'court'], scope: 'records:write' } },
        schema: {
          tags: ['records'],
          summary: 'Submit a batch of records (all or nothing, idempotent)',
          headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
          body: Body,
          response: { 200: Result, ...problems, 409: problems[400] },
        },
      },
      async (req) => {
        const p = req.principal;
        const acc = p.account!;
        const agency = acc.agency!;
        const jurisdiction = acc.jurisdiction!;
        const issues: Issue[] = [];
        const records: CreditRecord[] = [];
        req.body.records.forEach((item, i) => {
          const at = { path: ['records', i] as (string | number)[] };
          if (item === null || typeof item !== 'object' || Array.isArray(item)) {
            issues.push({
              code: 'ingest.bad_row',
              message: 'a record row must be a JSON object',
              location: at,
            });
            return;
          }
          const row = item as Record<string, unknown>;
          const value = row.agency === undefined ? { ...row, agency } : row;
          const res = rowToRecord(value, { file: 'body', line: i }, ctx.catalogue, false);
          for (const x of res.issues) issues.push({ code: x.code, message: x.message, location: at });
          const r = res.record;
          if (!r) return;
          if (r.agency !== agency)
            issues.push({
              code: 'records.agency_mismatch',
              message: `agency '${r.agency}' is not this key's agency '${agency}'`,
              location: at,
            });
          const allowed =
            (acc.kinds
              ? acc.kinds.some((k) => r.kind.startsWith(k))
              : p.role !== 'court' || r.kind.startsWith('court.')) &&
            ctx.jurisdictions.accepts(jurisdiction, r.kind);
          if (!allowed)
            issues.push({
              code: 'records.kind_not_authorised',
              message: `this key may not submit '${r.kind}' in ${jurisdiction}`,
              location: at,
            });
          records.push(r);
        });
        if (issues.length) throw new HttpError(422, issues);
        const bodyHash = createHash('sha256')
          .update(JSON.stringify(records.map((r) => r.id)))
          .digest('hex');
        const batch = `${acc.id}:${req.headers['idempotency-key'] ?? bodyHash}`;
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
            await ctx.accessLog.append({
              actor: actorOf(p),
              role: p.role,
              action: 'records.submit',
              target: batch,
              status: 200,
              detail: 'replayed',
            });
            return {
              batch,
              records: prev.records,
              inserted: prev.inserted,
              duplicates: prev.duplicates,
              replayed: true,
            };
          }
          // The ledger stores the batch atomically; if the process dies before the state below commits, the batch was
          // never acknowledged and its retry finds every record already stored (ids are content hashes).
          const res = await ctx.ledger.append(records);
          const at = new Date().toISOString();
          await ctx.state.tx(async (q) => {
            await q.query(`INSERT INTO {t}server_batches VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
              batch,
              acc.id,
              bodyHash,
              records.length,
              res.inserted,
              res.duplicates,
              at,
            ]);
            for (let i = 0; i < records.length; i += CHUNK) {
              const part = records.slice(i, i + CHUNK);
              const values = part.map(
                (_, j) => `($${j * 5 + 1}, $${j * 5 + 2}, $${j * 5 + 3}, $${j * 5 + 4}, $${j * 5 + 5})`,
              );
              await q.query(
                `INSERT INTO {t}server_record_origin VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`,
                part.flatMap((r) => [r.id, batch, acc.id, agency, jurisdiction]),
              );
            }
            await ctx.feed.record(q, records, jurisdiction, at);
          });
          ctx.stored(records);
          await ctx.accessLog.append({
            actor: actorOf(p),
            role: p.role,
            action: 'records.submit',
            target: batch,
            status: 200,
            detail: `${records.length} records, ${res.inserted} new`,
          });
          return {
            batch,
            records: records.length,
            inserted: res.inserted,
            duplicates: res.duplicates,
            replayed: false,
          };
        });
      },
    );
  },
};
