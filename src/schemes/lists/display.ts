// Public display of a list: the fields the list's instrument publishes, with identifiers masked unless asked not to.
import { ageOn, fromEpochDay } from '../../core/dates.js';
import { maskId } from '../../core/identifiers.js';
import { maskText } from '../../core/mask.js';
import { parseResidentId, validateResidentId } from '../../core/identifiers.js';
import type { ListEntry } from './lifecycle.js';
import type { ListDef } from './schema.js';
import { listTextOn } from './versions.js';
import type { Register } from './register.js';

/** Keep the first and last characters, star the rest (DOMAIN §8.3: keep 6 and 4 of an ID number). */
export function maskKeep(value: string, first: number, last: number): string {
  if (first === 6 && last === 4) return maskId(value);
  if (value.length <= first + last) return '*'.repeat(value.length);
  return value.slice(0, first) + '*'.repeat(value.length - first - last) + value.slice(value.length - last);
}

export interface PublishedTable {
  type: 'natural' | 'legal';
  columns: string[];
  rows: string[][];
}

/**
 * The published view of entries in force, one table per subject type, in the list's published fields. Masking rules
 * apply unless `unmasked` (an operator's view, never for public display).
 */
export function publishedTables(
  list: ListDef,
  entries: readonly ListEntry[],
  register: Register,
  asOf: number,
  unmasked = false,
): PublishedTable[] {
  const out: PublishedTable[] = [];
  // The fields published are those of the text in force on the day shown (the 2013 defaulter text: organisation code).
  const text = listTextOn(list, asOf);
  for (const type of ['natural', 'legal'] as const) {
    const columns = text.publication.fields[type];
    if (!columns?.length) continue;
    const rows = entries
      .filter((e) => register.typeOf(e.subject) === type)
      .map((e) => columns.map((c) => mask(list, c, field(c, e, register, asOf), unmasked)));
    out.push({ type, columns, rows });
  }
  return out;
}

function mask(list: ListDef, column: string, value: string, unmasked: boolean): string {
  if (unmasked) return value;
  const rule = list.publication.masking.find((m) => m.field === column);
  // Any field may hold an identifier typed into free text (a name, a case number, an agency): mask it there too.
  return maskText(rule ? maskKeep(value, rule.keep_first, rule.keep_last) : value);
}

function field(c: string, e: ListEntry, register: Register, asOf: number): string {
  const s = register.get(e.subject);
  switch (c) {
    case 'name':
      return s?.name ?? '';
    case 'sex':
      return s?.sex ?? (validateResidentId(e.subject).ok ? parseResidentId(e.subject).sex : '');
    case 'age': {
      const b = register.birthDay(e.subject);
      return b === undefined ? '' : String(ageOn(b, asOf));
    }
    case 'id_number':
    case 'uscc':
      return e.subject;
    case 'organisation_code':
      // Characters 9-17 of a USCC are the organisation code it replaced (GB 32100-2015, DOMAIN §7.1).
      return register.typeOf(e.subject) === 'legal' && e.subject.length === 18
        ? `${e.subject.slice(8, 16)}-${e.subject.slice(16, 17)}`
        : '';
    case 'legal_representative': {
      const rep = s?.legalRepresentative;
      return rep ? (register.get(rep)?.name ?? maskId(rep)) : '';
    }
    case 'case':
      return e.case ?? '';
    case 'criterion':
      return e.criterion ?? '';
    case 'court':
    case 'authority':
      return e.agency;
    case 'listed_on':
      return fromEpochDay(e.listedOn);
    default:
      return '';
  }
}
