// The indexed record-kind catalogue and the per-record check against it, without the YAML schema (catalogue.ts
// loads and checks catalogue files; this module is all a validating worker thread needs, docs/decisions/0176).
import type { Issue } from './errors.js';
import { isIsoDate } from './dates.js';
import { validateSubjectId } from './identifiers.js';
import { didYouMean } from './suggest.js';
import { ISSUER_LEVELS, RECORD_STATUSES, type CreditRecord, type SubjectType } from './types.js';
import type { RecordKind } from './catalogue.js';

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
