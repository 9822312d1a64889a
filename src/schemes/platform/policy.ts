// The platform score's rules as data: range, dimensions and weights, factors, bands, the defaulter feed, perks.
import { z } from 'zod';
import { Marker } from '../../core/catalogue.js';
import { MosaicError, type Issue } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { locate, readYaml, validateYaml } from '../../core/yaml-doc.js';
import { FEATURES } from './features.js';

const Prov = { source: z.string().min(1), marker: Marker, note: z.string().optional() };

const Schema = z
  .object({
    score: z.string().min(1),
    version: z.string().min(1),
    owner: z.string().min(1),
    legal_basis: z.string().min(1),
    source: z.string().min(1),
    range: z.object({ min: z.number(), max: z.number(), ...Prov }).strict(),
    new_account: z.object({ days: z.number().int().min(0), score: z.number(), ...Prov }).strict(),
    dimensions: z
      .array(
        z
          .object({
            code: z.string().min(1),
            zh: z.string(),
            en: z.string(),
            weight: z.number().min(0),
            ...Prov,
          })
          .strict(),
      )
      .min(1),
    factors: z
      .array(
        z
          .object({
            id: z.string().min(1),
            dimension: z.string().min(1),
            feature: z.enum(FEATURES),
            lo: z.number(),
            hi: z.number(),
            invert: z.boolean().optional(),
            weight: z.number().gt(0),
            ...Prov,
          })
          .strict(),
      )
      .min(1),
    bands: z
      .object({
        ...Prov,
        list: z
          .array(z.object({ from: z.number(), to: z.number(), zh: z.string(), en: z.string() }).strict())
          .min(1),
      })
      .strict(),
    defaulter_feed: z
      .object({
        kinds_listed: z.array(z.string().min(1)).min(1),
        kinds_ended: z.array(z.string().min(1)).min(1),
        deduction: z.number().min(0),
        cap: z.number(),
        ...Prov,
      })
      .strict(),
    perks: z
      .array(
        z
          .object({
            code: z.string().min(1),
            zh: z.string(),
            en: z.string(),
            min_score: z.number(),
            no_late_years: z.number().int().min(1).optional(),
            blocked_if_listed: z.boolean(),
            ...Prov,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type PlatformPolicy = z.infer<typeof Schema> & { file: string };

export function defaultPlatformPolicy(): string {
  return shipped('policies', 'platform', 'sesame-style.yaml');
}

export function loadPlatformPolicy(file = defaultPlatformPolicy()): PlatformPolicy {
  const parsed = readYaml(file);
  const res = validateYaml(parsed, Schema, 'platform_policy');
  if (!res.value) throw new MosaicError(res.issues);
  const p = res.value;
  const issues: Issue[] = [];
  const dims = new Set(p.dimensions.map((d) => d.code));
  p.factors.forEach((f, i) => {
    if (!dims.has(f.dimension))
      issues.push({
        code: 'platform_policy.unknown_dimension',
        message: `factor ${f.id}: no dimension ${f.dimension}`,
        location: locate(parsed, ['factors', i, 'dimension']),
      });
    if (!(f.hi > f.lo))
      issues.push({
        code: 'platform_policy.range',
        message: `factor ${f.id}: hi must exceed lo`,
        location: locate(parsed, ['factors', i]),
      });
  });
  for (const [i, d] of p.dimensions.entries())
    if (!p.factors.some((f) => f.dimension === d.code))
      issues.push({
        code: 'platform_policy.empty_dimension',
        message: `dimension ${d.code} has no factor`,
        location: locate(parsed, ['dimensions', i]),
      });
  const w = p.dimensions.reduce((s, d) => s + d.weight, 0);
  if (Math.abs(w - 1) > 1e-9)
    issues.push({
      code: 'platform_policy.weights',
      message: `dimension weights sum to ${w}, not 1`,
      location: locate(parsed, ['dimensions']),
    });
  if (!(p.range.max > p.range.min))
    issues.push({
      code: 'platform_policy.range',
      message: 'max must exceed min',
      location: locate(parsed, ['range']),
    });
  if (issues.length) throw new MosaicError(issues);
  return { ...p, file };
}
