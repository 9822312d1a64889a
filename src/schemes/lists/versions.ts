// Which text of a list applies on a day: the top-level (current) text, or the earlier version in force then.
import { toEpochDay } from '../../core/dates.js';
import type { ListDef } from './schema.js';

const cache = new WeakMap<ListDef, Map<string, ListDef>>();

/**
 * The list as its text stood on `day` (epoch day): an earlier version's criteria, term and published fields replace
 * the current ones. Lists without versions are returned as they are; the merged objects are cached per version.
 */
export function listTextOn(list: ListDef, day: number): ListDef {
  if (!list.versions.length) return list;
  const v = list.versions.find((x) => toEpochDay(x.from) <= day && day < toEpochDay(x.until));
  if (!v) return list;
  let byVersion = cache.get(list);
  if (!byVersion) cache.set(list, (byVersion = new Map()));
  let merged = byVersion.get(v.version);
  if (!merged) {
    merged = {
      ...list,
      version: v.version,
      criteria: v.criteria ?? list.criteria,
      term: v.term ?? list.term,
      term_basis: v.term_basis ?? list.term_basis,
      term_marker: v.term_marker ?? list.term_marker,
      publication: {
        ...list.publication,
        fields: v.publication_fields ?? list.publication.fields,
        basis: v.publication_basis ?? list.publication.basis,
      },
    };
    byVersion.set(v.version, merged);
  }
  return merged;
}
