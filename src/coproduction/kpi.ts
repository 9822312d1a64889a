// Department credit-work KPI forms as data (the Suzhou form), the reporting statistics of each agency measured from a
// ledger, and the KPI score line by line — set beside what the agency truly covered, so the gap between what is
// scored and what happens is visible. Items a ledger cannot show are "not measured", never guessed.
import { z } from 'zod';
import { Marker } from '../core/catalogue.js';
import type { WorkingCalendar } from '../core/calendar.js';
import { MosaicError, type Issue } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { locate, readYaml, validateYaml } from '../core/yaml-doc.js';
import type { RecordColumns } from '../ledger/ledger.js';

export const METRICS = [
  'frontend_processor',
  'volume_vs_quota',
  'severity_flagged',
  'timely_share',
  'valid_entry_rate',
  'complete_share',
  'list_reporting',
] as const;
export type Metric = (typeof METRICS)[number];

const Rule = z.discriminatedUnion('type', [
  z.object({ type: z.literal('threshold'), at: z.number() }).strict(),
  z.object({ type: z.literal('linear'), from: z.number(), to: z.number() }).strict(),
  z
    .object({
      type: z.literal('tiers'),
      tiers: z.array(z.object({ from: z.number(), points: z.number().min(0) }).strict()).min(1),
    })
    .strict(),
]);

const Schema = z
  .object({
    form: z.string().min(1),
    version: z.string().min(1),
    source: z.string().min(1),
    marker: Marker,
    total: z.number().positive(),
    bonus: z.number().min(0),
    items: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z][a-z0-9_]*$/),
            section: z.string().min(1),
            en: z.string().min(1),
            points: z.number().positive(),
            bonus: z.boolean().optional(),
            metric: z.enum(METRICS).nullable(),
            rule: Rule.optional(),
            source: z.string().min(1),
            marker: Marker,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type KpiForm = z.infer<typeof Schema>;

export function loadKpiForm(
  file = shipped('policies', 'coproduction', 'kpi', 'suzhou-department.yaml'),
): KpiForm {
  const parsed = readYaml(file);
  const res = validateYaml(parsed, Schema, 'kpi_form');
  if (!res.value) throw new MosaicError(res.issues);
  const f = res.value;
  const issues: Issue[] = [];
  const sum = (bonus: boolean) =>
    f.items.filter((i) => !!i.bonus === bonus).reduce((s, i) => s + i.points, 0);
  // The form's points must add up to its stated totals: a mistyped item would otherwise skew every score.
  if (sum(false) !== f.total)
    issues.push({
      code: 'kpi_form.total',
      message: `items sum to ${sum(false)}, not ${f.total}`,
      location: locate(parsed, ['total']),
    });
  if (sum(true) !== f.bonus)
    issues.push({
      code: 'kpi_form.bonus',
      message: `bonus items sum to ${sum(true)}, not ${f.bonus}`,
      location: locate(parsed, ['bonus']),
    });
  f.items.forEach((it, i) => {
    if ((it.metric === null) !== (it.rule === undefined))
      issues.push({
        code: 'kpi_form.rule',
        message: `${it.id}: an item has a rule exactly when it has a metric`,
        location: locate(parsed, ['items', i]),
      });
    if (it.rule?.type === 'tiers' && it.rule.tiers.some((t) => t.points > it.points))
      issues.push({
        code: 'kpi_form.tier_points',
        message: `${it.id}: a tier exceeds the item's points`,
        location: locate(parsed, ['items', i, 'rule']),
      });
  });
  if (issues.length) throw new MosaicError(issues);
  return f;
}

export interface KpiLine {
  item: string;
  section: string;
  points: number;
  /** Points earned; null when the ledger cannot show the item. */
  earned: number | null;
  metric: Metric | null;
  value: number | null;
  why: string;
}

/** Score an agency's metrics on the form, line by line. */
export function scoreKpi(
  form: KpiForm,
  metrics: Partial<Record<Metric, number>>,
): { lines: KpiLine[]; measured: number; earned: number } {
  const lines = form.items.map((it): KpiLine => {
    const base = { item: it.id, section: it.section, points: it.points, metric: it.metric };
    if (!it.metric || !it.rule)
      return { ...base, earned: null, value: null, why: 'not measured: no ledger shows it' };
    const v = metrics[it.metric];
    if (v === undefined || !Number.isFinite(v))
      return { ...base, earned: null, value: null, why: `not measured: no ${it.metric} for this agency` };
    const r = it.rule;
    let earned: number;
    let why: string;
    if (r.type === 'threshold') {
      earned = v >= r.at ? it.points : 0;
      why = `${it.metric} ${round(v)} ${v >= r.at ? '≥' : '<'} ${r.at}`;
    } else if (r.type === 'linear') {
      const t = Math.min(1, Math.max(0, (v - r.from) / (r.to - r.from)));
      earned = it.points * t;
      why = `${it.metric} ${round(v)} on the scale ${r.from}–${r.to}`;
    } else {
      const tier = [...r.tiers].sort((a, b) => b.from - a.from).find((t) => v >= t.from);
      earned = tier?.points ?? 0;
      why = `${it.metric} ${round(v)} → tier from ${tier?.from ?? '—'}`;
    }
    return { ...base, earned: round(earned), value: v, why };
  });
  const m = lines.filter((l) => l.earned !== null);
  return {
    lines,
    measured: m.reduce((s, l) => s + l.points, 0),
    earned: round(m.reduce((s, l) => s + l.earned!, 0)),
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export interface AgencyReporting {
  agency: string;
  submitted: number;
  metrics: Partial<Record<Metric, number>>;
}

/**
 * What a ledger shows of each agency's reporting: volume against its quota, the share reported within the working-day
 * limit, the valid entry rate (originals not later corrected or withdrawn), the share flagged with a severity where
 * its kind has severities, and whether it reported list kinds.
 */
export function agencyReporting(
  records: RecordColumns,
  opts: {
    calendar: WorkingCalendar;
    /** Records a year each agency is asked for (the quota), by agency code. */
    quota: (agency: string) => number | undefined;
    years: number;
    /** Working days allowed between conduct and report (7 for double publicity, DOMAIN §9.3). */
    limit: number;
    frontendProcessor: boolean;
    hasSeverities: (kind: number) => boolean;
    isListKind: (kind: number) => boolean;
  },
): AgencyReporting[] {
  const n = records.agencies.length;
  const submitted = new Float64Array(n);
  const timely = new Float64Array(n);
  const invalid = new Float64Array(n);
  const sevNeed = new Float64Array(n);
  const sevHave = new Float64Array(n);
  const lists = new Uint8Array(n);
  const superseded = new Set<number>();
  for (let i = 0; i < records.supersedeTo.length; i++)
    if (records.supersedeTo[i]! >= 0) superseded.add(records.supersedeTo[i]!);
  for (let i = 0; i < records.length; i++) {
    if (records.status[i] !== 0) continue; // corrections and withdrawals are not new submissions
    const a = records.agency[i]!;
    submitted[a]!++;
    const wd = opts.calendar.workingDaysBetween(records.occurred[i]!, records.reported[i]!);
    if (wd <= opts.limit) timely[a]!++;
    if (superseded.has(i)) invalid[a]!++;
    if (opts.hasSeverities(records.kind[i]!)) {
      sevNeed[a]!++;
      if (records.severity[i]! > 0) sevHave[a]!++;
    }
    if (opts.isListKind(records.kind[i]!)) lists[a] = 1;
  }
  const out: AgencyReporting[] = [];
  for (let a = 0; a < n; a++) {
    if (!submitted[a]) continue;
    const code = records.agencies[a]!;
    const q = opts.quota(code);
    out.push({
      agency: code,
      submitted: submitted[a]!,
      metrics: {
        frontend_processor: opts.frontendProcessor ? 1 : 0,
        ...(q ? { volume_vs_quota: submitted[a]! / (q * opts.years) } : {}),
        ...(sevNeed[a] ? { severity_flagged: sevHave[a]! / sevNeed[a]! } : {}),
        timely_share: timely[a]! / submitted[a]!,
        valid_entry_rate: (submitted[a]! - invalid[a]!) / submitted[a]!,
        // Every stored record passed validation with its basis: complete by construction in Mosaic.
        complete_share: 1,
        list_reporting: lists[a]!,
      },
    });
  }
  return out.sort((x, y) => (x.agency < y.agency ? -1 : x.agency > y.agency ? 1 : 0));
}

/** What a simulation knows that the KPI never sees: each agency's true events, recorded or not, and inventions. */
export interface TrueEvents {
  length: number;
  agency: Uint16Array;
  agencies: string[];
  recorded: Uint8Array;
  fabricated: Uint8Array;
}

/** Per agency: the share of true events it recorded, and the share of its records with no event behind them. */
export function trueCoverage(
  ev: TrueEvents,
): Map<string, { events: number; coverage: number; fabricated: number }> {
  const n = ev.agencies.length;
  const real = new Float64Array(n);
  const rec = new Float64Array(n);
  const fab = new Float64Array(n);
  for (let i = 0; i < ev.length; i++) {
    const a = ev.agency[i]!;
    if (ev.fabricated[i]) fab[a]!++;
    else {
      real[a]!++;
      if (ev.recorded[i]) rec[a]!++;
    }
  }
  const out = new Map<string, { events: number; coverage: number; fabricated: number }>();
  for (let a = 0; a < n; a++)
    if (real[a] || fab[a])
      out.set(ev.agencies[a]!, {
        events: real[a]!,
        coverage: real[a] ? rec[a]! / real[a]! : 0,
        fabricated: rec[a]! + fab[a]! ? fab[a]! / (rec[a]! + fab[a]!) : 0,
      });
  return out;
}
