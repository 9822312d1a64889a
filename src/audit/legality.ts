// Legality checks: stored record kinds against the national catalogue, applied measures against the measures
// catalogue and their legal bases, and records still counted after the disclosure cap.
import type { Catalogue } from '../core/catalogue.js';
import { addYears, fromEpochDay, toEpochDay } from '../core/dates.js';
import type { RecordColumns } from '../ledger/ledger.js';
import type { ListsView, PointsView } from './views.js';

export interface Violation {
  /** Stable code, e.g. 'legality.local_kind'. */
  code: string;
  severity: 'violation' | 'warning';
  /** What the check compares against (the rule, with its source). */
  rule: string;
  /** The thing found: a record kind, a measure id, a scheme. */
  subjectOfCheck: string;
  count: number;
  /** A few concrete cases (subject, date), for follow-up. */
  examples: string[];
}

export interface LegalityReport {
  violations: Violation[];
  /** Counts by code. */
  totals: Record<string, number>;
}

export interface LegalityOptions {
  /** Years after which untrustworthy information may no longer be used for punishment (Shandong 2020 Art. 38). */
  disclosureCapYears?: number;
  maxExamples?: number;
  /** Subject ids of the population the ListsView indexes into (for examples). */
  subjectIds?: readonly string[];
}

/**
 * DOMAIN §6.2, "rule for engineers": only information types in the current national catalogue may be stored as
 * public credit information; only measures in the current list may be applied, and each application must carry its
 * legal basis. Shandong 2020 Art. 38 (DOMAIN §2.6): untrustworthy information may be used for at most 5 years from
 * the end of the conduct.
 */
export function checkLegality(
  cols: RecordColumns,
  cat: Catalogue,
  points: PointsView[] = [],
  lists?: ListsView,
  opts: LegalityOptions = {},
): LegalityReport {
  const maxEx = opts.maxExamples ?? 5;
  const capYears = opts.disclosureCapYears ?? 5;
  const out: Violation[] = [];

  // 1. Stored kinds outside the national catalogue.
  const byKind = new Map<number, { count: number; examples: string[] }>();
  for (let i = 0; i < cols.length; i++) {
    const k = cols.kind[i]!;
    if (cat.kinds[k]?.national !== false) continue;
    let e = byKind.get(k);
    if (!e) byKind.set(k, (e = { count: 0, examples: [] }));
    e.count++;
    if (e.examples.length < maxEx)
      e.examples.push(`${cols.subjects[cols.subject[i]!]} ${fromEpochDay(cols.occurred[i]!)}`);
  }
  for (const [k, e] of [...byKind].sort((a, b) => b[1].count - a[1].count || a[0] - b[0])) {
    const kind = cat.kinds[k]!;
    out.push({
      code: 'legality.local_kind',
      severity: 'violation',
      rule: 'only information types in the national basic catalogue may be stored (DOMAIN §6.2)',
      subjectOfCheck: `${kind.code} (${kind.en} / ${kind.zh})`,
      count: e.count,
      examples: e.examples,
    });
  }

  // 2. Records still counted in a score after the disclosure cap.
  for (const view of points) {
    const asOf = toEpochDay(view.asOf);
    // The last occurrence day still inside the cap is found once, so the loop compares integers only.
    let cutoff = addYears(asOf, -capYears) - 3;
    while (addYears(cutoff + 1, capYears) <= asOf) cutoff++;
    const c = view.contrib;
    let count = 0;
    const examples: string[] = [];
    for (let i = 0; i < c.length; i++) {
      const r = c.record[i]!;
      if (r < 0 || (c.points[i]! >= 0 && c.direct[i]! === 0)) continue;
      if (cols.occurred[r]! <= cutoff) {
        count++;
        if (examples.length < maxEx)
          examples.push(
            `${cols.subjects[cols.subject[r]!]} ${cat.kinds[cols.kind[r]!]?.code} ${fromEpochDay(cols.occurred[r]!)}`,
          );
      }
    }
    if (count)
      out.push({
        code: 'legality.used_after_cap',
        severity: 'violation',
        rule: `untrustworthy information may be used for at most ${capYears} years (Shandong Social Credit Regulations 2020 Art. 38; DOMAIN §2.6)`,
        subjectOfCheck: `${view.scheme} as of ${view.asOf}`,
        count,
        examples,
      });
  }

  // 3. Applied measures: in the catalogue, with a legal basis.
  if (lists) {
    const counts = new Float64Array(lists.measures.length);
    const ex: string[][] = lists.measures.map(() => []);
    for (let i = 0; i < lists.applied.length; i++) {
      const m = lists.applied.measure[i]!;
      counts[m]++;
      if (ex[m]!.length < maxEx) {
        const s = lists.applied.subject[i]!;
        ex[m]!.push(opts.subjectIds?.[s] ?? String(s));
      }
    }
    lists.measures.forEach((m, j) => {
      if (!counts[j]) return;
      if (!m.inCatalogue)
        out.push({
          code: 'legality.measure_not_in_catalogue',
          severity: 'violation',
          rule: 'only measures in the national basic list may be applied (DOMAIN §6.2)',
          subjectOfCheck: `${m.id} (${m.en} / ${m.zh})`,
          count: counts[j]!,
          examples: ex[j]!,
        });
      if (!m.basis.trim())
        out.push({
          code: 'legality.measure_without_basis',
          severity: 'violation',
          rule: 'each application of a measure must carry its legal basis (DOMAIN §6.1–6.2)',
          subjectOfCheck: `${m.id} (${m.en} / ${m.zh})`,
          count: counts[j]!,
          examples: ex[j]!,
        });
    });
  }
  const totals: Record<string, number> = {};
  for (const v of out) totals[v.code] = (totals[v.code] ?? 0) + v.count;
  return { violations: out, totals };
}

/** What each legality figure counts, in words (for the CLI summary and anyone reading `totals`). */
export const LEGALITY_MEANING: Record<string, string> = {
  'legality.local_kind': 'records of kinds outside the national catalogue (local kinds)',
  'legality.used_after_cap': 'records still counted after the legal limit on using untrustworthy information',
  'legality.measure_not_in_catalogue': 'measures applied that are not in the national basic list',
  'legality.measure_without_basis': 'measures applied without a legal basis',
};

/** "222,687 records of kinds outside the national catalogue (local kinds) [legality.local_kind]". */
export function legalityInWords(code: string, count: number): string {
  return `${count.toLocaleString('en')} ${LEGALITY_MEANING[code] ?? code} [${code}]`;
}
