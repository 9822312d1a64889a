// "My record"'s publications: each penalty shown about the subject with its countdown, the subject's repair
// applications, and the application form (the regime's conditions in both languages, a check-only run that states
// every unmet condition, then the application itself with its evidence).
import { api, qs } from './api.js';
import { h, table, type Child } from './dom.js';
import { uploadEvidence } from './evidence.js';
import { pick, t } from './i18n.js';
import type { App } from './main.js';
import type { Countdown } from './publications.js';
import { countdown } from './portal.js';

export interface PublicationsPart {
  publications: (Countdown & { publication: string; record: string })[];
  repairs: {
    id: string;
    publication: string;
    regime: string;
    status: string;
    appliedOn: string;
    failed: { code: string; message: string }[];
  }[];
}
interface Conditions {
  publication: string;
  regime: string;
  class: string;
  repairableFrom: string | null;
  conditions: { code: string; check: string; fact: string | null; en: string; zh: string; marker: string }[];
}
interface RepairAnswer {
  id: string;
  status: string;
  checks: { code: string; ok: boolean; message: string; marker: string }[];
}

/** The publications part of "My record"; `asOf` is the page's date, the conditions are those in force then. */
export function publicationsPart(dp: PublicationsPart, asOf: string, app: App) {
  let open: Conditions | null = null;
  let answer: RepairAnswer | null = null;
  // The form is built once per opened publication and kept across redraws (ticked facts and chosen files stay).
  let formNode: { publication: string; node: Node; box: HTMLElement } | null = null;
  let error: string | null = null;
  const fail = (e: unknown) => {
    error = e instanceof Error ? e.message : String(e);
    app.redraw();
  };

  const start = (publication: string) =>
    api<Conditions>(`/v1/publications/${publication}/conditions${qs({ asOf })}`).then((c) => {
      open = c;
      answer = null;
      formNode = null;
      error = null;
      app.redraw();
    }, fail);

  const submit = (form: HTMLFormElement, check: boolean) => {
    const c = open!;
    const f = new FormData(form);
    const facts: Record<string, boolean> = {};
    for (const x of c.conditions) if (x.fact) facts[x.fact] = f.get(`fact:${x.fact}`) === 'on';
    (check ? Promise.resolve([]) : uploadEvidence(f))
      .then((evidence) =>
        api<RepairAnswer>('/v1/repairs', {
          method: 'POST',
          body: { publication: c.publication, facts, ...(check ? { check: true } : { evidence }) },
        }),
      )
      .then((r) => {
        if (check || r.status === 'refused_at_intake') {
          answer = r;
          error = null;
          formNode?.box.replaceChildren(answerView(r));
          app.redraw();
          return;
        }
        sessionStorage.setItem('mosaic.flash', t('repairFiled', { id: r.id, s: r.status }));
        app.reload();
      }, fail);
  };

  const answerView = (r: RepairAnswer): Node => {
    const ok = r.checks.every((x) => x.ok);
    return h(
      'div',
      null,
      h(
        'p',
        { class: ok ? 'ok' : 'error', role: 'status' },
        `${ok ? t('eligible') : t('notEligible')} (${r.status})`,
      ),
      table(
        t('conditions'),
        [t('check'), t('result'), t('detail')],
        r.checks.map((x) => [x.code, x.ok ? '✓' : '✗', `${x.message} [${x.marker}]`]),
        'checks',
      ),
    );
  };

  const form = (c: Conditions, box: HTMLElement): Node =>
    h(
      'form',
      {
        class: 'objection repair-form',
        'aria-label': t('repairFor', { id: c.publication }),
        onsubmit: (e: Event) => {
          e.preventDefault();
          const sub = (e as SubmitEvent).submitter as HTMLButtonElement | null;
          submit(e.target as HTMLFormElement, sub?.value === 'check');
        },
      },
      h('h3', null, t('repairFor', { id: c.publication })),
      h('p', { class: 'note' }, `${t('regime')}: ${c.regime} · ${t('class')}: ${c.class}`),
      h(
        'fieldset',
        null,
        h('legend', null, t('conditions')),
        ...c.conditions.map((x) =>
          x.fact
            ? h(
                'label',
                { class: 'check' },
                h('input', { type: 'checkbox', name: `fact:${x.fact}` }),
                ` ${pick(x.en, x.zh)} [${x.marker}]`,
              )
            : h(
                'p',
                { class: 'note' },
                `${pick(x.en, x.zh)} [${x.marker}] — ${t('byDate')}${c.repairableFrom ? `: ${t('repairableFrom')} ${c.repairableFrom}` : ''}`,
              ),
        ),
      ),
      h(
        'label',
        { class: 'field' },
        t('evidence'),
        h('input', { type: 'file', name: 'evidence', multiple: true }),
      ),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'submit', value: 'check', class: 'secondary' }, t('checkOnly')),
        h('button', { type: 'submit', value: 'apply' }, t('applyRepair')),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () => {
              open = null;
              answer = null;
              formNode = null;
              app.redraw();
            },
          },
          t('cancel'),
        ),
      ),
      box,
    );

  return {
    draw(): Child[] {
      const out: Child[] = [h('h2', null, t('myPublications'))];
      if (error) out.push(h('p', { class: 'error', role: 'alert' }, `${t('error')}: ${error}`));
      out.push(
        dp.publications.length
          ? table(
              t('myPublications'),
              [
                t('publication'),
                t('record'),
                t('regime'),
                t('publishedOn'),
                t('countdown'),
                t('repairableFrom'),
                t('legalBasis'),
                '',
              ],
              dp.publications.map((p) => [
                h('code', null, p.publication),
                h('code', null, p.record),
                `${p.regime} · ${p.class}`,
                p.publishedOn,
                h('span', { class: 'countdown' }, p.shown ? countdown(p) : (p.hiddenBecause ?? '')),
                p.repairableFrom ?? '—',
                p.basis,
                p.shown && p.repairableFrom
                  ? h(
                      'button',
                      {
                        type: 'button',
                        class: 'secondary',
                        'aria-label': `${t('applyRepair')} ${p.publication}`,
                        onclick: () => void start(p.publication),
                      },
                      t('applyRepair'),
                    )
                  : '',
              ]),
              'publications',
            )
          : h('p', { class: 'empty' }, t('none')),
      );
      if (open) {
        if (formNode?.publication !== open.publication) {
          const box = h('div', { 'aria-live': 'polite' }, answer ? answerView(answer) : null);
          formNode = { publication: open.publication, node: form(open, box), box };
        }
        out.push(formNode.node);
      }
      out.push(h('h2', null, t('myRepairs')));
      out.push(
        dp.repairs.length
          ? table(
              t('myRepairs'),
              [t('repair'), t('publication'), t('regime'), t('appliedOn'), t('status'), t('detail')],
              dp.repairs.map((r) => [
                h('code', null, r.id),
                h('code', null, r.publication),
                r.regime,
                r.appliedOn,
                h('span', { class: 'status' }, r.status),
                r.failed.map((x) => x.message).join('; '),
              ]),
              'my-repairs',
            )
          : h('p', { class: 'empty' }, t('none')),
      );
      return out;
    },
  };
}
