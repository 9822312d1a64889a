// Writes the audit report directory: index.html (tables and ECharts plots from local files), audit.json and CSVs.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { maskText } from '../core/mask.js';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { shipped } from '../core/paths.js';
import { formatCsvRow } from '../ingest/csv.js';
import type { AuditResult, LabelledDecomposition } from './audit.js';
import type { DisparityTable } from './stats.js';

/** Stable JSON of the result: fractions as {num, den, value}, NaN and ±Infinity as null. */
export function resultJson(r: AuditResult): string {
  return JSON.stringify(r, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1) + '\n';
}

const num = (x: number | undefined, d = 4): string =>
  x === undefined || !Number.isFinite(x) ? '' : Number.isInteger(x) ? String(x) : x.toFixed(d);

function csv(header: string[], rows: (string | number | boolean | undefined)[][]): string {
  const line = (r: (string | number | boolean | undefined)[]) =>
    formatCsvRow(r.map((v) => (typeof v === 'number' ? num(v, 6) : v === undefined ? '' : String(v))));
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** The same numbers as the HTML, one CSV per table family (long format). */
export function resultCsvs(r: AuditResult): Record<string, string> {
  const out: Record<string, string> = {};
  out['headlines.csv'] = csv(
    ['key', 'value', 'ci_low', 'ci_high', 'en', 'zh'],
    r.headlines.map((h) => [h.key, h.value, h.ci?.[0], h.ci?.[1], h.en, h.zh]),
  );
  const ci = new Map<string, AuditResult['bootstrap'][number]['groups'][number]>();
  for (const b of r.bootstrap) for (const g of b.groups) ci.set(`${b.outcome}|${b.attribute}|${g.group}`, g);
  out['disparity.csv'] = csv(
    [
      'outcome',
      'kind',
      'polarity',
      'attribute',
      'group',
      'reference',
      'n',
      'sum',
      'rate',
      'sd',
      'diff',
      'ratio',
      'favourable_ratio',
      'four_fifths_flag',
      'parity_flag',
      'small',
      'threshold',
      'rate_ci_low',
      'rate_ci_high',
      'diff_ci_low',
      'diff_ci_high',
      'ratio_ci_low',
      'ratio_ci_high',
    ],
    r.disparity.flatMap((t) =>
      t.rows.map((x) => {
        const c = ci.get(`${t.outcome}|${t.attribute}|${x.group}`);
        return [
          t.outcome,
          t.kind,
          t.polarity,
          t.attribute,
          x.group,
          t.reference,
          x.n,
          x.sum,
          x.rate,
          x.sd,
          x.diff,
          x.ratio,
          x.favourableRatio,
          x.fourFifthsFlag,
          x.parityFlag,
          x.small,
          t.threshold,
          c?.rate[0],
          c?.rate[1],
          c?.diff[0],
          c?.diff[1],
          c?.ratio[0],
          c?.ratio[1],
        ];
      }),
    ),
  );
  out['decompositions.csv'] = csv(
    [
      'outcome',
      'measure',
      'attribute',
      'group',
      'reference',
      'player',
      'family',
      'value',
      'exact',
      'total',
      'total_exact',
    ],
    r.decompositions.flatMap((d) => [
      ...d.contributions.map((c) => [
        d.outcome,
        d.measure,
        d.attribute,
        d.group,
        d.reference,
        c.id,
        c.family,
        c.value.valueOf(),
        c.value.toString(),
        d.total.valueOf(),
        d.total.toString(),
      ]),
      ...(d.residual.isZero()
        ? []
        : [
            [
              d.outcome,
              d.measure,
              d.attribute,
              d.group,
              d.reference,
              'residual',
              '',
              d.residual.valueOf(),
              d.residual.toString(),
              d.total.valueOf(),
              d.total.toString(),
            ],
          ]),
    ]),
  );
  const q = r.quality;
  const tl = (key: string, rows: typeof q.timeliness.byAgency) =>
    rows.map((x) => [key, x.key, x.n, x.late, x.onTimeShare, x.medianLagDays, x.p90LagDays]);
  out['timeliness.csv'] = csv(
    ['by', 'key', 'n', 'late', 'on_time_share', 'median_lag_days', 'p90_lag_days'],
    [
      ...tl('all', [q.timeliness.overall]),
      ...tl('agency', q.timeliness.byAgency),
      ...tl('kind', q.timeliness.byKind),
    ],
  );
  out['kpi.csv'] = csv(
    [
      'agency',
      'submitted',
      'valid',
      'entry_rate',
      'complete',
      'completeness',
      'on_time_share',
      'entry_rate_pass',
      'completeness_pass',
    ],
    [q.kpi.overall, ...q.kpi.rows].map((x) => [
      x.agency,
      x.submitted,
      x.valid,
      x.entryRate,
      x.complete,
      x.completeness,
      x.onTimeShare,
      x.entryRatePass,
      x.completenessPass,
    ]),
  );
  out['bonus_spikes.csv'] = csv(
    ['agency', 'window_count', 'window_days', 'other_count', 'other_days', 'ratio', 'z', 'flag'],
    [q.spikes.overall, ...q.spikes.byAgency].map((x) => [
      x.agency,
      x.windowCount,
      x.windowDays,
      x.otherCount,
      x.otherDays,
      x.ratio,
      x.z,
      x.flag,
    ]),
  );
  out['heaping.csv'] = csv(
    ['kind', 'unit', 'n', 'whipple_5', 'whipple_10', 'whipple_100', 'on_threshold', 'near_threshold', 'flag'],
    q.heaping.map((h) => [
      h.kind,
      h.unit,
      h.n,
      h.whipple[5],
      h.whipple[10],
      h.whipple[100],
      h.onThreshold,
      h.nearThreshold,
      h.flag,
    ]),
  );
  out['legality.csv'] = csv(
    ['code', 'severity', 'subject_of_check', 'count', 'rule', 'examples'],
    r.legality.violations.map((v) => [
      v.code,
      v.severity,
      v.subjectOfCheck,
      v.count,
      v.rule,
      v.examples.join('; '),
    ]),
  );
  out['scrutiny_reserved_lines.csv'] = csv(
    ['scheme', 'group', 'lines', 'total', 'share', 'line_ids'],
    r.scrutiny.reservedLines.flatMap((s) =>
      s.rows.map((x) => [s.scheme, x.group, x.lines.length, x.total, x.share, x.lines.join(' ')]),
    ),
  );
  out['detection.csv'] = csv(
    ['attribute', 'group', 'events', 'recorded', 'probability', 'diff', 'ratio'],
    r.scrutiny.detection.flatMap((d) =>
      d.rows.map((x) => [d.attribute, x.group, x.events, x.recorded, x.probability, x.diff, x.ratio]),
    ),
  );
  if (r.mirage)
    out['mirage.csv'] = csv(
      ['by', 'key', 'true_events', 'recorded', 'omitted', 'fabricated', 'coverage', 'fabricated_share'],
      (['byKind', 'byAgency'] as const).flatMap((by) =>
        r.mirage![by].map((x) => [
          by === 'byKind' ? 'kind' : 'agency',
          x.key,
          x.trueEvents,
          x.recorded,
          x.omitted,
          x.fabricated,
          x.coverage,
          x.fabricatedShare,
        ]),
      ),
    );
  return out;
}

// ---- HTML ----

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!);
const pct = (x: number | undefined, d = 1) =>
  x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(d)} %`;
const fix = (x: number | undefined, d = 3) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));

interface ChartSpec {
  id: string;
  type: 'bar' | 'hbar' | 'line';
  title: string;
  unit?: string;
  categories: string[];
  series: { name: string; data: number[]; color?: string }[];
  tall?: boolean;
}

class Page {
  parts: string[] = [];
  charts: ChartSpec[] = [];
  add(s: string): void {
    this.parts.push(s);
  }
  chart(spec: Omit<ChartSpec, 'id'>): void {
    const id = `chart-${this.charts.length + 1}`;
    this.charts.push({ ...spec, id });
    this.add(`<div class="chart${spec.tall ? ' tall' : ''}" id="${id}"></div>`);
  }
  table(head: string[], rows: string[][], flags?: boolean[], leftCols = 1): void {
    const th = head.map((h, i) => `<th${i < leftCols ? ' class="l"' : ''}>${esc(h)}</th>`).join('');
    const trs = rows
      .map(
        (r, j) =>
          `<tr${flags?.[j] ? ' class="flag"' : ''}>${r.map((c, i) => `<td${i < leftCols ? ' class="l"' : ''}>${c}</td>`).join('')}</tr>`,
      )
      .join('\n');
    this.add(`<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`);
  }
}

const rateOf = (t: DisparityTable, x: number) => (t.kind === 'binary' ? pct(x) : fix(x));
const diffOf = (t: DisparityTable, x: number) =>
  t.kind === 'binary' ? `${(100 * x).toFixed(2)} pp` : fix(x);

function disparitySection(p: Page, r: AuditResult, headAttrs: Set<string>): void {
  p.add('<h2 id="disparity">Disparity by group · 群体差异</h2>');
  p.add(
    `<p class="note">Rates are shares (0/1 outcomes) or means. Difference and ratio are against the reference group. ` +
      `Four-fifths: a group's favourable rate below ${r.options.threshold} × the best group's (EEOC); parity: ratio outside ` +
      `[${r.options.threshold}, ${fix(1 / r.options.threshold, 2)}] (Aequitas). Groups under ${r.options.minGroupSize} members are never flagged. ` +
      `Intervals: ${r.options.draws} seeded stratified bootstrap draws (seed ${esc(r.options.seed)}), 95 %.</p>`,
  );
  const ci = new Map<string, AuditResult['bootstrap'][number]['groups'][number]>();
  for (const b of r.bootstrap) for (const g of b.groups) ci.set(`${b.outcome}|${b.attribute}|${g.group}`, g);
  const outcomes = [...new Set(r.disparity.map((t) => t.outcome))];
  for (const o of outcomes) {
    const ts = r.disparity.filter((t) => t.outcome === o);
    const first = ts[0]!;
    p.add(`<h3>${esc(first.label.en)} · ${esc(first.label.zh)}</h3>`);
    for (const t of ts.filter((x) => headAttrs.has(x.attribute)))
      p.chart({
        type: 'bar',
        title: `${t.label.en} by ${t.attribute}`,
        unit: t.kind === 'binary' ? '%' : '',
        categories: t.rows.map((x) => x.group),
        series: [
          { name: t.label.en, data: t.rows.map((x) => (t.kind === 'binary' ? 100 * x.rate : x.rate)) },
        ],
      });
    for (const t of ts) {
      const open = headAttrs.has(t.attribute) ? ' open' : '';
      p.add(`<details${open}><summary>by ${esc(t.attribute)} (reference: ${esc(t.reference)})</summary>`);
      p.table(
        [
          'group',
          'n',
          t.kind === 'binary' ? 'share' : 'mean',
          '95 % CI',
          'difference',
          'diff. CI',
          'ratio',
          'ratio CI',
          'four-fifths',
          'parity',
        ],
        t.rows.map((x) => {
          const c = ci.get(`${t.outcome}|${t.attribute}|${x.group}`);
          return [
            esc(x.group) + (x.small ? ' <span class="note">(small)</span>' : ''),
            String(x.n),
            rateOf(t, x.rate),
            c ? `${rateOf(t, c.rate[0])} – ${rateOf(t, c.rate[1])}` : '',
            diffOf(t, x.diff),
            c ? `${diffOf(t, c.diff[0])} – ${diffOf(t, c.diff[1])}` : '',
            fix(x.ratio),
            c ? `${fix(c.ratio[0])} – ${fix(c.ratio[1])}` : '',
            x.favourableRatio === undefined ? '' : `${fix(x.favourableRatio)}${x.fourFifthsFlag ? ' ⚑' : ''}`,
            x.parityFlag ? '⚑' : '',
          ];
        }),
        t.rows.map((x) => x.fourFifthsFlag || x.parityFlag),
      );
      p.add('</details>');
    }
  }
}

function decompositionSection(p: Page, r: AuditResult): void {
  p.add('<h2 id="decomposition">Which rules drive each gap · 差距的规则分解</h2>');
  p.add(
    '<p class="note">Mean-score gaps split linearly over rule lines (points counted on the line per member). Gaps in the share below ' +
      `grade ${esc(r.options.targetGrade)} and in measures/listings split by exact per-person Shapley values (docs/decisions/0062-audit-decomposition.md). ` +
      'Contributions sum to the gap exactly (fractions in audit.json and decompositions.csv).</p>',
  );
  const unit = (d: LabelledDecomposition) => (d.measure === 'mean_score' ? 'points' : 'pp');
  const scale = (d: LabelledDecomposition) => (d.measure === 'mean_score' ? 1 : 100);
  for (const d of r.decompositions) {
    const what =
      d.measure === 'mean_score'
        ? 'mean score'
        : d.measure === 'share_below'
          ? `share below ${r.options.targetGrade}`
          : 'share affected';
    const head = d.attribute === 'hukou' || d.attribute === 'state_personnel';
    p.add(
      `<details${head ? ' open' : ''}><summary>${esc(d.outcome)} — ${what}: ${esc(d.group)} vs ${esc(d.reference)} (${esc(d.attribute)}): ` +
        `gap ${fix(scale(d) * d.total.valueOf(), 2)} ${unit(d)} = ${esc(d.total.toString())}${scale(d) === 100 ? '' : ''}</summary>`,
    );
    const top = d.contributions.slice(0, 15);
    if (head && top.length)
      p.chart({
        type: 'hbar',
        title: `${d.outcome}: ${what}, ${d.group} − ${d.reference} (${unit(d)})`,
        unit: unit(d),
        categories: top.map((c) => c.id),
        series: [
          {
            name: 'contribution',
            data: top.map((c) => Number((scale(d) * c.value.valueOf()).toFixed(6))),
            color: '#c33',
          },
        ],
        tall: top.length > 8,
      });
    p.table(
      ['rule line / player', 'family', 'contribution', 'exact', 'share of gap'],
      d.contributions.map((c) => [
        `${esc(c.id)}<br><span class="note">${esc(c.en)} · ${esc(c.zh)}</span>`,
        esc(c.family),
        `${fix(scale(d) * c.value.valueOf(), 3)} ${unit(d)}`,
        `<code>${esc(c.value.toString())}</code>`,
        d.total.isZero() ? '' : pct(c.value.valueOf() / d.total.valueOf()),
      ]),
    );
    if (!d.residual.isZero())
      p.add(`<p class="note">Residual (engine value ≠ counted points): ${esc(d.residual.toString())}</p>`);
    if (d.byFamily.length)
      p.table(
        ['family', 'contribution'],
        d.byFamily.map((f) => [esc(f.family), `${fix(scale(d) * f.value.valueOf(), 3)} ${unit(d)}`]),
      );
    p.add('</details>');
  }
}

function scrutinySection(p: Page, r: AuditResult): void {
  p.add('<h2 id="scrutiny">Scrutiny · 监控强度</h2>');
  for (const s of r.scrutiny.reservedLines) {
    p.add(`<h3>Rule lines reserved for a group — ${esc(s.scheme)}</h3>`);
    p.table(
      ['group', 'lines only for the group', 'of all lines', 'share'],
      s.rows.map((x) => [esc(x.group), String(x.lines.length), String(x.total), pct(x.share)]),
    );
  }
  for (const d of r.scrutiny.detection) {
    p.add(`<h3>Probability that a true event is recorded, by ${esc(d.attribute)}</h3>`);
    p.chart({
      type: 'bar',
      title: `Detection probability by ${d.attribute}`,
      unit: '%',
      categories: d.rows.map((x) => x.group),
      series: [
        { name: 'recorded ÷ true events', data: d.rows.map((x) => Number((100 * x.probability).toFixed(4))) },
      ],
    });
    p.table(
      ['group', 'true events', 'recorded', 'probability', 'difference', 'ratio'],
      d.rows.map((x) => [
        esc(x.group),
        String(x.events),
        String(x.recorded),
        pct(x.probability),
        `${(100 * x.diff).toFixed(2)} pp`,
        fix(x.ratio),
      ]),
    );
  }
  if (!r.scrutiny.detection.length)
    p.add(
      '<p class="note">Detection by group needs true events (a simulated run\'s events.parquet); none in this input.</p>',
    );
}

function qualitySection(p: Page, r: AuditResult): void {
  const q = r.quality;
  p.add('<h2 id="quality">Data quality and "mirage" · 数据质量</h2>');
  p.add(`<h3>Timeliness: ${esc(q.timeliness.rule)}</h3>`);
  const o = q.timeliness.overall;
  p.add(
    `<p>${o.n} original records; ${o.late} late; on time ${pct(o.onTimeShare)}; median lag ${o.medianLagDays} days, 90th percentile ${o.p90LagDays} days.</p>`,
  );
  const ag = q.timeliness.byAgency;
  if (ag.length)
    p.chart({
      type: 'hbar',
      title: 'On-time share by agency',
      unit: '%',
      categories: ag.map((x) => x.key),
      series: [{ name: 'on time', data: ag.map((x) => Number((100 * x.onTimeShare).toFixed(4))) }],
      tall: ag.length > 8,
    });
  p.table(
    ['agency', 'records', 'late', 'on time', 'median lag (days)', 'p90 lag'],
    ag.map((x) => [
      esc(x.key),
      String(x.n),
      String(x.late),
      pct(x.onTimeShare),
      String(x.medianLagDays),
      String(x.p90LagDays),
    ]),
  );
  p.add(`<h3>${esc(q.kpi.form)}</h3>`);
  p.add(
    `<p class="note">Full marks from ${pct(q.kpi.threshold, 0)}; how marks fall below is not stated in the form [U], so pass/fail only.</p>`,
  );
  p.table(
    ['agency', 'submitted', 'valid', 'entry rate', 'complete', 'completeness', 'on time'],
    [q.kpi.overall, ...q.kpi.rows].map((x) => [
      esc(x.agency),
      String(x.submitted),
      String(x.valid),
      pct(x.entryRate),
      String(x.complete),
      pct(x.completeness),
      pct(x.onTimeShare),
    ]),
    [q.kpi.overall, ...q.kpi.rows].map((x) => !x.entryRatePass || !x.completenessPass),
  );
  const sp = q.spikes;
  p.add(
    `<h3>Quota signal: bonus records in the ${sp.windowDays} days before evaluation dates (${esc(sp.evaluationDates.join(', '))})</h3>`,
  );
  if (sp.monthly.length)
    p.chart({
      type: 'line',
      title: 'Bonus records entered per month',
      categories: sp.monthly.map((m) => m.month),
      series: [{ name: 'bonus records', data: sp.monthly.map((m) => m.count) }],
    });
  p.table(
    ['agency', 'in windows', 'window days', 'elsewhere', 'other days', 'rate ratio', 'z'],
    [sp.overall, ...sp.byAgency].map((x) => [
      esc(x.agency),
      String(x.windowCount),
      String(x.windowDays),
      String(x.otherCount),
      String(x.otherDays),
      fix(x.ratio, 2),
      fix(x.z, 2),
    ]),
    [sp.overall, ...sp.byAgency].map((x) => x.flag),
  );
  p.add('<h3>Quota signal: heaping of amounts (Whipple-style index; 100 = none)</h3>');
  p.table(
    ['kind', 'unit', 'n', 'W5', 'W10', 'W100', 'on a band threshold', 'near one'],
    q.heaping.map((h) => [
      esc(h.kind),
      esc(h.unit),
      String(h.n),
      fix(h.whipple[5], 0),
      fix(h.whipple[10], 0),
      fix(h.whipple[100], 0),
      pct(h.onThreshold),
      pct(h.nearThreshold),
    ]),
    q.heaping.map((h) => h.flag),
  );
  if (r.mirage) {
    p.add('<h3>Recorded versus true events (simulated run)</h3>');
    const k = r.mirage.byKind.slice(0, 25);
    p.chart({
      type: 'hbar',
      title: 'Recorded, omitted and fabricated by kind',
      categories: k.map((x) => x.key),
      series: [
        { name: 'recorded', data: k.map((x) => x.recorded) },
        { name: 'omitted', data: k.map((x) => x.omitted) },
        { name: 'fabricated', data: k.map((x) => x.fabricated), color: '#c33' },
      ],
      tall: true,
    });
    for (const by of ['byKind', 'byAgency'] as const) {
      p.add(`<h4>${by === 'byKind' ? 'By kind' : 'By agency'}</h4>`);
      p.table(
        ['key', 'true events', 'recorded', 'omitted', 'fabricated', 'coverage', 'fabricated share'],
        r.mirage[by].map((x) => [
          esc(x.key),
          String(x.trueEvents),
          String(x.recorded),
          String(x.omitted),
          String(x.fabricated),
          pct(x.coverage),
          pct(x.fabricatedShare),
        ]),
      );
    }
  }
}

function legalitySection(p: Page, r: AuditResult): void {
  p.add('<h2 id="legality">Legality · 合法性</h2>');
  if (!r.legality.violations.length) {
    p.add('<p>No violations found.</p>');
    return;
  }
  p.table(
    ['code', 'what', 'count', 'rule', 'examples'],
    r.legality.violations.map((v) => [
      `<code>${esc(v.code)}</code>`,
      esc(v.subjectOfCheck),
      String(v.count),
      esc(v.rule),
      esc(v.examples.join('; ')),
    ]),
    r.legality.violations.map((v) => v.severity === 'violation'),
    2,
  );
}

/** The report page. Only inputs of the result appear in it: no clock, no host, no paths of the machine. */
export function resultHtml(r: AuditResult): string {
  const p = new Page();
  const headAttrs = new Set(['hukou', 'role', 'state_personnel']);
  p.add('<h1>Mosaic audit report · 社会信用审计报告</h1>');
  p.add(
    `<p class="note">As of ${esc(r.asOf)}; period ${esc(r.period.from)} – ${esc(r.period.to)}; ${r.population.subjects} natural persons. ` +
      `Source: ${esc(sourceInWords(r.source))}. Each scheme is audited on its own terms: Mosaic never merges them into one score.</p>`,
  );
  p.add(
    '<p><a href="#headlines">Headlines</a> · <a href="#disparity">Disparity</a> · <a href="#decomposition">Decomposition</a> · <a href="#scrutiny">Scrutiny</a> · <a href="#quality">Data quality</a> · <a href="#legality">Legality</a> · <a href="audit.json">audit.json</a> · <a href="csv/">CSV</a></p>',
  );
  for (const m of r.missing)
    p.add(`<p class="missing">Not audited: <b>${esc(m.engine)}</b> — ${esc(m.reason)}</p>`);
  p.add('<h2 id="headlines">Headlines · 要点</h2>');
  for (const h of r.headlines)
    p.add(
      `<div class="headline"><b>${esc(h.en)}</b>${h.ci ? ` <span class="note">(95 % CI ${fix(h.key.includes('state') ? h.ci[0] : 100 * h.ci[0], 2)} – ${fix(h.key.includes('state') ? h.ci[1] : 100 * h.ci[1], 2)})</span>` : ''}<br>${esc(h.zh)}` +
        (h.detail.length ? `<ul>${h.detail.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : '') +
        '</div>',
    );
  if (!r.headlines.length)
    p.add(
      '<p class="note">No headline figures: the input lacks the hukou or state-personnel attribute, or a points scheme.</p>',
    );
  disparitySection(p, r, headAttrs);
  decompositionSection(p, r);
  scrutinySection(p, r);
  qualitySection(p, r);
  legalitySection(p, r);
  const data = JSON.stringify(p.charts).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Mosaic audit report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="report.css">
</head>
<body>
${p.parts.join('\n')}
<script type="application/json" id="chart-data">${data}</script>
<script src="echarts.min.js"></script>
<script src="report.js"></script>
</body>
</html>
`;
}

/** The report's source in words: "run meritown-100k (scenario meritown, seed 1)", never a JSON object or full path. */
export function sourceInWords(source: Record<string, unknown>): string {
  const { run, ...rest } = source;
  const facts = Object.entries(rest)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k} ${String(v)}`);
  // A run is named by its folder: an absolute path says where it sat on one machine, nothing about the run.
  const name = typeof run === 'string' ? `run ${basename(run)}` : '';
  return name ? `${name}${facts.length ? ` (${facts.join(', ')})` : ''}` : facts.join(', ');
}

export function echartsPath(): string {
  return createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');
}

/**
 * Write index.html, audit.json, csv/*.csv and the local plotting assets into `dir`. Returns the page's path. A report
 * is a public document: every identifier in it (examples, names, free text) is masked unless `unmasked` is set.
 */
export function writeReport(r: AuditResult, dir: string, opts: { unmasked?: boolean } = {}): string {
  const pub = opts.unmasked ? (s: string) => s : maskText;
  mkdirSync(join(dir, 'csv'), { recursive: true });
  copyFileSync(echartsPath(), join(dir, 'echarts.min.js'));
  copyFileSync(shipped('web', 'report', 'report.js'), join(dir, 'report.js'));
  copyFileSync(shipped('web', 'report', 'report.css'), join(dir, 'report.css'));
  writeFileSync(join(dir, 'audit.json'), pub(resultJson(r)));
  for (const [name, text] of Object.entries(resultCsvs(r))) writeFileSync(join(dir, 'csv', name), pub(text));
  const page = join(dir, 'index.html');
  writeFileSync(page, pub(resultHtml(r)));
  return page;
}
