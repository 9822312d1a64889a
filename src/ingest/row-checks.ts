// Checks a row must pass at ingest beyond the ledger's door check: text safe for terminals, no blank basis, amounts
// the kind's unit allows, no report from the future. Each is a small function so the per-row path stays readable.
import type { Catalogue } from '../core/catalogue.js';
import type { Issue, Location } from '../core/errors.js';
import type { CreditRecord } from '../core/types.js';

/**
 * Characters that change what a terminal or a page shows rather than showing themselves: NUL and the other C0
 * controls (tab, newline and carriage return excepted), DEL, the C1 controls (U+009B starts an escape sequence on
 * its own), and the bidirectional embeddings, overrides and isolates that can make text read backwards.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
export const UNSAFE_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * UNSAFE_TEXT for one UTF-16 code unit, without a regex: the CSV line encoder's per-character test. Equal to the
 * pattern on every one of the 65,536 units (row-checks.test.ts), so the two cannot drift apart.
 */
export function unsafeUnit(c: number): boolean {
  if (c < 32) return c !== 9 && c !== 10 && c !== 13;
  return c >= 127 && (c <= 159 || (c >= 0x202a && (c <= 0x202e || (c >= 0x2066 && c <= 0x2069))));
}

/** The text fields of a record, in the order they are reported. */
const TEXT_FIELDS = [
  'subject',
  'kind',
  'agency',
  'basis',
  'severity',
  'level',
  'status',
  'supersedes',
] as const;

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Refuse control, escape and bidirectional-override characters in any text field (they are never data). */
export function checkTextSafety(r: CreditRecord, location: Location, out: Issue[] = []): Issue[] {
  for (const f of TEXT_FIELDS) {
    const v = r[f];
    if (typeof v !== 'string') continue;
    const m = UNSAFE_TEXT.exec(v);
    if (!m) continue;
    const bidi = m[0] >= '\u202a';
    out.push({
      code: bidi ? 'ingest.bidi_control' : 'ingest.control_character',
      message: `${f}: ${bidi ? 'bidirectional control' : 'control character'} ${codePoint(m[0])} at character ${m.index + 1}; text fields must hold printable text only`,
      location,
    });
  }
  return out;
}

/** A basis or agency of only spaces names nothing: refused like an empty one (the lists lint does the same). */
export function checkNotBlank(r: CreditRecord, location: Location, out: Issue[] = []): Issue[] {
  if (r.basis !== '' && r.basis.trim() === '')
    out.push({
      code: 'record.missing_basis',
      message: 'basis: is blank; give the legal basis or document number',
      location,
    });
  if (r.agency !== '' && r.agency.trim() === '')
    out.push({ code: 'record.missing_agency', message: 'agency: is blank', location });
  return out;
}

/** What an amount may be in each unit: whole numbers where the unit counts, cents at most for money, and a ceiling. */
export const UNIT_RULES: Record<string, { integer: boolean; decimals?: number; max: number }> = {
  yuan: { integer: false, decimals: 2, max: 1e13 },
  hours: { integer: false, decimals: 2, max: 100_000 },
  months: { integer: true, max: 1_200 },
  days: { integer: true, max: 36_600 },
  count: { integer: true, max: 1e9 },
  points: { integer: true, max: 1_000 },
};

/** An amount the kind's unit cannot hold (fractional months, fen below a cent, points beyond any scheme's range). */
export function checkAmountUnit(
  r: CreditRecord,
  catalogue: Catalogue,
  location: Location,
  out: Issue[] = [],
): Issue[] {
  if (r.amount === undefined) return out;
  const kind = catalogue.get(r.kind);
  if (!kind) return out;
  if (!kind.unit) {
    out.push({
      code: 'record.amount_without_unit',
      message: `amount: kind ${kind.code} has no unit, so it takes no amount (got ${r.amount})`,
      location,
    });
    return out;
  }
  const why = amountOutOfUnit(r.amount, kind.unit);
  if (why !== undefined)
    out.push({
      code: 'record.amount_out_of_unit',
      message: `amount: ${r.amount} ${kind.unit} ${why}`,
      location,
    });
  return out;
}

/** Why amount `a` does not fit `unit` (UNIT_RULES), or undefined if it does (the CSV line encoder asks too, 0185). */
export function amountOutOfUnit(a: number, unit: string): string | undefined {
  const rule = UNIT_RULES[unit];
  if (!rule) return undefined;
  if (a > rule.max) return `exceeds ${rule.max.toLocaleString('en')} ${unit}, the most one record can carry`;
  if (rule.integer && !Number.isInteger(a)) return 'must be a whole number';
  if (
    rule.decimals !== undefined &&
    Math.abs(Math.round(a * 10 ** rule.decimals) - a * 10 ** rule.decimals) > 1e-6
  )
    return `has more than ${rule.decimals} decimals`;
  return undefined;
}

/** A statement reported after the report date (default: the day of the ingest) is from the future. */
export function checkNotFuture(
  r: CreditRecord,
  reportDate: string | undefined,
  location: Location,
  out: Issue[] = [],
): Issue[] {
  if (reportDate === undefined) return out;
  for (const f of ['occurredAt', 'reportedAt'] as const)
    if (r[f] > reportDate)
      out.push({
        code: 'record.future_date',
        message: `${f}: ${r[f]} is after the report date ${reportDate} (pass --report-date for data dated later)`,
        location,
      });
  return out;
}
