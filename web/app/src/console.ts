// The credit office console: the objection queue with deadlines and working days overdue, deciding an objection
// (upheld withdraws the record by a superseding one; rejected keeps it), and the overdue KPI per answering body.
import { api, ApiError, qs, today } from './api.js';
import { h, table, type Child } from './dom.js';
import { t } from './i18n.js';
import type { Loader } from './main.js';
import { signInForm, signOutButton, whoAmI } from './me.js';
import { asOfLine } from './portal.js';

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

export const loadConsole: Loader = async (params, _arg, app) => {
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
  const asOf = params.get('asOf') ?? today();
  const [queue, overdue] = await Promise.all([
    api<Queue>(`/v1/objections${qs({ asOf })}`),
    api<Overdue>(`/v1/dueprocess/overdue${qs({ asOf })}`),
  ]);
  const flash = sessionStorage.getItem('mosaic.console');
  sessionStorage.removeItem('mosaic.console');
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
              sessionStorage.setItem('mosaic.console', t('decided', { id: o.id, o: outcome }));
              app.reload();
            },
            (err: unknown) => {
              error = err instanceof ApiError ? err.message : String(err);
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
        h('h1', null, t('consoleTitle')),
        h('p', { class: 'row' }, `${t('signedInAs')}: ${me.name ?? ''} (${me.role}) `, signOutButton(app)),
        h(
          'form',
          {
            class: 'row',
            onsubmit: (e: Event) => {
              e.preventDefault();
              const d = String(new FormData(e.target as HTMLFormElement).get('asOf') ?? '');
              location.hash = `#/console${qs({ asOf: d })}`;
            },
          },
          h(
            'label',
            { class: 'field' },
            t('asOf'),
            h('input', { type: 'date', name: 'asOf', value: queue.asOf, required: true }),
          ),
          h('button', { type: 'submit' }, t('show')),
        ),
        asOfLine(queue.asOf, [queue.ruleVersion, queue.calendar]),
      ];
      if (flash) out.push(h('p', { class: 'ok', role: 'status' }, flash));
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
              [t('body'), t('due'), 'on time', t('overdue'), 'late', t('overdueDays')],
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
};
