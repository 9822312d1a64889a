// The public portal: search by name or USCC, an entity's licences, penalties and list entries with countdowns, the lists.
// Every call here goes without a key, so the page shows exactly the public (masked) view whoever is signed in.
import { api, qs, today } from './api.js';
import { h, table, type Child } from './dom.js';
import { pick, t } from './i18n.js';
import type { App, Loader } from './main.js';

interface ListInfo {
  list: string;
  en: string;
  zh: string;
  owner: string;
  basis: string;
  marker: string;
  version: string;
}
interface Summary {
  ref: string;
  type: 'natural' | 'legal';
  name: string;
  id: string;
  lists: string[];
}
interface Penalty {
  publication: string;
  class: string;
  regime: string;
  basis: string;
  marker: string;
  publishedOn: string;
  showUntil: string | null;
  daysLeft: number | null;
  maximumEndsOn?: string;
  kind?: string;
  agency?: string;
  decidedOn?: string;
  document?: string;
}
interface Licence {
  record: string;
  kind: string;
  en: string;
  zh: string;
  agency: string;
  decidedOn: string;
  document: string;
  basis: string;
  showMonths: number;
  showUntil: string;
  daysLeft: number;
  marker: string;
  assumption: boolean;
}
interface Entry {
  list: string;
  en: string;
  zh: string;
  owner: string;
  listedOn: string;
  case?: string;
  showUntil: string | null;
  daysLeft: number | null;
  basis: string;
  marker: string;
}
interface EntityPage {
  asOf: string;
  ruleVersions: { dueProcess: string; lists: string[]; calendar: string };
  entity: { ref: string; type: 'natural' | 'legal'; name: string; id: string };
  penalties: Penalty[];
  licences: Licence[];
  lists: Entry[];
  redlists: Entry[];
}

let catalogue: Map<string, ListInfo> | undefined;
async function lists(): Promise<Map<string, ListInfo>> {
  catalogue ??= new Map(
    (await api<{ lists: ListInfo[] }>('/v1/lists', { key: false })).lists.map((l) => [l.list, l]),
  );
  return catalogue;
}
/** `list@version` of every published list: the rules a search or the list index answers by. */
const listVersions = () => [...(catalogue?.values() ?? [])].map((l) => `${l.list}@${l.version}`);
const listName = (code: string) => {
  const l = catalogue?.get(code);
  return l ? pick(l.en, l.zh) : code;
};

/** "stops being shown in 12 days" from the API's countdown fields. */
export function countdown(c: {
  daysLeft: number | null;
  showUntil: string | null;
  maximumEndsOn?: string;
}): string {
  if (c.daysLeft === null || c.showUntil === null)
    return c.maximumEndsOn ? t('untilCorrected', { d: c.maximumEndsOn }) : t('noEnd');
  return c.daysLeft <= 0 ? t('lastDay') : t('inDays', { n: c.daysLeft });
}

export function asOfLine(asOf: string, versions: string[]): Node {
  return h(
    'p',
    { class: 'asof' },
    h('span', { 'data-asof': asOf }, `${t('asOf')} ${asOf}`),
    versions.length ? ` · ${t('ruleVersions')}: ${versions.join(', ')}` : '',
  );
}

function asOfInput(value: string): Node {
  return h(
    'label',
    { class: 'field' },
    t('asOf'),
    h('input', { type: 'date', name: 'asOf', value, required: true }),
  );
}

export const loadSearch: Loader = async (params) => {
  const q = params.get('q') ?? '';
  const asOf = params.get('asOf') ?? today();
  await lists();
  const res =
    q.trim().length >= 2
      ? await api<{ asOf: string; count: number; results: Summary[] }>(
          `/v1/portal/search${qs({ q: q.trim(), asOf })}`,
          { key: false },
        )
      : null;
  return {
    title: 'navPortal',
    draw: () => {
      const form = h(
        'form',
        {
          role: 'search',
          class: 'row',
          onsubmit: (e: Event) => {
            e.preventDefault();
            const f = new FormData(e.target as HTMLFormElement);
            location.hash = `#/${qs({ q: String(f.get('q') ?? ''), asOf: String(f.get('asOf') ?? '') })}`;
          },
        },
        h(
          'label',
          { class: 'field grow' },
          t('searchLabel'),
          h('input', { type: 'search', name: 'q', value: q, minlength: 2, maxlength: 100, required: true }),
        ),
        asOfInput(asOf),
        h('button', { type: 'submit' }, t('search')),
      );
      const out: Child[] = [
        h('h1', null, t('portalTitle')),
        h('p', null, t('portalIntro')),
        form,
        // Which lists decide who appears (natural persons only while a public list shows them), as of which day.
        asOfLine(res?.asOf ?? asOf, listVersions()),
      ];
      if (res) {
        out.push(
          res.count === 0
            ? h('p', { class: 'empty' }, t('noResults'))
            : table(
                t('results'),
                [t('name'), t('type'), t('identifier'), t('lists')],
                res.results.map((r) => [
                  h(
                    'a',
                    { href: `#/entity/${encodeURIComponent(r.ref)}${qs({ asOf: res.asOf })}` },
                    r.name || r.id,
                  ),
                  t(r.type),
                  h('code', null, r.id),
                  r.lists.map(listName).join('; '),
                ]),
                'results',
              ),
        );
        out.push(h('p', { class: 'note' }, t('masked')));
      }
      return h('section', null, ...out);
    },
  };
};

/** The licences still shown, and beside them how long licences are shown and whether that period is an assumption. */
function licenceTable(licences: Licence[]): Node {
  if (!licences.length)
    return h('section', null, h('h2', null, t('licences')), h('p', { class: 'empty' }, t('noLicences')));
  const notes = [
    ...new Map(licences.map((l) => [`${l.showMonths}/${l.marker}/${l.assumption}`, l])).values(),
  ];
  return h(
    'section',
    { class: 'licences' },
    h('h2', null, t('licences')),
    table(
      t('licences'),
      [
        t('licence'),
        t('agency'),
        t('decidedOn'),
        t('document'),
        t('legalBasis'),
        t('showUntil'),
        t('countdown'),
      ],
      licences.map((l) => [
        pick(l.en, l.zh),
        l.agency,
        l.decidedOn,
        l.document,
        l.basis,
        l.showUntil,
        h('span', { class: 'countdown' }, countdown(l)),
      ]),
    ),
    ...notes.map((l) =>
      h(
        'p',
        { class: l.assumption ? 'note assumption' : 'note' },
        t(l.assumption ? 'licenceAssumed' : 'licencePeriod', { n: l.showMonths, m: l.marker }),
      ),
    ),
  );
}

function entryTable(caption: string, entries: Entry[]): Node {
  if (!entries.length)
    return h('section', null, h('h2', null, caption), h('p', { class: 'empty' }, t('none')));
  return h(
    'section',
    null,
    h('h2', null, caption),
    table(
      caption,
      [t('list'), t('owner'), t('listedOn'), t('caseNo'), t('legalBasis'), t('showUntil'), t('countdown')],
      entries.map((e) => [
        pick(e.en, e.zh),
        e.owner,
        e.listedOn,
        e.case ?? '',
        `${e.basis} [${e.marker}]`,
        e.showUntil ?? '—',
        h('span', { class: 'countdown' }, countdown(e)),
      ]),
    ),
  );
}

export const loadEntity: Loader = async (params, ref, app: App) => {
  void app;
  const asOf = params.get('asOf') ?? today();
  await lists();
  const p = await api<EntityPage>(`/v1/portal/entities/${encodeURIComponent(ref)}${qs({ asOf })}`, {
    key: false,
  });
  return {
    title: 'entityTitle',
    draw: () =>
      h(
        'article',
        null,
        h('p', null, h('a', { href: '#/' }, `← ${t('backToSearch')}`)),
        h('h1', null, p.entity.name || p.entity.id),
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, t('identifier')),
          h('dd', null, h('code', null, p.entity.id)),
          h('dt', null, t('type')),
          h('dd', null, t(p.entity.type)),
        ),
        h(
          'form',
          {
            class: 'row',
            onsubmit: (e: Event) => {
              e.preventDefault();
              const d = String(new FormData(e.target as HTMLFormElement).get('asOf') ?? '');
              location.hash = `#/entity/${encodeURIComponent(ref)}${qs({ asOf: d })}`;
            },
          },
          asOfInput(p.asOf),
          h('button', { type: 'submit' }, t('show')),
        ),
        asOfLine(p.asOf, [p.ruleVersions.dueProcess, ...p.ruleVersions.lists, p.ruleVersions.calendar]),
        // Double publicity: licences, then penalties (a natural person's page shows lists only).
        p.entity.type === 'legal' ? licenceTable(p.licences ?? []) : null,
        h(
          'section',
          null,
          h('h2', null, t('penalties')),
          p.penalties.length
            ? table(
                t('penalties'),
                [
                  t('kind'),
                  t('agency'),
                  t('decidedOn'),
                  t('document'),
                  t('publishedOn'),
                  t('class'),
                  t('legalBasis'),
                  t('showUntil'),
                  t('countdown'),
                ],
                p.penalties.map((x) => [
                  x.kind ?? '',
                  x.agency ?? '',
                  x.decidedOn ?? '',
                  x.document ?? '',
                  x.publishedOn,
                  `${x.class} (${x.regime})`,
                  `${x.basis} [${x.marker}]`,
                  x.showUntil ?? '—',
                  h('span', { class: 'countdown' }, countdown(x)),
                ]),
              )
            : h('p', { class: 'empty' }, t('noPenalties')),
        ),
        entryTable(t('blacklists'), p.lists),
        entryTable(t('redlists'), p.redlists),
        h('p', { class: 'note' }, t('masked')),
      ),
  };
};

interface ListEntries {
  list: string;
  asOf: string;
  count: number;
  tables: { type: string; columns: string[]; rows: (string | number | null)[][] }[];
}

export const loadLists: Loader = async (params, code) => {
  const cat = await lists();
  const asOf = params.get('asOf') ?? today();
  const entries = code
    ? await api<ListEntries>(`/v1/lists/${encodeURIComponent(code)}/entries${qs({ asOf })}`, { key: false })
    : null;
  return {
    title: 'listsTitle',
    draw: () => {
      if (!entries)
        return h(
          'section',
          null,
          h('h1', null, t('listsTitle')),
          asOfLine(asOf, listVersions()),
          table(
            t('listsTitle'),
            [t('list'), t('owner'), t('legalBasis')],
            [...cat.values()].map((l) => [
              h('a', { href: `#/lists/${encodeURIComponent(l.list)}${qs({ asOf })}` }, pick(l.en, l.zh)),
              l.owner,
              `${l.basis} [${l.marker}]`,
            ]),
          ),
        );
      const l = cat.get(entries.list);
      return h(
        'section',
        null,
        h('p', null, h('a', { href: '#/lists' }, `← ${t('listsTitle')}`)),
        h('h1', null, l ? pick(l.en, l.zh) : entries.list),
        l ? h('p', null, `${t('owner')}: ${l.owner} · ${t('legalBasis')}: ${l.basis} [${l.marker}]`) : null,
        h(
          'form',
          {
            class: 'row',
            onsubmit: (e: Event) => {
              e.preventDefault();
              const d = String(new FormData(e.target as HTMLFormElement).get('asOf') ?? '');
              location.hash = `#/lists/${encodeURIComponent(entries.list)}${qs({ asOf: d })}`;
            },
          },
          asOfInput(entries.asOf),
          h('button', { type: 'submit' }, t('show')),
        ),
        asOfLine(entries.asOf, l ? [`${l.list}@${l.version}`] : []),
        ...entries.tables.map((tb) =>
          table(
            `${t(tb.type === 'natural' ? 'natural' : 'legal')} · ${t('entries')}: ${tb.rows.length}`,
            tb.columns,
            tb.rows.map((r) => r.map((c) => (c === null ? '' : String(c)))),
          ),
        ),
        h('p', { class: 'note' }, t('masked')),
      );
    },
  };
};
