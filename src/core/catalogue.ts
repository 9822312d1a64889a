// The record-kind catalogue: which kinds of credit record exist, modelled on the national basic catalogue.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MosaicError, type Issue } from './errors.js';
import { shipped } from './paths.js';
import { locate, readYaml, validateYaml } from './yaml-doc.js';
import { Catalogue } from './catalogue-model.js';

// The indexed catalogue and the per-record check live apart from the YAML schema (zod), so a worker thread that
// only validates records does not load the schema library (docs/decisions/0176).
export { Catalogue, levelCode, validateRecord } from './catalogue-model.js';

export const Marker = z.enum(['V', 'P', 'U']);

const RecordKindSchema = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'kind codes look like domain.name'),
    /** Category of the national basic catalogue of public credit information (DOMAIN §6.2). */
    category: z.string().min(1),
    /** False for local-only kinds with no place in the national catalogue; the legality audit reports them. */
    national: z.boolean(),
    subjects: z.array(z.enum(['natural', 'legal'])).min(1),
    polarity: z.enum(['negative', 'positive', 'neutral']),
    // 'points': the amount is a point change decided by the reporting body within a scheme's bounded range.
    unit: z.enum(['yuan', 'hours', 'months', 'count', 'days', 'points']).optional(),
    severities: z.array(z.string().regex(/^[a-z0-9_]+$/)).optional(),
    zh: z.string().min(1),
    en: z.string().min(1),
    basis: z.string().min(1),
    source: z.string().min(1),
    marker: Marker,
    note: z.string().optional(),
  })
  .strict();

const CatalogueSchema = z
  .object({
    catalogue: z.string().min(1),
    version: z.string().min(1),
    source: z.string().min(1),
    kinds: z.array(RecordKindSchema).min(1),
  })
  .strict();

export type RecordKind = z.infer<typeof RecordKindSchema>;

/**
 * Load and check a catalogue: one YAML file, or a directory whose *.yaml files are merged in name order
 * (so separate teams can own separate parts). Throws MosaicError with every issue found.
 */
export function loadCatalogue(path: string): Catalogue {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
        .sort()
        .map((f) => join(path, f))
    : [path];
  const issues: Issue[] = [];
  const kinds: RecordKind[] = [];
  const versions: string[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const parsed = readYaml(file);
    const res = validateYaml(parsed, CatalogueSchema, 'catalogue');
    issues.push(...res.issues);
    if (!res.value) continue;
    versions.push(`${res.value.catalogue}@${res.value.version}`);
    res.value.kinds.forEach((k, i) => {
      const first = seen.get(k.code);
      if (first)
        issues.push({
          code: 'catalogue.duplicate_kind',
          message: `kind ${k.code} is already defined at ${first}`,
          location: locate(parsed, ['kinds', i, 'code']),
        });
      else {
        const loc = locate(parsed, ['kinds', i, 'code']);
        seen.set(k.code, `${loc.file}:${loc.line}`);
        kinds.push(k);
      }
      if (k.severities && new Set(k.severities).size !== k.severities.length)
        issues.push({
          code: 'catalogue.duplicate_severity',
          message: `kind ${k.code} lists a severity twice`,
          location: locate(parsed, ['kinds', i, 'severities']),
        });
      if ((k.severities?.length ?? 0) > 250)
        issues.push({
          code: 'catalogue.too_many_severities',
          message: `kind ${k.code} has more than 250 severities`,
          location: locate(parsed, ['kinds', i, 'severities']),
        });
    });
  }
  if (kinds.length > 65_000)
    issues.push({ code: 'catalogue.too_many_kinds', message: 'a catalogue holds at most 65,000 kinds' });
  if (issues.length) throw new MosaicError(issues);
  return new Catalogue(kinds, versions.join('+'));
}

/** The catalogue shipped with Mosaic. */
export function defaultCataloguePath(): string {
  return shipped('policies', 'catalogue');
}
