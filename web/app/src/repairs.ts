// The console's repair applications: the queue with the step owed (forward by the intake, decide by the designating
// body), its limit and working days late; the office forwards, and decides (a grant stops the publication).
import { api, qs, today } from './api.js';
import { h, table, type Child } from './dom.js';
import { t } from './i18n.js';
import { asOfForm, errorText, flash, officeHead, type Section } from './office.js';
import { asOfLine } from './portal.js';

interface RepairQueue {
  asOf: string;
  ruleVersion: string;
  calendar: string;
  repairs: {
    id: string;
    subject: string;
    publication: string;
    regime: string;
    class: string;
    status: string;
    body: string;
    appliedOn: string;
    next: { step: string; by: string; due: string; workingDaysLate: number } | null;
  }[];
}

export const loadRepairs: Section = async (params, me, app) => {
  const asOf = params.get('asOf') ?? today();
  const all = params.get('status') === 'all';
  const queue = await api<RepairQueue>(`/v1/repairs${qs({ asOf, status: all ? 'all' : undefined })}`);
  const message = flash.take();
  let error: string | null = null;
  const act = (id: string, path: 'forward' | 'decide', body: Record<string, string>, done: string) =>
    api(`/v1/repairs/${id}/${path}`, { method: 'POST', body: { ...body, day: queue.asOf } }).then(
      () => {
        flash.set(done);
        app.reload();
      },
      (e: unknown) => {
        error = errorText(e);
        app.redraw();
      },
    );

  const actions = (r: RepairQueue['repairs'][number]): Child => {
    if (r.next?.step === 'forward')
      return h(
        'button',
        {
          type: 'button',
          'aria-label': `${t('forward')} ${r.id}`,
          onclick: () => void act(r.id, 'forward', {}, t('forwarded', { id: r.id })),
        },
        t('forward'),
      );
    if (r.next?.step !== 'decide') return '';
    return h(
      'form',
      {
        class: 'decide row',
        'aria-label': `${t('decide')} ${r.id}`,
        onsubmit: (e: Event) => {
          e.preventDefault();
          const f = new FormData(e.target as HTMLFormElement);
          const outcome = String(f.get('outcome'));
          void act(
            r.id,
            'decide',
            { outcome, reasons: String(f.get('reasons') ?? '') },
            t('repairDecided', { id: r.id, o: outcome }),
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
          h('option', { value: 'granted' }, t('granted')),
          h('option', { value: 'refused' }, t('refused')),
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
  };

  return {
    title: 'repairsTitle',
    draw: () => {
      const out: Child[] = [
        ...officeHead('repairsTitle', 'repairs', me, app),
        asOfForm('#/console/repairs', queue.asOf),
        h(
          'p',
          null,
          h(
            'a',
            { href: `#/console/repairs${qs({ asOf: queue.asOf, status: all ? undefined : 'all' })}` },
            all ? t('tabRepairs') : t('includeClosed'),
          ),
        ),
        asOfLine(queue.asOf, [queue.ruleVersion, queue.calendar]),
      ];
      if (message) out.push(h('p', { class: 'ok', role: 'status' }, message));
      if (error) out.push(h('p', { class: 'error', role: 'alert' }, `${t('error')}: ${error}`));
      out.push(h('h2', null, t('tabRepairs')));
      out.push(
        queue.repairs.length
          ? table(
              t('tabRepairs'),
              [
                t('repair'),
                t('subject'),
                t('publication'),
                t('regime'),
                t('appliedOn'),
                t('status'),
                t('nextStep'),
                t('due'),
                t('overdueDays'),
                t('decide'),
              ],
              queue.repairs.map((r) => [
                h('code', null, r.id),
                h('code', null, r.subject),
                h('code', null, r.publication),
                `${r.regime} · ${r.class}`,
                r.appliedOn,
                h('span', { class: 'status' }, r.status),
                r.next ? `${r.next.step} (${t('by')}: ${r.next.by})` : '—',
                r.next?.due ?? '',
                r.next ? String(r.next.workingDaysLate) : '',
                actions(r),
              ]),
              'repairs',
            )
          : h('p', { class: 'empty' }, t('none')),
      );
      return h('section', null, ...out);
    },
  };
};
