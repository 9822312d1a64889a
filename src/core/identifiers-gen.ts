// Generates valid but fictional resident ID numbers and USCCs from a seeded Rng, for samples and the simulation.
import { fromEpochDay, isIsoDate, toEpochDay } from './dates.js';
import { MosaicError, type Issue } from './errors.js';
import {
  USCC_CHARSET,
  USCC_TYPE_PAIRS,
  orgCodeCheckChar,
  residentIdCheckChar,
  usccCheckChar,
} from './identifiers.js';
import type { Rng } from './rng.js';
import type { Sex } from './types.js';

/**
 * Sequence codes used for generated resident IDs. Real codes are handed to police stations in blocks starting low;
 * 996–999 are said to be kept for centenarians [U]. Drawing from 900–995 keeps generated numbers away from the busy
 * low blocks. It cannot prove a number is unissued (no public register says so) — see docs/decisions/0020.
 */
export const FICTIONAL_SEQUENCE_MIN = 900;
export const FICTIONAL_SEQUENCE_MAX = 995;

/**
 * First character of every generated organisation-code body. Post-2015 bodies issued through market regulation
 * start with 'M' and older GB 11714 codes are mostly digits [U]; 'Y' marks a code as Mosaic's own (decision 0020).
 */
export const FICTIONAL_ORG_PREFIX = 'Y';

export interface ResidentIdSpec {
  /** GB/T 2260 county-level division code of first household registration, 6 digits. */
  addressCode: string;
  /** YYYY-MM-DD, 1900 or later. */
  birthDate: string;
  sex: Sex;
}

/** A valid resident ID number (GB 11643) for a fictional person: odd sequence for men, even for women. */
export function generateResidentId(rng: Rng, spec: ResidentIdSpec): string {
  const issues: Issue[] = [];
  if (!/^[1-8]\d{5}$/.test(spec.addressCode) || spec.addressCode.slice(2) === '0000')
    issues.push({
      code: 'idgen.address_code',
      message: `address code ${spec.addressCode} is not a county-level division code`,
    });
  if (!isIsoDate(spec.birthDate) || spec.birthDate < '1900-01-01')
    issues.push({
      code: 'idgen.birth_date',
      message: `birth date ${spec.birthDate} is not a date from 1900 on`,
    });
  if (spec.sex !== 'M' && spec.sex !== 'F')
    issues.push({ code: 'idgen.sex', message: `sex must be M or F, got ${String(spec.sex)}` });
  if (issues.length) throw new MosaicError(issues);
  // 900..995 holds 48 odd and 48 even codes; pick one of the right parity uniformly.
  const half = (FICTIONAL_SEQUENCE_MAX - FICTIONAL_SEQUENCE_MIN + 1) / 2;
  const seq = FICTIONAL_SEQUENCE_MIN + 2 * rng.int(half) + (spec.sex === 'M' ? 1 : 0);
  const first17 = spec.addressCode + spec.birthDate.replaceAll('-', '') + String(seq).padStart(3, '0');
  return first17 + residentIdCheckChar(first17);
}

export interface UsccSpec {
  /** Registration-authority + organisation-type pair, e.g. '91' for an enterprise (DOMAIN §7.1). */
  typePair: string;
  /** GB/T 2260 division code of the registration place, 6 digits. */
  divisionCode: string;
}

/** A valid Unified Social Credit Code (GB 32100) whose organisation-code body starts with FICTIONAL_ORG_PREFIX. */
export function generateUscc(rng: Rng, spec: UsccSpec): string {
  const issues: Issue[] = [];
  if (!USCC_TYPE_PAIRS.has(spec.typePair))
    issues.push({ code: 'idgen.type_pair', message: `${spec.typePair} is not a known authority/type pair` });
  if (!/^\d{6}$/.test(spec.divisionCode))
    issues.push({ code: 'idgen.division', message: `division code ${spec.divisionCode} must be 6 digits` });
  if (issues.length) throw new MosaicError(issues);
  let body = FICTIONAL_ORG_PREFIX;
  for (let i = 1; i < 8; i++) body += USCC_CHARSET[rng.int(USCC_CHARSET.length)];
  const first17 = spec.typePair + spec.divisionCode + body + orgCodeCheckChar(body);
  return first17 + usccCheckChar(first17);
}

/** A birth date drawn uniformly between two ISO dates inclusive. */
export function randomBirthDate(rng: Rng, from: string, to: string): string {
  const a = toEpochDay(from);
  const b = toEpochDay(to);
  if (Number.isNaN(a) || Number.isNaN(b) || b < a)
    throw new MosaicError({ code: 'idgen.date_range', message: `bad birth-date range ${from}..${to}` });
  return fromEpochDay(rng.range(a, b));
}
