// Which record fields (severity, issuer level) the rule lines of points packs need, per record kind: a record that
// lacks a field every line of its kind needs can match no line and scores nothing. Ingest warns about such records
// and the explanation names the missing field instead of blaming the source.
import type { Conditions, SchemePack } from './types.js';

export type NeededField = 'severity' | 'level';

/** The rule line that needs a field the record lacks, with the values it accepts (and its verbatim text, if any). */
export interface FieldNeed {
  field: NeededField;
  pack: string;
  rule: string;
  values: readonly string[];
  /** The verbatim line of the case, when the pack records it. */
  zh?: string;
  en?: string;
}

const SEVERITY = 1;
const LEVEL = 2;

interface Condition {
  mask: number;
  pack: string;
  rule: string;
  when: Conditions;
  zh?: string;
  en?: string;
}

const maskOf = (c: Conditions): number => (c.severity?.length ? SEVERITY : 0) | (c.level?.length ? LEVEL : 0);

/**
 * Per-kind requirements of a set of packs, computed once; `missing` is a map lookup plus a cached answer per
 * (kind, missing fields), so checking every ingested record costs next to nothing.
 */
export class FieldNeeds {
  /** kind → pack → the conditions of every rule line, direct-grading line and repair trigger on that kind. */
  private readonly byKind = new Map<string, Map<string, Condition[]>>();
  private readonly cache = new Map<string, FieldNeed | null>();

  constructor(packs: readonly SchemePack[]) {
    const add = (kind: string, c: Condition) => {
      const perPack = this.byKind.get(kind) ?? new Map<string, Condition[]>();
      this.byKind.set(kind, perPack);
      const list = perPack.get(c.pack) ?? [];
      perPack.set(c.pack, list);
      list.push(c);
    };
    for (const p of packs) {
      for (const r of p.rules) {
        // A tier rule matches on its first case's conditions, or on any record of the kind (interpreter).
        const cases = r.tiers ? r.cases.slice(0, 1) : r.cases;
        if (r.tiers && !cases.length) add(r.kind, { mask: 0, pack: p.id, rule: r.id, when: {} });
        for (const c of cases) {
          const cond: Condition = { mask: maskOf(c.when), pack: p.id, rule: r.id, when: c.when };
          if (c.zh) cond.zh = c.zh;
          if (c.en) cond.en = c.en;
          add(r.kind, cond);
        }
      }
      for (const d of p.direct) add(d.kind, { mask: maskOf(d.when), pack: p.id, rule: d.id, when: d.when });
      for (const rp of p.repairs)
        for (const t of rp.triggers)
          add(t.kind, { mask: maskOf(t.when), pack: p.id, rule: rp.id, when: t.when });
    }
  }

  /**
   * The first rule line (pack order, then line order) that a record of this kind can never match because it lacks
   * a severity or level, when every line of that pack on the kind needs a field the record lacks; else undefined.
   */
  missing(record: {
    kind: string;
    severity?: string | undefined;
    level?: string | undefined;
  }): FieldNeed | undefined {
    const lacks = (record.severity === undefined ? SEVERITY : 0) | (record.level === undefined ? LEVEL : 0);
    if (!lacks) return undefined;
    const key = `${record.kind}\u0000${lacks}`;
    let hit = this.cache.get(key);
    if (hit === undefined) {
      hit = this.compute(record.kind, lacks) ?? null;
      this.cache.set(key, hit);
    }
    return hit ?? undefined;
  }

  private compute(kind: string, lacks: number): FieldNeed | undefined {
    for (const conds of this.byKind.get(kind)?.values() ?? []) {
      if (!conds.every((c) => c.mask & lacks)) continue;
      const c = conds[0]!;
      const field: NeededField = c.mask & lacks & SEVERITY ? 'severity' : 'level';
      const need: FieldNeed = {
        field,
        pack: c.pack,
        rule: c.rule,
        values: (field === 'severity' ? c.when.severity : c.when.level) ?? [],
      };
      if (c.zh) need.zh = c.zh;
      if (c.en) need.en = c.en;
      return need;
    }
    return undefined;
  }
}

/** "the record has no `severity`; rule line W1-… (wendeng-points@2020) needs severity very_serious (情节严重的)". */
export function describeNeed(n: FieldNeed, lang: 'en' | 'zh' = 'en'): string {
  const values = n.values.join('/');
  return lang === 'zh'
    ? `记录缺少 \`${n.field}\`；条目 ${n.rule}（${n.pack}）需要 ${n.field} ${values}${n.zh ? `（${n.zh}）` : ''}`
    : `the record has no \`${n.field}\`; rule line ${n.rule} (${n.pack}) needs ${n.field} ${values}${n.zh ? ` (${n.zh}${n.en ? `: ${n.en}` : ''})` : ''}`;
}
