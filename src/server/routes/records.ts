// Record submission: a batch, validated row by row exactly as `mosaic ingest` does, stored all or nothing and
// idempotently (per key or per body), each record stamped with the submitting agency and kept with its batch.
import { z } from 'zod';
import { checkRows, storeBatch } from '../submit.js';
import { problems } from './common.js';
import { fastValidator } from './fast-route.js';
import type { RoutePlugin } from './plugin.js';

export const MAX_BATCH = 100_000;

export const Body = z.object({
  records: z
    .array(z.unknown())
    .min(1)
    .max(MAX_BATCH)
    .describe(
      'record rows (objects), as in a JSONL ingest file; `agency` may be left out (the key’s agency is used). Each row is checked by the ingest rules, not here, so every bad row is reported with its position.',
    ),
});
/**
 * The common body, accepted without Zod (decision 0174): an object whose one key is `records`, an array of 1 to
 * MAX_BATCH rows. Zod would rebuild a 10k-element array of values it does not look into (`unknown`) to answer the
 * same; anything else (another key, a wrong length or type) goes to Zod, which decides and words the error.
 */
export function recordsBodyAccepts(b: unknown): boolean {
  if (b === null || typeof b !== 'object' || Array.isArray(b)) return false;
  const o = b as Record<string, unknown>;
  let keys = 0;
  for (const k in o) if (!Object.hasOwn(o, k) || k !== 'records' || ++keys > 1) return false;
  const r = o.records;
  return Array.isArray(r) && r.length >= 1 && r.length <= MAX_BATCH;
}

const Result = z.object({
  batch: z.string(),
  records: z.number(),
  inserted: z.number(),
  duplicates: z.number(),
  replayed: z.boolean().describe('true when this batch was already stored and this is the stored answer'),
});

export const recordsPlugin: RoutePlugin = {
  name: 'records',
  register(app, ctx) {
    app.post(
      '/v1/records',
      {
        config: { access: { roles: ['agency', 'court'], scope: 'records:write' } },
        validatorCompiler: fastValidator(recordsBodyAccepts),
        schema: {
          tags: ['records'],
          summary: 'Submit a batch of records (all or nothing, idempotent)',
          headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
          body: Body,
          response: { 200: Result, ...problems, 409: problems[400] },
        },
      },
      async (req) => {
        const records = checkRows(ctx, req.principal, req.body.records);
        return storeBatch(ctx, req.principal, records, req.headers['idempotency-key']);
      },
    );
  },
};
