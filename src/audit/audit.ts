// The audit pipeline: from engine views and ledger columns to every table of the report, deterministically.
import type { Catalogue } from '../core/catalogue.js';
import type { RecordColumns } from '../ledger/ledger.js';
import { bootstrapTable, type BootstrapResult } from './bootstrap.js';
import {
  decomposeMeanScore,
  decomposeShare,
  shapleyAnyOf,
  shapleyBelowGrade,
  type GapDecomposition,
  type ShapleyEntries,
} from './decompose.js';
import { Fraction } from './fraction.js';
import { intersect, type Attribute } from './groups.js';
import { checkLegality, type LegalityReport } from './legality.js';
import {
  bonusSpikes,
  heaping,
  suzhouKpi,
  timeliness,
  type HeapingRow,
  type Kpi,
  type Spikes,
  type Timeliness,
} from './quality.js';
import {
  detectionByGroup,
  mirage,
  recordsPerPersonYear,
  reservedLines,
  type DetectionRow,
  type EventColumns,
  type MirageRow,
  type ReservedLines,
} from './scrutiny.js';
import { disparity, type DisparityTable, type Outcome } from './stats.js';
import type { ListsView, PointsView, PopulationView, RuleReach } from './views.js';

export interface AuditOptions {
  seed: number | string;
  /** Bootstrap draws for the headline tables. */
  draws: number;
  threshold: number;
  minGroupSize: number;
  /** Attribute pairs to cross. */
  intersections: [string, string][];
  /** Attributes whose tables get bootstrap intervals and decompositions. */
  headlineAttributes: string[];
  /** Reference group per attribute (else the largest group). */
  references: Record<string, string>;
  /** Grade below which the share is decomposed. */
  targetGrade: string;
  /** Top contributions kept per decomposition in the summary (the JSON keeps all). */
  topContributions: number;
  /** Amount thresholds of point bands per kind, for the heaping check. */
  thresholds: Map<string, number[]>;
  evaluationDates?: string[];
}

export const DEFAULT_OPTIONS: AuditOptions = {
  seed: 1,
  draws: 1000,
  threshold: 0.8,
  minGroupSize: 30,
  intersections: [
    ['hukou', 'sex'],
    ['hukou', 'age_band'],
    ['hukou', 'role'],
  ],
  headlineAttributes: ['hukou', 'role', 'state_personnel'],
  references: { hukou: 'urban', role: 'none', state_personnel: 'others', sex: 'M' },
  targetGrade: 'A',
  topContributions: 5,
  thresholds: new Map(),
};

export interface AuditInputs {
  /** Human description of what is audited (run directory, ledger). */
  source: Record<string, unknown>;
  asOf: string;
  /** Period for per-year rates. */
  from: string;
  to: string;
  catalogue: Catalogue;
  records: RecordColumns;
  population: PopulationView;
  points: PointsView[];
  lists?: ListsView;
  events?: EventColumns;
  /** Engines that could not be run, with the reason (shown in the report, never silently skipped). */
  missing: { engine: string; reason: string }[];
}

export interface LabelledDecomposition extends Omit<
  GapDecomposition,
  'contributions' | 'total' | 'residual'
> {
  measure: 'mean_score' | 'share_below' | 'share_any';
  total: Fraction;
  residual: Fraction;
  contributions: { id: string; family: string; en: string; zh: string; value: Fraction }[];
  byFamily: { family: string; value: Fraction }[];
}

export interface Headline {
  key: string;
  en: string;
  zh: string;
  value: number;
  /** The 95 % interval of `value` (the figure the headline leads with), never of another figure in its text. */
  ci?: [number, number];
  /** A second figure quoted in the text (the AA headline's mean-score gap), with its own interval. */
  second?: { name: string; value: number; ci?: [number, number] };
  detail: string[];
}

export interface AuditResult {
  source: Record<string, unknown>;
  asOf: string;
  period: { from: string; to: string };
  options: { seed: string; draws: number; threshold: number; minGroupSize: number; targetGrade: string };
  population: { subjects: number; attributes: { name: string; labels: string[] }[] };
  missing: { engine: string; reason: string }[];
  headlines: Headline[];
  disparity: DisparityTable[];
  bootstrap: BootstrapResult[];
  decompositions: LabelledDecomposition[];
  scrutiny: {
    reservedLines: { scheme: string; rows: ReservedLines[] }[];
    /** What the rule text itself lets each group be reached by, per scheme (no simulation). */
    reach: { scheme: string; label: { en: string; zh: string }; reach: RuleReach }[];
    detection: { attribute: string; rows: DetectionRow[] }[];
  };
  quality: { timeliness: Timeliness; kpi: Kpi; spikes: Spikes; heaping: HeapingRow[] };
  mirage?: { byKind: MirageRow[]; byAgency: MirageRow[] };
  legality: LegalityReport;
}

function binaryOutcome(
  name: string,
  en: string,
  zh: string,
  values: Uint8Array,
  polarity: Outcome['polarity'],
  eligible?: Uint8Array,
): Outcome {
  const o: Outcome = { name, label: { en, zh }, kind: 'binary', polarity, values };
  if (eligible) o.eligible = eligible;
  return o;
}

function mapGrades(v: PointsView, test: (grade: number) => boolean): Uint8Array {
  const table = Uint8Array.from({ length: 256 }, (_, g) => (test(g) ? 1 : 0));
  const out = new Uint8Array(v.grade.length);
  for (let i = 0; i < out.length; i++) out[i] = v.scored[i] ? table[v.grade[i]!]! : 0;
  return out;
}

/** Every outcome the engines give, as 0/1 or numeric columns over the population. */
export function outcomesOf(inputs: AuditInputs, opts: AuditOptions): Outcome[] {
  const n = inputs.population.ids.length;
  const out: Outcome[] = [];
  for (const v of inputs.points) {
    const T = v.grades.indexOf(opts.targetGrade);
    const aa = v.grades.indexOf('AA');
    out.push(
      binaryOutcome(
        `${v.scheme}.below_${opts.targetGrade}`,
        `${v.label.en}: share below grade ${opts.targetGrade}`,
        `${v.label.zh}：低于${opts.targetGrade}级的比例`,
        mapGrades(v, (g) => g > T),
        'adverse',
        v.scored,
      ),
    );
    if (aa >= 0)
      out.push(
        binaryOutcome(
          `${v.scheme}.at_least_AA`,
          `${v.label.en}: share at AA or above`,
          `${v.label.zh}：AA级及以上的比例`,
          mapGrades(v, (g) => g <= aa),
          'favourable',
          v.scored,
        ),
      );
    out.push({
      name: `${v.scheme}.score`,
      label: { en: `${v.label.en}: score`, zh: `${v.label.zh}：分数` },
      kind: 'numeric',
      polarity: 'favourable',
      values: v.score,
      eligible: v.scored,
    });
  }
  const l = inputs.lists;
  if (l) {
    const any = (len: number, subj: Uint32Array) => {
      const a = new Uint8Array(n);
      for (let i = 0; i < len; i++) a[subj[i]!] = 1;
      return a;
    };
    out.push(
      binaryOutcome(
        'lists.listed',
        'Listed on any list',
        '列入任一名单',
        any(l.entries.length, l.entries.subject),
        'adverse',
      ),
    );
    out.push(
      binaryOutcome(
        'lists.measure',
        'Any measure in force',
        '受任一惩戒措施',
        any(l.applied.length, l.applied.subject),
        'adverse',
      ),
    );
    out.push(
      binaryOutcome(
        'lists.denied',
        'Denied any action',
        '任一事项被拒',
        any(l.denied.length, l.denied.subject),
        'adverse',
      ),
    );
    l.lists.forEach((list, j) => {
      const a = new Uint8Array(n);
      for (let i = 0; i < l.entries.length; i++) if (l.entries.list[i] === j) a[l.entries.subject[i]!] = 1;
      out.push(
        binaryOutcome(`lists.listed.${list.id}`, `Listed: ${list.en}`, `列入：${list.zh}`, a, 'adverse'),
      );
    });
  }
  out.push(recordsPerPersonYear(inputs.records, inputs.catalogue, inputs.population, inputs.from, inputs.to));
  out.push(
    recordsPerPersonYear(
      inputs.records,
      inputs.catalogue,
      inputs.population,
      inputs.from,
      inputs.to,
      'negative',
    ),
  );
  return out;
}

function labelDecomposition(
  d: GapDecomposition,
  measure: LabelledDecomposition['measure'],
  players: { id: string; family: string; en: string; zh: string }[],
): LabelledDecomposition {
  const contributions = d.contributions.map((c) => ({ ...players[c.player]!, value: c.value }));
  const fam = new Map<string, Fraction>();
  for (const c of contributions) fam.set(c.family, (fam.get(c.family) ?? Fraction.ZERO).add(c.value));
  const byFamily = [...fam]
    .map(([family, value]) => ({ family, value }))
    .filter((f) => !f.value.isZero())
    .sort(
      (a, b) => Math.abs(b.value.valueOf()) - Math.abs(a.value.valueOf()) || a.family.localeCompare(b.family),
    );
  return { ...d, measure, contributions, byFamily };
}

/** Run every analysis. Pure function of its inputs: the same inputs give the same result, byte for byte in JSON. */
export function runAudit(inputs: AuditInputs, options: Partial<AuditOptions> = {}): AuditResult {
  const opts: AuditOptions = { ...DEFAULT_OPTIONS, ...options };
  const pop = inputs.population;
  const attrs: Attribute[] = [...pop.attributes];
  const byName = new Map(attrs.map((a) => [a.name, a]));
  for (const [a, b] of opts.intersections) {
    const x = byName.get(a);
    const y = byName.get(b);
    if (x && y) attrs.push(intersect(x, y));
  }
  const outcomes = outcomesOf(inputs, opts);
  const dopts = (attr: Attribute) => {
    const ref = opts.references[attr.name];
    return {
      threshold: opts.threshold,
      minGroupSize: opts.minGroupSize,
      reference: ref ? { label: ref } : ('largest' as const),
    };
  };
  const tables: DisparityTable[] = [];
  const boot: BootstrapResult[] = [];
  for (const o of outcomes)
    for (const a of attrs) {
      const t = disparity(a, o, dopts(a));
      if (t.rows.length === 0) continue;
      tables.push(t);
      if (opts.headlineAttributes.includes(a.name) && opts.draws > 0)
        boot.push(bootstrapTable(a, o, t, { seed: opts.seed, draws: opts.draws }));
    }

  // Decompositions: every headline attribute, every group against the reference.
  const decompositions: LabelledDecomposition[] = [];
  const headAttrs = attrs.filter((a) => opts.headlineAttributes.includes(a.name));
  for (const v of inputs.points) {
    const players = [
      ...v.lines.map((l) => ({ id: l.id, family: l.family, en: l.en, zh: l.zh })),
      {
        id: 'unattributed',
        family: 'unattributed',
        en: 'Not explained by counted points',
        zh: '计分无法解释的部分',
      },
    ];
    const shap = shapleyBelowGrade(v, opts.targetGrade);
    for (const a of headAttrs) {
      const t = disparity(
        a,
        outcomes.find((o) => o.name === `${v.scheme}.score`)!,
        dopts(a),
      );
      for (const row of t.rows) {
        if (row.group === t.reference) continue;
        decompositions.push(
          labelDecomposition(decomposeMeanScore(v, a, row.group, t.reference), 'mean_score', players),
        );
        decompositions.push(
          labelDecomposition(decomposeShare(shap, a, row.group, t.reference), 'share_below', players),
        );
      }
    }
  }
  const l = inputs.lists;
  if (l) {
    const all = new Uint8Array(pop.ids.length).fill(1);
    const games: [ShapleyEntries, { id: string; family: string; en: string; zh: string }[]][] = [
      [
        shapleyAnyOf(
          'lists.measure',
          pop.ids.length,
          l.measures.length,
          l.applied.subject,
          l.applied.measure,
          all,
        ),
        l.measures.map((m) => ({
          id: m.id,
          family: m.inCatalogue ? 'catalogue' : 'outside catalogue',
          en: m.en,
          zh: m.zh,
        })),
      ],
      [
        shapleyAnyOf('lists.listed', pop.ids.length, l.lists.length, l.entries.subject, l.entries.list, all),
        l.lists.map((x) => ({ id: x.id, family: 'list', en: x.en, zh: x.zh })),
      ],
    ];
    for (const [e, players] of games)
      for (const a of headAttrs) {
        const t = disparity(
          a,
          outcomes.find((o) => o.name === e.outcome)!,
          dopts(a),
        );
        for (const row of t.rows)
          if (row.group !== t.reference)
            decompositions.push(
              labelDecomposition(decomposeShare(e, a, row.group, t.reference), 'share_any', players),
            );
      }
  }

  const detection = inputs.events
    ? attrs
        .filter((a) => opts.headlineAttributes.includes(a.name) || a.name === 'sex' || a.name === 'district')
        .map((a) => ({
          attribute: a.name,
          rows: detectionByGroup(inputs.events!, a, opts.references[a.name]),
        }))
    : [];
  const result: AuditResult = {
    source: inputs.source,
    asOf: inputs.asOf,
    period: { from: inputs.from, to: inputs.to },
    options: {
      seed: String(opts.seed),
      draws: opts.draws,
      threshold: opts.threshold,
      minGroupSize: opts.minGroupSize,
      targetGrade: opts.targetGrade,
    },
    population: {
      subjects: pop.ids.length,
      attributes: attrs.map((a) => ({ name: a.name, labels: a.labels })),
    },
    missing: inputs.missing,
    headlines: [],
    disparity: tables,
    bootstrap: boot,
    decompositions,
    scrutiny: {
      reservedLines: inputs.points.map((v) => ({ scheme: v.scheme, rows: reservedLines(v.lines) })),
      reach: inputs.points.flatMap((v) =>
        v.reach ? [{ scheme: v.scheme, label: v.label, reach: v.reach }] : [],
      ),
      detection,
    },
    quality: {
      timeliness: timeliness(inputs.records, inputs.catalogue),
      kpi: suzhouKpi(inputs.records, inputs.catalogue),
      spikes: bonusSpikes(
        inputs.records,
        inputs.catalogue,
        opts.evaluationDates ? { evaluationDates: opts.evaluationDates } : {},
      ),
      heaping: heaping(inputs.records, inputs.catalogue, opts.thresholds),
    },
    legality: checkLegality(inputs.records, inputs.catalogue, inputs.points, inputs.lists, {
      subjectIds: pop.ids,
    }),
  };
  if (inputs.events)
    result.mirage = { byKind: mirage(inputs.events, 'kind'), byAgency: mirage(inputs.events, 'agency') };
  result.headlines = headlines(result, inputs, opts);
  return result;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The figures quoted in the closing note: rural–urban gap below A with its top rule lines; state personnel's records. */
export function headlines(r: AuditResult, inputs: AuditInputs, opts: AuditOptions): Headline[] {
  const out: Headline[] = [];
  for (const v of inputs.points) {
    const name = `${v.scheme}.below_${opts.targetGrade}`;
    const t = r.disparity.find((x) => x.outcome === name && x.attribute === 'hukou');
    const rural = t?.rows.find((x) => x.group === 'rural');
    if (!t || !rural || t.reference !== 'urban') continue;
    const ci = r.bootstrap
      .find((b) => b.outcome === name && b.attribute === 'hukou')
      ?.groups.find((g) => g.group === 'rural');
    const d = r.decompositions.find(
      (x) =>
        x.measure === 'share_below' && x.outcome === name && x.attribute === 'hukou' && x.group === 'rural',
    );
    const urban = t.rows.find((x) => x.group === 'urban')!;
    const h: Headline = {
      key: `${name}.rural_urban`,
      en: `${v.label.en}: share below ${opts.targetGrade}, rural ${pct(rural.rate)} vs urban ${pct(urban.rate)} — gap ${(100 * rural.diff).toFixed(2)} percentage points`,
      zh: `${v.label.zh}：低于${opts.targetGrade}级比例，农村${pct(rural.rate)}，城镇${pct(urban.rate)}，差距${(100 * rural.diff).toFixed(2)}个百分点`,
      value: rural.diff,
      detail: (d?.contributions ?? [])
        .slice(0, opts.topContributions)
        .map((c) => `${c.id} (${c.en}): ${(100 * c.value.valueOf()).toFixed(2)} pp`),
    };
    if (ci) h.ci = ci.diff;
    out.push(h);
  }
  for (const v of inputs.points) {
    const t = r.disparity.find((x) => x.outcome === `${v.scheme}.at_least_AA` && x.attribute === 'hukou');
    const rural = t?.rows.find((x) => x.group === 'rural');
    const urban = t?.rows.find((x) => x.group === 'urban');
    if (!t || !rural || !urban || t.reference !== 'urban') continue;
    const ci = r.bootstrap
      .find((b) => b.outcome === t.outcome && b.attribute === 'hukou')
      ?.groups.find((g) => g.group === 'rural');
    const d = r.decompositions.find(
      (x) =>
        x.measure === 'mean_score' &&
        x.outcome === `${v.scheme}.score` &&
        x.attribute === 'hukou' &&
        x.group === 'rural',
    );
    // The mean-score gap is its own figure with its own interval (issue 11 fix 11), not the share gap's.
    const scoreName = `${v.scheme}.score`;
    const scoreRow = r.disparity
      .find((x) => x.outcome === scoreName && x.attribute === 'hukou')
      ?.rows.find((x) => x.group === 'rural');
    const scoreCi = r.bootstrap
      .find((b) => b.outcome === scoreName && b.attribute === 'hukou')
      ?.groups.find((g) => g.group === 'rural')?.diff;
    const gap = scoreRow?.diff ?? d?.total.valueOf();
    const gapText =
      gap === undefined
        ? '–'
        : `${gap.toFixed(2)} points${scoreCi ? ` (95 % CI ${scoreCi[0].toFixed(2)} – ${scoreCi[1].toFixed(2)})` : ''}`;
    const gapZh =
      gap === undefined
        ? '–'
        : `${gap.toFixed(2)}分${scoreCi ? `（95%置信区间 ${scoreCi[0].toFixed(2)} – ${scoreCi[1].toFixed(2)}）` : ''}`;
    const h: Headline = {
      key: `${v.scheme}.at_least_AA.rural_urban`,
      en: `${v.label.en}: share at AA or above, rural ${pct(rural.rate)} vs urban ${pct(urban.rate)} — gap ${(100 * rural.diff).toFixed(2)} percentage points${rural.fourFifthsFlag ? ' (four-fifths flag)' : ''}; mean score gap ${gapText}`,
      zh: `${v.label.zh}：AA级及以上比例，农村${pct(rural.rate)}，城镇${pct(urban.rate)}，差距${(100 * rural.diff).toFixed(2)}个百分点${rural.fourFifthsFlag ? '（触发五分之四规则）' : ''}；平均分差距${gapZh}`,
      value: rural.diff,
      detail: (d?.contributions ?? [])
        .slice(0, opts.topContributions)
        .map((c) => `mean score: ${c.id} (${c.en}): ${c.value.valueOf().toFixed(3)} points`),
    };
    if (gap !== undefined) {
      h.second = { name: 'mean score gap (points)', value: gap };
      if (scoreCi) h.second.ci = scoreCi;
    }
    if (ci) h.ci = ci.diff;
    out.push(h);
  }
  const rec = r.disparity.find(
    (x) => x.outcome === 'scrutiny.all_records_per_year' && x.attribute === 'state_personnel',
  );
  const sp = rec?.rows.find((x) => x.group === 'state personnel');
  const others = rec?.rows.find((x) => x.group === 'others');
  if (sp && others) {
    const ci = r.bootstrap
      .find((b) => b.outcome === rec!.outcome && b.attribute === 'state_personnel')
      ?.groups.find((g) => g.group === 'state personnel');
    const h: Headline = {
      key: 'scrutiny.state_personnel',
      en: `Records per person per year: state personnel ${sp.rate.toFixed(3)} vs others ${others.rate.toFixed(3)} (×${(sp.rate / others.rate).toFixed(2)})`,
      zh: `人均每年记录数：公职人员${sp.rate.toFixed(3)}，其他人${others.rate.toFixed(3)}（${(sp.rate / others.rate).toFixed(2)}倍）`,
      value: sp.rate / others.rate,
      detail: r.scrutiny.reservedLines.flatMap((s) =>
        s.rows
          .filter((x) => x.group === 'state_personnel')
          .map(
            (x) =>
              `${s.scheme}: ${x.lines.length} of ${x.total} rule lines apply only to state personnel (${pct(x.share)})`,
          ),
      ),
    };
    if (ci) h.ci = ci.ratio;
    out.push(h);
  }
  return out;
}
