// Turns one input row (CSV cells or a JSON object) into a credit record, or into coded issues at file:line.
import type { Catalogue } from '../core/catalogue.js';
import type { Issue, Location } from '../core/errors.js';
import { makeRecord, type CreditRecord, type RecordInput } from '../core/types.js';
import { checkRecord } from '../ledger/record-check.js';
import { checkAmountUnit, checkNotBlank, checkNotFuture, checkTextSafety } from './row-checks.js';

/** Record fields a row may carry, with accepted snake_case spellings. */
const FIELDS = [
  'id',
  'subject',
  'kind',
  'occurredAt',
  'reportedAt',
  'agency',
  'basis',
  'amount',
  'severity',
  'level',
  'status',
  'supersedes',
] as const;
type Field = (typeof FIELDS)[number];
/** The columns of a record file as Mosaic writes one (the id is derived from them, so it is left out). */
export const ROW_COLUMNS = FIELDS.slice(1) as readonly Exclude<Field, 'id'>[];
const REQUIRED: readonly Field[] = ['subject', 'kind', 'occurredAt', 'reportedAt', 'agency', 'basis'];
const ALIASES: Record<string, Field> = { occurred_at: 'occurredAt', reported_at: 'reportedAt' };
for (const f of FIELDS) ALIASES[f] = f;

/** The canonical field for a column or key name, or undefined. */
export function fieldOf(name: string): Field | undefined {
  return Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined;
}

/** Problems with a set of column names (a CSV header, or one JSON object's keys). */
export function checkColumns(names: readonly string[], where: Issue['location'], row = false): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<Field, string>();
  for (const n of names) {
    const f = fieldOf(n);
    if (!f) {
      issues.push({
        code: row ? 'ingest.unknown_field' : 'ingest.unknown_column',
        message: `'${n}' is not a record field (expected ${FIELDS.join(', ')})`,
        location: where,
      });
      continue;
    }
    const prev = seen.get(f);
    if (prev !== undefined)
      issues.push({
        code: 'ingest.duplicate_column',
        message: `'${n}' and '${prev}' both give ${f}`,
        location: where,
      });
    seen.set(f, n);
  }
  for (const f of REQUIRED)
    if (!seen.has(f))
      issues.push({
        code: row ? 'ingest.missing_field' : 'ingest.missing_column',
        message: `required field '${f}' is missing`,
        location: where,
      });
  return issues;
}

export const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Build and validate a record from a row. CSV cells arrive as strings ('' = absent); JSON values must have the
 * right JSON types. Every problem is returned with the row's location; a record is returned only when valid.
 */
export function rowToRecord(
  value: Record<string, unknown>,
  location: { file: string; line: number },
  catalogue: Catalogue,
  fromCsv: boolean,
  opts: RowCheckOptions = {},
): { record?: CreditRecord; issues: Issue[] } {
  const issues: Issue[] = [];
  const bad = (code: string, field: string, message: string) =>
    issues.push({ code, message: `${field}: ${message}`, location });
  if (!fromCsv) issues.push(...checkColumns(Object.keys(value), location, true));
  // One pass over the row's keys to canonical fields; '' (empty CSV cell) and null mean absent.
  const canon = new Map<Field, unknown>();
  for (const k in value) {
    const f = fieldOf(k);
    const v = value[k];
    if (f !== undefined && v !== '' && v !== null && v !== undefined && !canon.has(f)) canon.set(f, v);
  }
  const get = (f: Field): unknown => canon.get(f);
  const str = (f: Field): string | undefined => {
    const v = get(f);
    if (v === undefined || typeof v === 'string') return v;
    bad('ingest.bad_type', f, `expected a string, got ${JSON.stringify(v)}`);
    return undefined;
  };
  let amount: number | undefined;
  const rawAmount = get('amount');
  if (typeof rawAmount === 'number') amount = rawAmount;
  else if (typeof rawAmount === 'string' && fromCsv) {
    if (NUMBER.test(rawAmount.trim())) amount = Number(rawAmount);
    else bad('ingest.bad_amount', 'amount', `'${rawAmount}' is not a number`);
  } else if (rawAmount !== undefined)
    bad('ingest.bad_type', 'amount', `expected a number, got ${JSON.stringify(rawAmount)}`);

  const input: Record<string, string | number> = {};
  for (const f of FIELDS) {
    if (f === 'amount') continue;
    const v = str(f);
    if (v !== undefined) input[f] = v;
  }
  if (amount !== undefined) input.amount = amount;
  if (issues.length) return { issues };
  for (const f of REQUIRED)
    if (input[f] === undefined) {
      bad('ingest.missing_field', f, 'is required');
    }
  if (issues.length) return { issues };

  // Field types are checked above; status, level and the rest are checked by checkRecord below.
  const record = makeRecord(input as unknown as RecordInput);
  if (input.id !== undefined && input.id !== record.id)
    bad('record.id_mismatch', 'id', `${input.id} is not the id of this statement (${record.id})`);
  // The ledger's own door check (core validateRecord plus date range and supersedes format), so a file that passes
  // here is never refused batch by batch later.
  for (const i of checkRecord(record, catalogue))
    issues.push({ code: i.code, message: `${i.location?.path?.[0] ?? 'record'}: ${i.message}`, location });
  ingestChecks(record, catalogue, location, opts, issues);
  return issues.length ? { issues } : { record, issues };
}

export interface RowCheckOptions {
  /** Refuse statements dated after this day (YYYY-MM-DD); the CLI passes today unless --report-date says otherwise. */
  reportDate?: string;
}

/** The ingest's own checks beyond the ledger's door (src/ingest/row-checks.ts), appended to `out`. */
export function ingestChecks(
  r: CreditRecord,
  catalogue: Catalogue,
  location: Location,
  opts: RowCheckOptions,
  out: Issue[],
  /** The caller knows no text field holds an unsafe character (source.ts SourceRow.textSafe). */
  textSafe = false,
): void {
  if (!textSafe) checkTextSafety(r, location, out);
  checkNotBlank(r, location, out);
  checkAmountUnit(r, catalogue, location, out);
  checkNotFuture(r, opts.reportDate, location, out);
}
