// Identifier strings for simulated subjects, built from columns (district, birth day, sequence) so no string is stored per agent.
import { MosaicError } from '../core/errors.js';
import {
  FICTIONAL_ORG_PREFIX,
  FICTIONAL_SEQUENCE_MAX,
  FICTIONAL_SEQUENCE_MIN,
} from '../core/identifiers-gen.js';
import { compact } from './days.js';
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

export function residentId(divisionCode: string, birthDay: number, seq: number): string {
  const first17 = divisionCode + compact(birthDay) + String(seq).padStart(3, '0');
  return flat(first17 + residentIdCheckChar(first17));
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
