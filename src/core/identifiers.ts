// National identifiers: resident ID numbers (GB 11643-1999) and Unified Social Credit Codes (GB 32100-2015).
import { toEpochDay } from './dates.js';

export type IdCheck = { ok: true } | { ok: false; code: string; message: string };

const OK: IdCheck = { ok: true };
const fail = (code: string, message: string): IdCheck => ({ ok: false, code, message });

// ---- Resident ID (DOMAIN §7.2) ----
const RID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RID_CHECK = '10X98765432';

/** ISO 7064 MOD 11-2 check character over the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let s = 0;
  for (let i = 0; i < 17; i++) s += (first17.charCodeAt(i) - 48) * RID_WEIGHTS[i]!;
  return RID_CHECK[s % 11]!;
}

/** The digit at i (its char code minus '0'; the caller has checked it is one). */
const dig = (s: string, i: number): number => s.charCodeAt(i) - 48;

/**
 * True exactly when validateResidentId answers ok, without a substring or a template string: every subject of a
 * submitted or ingested batch is validated once, and the reference's slices were a tenth of a batch's allocations
 * (decision 0174). The reference below still decides and words every refusal; a property test holds the two equal.
 */
export function residentIdOk(id: string): boolean {
  if (id.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = id.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return false;
    sum += c * RID_WEIGHTS[i]!;
  }
  // Address code: a first digit 1-8 and not 'x x 0 0 0 0'.
  const first = dig(id, 0);
  if (first < 1 || first > 8) return false;
  if (dig(id, 2) === 0 && dig(id, 3) === 0 && dig(id, 4) === 0 && dig(id, 5) === 0) return false;
  const year = dig(id, 6) * 1000 + dig(id, 7) * 100 + dig(id, 8) * 10 + dig(id, 9);
  const month = dig(id, 10) * 10 + dig(id, 11);
  const day = dig(id, 12) * 10 + dig(id, 13);
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days =
    month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  if (day > days) return false;
  if (dig(id, 14) === 0 && dig(id, 15) === 0 && dig(id, 16) === 0) return false;
  return id.charCodeAt(17) === RID_CHECK.charCodeAt(sum % 11);
}

export function validateResidentId(id: string): IdCheck {
  return residentIdOk(id) ? OK : residentIdVerdict(id);
}

/** The reference check, wording each refusal (exported for the property test that holds residentIdOk to it). */
export function residentIdVerdict(id: string): IdCheck {
  if (id.length !== 18) return fail('id.length', `resident ID must have 18 characters, got ${id.length}`);
  if (!/^\d{17}[\dX]$/.test(id))
    return fail('id.charset', 'resident ID must be 17 digits followed by a digit or X');
  if (!/^[1-8]\d[0-9]{4}$/.test(id.slice(0, 6)) || id.slice(2, 6) === '0000')
    return fail('id.address_code', `address code ${id.slice(0, 6)} is not a county-level division code`);
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const year = Number(id.slice(6, 10));
  if (Number.isNaN(toEpochDay(birth)) || year < 1900)
    return fail('id.birth_date', `birth date ${birth} is not a valid date`);
  if (id.slice(14, 17) === '000') return fail('id.sequence', 'sequence code 000 is not assigned');
  const expected = residentIdCheckChar(id.slice(0, 17));
  if (id[17] !== expected)
    return fail('id.check_digit', `check character should be ${expected}, got ${id[17]}`);
  return OK;
}

export interface ResidentIdParts {
  addressCode: string;
  birthDate: string;
  sequence: number;
  sex: 'M' | 'F';
}

export function parseResidentId(id: string): ResidentIdParts {
  const sequence = Number(id.slice(14, 17));
  return {
    addressCode: id.slice(0, 6),
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    sequence,
    sex: sequence % 2 === 1 ? 'M' : 'F',
  };
}

// ---- USCC (DOMAIN §7.1) ----
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
/** Registration-authority + organisation-type pairs seen in validators (DOMAIN §7.1). */
export const USCC_TYPE_PAIRS = new Set(
  '11,12,13,19,21,29,31,32,33,34,35,39,41,49,51,52,53,59,61,62,69,71,72,79,81,89,91,92,93,A1,A9,N1,N2,N3,N9,Y1'.split(
    ',',
  ),
);

export function usccCheckChar(first17: string): string {
  let s = 0;
  for (let i = 0; i < 17; i++) s += USCC_CHARSET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  const c = 31 - (s % 31);
  return USCC_CHARSET[c === 31 ? 0 : c]!;
}

/** GB 11714 organisation-code check over 8 body characters (letters A=10 … Z=35, plain alphabet). */
export function orgCodeCheckChar(body8: string): string {
  let s = 0;
  for (let i = 0; i < 8; i++) {
    const ch = body8.charCodeAt(i);
    const v = ch >= 48 && ch <= 57 ? ch - 48 : ch - 55;
    s += v * ORG_WEIGHTS[i]!;
  }
  const c = 11 - (s % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function validateUscc(code: string): IdCheck {
  if (code.length !== 18) return fail('uscc.length', `USCC must have 18 characters, got ${code.length}`);
  for (let i = 0; i < 18; i++) {
    if (USCC_CHARSET.indexOf(code[i]!) < 0)
      return fail('uscc.charset', `character '${code[i]}' at position ${i + 1} is not in the USCC charset`);
  }
  if (!USCC_TYPE_PAIRS.has(code.slice(0, 2)))
    return fail('uscc.type', `registration authority/type ${code.slice(0, 2)} is not a known pair`);
  if (!/^\d{6}$/.test(code.slice(2, 8)))
    return fail('uscc.division', `division code ${code.slice(2, 8)} must be 6 digits`);
  const orgExpected = orgCodeCheckChar(code.slice(8, 16));
  if (code[16] !== orgExpected)
    return fail('uscc.org_check', `organisation-code check should be ${orgExpected}, got ${code[16]}`);
  const expected = usccCheckChar(code.slice(0, 17));
  if (code[17] !== expected)
    return fail('uscc.check_char', `check character should be ${expected}, got ${code[17]}`);
  return OK;
}

/**
 * Validate either kind of subject identifier. An all-digit string could in principle be both, so a string that
 * passes the resident-ID check is a natural person; otherwise it is judged as a USCC.
 */
export function validateSubjectId(id: string): IdCheck & { type?: 'natural' | 'legal' } {
  const rid = validateResidentId(id);
  if (rid.ok) return { ok: true, type: 'natural' };
  const uscc = validateUscc(id);
  if (uscc.ok) return { ok: true, type: 'legal' };
  const looksLikeResident =
    /^\d{17}[\dX]$/.test(id) &&
    !Number.isNaN(toEpochDay(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`));
  return looksLikeResident ? rid : (residentNearMiss(id) ?? uscc);
}

/** Spaces, zero-width and other invisible format characters that copying from documents and web pages brings along. */
const INVISIBLE = /[\s\u00ad\u180e\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]/g;

/**
 * A resident ID typed or pasted with a slip: a lowercase x, spaces, invisible characters or full-width digits. Named
 * as a resident-ID problem (with the cleaned form) rather than judged as a malformed USCC. Runs only on failures.
 */
function residentNearMiss(id: string): IdCheck | undefined {
  const cleaned = id.normalize('NFKC').replace(INVISIBLE, '').toUpperCase();
  if (cleaned === id || !/^\d{17}[\dX]$/.test(cleaned)) return undefined;
  const problems: [string, string][] = [];
  if (/[\uff10-\uff19\uff38\uff58]/.test(id)) problems.push(['id.fullwidth', 'full-width characters']);
  const trimmed = id.trim();
  if (trimmed !== id) problems.push(['id.whitespace', 'a leading or trailing space']);
  else if (/\s/.test(id)) problems.push(['id.whitespace', 'a space inside']);
  const invisible = /[\u00ad\u180e\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]/.exec(id);
  if (invisible)
    problems.push([
      'id.invisible_character',
      `an invisible character U+${invisible[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at position ${invisible.index + 1}`,
    ]);
  if (/x$/.test(id.normalize('NFKC').replace(INVISIBLE, '')))
    problems.push(['id.lowercase_x', "a lowercase 'x' as check character (resident IDs use a capital X)"]);
  if (!problems.length) return undefined;
  const rest = validateResidentId(cleaned);
  return fail(
    problems[0]![0],
    `looks like a resident ID number with ${problems.map((p) => p[1]).join(' and ')}; written cleanly it is ${cleaned}` +
      (rest.ok ? ', which is valid' : `, which is still wrong: ${rest.message}`),
  );
}

/** Public display form: keep the first 6 and last 4 characters (DOMAIN §8.3 recommendation). */
export function maskId(id: string): string {
  if (id.length <= 10) return '*'.repeat(id.length);
  return id.slice(0, 6) + '*'.repeat(id.length - 10) + id.slice(-4);
}
