// Scrutiny: how intensely each group is watched — records per person per year, rule lines reserved for a group,
// and (on simulated runs) the probability that a true event gets recorded.
import { toEpochDay } from '../core/dates.js';
import type { RecordColumns } from '../ledger/ledger.js';
import type { Catalogue } from '../core/catalogue.js';
import { MISSING, type Attribute } from './groups.js';
import type { Outcome } from './stats.js';
import type { PopulationView, RuleLineInfo } from './views.js';

const mapCache = new WeakMap<RecordColumns, WeakMap<PopulationView, Int32Array>>();

/** Map the ledger's subject dictionary onto population rows (-1 = not in the population, e.g. a firm). Cached. */
export function subjectMap(cols: RecordColumns, pop: PopulationView): Int32Array {
  let m = mapCache.get(cols);
  if (!m) mapCache.set(cols, (m = new WeakMap()));
  let map = m.get(pop);
  if (!map) {
    // A ledger scanned with the register's own dictionary needs no lookups.
    map =
      cols.subjects === pop.ids
        ? Int32Array.from({ length: pop.ids.length }, (_, i) => i)
        : Int32Array.from(cols.subjects, (id) => pop.index.get(id) ?? -1);
    m.set(pop, map);
  }
  return map;
}

/**
 * Records per person per year over [from, to] by occurrence date: original statements not later withdrawn.
 * `polarity` narrows to negative (deductions) or positive (bonuses) kinds.
 */
export function recordsPerPersonYear(
  cols: RecordColumns,
  cat: Catalogue,
  pop: PopulationView,
  from: string,
  to: string,
  polarity?: 'negative' | 'positive',
): Outcome {
  const lo = toEpochDay(from);
  const hi = toEpochDay(to);
  const years = (hi - lo + 1) / 365.25;
  const map = subjectMap(cols, pop);
  const withdrawn = new Uint8Array(cols.length);
  for (let j = 0; j < cols.supersedeFrom.length; j++)
    if (cols.status[cols.supersedeFrom[j]!] === 2 && cols.supersedeTo[j]! >= 0)
      withdrawn[cols.supersedeTo[j]!] = 1;
  const want = cat.kinds.map((k) => polarity === undefined || k.polarity === polarity);
  const counts = new Float64Array(pop.ids.length);
  for (let i = 0; i < cols.length; i++) {
    if (cols.status[i] !== 0 || withdrawn[i] || !want[cols.kind[i]!]) continue;
    const d = cols.occurred[i]!;
    if (d < lo || d > hi) continue;
    const s = map[cols.subject[i]!]!;
    if (s >= 0) counts[s]++;
  }
  const what = polarity === 'negative' ? 'deduction ' : polarity === 'positive' ? 'bonus ' : '';
  const zhWhat = polarity === 'negative' ? '失信' : polarity === 'positive' ? '守信' : '';
  return {
    name: `scrutiny.${polarity ?? 'all'}_records_per_year`,
    label: { en: `${what}records per person per year`, zh: `人均每年${zhWhat}记录数` },
    kind: 'numeric',
    polarity: 'neutral',
    // Integer counts over the period, reported per year: exact sums, compact bootstrap levels.
    values: counts,
    scale: 1 / years,
  };
}

export interface ReservedLines {
  group: string;
  /** Lines that can apply only to members of the group. */
  lines: string[];
  share: number;
  total: number;
}

/** The share of a scheme's rule lines that can apply only to a group (state personnel, village cadres, …). */
export function reservedLines(lines: readonly RuleLineInfo[]): ReservedLines[] {
  const groups = new Map<string, string[]>();
  for (const l of lines) for (const g of l.appliesTo) groups.set(g, [...(groups.get(g) ?? []), l.id]);
  return [...groups.keys()].sort().map((g) => ({
    group: g,
    lines: groups.get(g)!,
    share: lines.length ? groups.get(g)!.length / lines.length : 0,
    total: lines.length,
  }));
}

/** True events from a simulated run, indexed into the population. */
export interface EventColumns {
  length: number;
  /** Population row, or -1 for firms and outsiders. */
  subject: Int32Array;
  kind: Uint16Array;
  kinds: string[];
  agency: Uint16Array;
  agencies: string[];
  recorded: Uint8Array;
  fabricated: Uint8Array;
}

export interface DetectionRow {
  group: string;
  events: number;
  recorded: number;
  probability: number;
  diff: number;
  ratio: number;
}

const perSubjectCache = new WeakMap<EventColumns, { events: Float64Array; recorded: Float64Array }>();

/** True events and recorded ones per population row, from one pass over the events (cached). */
function eventsPerSubject(
  ev: EventColumns,
  nSubjects: number,
): { events: Float64Array; recorded: Float64Array } {
  const hit = perSubjectCache.get(ev);
  if (hit && hit.events.length === nSubjects) return hit;
  const events = new Float64Array(nSubjects);
  const recorded = new Float64Array(nSubjects);
  const subj = ev.subject;
  const fab = ev.fabricated;
  const rec = ev.recorded;
  for (let i = 0; i < ev.length; i++) {
    const s = subj[i]!;
    if (s < 0 || fab[i]) continue;
    events[s]++;
    recorded[s] += rec[i]!;
  }
  const out = { events, recorded };
  perSubjectCache.set(ev, out);
  return out;
}

/** Probability that a true (not fabricated) event was recorded, by group; reference as in the disparity tables. */
export function detectionByGroup(ev: EventColumns, attr: Attribute, reference?: string): DetectionRow[] {
  const G = attr.labels.length;
  const n = new Float64Array(G);
  const r = new Float64Array(G);
  const per = eventsPerSubject(ev, attr.codes.length);
  const codes = attr.codes;
  for (let s = 0; s < codes.length; s++) {
    const c = codes[s]!;
    if (c === MISSING) continue;
    n[c] += per.events[s]!;
    r[c] += per.recorded[s]!;
  }
  let ref = reference ? attr.labels.indexOf(reference) : -1;
  if (ref < 0 || !n[ref]) {
    ref = 0;
    for (let g = 0; g < G; g++) if (n[g]! > n[ref]!) ref = g;
  }
  const pRef = n[ref] ? r[ref]! / n[ref]! : NaN;
  return attr.labels
    .map((label, g) => {
      const p = n[g] ? r[g]! / n[g]! : NaN;
      return {
        group: label,
        events: n[g]!,
        recorded: r[g]!,
        probability: p,
        diff: p - pRef,
        ratio: p / pRef,
      };
    })
    .filter((x) => x.events > 0);
}

export interface MirageRow {
  key: string;
  trueEvents: number;
  recorded: number;
  omitted: number;
  fabricated: number;
  /** recorded ÷ true events. */
  coverage: number;
  /** fabricated ÷ (recorded + fabricated): the share of records with no event behind them. */
  fabricatedShare: number;
}

/** Recorded versus true events, omitted and fabricated records, by kind or by agency. */
export function mirage(ev: EventColumns, by: 'kind' | 'agency'): MirageRow[] {
  const names = by === 'kind' ? ev.kinds : ev.agencies;
  const key = by === 'kind' ? ev.kind : ev.agency;
  const t = new Float64Array(names.length);
  const rec = new Float64Array(names.length);
  const fab = new Float64Array(names.length);
  for (let i = 0; i < ev.length; i++) {
    const k = key[i]!;
    if (ev.fabricated[i]) fab[k]++;
    else {
      t[k]++;
      rec[k] += ev.recorded[i]!;
    }
  }
  return names
    .map((name, k) => ({
      key: name,
      trueEvents: t[k]!,
      recorded: rec[k]!,
      omitted: t[k]! - rec[k]!,
      fabricated: fab[k]!,
      coverage: t[k] ? rec[k]! / t[k]! : NaN,
      fabricatedShare: rec[k]! + fab[k]! ? fab[k]! / (rec[k]! + fab[k]!) : NaN,
    }))
    .filter((x) => x.trueEvents + x.fabricated > 0)
    .sort(
      (a, b) => b.trueEvents + b.fabricated - (a.trueEvents + a.fabricated) || a.key.localeCompare(b.key),
    );
}
