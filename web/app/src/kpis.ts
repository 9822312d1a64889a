// The console's KPI dashboard: what a credit office is judged on, as of a date: each answering body's timeliness
// (time limits that fell due, met, missed), the objections open and overdue, and record volumes by agency.
import { api, qs, today } from './api.js';
import { h, table, type Child } from './dom.js';
import { t } from './i18n.js';
import { asOfForm, officeHead, type Section } from './office.js';
import { asOfLine } from './portal.js';

interface Kpis {
  asOf: string;
  from: string;
  ruleVersion: string;
  calendar: string;
  timeliness: {
    body: string;
    due: number;
    onTime: number;
    late: number;
    overdue: number;
    onTimeShare: number | null;
    maxWorkingDaysLate: number;
  }[];
  objections: { byStatus: Record<string, number>; open: number; overdue: number; filedInPeriod: number };
  records: {
    agency: string;
    reported: number;
    corrections: number;
    withdrawals: number;
    medianLagDays: number | null;
  }[];
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10}%`);

export const loadKpis: Section = async (params, me, app) => {
  const asOf = params.get('asOf') ?? today();
  const k = await api<Kpis>(`/v1/office/kpis${qs({ asOf, from: params.get('from') ?? undefined })}`);
  return {
    title: 'kpiTitle',
    draw: () => {
      const o = k.objections;
      const out: Child[] = [
        ...officeHead('kpiTitle', 'kpis', me, app),
        asOfForm('#/console/kpis', k.asOf, { from: k.from }),
        asOfLine(k.asOf, [k.ruleVersion, k.calendar]),
        h('h2', null, t('objectionKpi')),
        h(
          'dl',
          { class: 'facts kpi' },
          h('dt', null, t('openCount')),
          h('dd', { 'data-kpi': 'open' }, String(o.open)),
          h('dt', null, t('overdueOpen')),
          h('dd', { 'data-kpi': 'overdue' }, String(o.overdue)),
          h('dt', null, `${t('filedInPeriod')} (${k.from} – ${k.asOf})`),
          h('dd', { 'data-kpi': 'filed' }, String(o.filedInPeriod)),
          ...Object.entries(o.byStatus).flatMap(([s, n]) => [
            h('dt', null, `${t('status')}: ${s}`),
            h('dd', null, String(n)),
          ]),
        ),
        h('h2', null, t('timeliness')),
        k.timeliness.length
          ? table(
              t('timeliness'),
              [
                t('body'),
                t('dueCount'),
                t('onTime'),
                t('lateDone'),
                t('overdueOpen'),
                t('onTimeShare'),
                t('overdueDays'),
              ],
              k.timeliness.map((b) => [
                b.body,
                String(b.due),
                String(b.onTime),
                String(b.late),
                String(b.overdue),
                // A meter is drawn without a style attribute, so the page's CSP stays strict.
                h(
                  'span',
                  { class: 'share' },
                  h('meter', {
                    min: 0,
                    max: 1,
                    low: 0.8,
                    high: 0.95,
                    optimum: 1,
                    value: b.onTimeShare ?? 0,
                    'aria-label': `${t('onTimeShare')} ${b.body}`,
                  }),
                  ` ${pct(b.onTimeShare)}`,
                ),
                String(b.maxWorkingDaysLate),
              ]),
              'timeliness',
            )
          : h('p', { class: 'empty' }, t('none')),
        h('h2', null, t('volumes')),
        k.records.length
          ? table(
              `${t('volumes')} (${k.from} – ${k.asOf})`,
              [t('agency'), t('reported'), t('corrections'), t('withdrawals'), t('medianLag')],
              k.records.map((r) => [
                r.agency,
                String(r.reported),
                String(r.corrections),
                String(r.withdrawals),
                r.medianLagDays === null ? '—' : String(r.medianLagDays),
              ]),
              'volumes',
            )
          : h('p', { class: 'empty' }, t('none')),
      ];
      return h('section', null, ...out);
    },
  };
};
