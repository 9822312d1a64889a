// Masking for public and auditor views: every resident ID or USCC inside a response keeps only 6 + 4 characters.
import { maskId, validateSubjectId } from '../core/identifiers.js';

/** 18 characters that could be a resident ID or a USCC (checked by check digit before masking). */
const CANDIDATE = /[0-9A-Z]{18}/g;

export function maskText(s: string): string {
  // Most strings in a report (days, codes, grades) are too short to hold an identifier: no regex run for them.
  if (s.length < 18) return s;
  return s.replace(CANDIDATE, (m) => (validateSubjectId(m).ok ? maskId(m) : m));
}

/** A deep copy of `v` with every identifier in every string masked. */
export function maskDeep<T>(v: T): T {
  if (typeof v === 'string') return maskText(v) as T;
  if (Array.isArray(v)) return v.map((x: unknown) => maskDeep(x)) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    // Own enumerable keys in the same order as Object.entries, without an array of pairs per object.
    for (const k of Object.keys(v)) out[k] = maskDeep((v as Record<string, unknown>)[k]);
    return out as T;
  }
  return v;
}

/** Does any string in `v` contain an unmasked identifier? (The masking crawl's test.) */
export function findUnmasked(v: unknown): string | undefined {
  if (typeof v === 'string') {
    for (const m of v.match(CANDIDATE) ?? []) if (validateSubjectId(m).ok) return m;
    return undefined;
  }
  if (Array.isArray(v)) {
    for (const x of v) {
      const f = findUnmasked(x);
      if (f) return f;
    }
    return undefined;
  }
  if (v && typeof v === 'object') return findUnmasked(Object.values(v));
  return undefined;
}
