// The credit office console: sign-in, the dispatch to its sections, and the objection queue with deadlines and
// working days overdue, deciding an objection (upheld withdraws the record by a superseding one; rejected keeps it),
// and the overdue KPI per answering body.
import { api, qs, today } from './api.js';
import { h, table, type Child } from './dom.js';
import { t } from './i18n.js';
import { loadKpis } from './kpis.js';
import type { App, Loader, View } from './main.js';
import { signInForm, signOutButton, whoAmI, type Me } from './me.js';
import { asOfForm, errorText, flash, officeHead } from './office.js';
import { asOfLine } from './portal.js';
import { loadPublications } from './publications.js';
import { loadRepairs } from './repairs.js';

interface Queue {
  asOf: string;
  ruleVersion: string;
  calendar: string;
  objections: {
    id: string;
    subject: string;
    target: { type: string; ref: string };
    body: string;
    receivedOn: string;
    due: string;
    status: string;
    workingDaysLate: number;
  }[];
}
interface Overdue {
  bodies: {
    body: string;
    due: number;
    onTime: number;
    overdue: number;
    late: number;
    maxWorkingDaysLate: number;
  }[];
}

const LOADERS: Record<string, (params: URLSearchParams, me: Me, app: App) => Promise<View>> = {
  '': loadQueue,
  repairs: loadRepairs,
  lists: loadPublications,
  kpis: loadKpis,
};

export const loadConsole: Loader = async (params, arg, app) => {
  const me = await whoAmI();
  if (!me || (me.role !== 'credit_office' && me.role !== 'admin')) {
    const wrong = me !== null;
    return {
      title: 'consoleTitle',
      draw: () =>
        h(
          'section',
          null,
          h('h1', null, t('consoleTitle')),
          wrong ? h('p', { class: 'error', role: 'alert' }, t('notOffice')) : null,
          wrong ? signOutButton(app) : signInForm(t('consoleIntro'), app),
        ),
    };
  }
  return (LOADERS[arg] ?? loadQueue)(params, me, app);
};

async function loadQueue(params: URLSearchParams, me: Me, app: App): Promise<View> {
  const asOf = params.get('asOf') ?? today();
  const [queue, overdue] = await Promise.all([
    api<Queue>(`/v1/objections${qs({ asOf })}`),
    api<Overdue>(`/v1/dueprocess/overdue${qs({ asOf })}`),
  ]);
  const message = flash.take();
  let error: string | null = null;

  const decideForm = (o: Queue['objections'][number]) =>
    h(
      'form',
      {
        class: 'decide row',
        'aria-label': `${t('decide')} ${o.id}`,
        onsubmit: (e: Event) => {
          e.preventDefault();
          const f = new FormData(e.target as HTMLFormElement);
          const outcome = String(f.get('outcome'));
          const upheld = outcome === 'upheld' && o.target.type === 'record';
          api(`/v1/objections/${o.id}/decide`, {
            method: 'POST',
            body: {
              outcome,
              reasons: String(f.get('reasons') ?? ''),
              ...(upheld ? { corrections: [{ record: o.target.ref, action: 'withdraw' }] } : {}),
              day: queue.asOf,
            },
          }).then(
            () => {
              flash.set(t('decided', { id: o.id, o: outcome }));
              app.reload();
            },
            (err: unknown) => {
              error = errorText(err);
              app.redraw();
            },
          );
        },
      },
      h(
        'label',
        { class: 'field' },
        t('outcome'),
        h(
          'select',
          { name: 'outcome' },
          h('option', { value: 'upheld' }, t('upheld')),
          h('option', { value: 'rejected' }, t('rejected')),
        ),
      ),
      h(
        'label',
        { class: 'field' },
        t('reasons'),
        h('input', { name: 'reasons', required: true, maxlength: 5000 }),
      ),
      h('button', { type: 'submit' }, t('decide')),
    );

  return {
    title: 'consoleTitle',
    draw: () => {
      const out: Child[] = [
        ...officeHead('consoleTitle', '', me, app),
        asOfForm('#/console', queue.asOf),
        asOfLine(queue.asOf, [queue.ruleVersion, queue.calendar]),
      ];
      if (message) out.push(h('p', { class: 'ok', role: 'status' }, message));
      if (error) out.push(h('p', { class: 'error', role: 'alert' }, `${t('error')}: ${error}`));
      out.push(h('h2', null, t('queue')));
      out.push(
        queue.objections.length
          ? table(
              t('queue'),
              [
                t('objection'),
                t('subject'),
                t('target'),
                t('body'),
                t('filedOn'),
                t('due'),
                t('overdueDays'),
                t('status'),
                t('decide'),
              ],
              queue.objections.map((o) => [
                h('code', null, o.id),
                h('code', null, o.subject),
                `${o.target.type} ${o.target.ref}`,
                o.body,
                o.receivedOn,
                o.due,
                String(o.workingDaysLate),
                o.status,
                decideForm(o),
              ]),
              'queue',
            )
          : h('p', { class: 'empty' }, t('none')),
      );
      out.push(h('h2', null, t('overdue')));
      out.push(
        overdue.bodies.length
          ? table(
              t('overdue'),
              [t('body'), t('dueCount'), t('onTime'), t('overdueOpen'), t('lateDone'), t('overdueDays')],
              overdue.bodies.map((b) => [
                b.body,
                String(b.due),
                String(b.onTime),
                String(b.overdue),
                String(b.late),
                String(b.maxWorkingDaysLate),
              ]),
            )
          : h('p', { class: 'empty' }, t('none')),
      );
      return h('section', null, ...out);
    },
  };
}
