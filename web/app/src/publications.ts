// The console's list management: the penalties being shown with their countdowns (mark the conduct corrected, which
// ends publication at the regime's rule), publishing a stored record, and the entries in force on each list.
import { api, qs, today } from './api.js';
import { h, table, type Child } from './dom.js';
import { pick, t } from './i18n.js';
import { asOfForm, errorText, flash, officeHead, type Section } from './office.js';
import { asOfLine, countdown } from './portal.js';

/** A publication's countdown as the server reports it (also in "My record"'s repair form). */
export interface Countdown {
  regime: string;
  class: string;
  basis: string;
  publishedOn: string;
  shown: boolean;
  hiddenBecause?: string;
  repairableFrom?: string;
  showUntil: string | null;
  maximumEndsOn?: string;
  daysLeft: number | null;
}
interface Publications {
  asOf: string;
  ruleVersion: string;
  publications: {
    id: string;
    subject: string;
    record: string;
    family: string;
    body: string;
    corrected: string | null;
    countdown: Countdown;
  }[];
  /** The regime of each family in force on the day: the choices of the publish form (rules are data). */
  regimes: {
    family: string;
    regime: string;
    en: string;
    zh: string;
    classes: { code: string; en: string; zh: string; published: boolean }[];
  }[];
}
interface ListInfo {
  list: string;
  en: string;
  zh: string;
  owner: string;
}

export const loadPublications: Section = async (params, me, app) => {
  const asOf = params.get('asOf') ?? today();
  const all = params.get('status') === 'all';
  const [pubs, catalogue] = await Promise.all([
    api<Publications>(`/v1/publications${qs({ asOf, status: all ? 'all' : undefined })}`),
    api<{ lists: ListInfo[] }>('/v1/lists'),
  ]);
  // The office's key reads the entries unmasked (and the server logs the read); only the counts are shown here.
  const counts = await Promise.all(
    catalogue.lists.map((l) =>
      api<{ count: number }>(`/v1/lists/${l.list}/entries${qs({ asOf })}`).then((r) => r.count),
    ),
  );
  const message = flash.take();
  let error: string | null = null;
  const post = (path: string, body: Record<string, unknown>, done: (r: never) => string) =>
    api<never>(path, { method: 'POST', body: { ...body, day: pubs.asOf } }).then(
      (r) => {
        flash.set(done(r));
        app.reload();
      },
      (e: unknown) => {
        error = errorText(e);
        app.redraw();
      },
    );

  const publishForm = () =>
    h(
      'form',
      {
        class: 'publish row',
        'aria-label': t('publishTitle'),
        onsubmit: (e: Event) => {
          e.preventDefault();
          const f = new FormData(e.target as HTMLFormElement);
          const get = (k: string) => String(f.get(k) ?? '').trim();
          const [family, cls] = get('class').split('/');
          void post(
            '/v1/publications',
            { subject: get('subject'), record: get('record'), family, class: cls },
            (r: { id: string }) => t('publishedDone', { id: r.id }),
          );
        },
      },
      h(
        'label',
        { class: 'field' },
        t('subject'),
        h('input', { name: 'subject', required: true, maxlength: 18 }),
      ),
      h(
        'label',
        { class: 'field' },
        t('record'),
        h('input', { name: 'record', required: true, maxlength: 40 }),
      ),
      h(
        'label',
        { class: 'field grow' },
        `${t('family')} · ${t('class')}`,
        h(
          'select',
          { name: 'class', required: true },
          ...pubs.regimes.map((r) =>
            h(
              'optgroup',
              { label: `${pick(r.en, r.zh)} (${r.regime})` },
              ...r.classes
                .filter((c) => c.published)
                .map((c) => h('option', { value: `${r.family}/${c.code}` }, pick(c.en, c.zh))),
            ),
          ),
        ),
      ),
      h('button', { type: 'submit' }, t('publish')),
    );

  return {
    title: 'listsMgmtTitle',
    draw: () => {
      const out: Child[] = [
        ...officeHead('listsMgmtTitle', 'lists', me, app),
        asOfForm('#/console/lists', pubs.asOf),
        h(
          'p',
          null,
          h(
            'a',
            { href: `#/console/lists${qs({ asOf: pubs.asOf, status: all ? undefined : 'all' })}` },
            all ? t('shownPubs') : t('includeClosed'),
          ),
        ),
        asOfLine(pubs.asOf, [pubs.ruleVersion]),
      ];
      if (message) out.push(h('p', { class: 'ok', role: 'status' }, message));
      if (error) out.push(h('p', { class: 'error', role: 'alert' }, `${t('error')}: ${error}`));
      out.push(h('h2', null, t('shownPubs')));
      out.push(
        pubs.publications.length
          ? table(
              t('shownPubs'),
              [
                t('publication'),
                t('subject'),
                t('record'),
                t('body'),
                t('regime'),
                t('publishedOn'),
                t('countdown'),
                t('repairableFrom'),
                t('legalBasis'),
                '',
              ],
              pubs.publications.map((p) => [
                h('code', null, p.id),
                h('code', null, p.subject),
                h('code', null, p.record),
                p.body,
                `${p.countdown.regime} · ${p.countdown.class}`,
                p.countdown.publishedOn,
                h(
                  'span',
                  { class: 'countdown' },
                  p.countdown.shown ? countdown(p.countdown) : (p.countdown.hiddenBecause ?? ''),
                ),
                p.countdown.repairableFrom ?? '—',
                p.countdown.basis,
                p.countdown.shown && !p.corrected
                  ? h(
                      'button',
                      {
                        type: 'button',
                        class: 'secondary',
                        'aria-label': `${t('markCorrected')} ${p.id}`,
                        onclick: () =>
                          void post(`/v1/publications/${p.id}/corrected`, {}, (r: { corrected: string }) =>
                            t('correctedDone', { id: p.id, d: r.corrected }),
                          ),
                      },
                      t('markCorrected'),
                    )
                  : p.corrected
                    ? `${t('correctedOn')} ${p.corrected}`
                    : '',
              ]),
              'publications',
            )
          : h('p', { class: 'empty' }, t('none')),
      );
      out.push(h('h2', null, t('publishTitle')), publishForm());
      out.push(h('h2', null, t('listEntries')));
      out.push(
        table(
          t('listEntries'),
          [t('list'), t('owner'), t('entries')],
          catalogue.lists.map((l, i) => [
            h('a', { href: `#/lists/${l.list}${qs({ asOf: pubs.asOf })}` }, pick(l.en, l.zh)),
            l.owner,
            String(counts[i]),
          ]),
        ),
      );
      return h('section', null, ...out);
    },
  };
};
