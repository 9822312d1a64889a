// The guide: how the credit systems really work, from Mosaic's own data: the four kinds of system and who owns each
// (web/app/guide/guide.json, every claim with its source and marker), the lists this server publishes with their
// owners and legal bases (live from /v1/lists), what a list entry does at a point of service, what a municipal
// score counts, and the myths beside what the research finds. Every part links into a live page of the app.
import guide from '../guide/guide.json';
import { api, today } from './api.js';
import { h, table, type Child } from './dom.js';
import { lang, pick, t } from './i18n.js';
import type { Loader } from './main.js';
import { asOfLine } from './portal.js';

interface ListInfo {
  list: string;
  en: string;
  zh: string;
  owner: string;
  basis: string;
  marker: string;
}

/** A claim's source: the public address (opened only when followed; nothing is fetched) and its marker. */
function source(url: string, marker: string, section: string, name?: string): Node {
  return h(
    'span',
    { class: 'source' },
    h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, name ?? new URL(url).hostname),
    ` [${marker}] · ${section}`,
  );
}

const live = (href: string, en: string, zh: string): Node =>
  h('a', { href, class: 'live' }, `${t('liveExample')}: ${pick(en, zh)}`);

export const loadGuide: Loader = async () => {
  const { lists } = await api<{ lists: ListInfo[] }>('/v1/lists', { key: false });
  const day = today();
  return {
    title: 'guideTitle',
    draw: () => {
      const zh = lang() === 'zh';
      const pos = guide.pointOfService;
      const mun = guide.municipalCounts;
      const out: Child[] = [
        h('h1', null, t('guideTitle')),
        asOfLine(day, [guide.version]),
        h('p', { class: 'lead' }, t('guideIntro')),
        h('h2', { id: 'systems' }, t('guideSystems')),
        table(
          t('guideSystems'),
          [t('guideSystem'), t('owner'), t('guideData'), t('guideOutput'), t('guideEffect'), t('source'), ''],
          guide.systems.map((s) => [
            h('b', null, zh ? s.zh : s.en),
            zh ? s.ownerZh : s.ownerEn,
            zh ? s.dataZh : s.dataEn,
            zh ? s.outputZh : s.outputEn,
            zh ? s.effectZh : s.effectEn,
            source(s.source, s.marker, s.section),
            live(s.example, s.exampleEn, s.exampleZh),
          ]),
          'systems',
        ),
        h('h2', { id: 'lists' }, t('guideLists')),
        h('p', null, t('guideListsIntro')),
        table(
          t('guideLists'),
          [t('list'), t('owner'), t('legalBasis'), '', ''],
          lists.map((l) => [
            pick(l.en, l.zh),
            l.owner,
            l.basis,
            `[${l.marker}]`,
            h('a', { href: `#/lists/${l.list}` }, t('entries')),
          ]),
          'guide-lists',
        ),
        h('h2', { id: 'point-of-service' }, t('guidePos')),
        h('p', null, zh ? pos.zh : pos.en),
        h(
          'p',
          null,
          source(pos.source, pos.marker, pos.section),
          ' · ',
          live(pos.example, pos.exampleEn, pos.exampleZh),
        ),
        h('h2', { id: 'municipal' }, t('guideMunicipal')),
        h('p', null, zh ? mun.zh : mun.en),
        h(
          'p',
          null,
          source(mun.source, mun.marker, mun.section),
          ' · ',
          live(mun.example, mun.exampleEn, mun.exampleZh),
        ),
        h('h2', { id: 'myths' }, t('guideMyths')),
        table(
          t('guideMyths'),
          [t('guideMyth'), t('guideFinding'), t('source')],
          guide.myths.map((m) => [
            zh ? m.mythZh : m.mythEn,
            zh ? m.findingZh : m.findingEn,
            source(m.source, m.marker, m.section, m.sourceName),
          ]),
          'myths',
        ),
        h('p', { class: 'note' }, t('guideMarkers')),
      ];
      return h('section', { class: 'guide' }, ...out);
    },
  };
};
