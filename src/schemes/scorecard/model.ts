// A scorecard model is data: bins, WoE, coefficients, points and the training summary, saved as versioned JSON.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { z } from 'zod';
import { MosaicError } from '../../core/errors.js';
import { hash64, hex32 } from '../../core/hash.js';

export const MODEL_FORMAT = 'mosaic.scorecard/1';

const VariableSchema = z
  .object({
    name: z.string().min(1),
    edges: z.array(z.number()),
    goods: z.array(z.number().min(0)),
    bads: z.array(z.number().min(0)),
    woe: z.array(z.number()),
    iv: z.number(),
    trend: z.enum(['ascending', 'descending']),
    coefficient: z.number(),
    /** Points per bin, missing bin last. */
    points: z.array(z.number()),
    /** Categorical variables: the categories of each bin; edges are then 1 … bins−1 over the group index. */
    categories: z.array(z.array(z.string())).min(1).optional(),
  })
  .strict();

const ModelSchema = z
  .object({
    format: z.literal(MODEL_FORMAT),
    id: z.string(),
    name: z.string().min(1),
    version: z.string().min(1),
    method: z.string().min(1),
    target: z.string().min(1),
    training: z
      .object({
        rows: z.number().int(),
        bads: z.number().int(),
        data: z.string(),
        logLik: z.number(),
        iterations: z.number().int(),
        converged: z.boolean(),
        interceptStandardError: z.number(),
        standardErrors: z.array(z.number()),
        pValues: z.array(z.number()),
        auc: z.number(),
        ks: z.number(),
      })
      .strict(),
    scaling: z
      .object({
        basePoints: z.number(),
        baseOdds: z.number(),
        pdo: z.number(),
        factor: z.number(),
        offset: z.number(),
        roundPoints: z.boolean(),
      })
      .strict(),
    intercept: z.number(),
    /** Points every applicant starts with: offset − factor × intercept. */
    startPoints: z.number(),
    variables: z.array(VariableSchema),
    rejected: z.array(z.object({ name: z.string(), iv: z.number(), reason: z.string() }).strict()),
  })
  .strict();

export type ScorecardModel = z.infer<typeof ModelSchema>;
export type ScorecardVariable = z.infer<typeof VariableSchema>;

/** The id is a hash of everything but the id: the same training gives the same id. */
export function modelId(m: Omit<ScorecardModel, 'id'> & { id?: string }): string {
  const { id: _id, ...rest } = m;
  void _id;
  const [hi, lo] = hash64(JSON.stringify(rest));
  return 'sc' + hex32(hi) + hex32(lo);
}

export function parseModel(text: string, file = '<model>'): ScorecardModel {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MosaicError({
      code: 'scorecard.model_json',
      message: (e as Error).message,
      location: { file },
    });
  }
  const res = ModelSchema.safeParse(raw);
  if (!res.success)
    throw new MosaicError(
      res.error.issues.map((i) => ({
        code: 'scorecard.model_invalid',
        message: i.message,
        location: { file, path: i.path.filter((k): k is string | number => typeof k !== 'symbol') },
      })),
    );
  const m = res.data;
  for (const [vi, v] of m.variables.entries()) {
    const nb = v.edges.length + 2;
    if (v.points.length !== nb || v.woe.length !== nb || v.goods.length !== nb || v.bads.length !== nb)
      throw new MosaicError({
        code: 'scorecard.model_bins',
        message: `${v.name}: ${v.edges.length} edges need ${nb} bins (missing bin last)`,
        location: { file, path: ['variables', vi] },
      });
    if (v.categories) {
      const all = v.categories.flat();
      if (v.categories.length !== v.edges.length + 1 || v.edges.some((e, k) => e !== k + 1))
        throw new MosaicError({
          code: 'scorecard.model_categories',
          message: `${v.name}: ${v.categories.length} category groups need edges 1 … ${v.categories.length - 1}`,
          location: { file, path: ['variables', vi, 'categories'] },
        });
      if (new Set(all).size !== all.length)
        throw new MosaicError({
          code: 'scorecard.model_categories',
          message: `${v.name}: a category appears in two bins`,
          location: { file, path: ['variables', vi, 'categories'] },
        });
    }
    for (let k = 1; k < v.edges.length; k++)
      if (!(v.edges[k]! > v.edges[k - 1]!))
        throw new MosaicError({
          code: 'scorecard.model_edges',
          message: `${v.name}: edges must increase`,
          location: { file, path: ['variables', vi, 'edges', k] },
        });
  }
  if (modelId(m) !== m.id)
    throw new MosaicError({
      code: 'scorecard.model_tampered',
      message: `model id ${m.id} does not match its content (edited by hand?)`,
      location: { file, path: ['id'] },
    });
  return m;
}

export function loadModel(file: string): ScorecardModel {
  return parseModel(readFileSync(file, 'utf8'), file);
}

/** Written to a temporary file and renamed, so a reader never sees half a model. */
export function saveModel(m: ScorecardModel, file: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(m, null, 2) + '\n');
  renameSync(tmp, file);
}
