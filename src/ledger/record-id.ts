// Record ids as two u32 halves: a fast parser, a formatter, and recordId's hash computed without building the key.
import { hash64, hex32 } from '../core/hash.js';
import type { CreditRecord } from '../core/types.js';

/** Result slots of the functions below: written instead of returning a tuple, so hot loops allocate nothing. */
export const idOut = { hi: 0, lo: 0 };

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * Parse a record id of the form 'r' + 16 lowercase hex digits into idOut. Returns false for anything else
 * (recordId only ever produces this form, so upper case is not an id).
 */
export function parseRecordId(id: string): boolean {
  if (id.length !== 17 || id.charCodeAt(0) !== 114) return false;
  let hi = 0;
  let lo = 0;
  for (let i = 1; i <= 8; i++) {
    const v = hexNibble(id.charCodeAt(i));
    if (v < 0) return false;
    hi = (hi << 4) | v;
  }
  for (let i = 9; i <= 16; i++) {
    const v = hexNibble(id.charCodeAt(i));
    if (v < 0) return false;
    lo = (lo << 4) | v;
  }
  idOut.hi = hi >>> 0;
  idOut.lo = lo >>> 0;
  return true;
}

export function formatRecordId(hi: number, lo: number): string {
  return 'r' + hex32(hi) + hex32(lo);
}

/**
 * recordId(r) as halves in idOut: the same key and the same hash64 as core/types.ts recordId, without formatting
 * the result as hex (a test holds the two equal). Building the key by concatenation and hashing one string measured
 * faster than Array.join, and faster than hashing the fields one by one (they come in several V8 string
 * representations, which makes the per-character loop polymorphic).
 */
export function recordIdHalves(r: Omit<CreditRecord, 'id'>): void {
  const S = '\u001f';
  const [hi, lo] = hash64(
    r.subject +
      S +
      r.kind +
      S +
      r.occurredAt +
      S +
      r.agency +
      S +
      r.basis +
      S +
      (r.amount ?? '') +
      S +
      (r.severity ?? '') +
      S +
      (r.level ?? '') +
      S +
      r.status +
      S +
      (r.supersedes ?? ''),
  );
  idOut.hi = hi;
  idOut.lo = lo;
}
