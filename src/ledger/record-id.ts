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
 * Hash lanes carried between the per-field loops of recordIdHalves. An Int32Array rather than two module variables:
 * a lane is int32 and often outside V8's small-integer range, so storing it in a variable boxed it (one heap number
 * per field, a third of the time in GC when measured).
 */
const lanes = new Int32Array(2);

/** Feed s's UTF-16 code units into the lanes: hash64's loop body exactly. */
function mix(s: string): void {
  let h1 = lanes[0]!;
  let h2 = lanes[1]!;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  lanes[0] = h1;
  lanes[1] = h2;
}

/** Feed one code unit (the 0x1f separator, a digit or '.'). */
function mixChar(c: number): void {
  lanes[0] = Math.imul(lanes[0]! ^ c, 0x01000193);
  const h2 = Math.imul(lanes[1]! ^ c, 0x5bd1e995);
  lanes[1] = h2 ^ (h2 >>> 15);
}

/** Decimal digits of the amount's cents when its string is exactly those digits with a point (see centsOf). */
const digits = new Uint8Array(16);
let nDigits = 0;
/** Where the point goes: digits after it (0, 1 or 2), after trailing zeros of the cents are dropped. */
let fraction = 0;

/**
 * String(a) for an amount on the cent grid below 1e9, written to `digits` without building the string; false for
 * anything else (the caller then hashes String(a)). Below 1e9 a double's spacing is under 1e-7, so the only decimal
 * of at most two fraction digits within half a spacing of a is k/100 itself, and JavaScript's shortest round-trip
 * form prints exactly that: the integer part, then '.' and the cents without trailing zeros (none if they are zero).
 * A property test holds this equal to String(a).
 */
function centsOf(a: number): boolean {
  if (!(a >= 0 && a < 1e9)) return false;
  let k = Math.round(a * 100);
  if (k / 100 !== a) return false;
  fraction = 2;
  while (fraction > 0 && k % 10 === 0) {
    k /= 10;
    fraction--;
  }
  // Integer digits plus fraction digits, least significant first; at least one integer digit ("0.5").
  let n = 0;
  do {
    digits[n++] = k % 10;
    k = Math.floor(k / 10);
  } while (k > 0 || n <= fraction);
  nDigits = n;
  return true;
}

/**
 * recordId(r) as halves in idOut: the same key and the same hash64 as core/types.ts recordId, without building the
 * key or formatting the result as hex (a test holds the two equal). The key is the fields joined by U+001F; hash64
 * seeds one lane with the key's length and then folds in each code unit, so the fields are fed one after another
 * with the lanes carried across, and the length is summed from the parts. Building the key by concatenation made a
 * cons string of about 100 two-byte characters per record, flattened (copied) on the first charCodeAt and then
 * garbage: that was most of a check's cost (docs/decisions/0146). Records whose fields are not the types
 * CreditRecord declares take the concatenating path, which converts them exactly as Array.join would.
 */
export function recordIdHalves(r: Omit<CreditRecord, 'id'>): void {
  const { subject, kind, occurredAt, agency, basis, amount, severity, level, status, supersedes } = r;
  if (
    typeof subject !== 'string' ||
    typeof kind !== 'string' ||
    typeof occurredAt !== 'string' ||
    typeof agency !== 'string' ||
    typeof basis !== 'string' ||
    typeof status !== 'string' ||
    (amount !== undefined && typeof amount !== 'number') ||
    (severity !== undefined && typeof severity !== 'string') ||
    (level !== undefined && typeof level !== 'string') ||
    (supersedes !== undefined && typeof supersedes !== 'string')
  )
    return recordIdHalvesJoined(r);
  let amountText = '';
  let amountLength = 0;
  if (amount !== undefined) {
    if (centsOf(amount)) amountLength = nDigits + (fraction > 0 ? 1 : 0);
    else {
      amountText = String(amount);
      amountLength = amountText.length;
    }
  }
  const length =
    subject.length +
    kind.length +
    occurredAt.length +
    agency.length +
    basis.length +
    amountLength +
    (severity === undefined ? 0 : severity.length) +
    (level === undefined ? 0 : level.length) +
    status.length +
    (supersedes === undefined ? 0 : supersedes.length) +
    9;
  lanes[0] = 0x811c9dc5 ^ length;
  lanes[1] = 0x9747b28c;
  mix(subject);
  mixChar(SEP);
  mix(kind);
  mixChar(SEP);
  mix(occurredAt);
  mixChar(SEP);
  mix(agency);
  mixChar(SEP);
  mix(basis);
  mixChar(SEP);
  if (amountText.length > 0) mix(amountText);
  else if (amountLength > 0)
    for (let i = nDigits - 1; i >= 0; i--) {
      mixChar(48 + digits[i]!);
      if (i === fraction && fraction > 0) mixChar(46);
    }
  mixChar(SEP);
  if (severity !== undefined) mix(severity);
  mixChar(SEP);
  if (level !== undefined) mix(level);
  mixChar(SEP);
  mix(status);
  mixChar(SEP);
  if (supersedes !== undefined) mix(supersedes);
  finish(lanes[0]!, lanes[1]!);
}

const SEP = 0x1f;

/** hash64's final avalanche of the lanes, into idOut. */
function finish(h1: number, h2: number): void {
  h1 ^= h2 >>> 13;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h1 = Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  h2 ^= h1;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b);
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  idOut.hi = h1 >>> 0;
  idOut.lo = h2 >>> 0;
}

/** The key built by concatenation and hashed whole: the reference form, for fields of unexpected types. */
export function recordIdHalvesJoined(r: Omit<CreditRecord, 'id'>): void {
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

/*
 * recordIdHalves in pieces, for a caller that holds the fields as ranges of a larger text (the CSV line encoder,
 * docs/decisions/0185): seed with the key's whole length, feed the fields and separators in recordIdHalves's order,
 * finish. A differential test holds the result equal to recordIdHalves of the same record.
 */

/** Seed the lanes for a key of `length` code units (the fields' lengths plus the nine separators). */
export function idHashBegin(length: number): void {
  lanes[0] = 0x811c9dc5 ^ length;
  lanes[1] = 0x9747b28c;
}

/** Feed units[start, end): code units already copied out of a text (CsvLineEncoder's view of a chunk). */
export function idHashUnits(units: Uint16Array, start: number, end: number): void {
  let h1 = lanes[0]!;
  let h2 = lanes[1]!;
  for (let i = start; i < end; i++) {
    const c = units[i]!;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  lanes[0] = h1;
  lanes[1] = h2;
}

/** Feed a whole string (a catalogue code the line stands for). */
export const idHashString = mix;

/** Feed the field separator. */
export function idHashSeparator(): void {
  mixChar(SEP);
}

/**
 * Length of String(a) when a is on the cent grid below 1e9 (its digits kept for idHashAmount), or -1: then the caller
 * does not take this path.
 */
export function amountKeyLength(a: number): number {
  return centsOf(a) ? nDigits + (fraction > 0 ? 1 : 0) : -1;
}

/** Feed the digits amountKeyLength kept, as recordIdHalves does. */
export function idHashAmount(): void {
  for (let i = nDigits - 1; i >= 0; i--) {
    mixChar(48 + digits[i]!);
    if (i === fraction && fraction > 0) mixChar(46);
  }
}

/** Finish into idOut. */
export function idHashEnd(): void {
  finish(lanes[0]!, lanes[1]!);
}
