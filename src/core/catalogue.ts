// The record-kind catalogue: which kinds of credit record exist, modelled on the national basic catalogue.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { MosaicError, type Issue } from './errors.js';
import { isIsoDate } from './dates.js';
import { shipped } from './paths.js';
import { validateSubjectId } from './identifiers.js';
import { didYouMean } from './suggest.js';
import { ISSUER_LEVELS, RECORD_STATUSES, type CreditRecord, type SubjectType } from './types.js';
import { locate, readYaml, validateYaml } from './yaml-doc.js';

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

/** An immutable, indexed catalogue. Kind indexes are stable for a given catalogue version (columnar ledgers use them). */
export class Catalogue {
  readonly kinds: readonly RecordKind[];
  readonly version: string;
  private readonly byCode = new Map<string, number>();
  private readonly severityIdx: Map<string, number>[];

  constructor(kinds: RecordKind[], version: string) {
    this.kinds = kinds;
    this.version = version;
    kinds.forEach((k, i) => this.byCode.set(k.code, i));
    this.severityIdx = kinds.map((k) => new Map((k.severities ?? []).map((s, i) => [s, i + 1])));
  }

  has(code: string): boolean {
    return this.byCode.has(code);
  }
  get(code: string): RecordKind | undefined {
    const i = this.byCode.get(code);
    return i === undefined ? undefined : this.kinds[i];
  }
  /** Index of a kind, or -1. */
  index(code: string): number {
    return this.byCode.get(code) ?? -1;
  }
  /** Kind-local severity code: 0 = none, 1.. = position in the kind's `severities` list, -1 = unknown. */
  severityCode(kindIndex: number, severity: string | undefined): number {
    if (severity === undefined) return 0;
    return this.severityIdx[kindIndex]?.get(severity) ?? -1;
  }
  severityName(kindIndex: number, code: number): string | undefined {
    return code === 0 ? undefined : this.kinds[kindIndex]?.severities?.[code - 1];
  }
}

export function levelCode(level: string | undefined): number {
  if (level === undefined) return 0;
  const i = ISSUER_LEVELS.indexOf(level as (typeof ISSUER_LEVELS)[number]);
  return i < 0 ? -1 : i + 1;
}

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

/**
 * Check one record against the catalogue and the identifier rules. Returns every problem; empty means valid.
 * `subjectType`, when known from the register, must match the kinds' allowed subjects.
 */
export function validateRecord(r: CreditRecord, cat: Catalogue, subjectType?: SubjectType): Issue[] {
  const out: Issue[] = [];
  const push = (code: string, message: string, field: string) =>
    out.push({ code, message, location: { path: [field] } });
  const idc = validateSubjectId(r.subject);
  if (!idc.ok) push(idc.code, idc.message, 'subject');
  const kind = cat.get(r.kind);
  if (!kind)
    push(
      'record.unknown_kind',
      `record kind '${r.kind}' is not in catalogue ${cat.version}${didYouMean(
        r.kind,
        cat.kinds.map((k) => k.code),
      )} (see: mosaic catalogue)`,
      'kind',
    );
  if (!isIsoDate(r.occurredAt))
    push('record.bad_date', `occurredAt '${r.occurredAt}' is not YYYY-MM-DD`, 'occurredAt');
  if (!isIsoDate(r.reportedAt))
    push('record.bad_date', `reportedAt '${r.reportedAt}' is not YYYY-MM-DD`, 'reportedAt');
  if (isIsoDate(r.occurredAt) && isIsoDate(r.reportedAt) && r.reportedAt < r.occurredAt)
    push('record.reported_before_occurred', 'reportedAt is earlier than occurredAt', 'reportedAt');
  if (!r.agency) push('record.missing_agency', 'reporting agency is required', 'agency');
  if (!r.basis) push('record.missing_basis', 'legal basis or document number is required', 'basis');
  if (!RECORD_STATUSES.includes(r.status))
    push(
      'record.bad_status',
      `status '${r.status}' is not known (allowed: ${RECORD_STATUSES.join(', ')})${didYouMean(r.status, RECORD_STATUSES)}`,
      'status',
    );
  if ((r.status === 'correction' || r.status === 'withdrawal') && !r.supersedes)
    push('record.missing_supersedes', `a ${r.status} must name the record it supersedes`, 'supersedes');
  if (r.amount !== undefined && (!Number.isFinite(r.amount) || r.amount < 0))
    push('record.bad_amount', `amount ${r.amount} must be a finite non-negative number`, 'amount');
  if (r.level !== undefined && levelCode(r.level) < 0)
    push(
      'record.bad_level',
      `level '${r.level}' is not known (allowed: ${ISSUER_LEVELS.join(', ')})${didYouMean(r.level, ISSUER_LEVELS)}`,
      'level',
    );
  if (kind) {
    const type = subjectType ?? (idc.ok ? idc.type : undefined);
    if (type && !kind.subjects.includes(type))
      push('record.subject_type', `kind ${kind.code} does not apply to ${type} persons`, 'subject');
    if (r.severity !== undefined && !(kind.severities ?? []).includes(r.severity))
      push(
        'record.unknown_severity',
        `severity '${r.severity}' is not declared for ${kind.code} (allowed: ${(kind.severities ?? []).join(', ') || 'none'})${didYouMean(r.severity, kind.severities ?? [])}`,
        'severity',
      );
    if (kind.unit && r.amount === undefined && r.status !== 'withdrawal')
      push('record.missing_amount', `kind ${kind.code} needs an amount in ${kind.unit}`, 'amount');
  }
  return out;
}
