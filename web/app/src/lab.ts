// The lab: run Meritown on the server with changed parameters (population, years, seed, scenario overrides such as a
// behaviour rate or an agency's coverage), follow the run's progress, and read its audit: headlines, disparities by
// group with bootstrap intervals, and each gap decomposed into rule lines. A run's URL names it; the same parameters
// give the same run. Loaded only when the lab is opened (a separate chunk).
import { api, ApiError } from './api.js';
import { h, table, type Child } from './dom.js';
import { pick, t } from './i18n.js';
import type { Loader } from './main.js';
import { asOfLine } from './portal.js';

interface Params {
  population: number;
  years: number;
  seed: number;
  set: Record<string, number | boolean>;
}
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
}

const DEFAULTS: Params = { population: 5000, years: 1, seed: 1, set: {} };
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

function form(p: Params, onError: (m: string) => void): Node {
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
    h('button', { type: 'submit' }, t('labRun')),
  );
}

function results(r: Result): Child[] {
  return [
    asOfLine(r.asOf, r.ruleVersions),
    h('p', { class: 'note' }, `${r.period.from} – ${r.period.to} · ${r.subjects} ${t('labSubjects')}`),
    h('h2', null, t('labHeadlines')),
    h('ul', { class: 'headlines' }, ...r.headlines.map((x) => h('li', null, pick(x.en, x.zh)))),
    h('h2', null, t('labDisparities')),
    h('p', { class: 'note' }, t('labIntervals', { d: r.disparities[0]?.draws ?? 0 })),
    table(
      t('labDisparities'),
      [
        t('labOutcome'),
        t('labAttribute'),
        t('labGroup'),
        'n',
        t('labRate'),
        t('labInterval'),
        t('labGap'),
        t('labInterval'),
      ],
      r.disparities.flatMap((d) =>
        d.rows.map((row) => [
          pick(d.label.en, d.label.zh),
          d.attribute,
          `${row.group}${row.group === d.reference ? ` (${t('labReference')})` : ''}${row.small ? ` (${t('labSmall')})` : ''}`,
          String(row.n),
          num(row.rate),
          iv(row.rateInterval),
          row.group === d.reference ? '—' : num(row.diff),
          row.group === d.reference ? '—' : iv(row.diffInterval),
        ]),
      ),
      'disparities',
    ),
    h('h2', null, t('labDecompositions')),
    ...r.decompositions
      .filter((d) => d.lines.length)
      .map((d) =>
        table(
          `${d.outcome} · ${d.attribute}: ${d.group} − ${d.reference} = ${num(d.total)} (${d.measure})`,
          [t('rule'), t('labContribution')],
          d.lines.map((l) => [h('span', null, h('b', null, l.id), ' ', pick(l.en, l.zh)), num(l.value)]),
          'decomposition',
        ),
      ),
  ];
}

export const loadLab: Loader = async (_params, id, app) => {
  let error: string | null = null;
  const fail = (m: string) => {
    error = m;
    app.redraw();
  };
  let job: Job | null = id ? await api<Job>(`/v1/lab/runs/${encodeURIComponent(id)}`, { key: false }) : null;
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
  const formNode = form(job?.params ?? DEFAULTS, fail);
  return {
    title: 'labTitle',
    draw: () => {
      const out: Child[] = [h('h1', null, t('labTitle')), h('p', { class: 'lead' }, t('labIntro'))];
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
        if (job.result) out.push(...results(job.result));
      }
      return h('section', { class: 'lab' }, ...out);
    },
  };
};
