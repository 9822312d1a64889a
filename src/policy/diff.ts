// Differences between two versions of id-keyed policy items: added, removed, and changed field by field.

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface ItemDiff {
  added: string[];
  removed: string[];
  changed: { id: string; changes: FieldChange[] }[];
}

/** Compare items by id on the given fields (deep, by canonical JSON). */
export function diffById<T extends { id: string }>(
  a: readonly T[],
  b: readonly T[],
  fields: readonly (keyof T & string)[],
): ItemDiff {
  const am = new Map(a.map((x) => [x.id, x]));
  const bm = new Map(b.map((x) => [x.id, x]));
  const out: ItemDiff = { added: [], removed: [], changed: [] };
  for (const x of a) if (!bm.has(x.id)) out.removed.push(x.id);
  for (const y of b) {
    const x = am.get(y.id);
    if (!x) {
      out.added.push(y.id);
      continue;
    }
    const changes = diffFields(x, y, fields);
    if (changes.length) out.changed.push({ id: y.id, changes });
  }
  return out;
}

export function diffFields<T>(x: T, y: T, fields: readonly (keyof T & string)[]): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const f of fields)
    if (canonical(x[f]) !== canonical(y[f])) changes.push({ field: f, from: x[f], to: y[f] });
  return changes;
}

/** JSON with object keys sorted, so key order never counts as a change. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(
          Object.entries(val as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)),
        )
      : val,
  );
}

export function isEmptyDiff(d: ItemDiff): boolean {
  return !d.added.length && !d.removed.length && !d.changed.length;
}
