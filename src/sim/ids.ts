// Identifier strings for simulated subjects, built from columns (district, birth day, sequence) so no string is stored per agent.
import { MosaicError } from '../core/errors.js';
import {
  FICTIONAL_ORG_PREFIX,
  FICTIONAL_SEQUENCE_MAX,
  FICTIONAL_SEQUENCE_MIN,
} from '../core/identifiers-gen.js';
import { compact, iso } from './days.js';
import { USCC_CHARSET, orgCodeCheckChar, residentIdCheckChar, usccCheckChar } from '../core/identifiers.js';

/** How many distinct sequence codes of one parity the fictional range holds (48 for 900..995). */
export const SEQ_PER_SEX = (FICTIONAL_SEQUENCE_MAX - FICTIONAL_SEQUENCE_MIN + 1) >> 1;

/**
 * The k-th fictional sequence code for a (division, birth date, sex) cell: counting instead of drawing (as
 * identifiers-gen does) makes every generated number unique. Odd codes are men's, even codes women's (GB 11643).
 */
export function sequenceCode(k: number, male: boolean): number {
  if (k >= SEQ_PER_SEX)
    throw new MosaicError({
      code: 'sim.id_sequence_exhausted',
      message: `more than ${SEQ_PER_SEX} residents of one sex share a birth date in one district; add districts or shrink the population`,
    });
  return FICTIONAL_SEQUENCE_MIN + 2 * k + (male ? 1 : 0);
}

/** Assigns sequence codes per (birth day, sex) within one division. */
export class SequenceCounter {
  private readonly next = new Map<number, number>();
  take(birthDay: number, male: boolean): number {
    const key = birthDay * 2 + (male ? 1 : 0);
    const k = this.next.get(key) ?? 0;
    this.next.set(key, k + 1);
    return sequenceCode(k, male);
  }
}

/**
 * The resident id of a simulated person: division code, birth date as YYYYMMDD, sequence code, check character.
 * Built in one pass as one flat string (no concatenation, no check-character pass over a joined prefix): workers
 * name a subject in every event line and population line, and the main thread names every person, millions of
 * times per run (decision 0170). `residentIdSlow` is the reference it equals (ids.property.test.ts).
 */
export function residentId(divisionCode: string, birthDay: number, seq: number): string {
  const dv = divisionDigits(divisionCode);
  const date = iso(birthDay);
  if (dv === undefined || date.length !== 10 || !(seq >= 0 && seq <= 999) || seq % 1 !== 0)
    return residentIdSlow(divisionCode, birthDay, seq);
  const y0 = date.charCodeAt(0);
  const y1 = date.charCodeAt(1);
  const y2 = date.charCodeAt(2);
  const y3 = date.charCodeAt(3);
  const m0 = date.charCodeAt(5);
  const m1 = date.charCodeAt(6);
  const d0 = date.charCodeAt(8);
  const d1 = date.charCodeAt(9);
  const q0 = 48 + ((seq / 100) | 0);
  const q1 = 48 + (((seq / 10) | 0) % 10);
  const q2 = 48 + (seq % 10);
  // GB 11643 weights of positions 7..17 (the division code's six are summed in divisionDigits).
  const sum =
    dv[6]! +
    (y0 - 48) * 2 +
    (y1 - 48) +
    (y2 - 48) * 6 +
    (y3 - 48) * 3 +
    (m0 - 48) * 7 +
    (m1 - 48) * 9 +
    (d0 - 48) * 10 +
    (d1 - 48) * 5 +
    (q0 - 48) * 8 +
    (q1 - 48) * 4 +
    (q2 - 48) * 2;
  return String.fromCharCode(
    dv[0]!,
    dv[1]!,
    dv[2]!,
    dv[3]!,
    dv[4]!,
    dv[5]!,
    y0,
    y1,
    y2,
    y3,
    m0,
    m1,
    d0,
    d1,
    q0,
    q1,
    q2,
    RID_CHECK_CODES[sum % 11]!,
  );
}

/** The reference construction of `residentId` (the string it must equal, character for character). */
export function residentIdSlow(divisionCode: string, birthDay: number, seq: number): string {
  const first17 = divisionCode + compact(birthDay) + String(seq).padStart(3, '0');
  return flat(first17 + residentIdCheckChar(first17));
}

const RID_CHECK_CODES = Array.from('10X98765432', (c) => c.charCodeAt(0));
const DIVISION_WEIGHTS = [7, 9, 10, 5, 8, 4];
/** Per division code: its six character codes, then their weighted sum; a run has a few dozen codes. */
const divisions = new Map<string, Int32Array | null>();

/** The character codes and weighted sum of a six-digit division code; undefined for anything else. */
function divisionDigits(code: string): Int32Array | undefined {
  let dv = divisions.get(code);
  if (dv === undefined) {
    dv = null;
    if (/^[0-9]{6}$/.test(code)) {
      dv = new Int32Array(7);
      for (let i = 0; i < 6; i++) {
        dv[i] = code.charCodeAt(i);
        dv[6] += (dv[i]! - 48) * DIVISION_WEIGHTS[i]!;
      }
    }
    divisions.set(code, dv);
  }
  return dv ?? undefined;
}

/**
 * A flat copy of a concatenated string. V8 keeps `a + b` as a pair of pointers and, once the string is hashed (as a
 * Map key), a flattened copy besides: about 110 bytes per id instead of 40, for every one of a run's million ids.
 */
export function flat(s: string): string {
  const codes = new Array<number>(s.length);
  for (let i = 0; i < s.length; i++) codes[i] = s.charCodeAt(i);
  return String.fromCharCode(...codes);
}

/** A USCC whose 8-character organisation-code body is FICTIONAL_ORG_PREFIX + the counter in base 31. */
export function firmUscc(typePair: string, divisionCode: string, counter: number): string {
  let body = '';
  let n = counter;
  for (let i = 0; i < 7; i++) {
    body = USCC_CHARSET[n % 31] + body;
    n = Math.floor(n / 31);
  }
  if (n > 0)
    throw new MosaicError({
      code: 'sim.uscc_exhausted',
      message: `firm counter ${counter} does not fit 7 base-31 digits`,
    });
  body = FICTIONAL_ORG_PREFIX + body;
  const first17 = typePair + divisionCode + body + orgCodeCheckChar(body);
  return flat(first17 + usccCheckChar(first17));
}
