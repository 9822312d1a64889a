// The lab: run Meritown on the server with changed parameters (population, years, seed, scenario overrides such as a
// behaviour rate or an agency's coverage), follow the run's progress, and read its audit: headlines, disparities by
// group with bootstrap intervals, and each gap decomposed into rule lines. A run's URL names it; the same parameters
// give the same run. A run is scored by one points pack or two side by side, each optionally with its band table
// edited and rule lines switched off; the packs' reach tables and every chart (with its data table) come along.
// Loaded only when the lab is opened (a separate chunk, ECharts with it).
import { api, ApiError, today } from './api.js';
import { barChart, intervalChart } from './charts.js';
import { h, table, type Child } from './dom.js';
import { pick, t, tIn } from './i18n.js';
import type { Loader } from './main.js';
import { asOfLine } from './portal.js';

interface Band {
  grade: string;
  min?: number;
  max?: number;
}
interface PackChoice {
  pack: string;
  bands?: Band[];
  off?: string[];
}
interface Params {
  population: number;
  years: number;
  seed: number;
  set: Record<string, number | boolean>;
  packs?: PackChoice[];
}
interface Reach {
  pack: string;
  lines: number;
  direct: number;
  groups: {
    group: string;
    zh: string;
    en: string;
    lines: number;
    only: number;
    maxDeduction: number;
    maxBonus: number;
    direct: number;
    worstGrade?: string;
  }[];
}
interface PackInfo {
  id: string;
  scheme: string;
  title: { zh: string; en: string };
  bands: Band[];
  lines: { id: string; zh: string; en: string; kind: 'points' | 'direct' }[];
  reach: Reach;
}
const GRADES = ['AAA', 'AA', 'A', 'B', 'C', 'D'];
interface Result {
  asOf: string;
  ruleVersions: string[];
  period: { from: string; to: string };
  subjects: number;
  headlines: { key: string; en: string; zh: string }[];
  disparities: {
    outcome: string;
    label: { en: string; zh: string };
    attribute: string;
    reference: string;
    draws: number;
    level: number;
    rows: {
      group: string;
      n: number;
      rate: number;
      diff: number;
      small: boolean;
      rateInterval: [number, number] | null;
      diffInterval: [number, number] | null;
    }[];
  }[];
  decompositions: {
    outcome: string;
    attribute: string;
    group: string;
    reference: string;
    measure: string;
    total: number;
    lines: { id: string; en: string; zh: string; value: number }[];
  }[];
}
interface Job {
  id: string;
  params: Params;
  phase: 'queued' | 'simulating' | 'auditing' | 'done' | 'failed';
  progress: number;
  error?: string;
  scenario: string;
  result?: Result;
  compare?: Result;
  reach?: Reach[];
}

const DEFAULTS: Params = { population: 5000, years: 1, seed: 1, set: {}, packs: [{ pack: 'meritown-2021' }] };
const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
const iv = (x: [number, number] | null) => (x ? `[${num(x[0])}, ${num(x[1])}]` : '—');

function parseSet(text: string): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (!l) continue;
    const eq = l.indexOf('=');
    const v = l.slice(eq + 1).trim();
    out[l.slice(0, eq).trim()] = v === 'true' ? true : v === 'false' ? false : Number(v);
  }
  return out;
}

const sameBands = (a: Band[], b: Band[]) =>
  GRADES.every((g) => {
    const x = a.find((y) => y.grade === g);
    const y = b.find((z) => z.grade === g);
    return x?.min === y?.min && x?.max === y?.max;
  });

/** Text in both languages; the stylesheet shows the one matching <html lang> (the lab's form is drawn once). */
const both = (en: string, zh: string): Child[] => [
  h('span', { class: 'both', lang: 'en' }, en),
  h('span', { class: 'both', lang: 'zh-CN' }, zh),
];
const offSummary = (n: number, of: number): Child[] =>
  both(
    `${tIn('en', 'labOff')} (${tIn('en', 'labOffCount', { n, of })})`,
    `${tIn('zh', 'labOff')} (${tIn('zh', 'labOffCount', { n, of })})`,
  );

/**
 * The pack's rule lines as checkboxes (id and title in both languages, the reader's shown), ticked = switched off.
 * Native checkboxes inside their labels: reachable by Tab, toggled by Space, named for screen readers; in a <details>
 * so a pack's many lines do not push the rest of the form away.
 */
function linePicker(side: number, pack: PackInfo | undefined, off: readonly string[]): HTMLElement {
  const s = side === 0 ? 'A' : 'B';
  const chosen = new Set(off);
  const lines = pack?.lines ?? [];
  return h(
    'details',
    { class: 'lines-off', 'data-side': s, open: chosen.size > 0 },
    h('summary', null, ...offSummary(chosen.size, lines.length)),
    lines.length
      ? h(
          'ul',
          { class: 'checks', 'aria-label': `${t('labPackSide', { s })}: ${t('labOff')}` },
          ...lines.map((l) =>
            h(
              'li',
              null,
              h(
                'label',
                null,
                h('input', {
                  type: 'checkbox',
                  name: `off${side}`,
                  value: l.id,
                  checked: chosen.has(l.id),
                  onchange: (e: Event) => {
                    const d = (e.target as HTMLElement).closest('details')!;
                    const n = d.querySelectorAll('input:checked').length;
                    d.querySelector('summary')!.replaceChildren(...(offSummary(n, lines.length) as Node[]));
                  },
                }),
                ' ',
                h('code', null, l.id),
                ' ',
                ...both(l.en || l.zh, l.zh || l.en),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, t('labPackNone')),
  );
}

/** One side's pack: which pack, its band table (prefilled from the pack, refilled when the pack changes), lines off. */
function packFields(side: number, packs: PackInfo[], choice: PackChoice | undefined): HTMLElement {
  const s = side === 0 ? 'A' : 'B';
  const info = (id: string | undefined) => packs.find((p) => p.id === id);
  const bands = choice?.bands ?? info(choice?.pack)?.bands ?? [];
  const input = (g: string, k: 'min' | 'max') => {
    const v = bands.find((b) => b.grade === g)?.[k];
    return h('input', {
      type: 'number',
      name: `${k}${side}_${g}`,
      step: 1,
      value: v ?? '',
      'aria-label': `${t('labPackSide', { s })} ${g} ${t(k === 'min' ? 'labBandMin' : 'labBandMax')}`,
    });
  };
  const select = h(
    'select',
    {
      name: `pack${side}`,
      'aria-label': t('labPackSide', { s }),
      onchange: (e: Event) => {
        // A new pack brings its own band table into the editor.
        const p = info((e.target as HTMLSelectElement).value);
        const fs = (e.target as HTMLElement).closest('fieldset')!;
        // ...and its own rule lines, none switched off.
        fs.querySelector('details.lines-off')!.replaceWith(linePicker(side, p, []));
        for (const g of GRADES)
          for (const k of ['min', 'max'] as const) {
            const el = fs.querySelector<HTMLInputElement>(`input[name="${k}${side}_${g}"]`)!;
            const v = p?.bands.find((b) => b.grade === g)?.[k];
            el.value = v === undefined ? '' : String(v);
          }
      },
    },
    side === 1 ? h('option', { value: '', selected: !choice }, t('labPackNone')) : null,
    ...packs.map((p) =>
      h('option', { value: p.id, selected: choice?.pack === p.id }, pick(p.title.en, p.title.zh)),
    ),
  );
  return h(
    'fieldset',
    { class: 'pack-side', 'data-side': s },
    h('legend', null, t('labPackSide', { s })),
    select,
    table(
      `${t('labPackSide', { s })}: ${t('labBands')}`,
      [t('labGrade'), t('labBandMin'), t('labBandMax')],
      GRADES.map((g) => [g, input(g, 'min'), input(g, 'max')]),
      'bands',
    ),
    linePicker(side, info(choice?.pack ?? (side === 0 ? packs[0]?.id : undefined)), choice?.off ?? []),
  );
}

/** The chosen packs from the form: bands sent only when edited, lines off only when some are named. */
function readPacks(f: FormData, packs: PackInfo[]): PackChoice[] {
  const out: PackChoice[] = [];
  for (const side of [0, 1]) {
    const id = String(f.get(`pack${side}`) ?? '');
    if (!id) continue;
    const c: PackChoice = { pack: id };
    const bands: Band[] = GRADES.map((g) => {
      const b: Band = { grade: g };
      for (const k of ['min', 'max'] as const) {
        const v = String(f.get(`${k}${side}_${g}`) ?? '').trim();
        if (v !== '') b[k] = Number(v);
      }
      return b;
    });
    const own = packs.find((p) => p.id === id)?.bands ?? [];
    if (!sameBands(bands, own)) c.bands = bands;
    const off = f.getAll(`off${side}`).map(String);
    if (off.length) c.off = off;
    out.push(c);
  }
  return out;
}

function form(p: Params, packs: PackInfo[], onError: (m: string) => void): Node {
  return h(
    'form',
    {
      class: 'lab-form',
      'aria-label': t('labRun'),
      onsubmit: (e: Event) => {
        e.preventDefault();
        const f = new FormData(e.target as HTMLFormElement);
        const body: Params = {
          population: Number(f.get('population')),
          years: Number(f.get('years')),
          seed: Number(f.get('seed')),
          set: parseSet(String(f.get('set') ?? '')),
          packs: readPacks(f, packs),
        };
        api<Job>('/v1/lab/runs', { method: 'POST', body, key: false }).then(
          (j) => (location.hash = `#/lab/${j.id}`),
          (err: unknown) => onError(err instanceof ApiError ? err.message : String(err)),
        );
      },
    },
    h(
      'div',
      { class: 'row' },
      h(
        'label',
        { class: 'field' },
        t('labPopulation'),
        h('input', {
          type: 'number',
          name: 'population',
          min: 1000,
          max: 20000,
          step: 1000,
          value: p.population,
        }),
      ),
      h(
        'label',
        { class: 'field' },
        t('labYears'),
        h('input', { type: 'number', name: 'years', min: 0.25, max: 2, step: 0.25, value: p.years }),
      ),
      h(
        'label',
        { class: 'field' },
        t('labSeed'),
        h('input', { type: 'number', name: 'seed', min: 0, step: 1, value: p.seed }),
      ),
    ),
    h(
      'label',
      { class: 'field' },
      t('labSet'),
      h(
        'textarea',
        { name: 'set', rows: 3, placeholder: 'behaviour.families.drink_driving.rate.value=0.05' },
        Object.entries(p.set)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n'),
      ),
    ),
    h('p', { class: 'note' }, t('labSetHelp')),
    h('h2', null, t('labPacks')),
    h('p', { class: 'note' }, t('labPacksHelp')),
    h('div', { class: 'sides' }, packFields(0, packs, p.packs?.[0]), packFields(1, packs, p.packs?.[1])),
    h('button', { type: 'submit' }, t('labRun')),
  );
}

const packName = (r: Result) => r.ruleVersions[2] ?? r.ruleVersions[0] ?? '';

/** A chart with its data table beside it (the table carries the same numbers for screen readers and copying). */
const figure = (chart: HTMLElement, data: HTMLElement) => h('div', { class: 'figure' }, chart, data);

function reachTables(reach: Reach[]): Child[] {
  return [
    h('h2', null, t('labReach')),
    h('p', { class: 'note' }, t('labReachHelp')),
    h(
      'div',
      { class: 'sides' },
      ...reach.map((r) =>
        table(
          `${t('labReach')}: ${r.pack}`,
          [
            t('labReachGroup'),
            t('labReachLines'),
            t('labReachOnly'),
            t('labReachDeduction'),
            t('labReachBonus'),
            t('labReachDirect'),
            t('labReachWorst'),
          ],
          r.groups.map((g) => [
            pick(g.en, g.zh),
            String(g.lines),
            String(g.only),
            String(g.maxDeduction),
            `+${g.maxBonus}`,
            String(g.direct),
            g.worstGrade ?? '—',
          ]),
          'reach',
        ),
      ),
    ),
  ];
}

/** Disparities: one chart per outcome and attribute, each pack a series, with the numbers in a table beside it. */
function disparities(sides: Result[]): Child[] {
  const [a] = sides;
  return a!.disparities.map((d, k) => {
    // An outcome named after its pack (share below A under scheme X) is matched by its place in the audit's list.
    const others = sides.map(
      (r) =>
        r.disparities.find((x) => x.outcome === d.outcome && x.attribute === d.attribute) ??
        (r.disparities[k]?.attribute === d.attribute ? r.disparities[k] : undefined),
    );
    const label = `${pick(d.label.en, d.label.zh)} · ${d.attribute}`;
    const groups = d.rows.map((r) => r.group);
    const chart = intervalChart(
      'disparity',
      groups,
      others.map((o, i) => ({
        name: packName(sides[i]!),
        values: groups.map((g) => {
          const row = o?.rows.find((x) => x.group === g);
          return { value: row?.rate ?? NaN, interval: row?.rateInterval ?? null };
        }),
      })),
      t('labChartRate'),
    );
    const head = [t('labGroup'), 'n'];
    for (const r of sides) {
      const tag = sides.length > 1 ? ` (${packName(r)})` : '';
      head.push(`${t('labRate')}${tag}`, t('labInterval'), `${t('labGap')}${tag}`, t('labInterval'));
    }
    const rows = d.rows.map((row) => {
      const cells: Child[] = [
        `${row.group}${row.group === d.reference ? ` (${t('labReference')})` : ''}${row.small ? ` (${t('labSmall')})` : ''}`,
        String(row.n),
      ];
      for (const o of others) {
        const x = o?.rows.find((y) => y.group === row.group);
        const ref = row.group === d.reference;
        cells.push(
          x ? num(x.rate) : '—',
          iv(x?.rateInterval ?? null),
          ref || !x ? '—' : num(x.diff),
          ref ? '—' : iv(x?.diffInterval ?? null),
        );
      }
      return cells;
    });
    return figure(chart, table(label, head, rows, 'disparities'));
  });
}

function decompositions(r: Result): Child[] {
  return r.decompositions
    .filter((d) => d.lines.length)
    .map((d) =>
      figure(
        barChart(
          'decomposition',
          d.lines.map((l) => `${l.id} ${pick(l.en, l.zh)}`),
          d.lines.map((l) => l.value),
          t('labChartPoints'),
        ),
        table(
          `${packName(r)} · ${d.outcome} · ${d.attribute}: ${d.group} − ${d.reference} = ${num(d.total)} (${d.measure})`,
          [t('rule'), t('labContribution')],
          d.lines.map((l) => [h('span', null, h('b', null, l.id), ' ', pick(l.en, l.zh)), num(l.value)]),
          'decomposition',
        ),
      ),
    );
}

function results(sides: Result[]): Child[] {
  const r = sides[0]!;
  return [
    asOfLine(r.asOf, r.ruleVersions),
    h('p', { class: 'note' }, `${r.period.from} – ${r.period.to} · ${r.subjects} ${t('labSubjects')}`),
    h('h2', null, t('labHeadlines')),
    h(
      'div',
      { class: 'sides' },
      ...sides.map((x) =>
        h(
          'div',
          null,
          sides.length > 1 ? h('h3', null, packName(x)) : null,
          h('ul', { class: 'headlines' }, ...x.headlines.map((y) => h('li', null, pick(y.en, y.zh)))),
        ),
      ),
    ),
    h('h2', null, t('labDisparities')),
    h('p', { class: 'note' }, t('labIntervals', { d: r.disparities[0]?.draws ?? 0 })),
    ...disparities(sides),
    h('h2', null, t('labDecompositions')),
    ...sides.flatMap(decompositions),
  ];
}

export const loadLab: Loader = async (_params, id, app) => {
  let error: string | null = null;
  const fail = (m: string) => {
    error = m;
    app.redraw();
  };
  const [packs, first] = await Promise.all([
    api<{ packs: PackInfo[] }>('/v1/lab/packs', { key: false }).then((x) => x.packs),
    id ? api<Job>(`/v1/lab/runs/${encodeURIComponent(id)}`, { key: false }) : null,
  ]);
  let job: Job | null = first;
  const poll = () => {
    if (!job || job.phase === 'done' || job.phase === 'failed') return;
    setTimeout(() => {
      if (!location.hash.startsWith(`#/lab/${job!.id}`)) return; // the reader left: stop following
      api<Job>(`/v1/lab/runs/${job!.id}`, { key: false }).then(
        (j) => {
          job = j;
          app.redraw();
          poll();
        },
        (e: unknown) => fail(String(e)),
      );
    }, 1000);
  };
  poll();
  // One form node for the page's life: an error or a progress redraw keeps what the reader typed.
  const formNode = form(job?.params ?? DEFAULTS, packs, fail);
  return {
    title: 'labTitle',
    draw: () => {
      const out: Child[] = [
        h('h1', null, t('labTitle')),
        h('p', { class: 'lead' }, t('labIntro')),
        // The packs on offer as read today; a run's result says its own simulated as-of day and versions below.
        asOfLine(
          today(),
          packs.map((p) => p.scheme),
        ),
      ];
      out.push(formNode);
      if (error) out.push(h('p', { class: 'error', role: 'alert' }, `${t('error')}: ${error}`));
      if (job) {
        const p = job.params;
        out.push(
          h('h2', null, t('labRunTitle', { id: job.id })),
          h(
            'p',
            { class: 'note' },
            `${t('labReproduce')}: `,
            h(
              'code',
              null,
              `mosaic sim run scenarios/meritown --population ${p.population} --years ${p.years} --seed ${p.seed}${Object.entries(
                p.set,
              )
                .map(([k, v]) => ` --set ${k}=${v}`)
                .join('')}${(p.packs ?? [])
                .map((c) => ` · ${c.pack}${c.bands ? ' +bands' : ''}${c.off ? ` −${c.off.join(',')}` : ''}`)
                .join('')}`,
            ),
          ),
          h(
            'p',
            { role: 'status', class: job.phase === 'failed' ? 'error' : 'ok', 'data-phase': job.phase },
            `${t('labPhase')}: ${t(`phase_${job.phase}`)}${job.phase === 'simulating' ? ` ${job.progress}%` : ''}`,
            job.error ? ` — ${job.error}` : '',
          ),
        );
        if (job.phase !== 'done' && job.phase !== 'failed')
          out.push(h('progress', { max: 100, value: job.progress, 'aria-label': t('labPhase') }));
        if (job.result) out.push(...results(job.compare ? [job.result, job.compare] : [job.result]));
      }
      // The reach of the run's packs (as edited), else of the packs on offer.
      out.push(...reachTables(job?.reach ?? packs.map((p) => p.reach)));
      return h('section', { class: 'lab' }, ...out);
    },
  };
};
