// Masks identifiers wherever they appear in text shown to the public: ID columns, and free text such as names or bases.
import { maskId, validateUscc } from './identifiers.js';

/**
 * Resident ID numbers in free text: 18 characters (17 digits and a check digit or X/x) or the old 15-digit form,
 * with a plausible address code and birth date, standing alone (no letter, digit or decimal point next to them, so
 * hashes and long decimals are left as they are). A typo in the check digit still masks: it is still someone's number.
 */
const RESIDENT_IN_TEXT =
  /(?<![0-9A-Za-z.])[1-8]\d{5}(?:(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]|\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])/g;

/** USCC-shaped tokens (authority and type, 6-digit division, 10 characters) standing alone. */
const USCC_IN_TEXT = /(?<![0-9A-Za-z.])[0-9A-Y]{2}\d{6}[0-9A-Y]{10}(?![0-9A-Za-z])/g;

/** `text` with every identifier in it masked (first 6 and last 4 characters kept, DOMAIN §8.3). */
export function maskText(text: string): string {
  if (!/\d{6}/.test(text)) return text;
  return text
    .replace(RESIDENT_IN_TEXT, (m) => maskId(m))
    .replace(USCC_IN_TEXT, (m) => (validateUscc(m).ok || /^[1-9ANY][1-9]/.test(m) ? maskId(m) : m));
}

/** True when `text` holds an unmasked resident ID number or USCC (for tests that scan public outputs). */
export function findIdentifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(RESIDENT_IN_TEXT)) found.push(m[0]);
  for (const m of text.matchAll(USCC_IN_TEXT)) if (validateUscc(m[0]).ok) found.push(m[0]);
  return found;
}
