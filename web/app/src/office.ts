// The credit office console's shared parts: its section navigation, the as-of form, the header, and the message an
// action leaves for the next draw.
import { ApiError, qs } from './api.js';
import { h, type Child } from './dom.js';
import { t, type Key } from './i18n.js';
import type { App, View } from './main.js';
import { signOutButton, type Me } from './me.js';

/** The console's sections; each is its own hash route (#/console/NAME). */
const SECTIONS: [string, Key][] = [
  ['', 'tabQueue'],
  ['repairs', 'tabRepairs'],
  ['lists', 'tabLists'],
  ['kpis', 'tabKpis'],
];

/** The console's own navigation, the section shown marked as the current page. */
export function officeNav(current: string): Node {
  return h(
    'nav',
    { class: 'tabs', 'aria-label': t('consoleNav') },
    ...SECTIONS.map(([path, k]) =>
      h(
        'a',
        {
          href: `#/console${path ? `/${path}` : ''}`,
          ...(path === current ? { 'aria-current': 'page' } : {}),
        },
        t(k),
      ),
    ),
  );
}

/** The as-of form every console section opens with (extra fields, e.g. a period start, go before the button). */
export function asOfForm(route: string, asOf: string, extra: Record<string, string> = {}): Node {
  return h(
    'form',
    {
      class: 'row',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const f = new FormData(e.target as HTMLFormElement);
        const q: Record<string, string> = {};
        for (const [k, v] of f.entries()) q[k] = String(v);
        location.hash = `${route}${qs(q)}`;
      },
    },
    ...Object.entries(extra).map(([name, value]) =>
      h('label', { class: 'field' }, t(name as Key), h('input', { type: 'date', name, value })),
    ),
    h(
      'label',
      { class: 'field' },
      t('asOf'),
      h('input', { type: 'date', name: 'asOf', value: asOf, required: true }),
    ),
    h('button', { type: 'submit' }, t('show')),
  );
}

/** A message left for the next draw of a console section (after an action reloads it). */
export const flash = {
  set: (m: string) => sessionStorage.setItem('mosaic.console', m),
  take: (): string | null => {
    const m = sessionStorage.getItem('mosaic.console');
    sessionStorage.removeItem('mosaic.console');
    return m;
  },
};

/** The header every console section shares: title, who is signed in, its navigation. */
export function officeHead(title: Key, current: string, me: Me, app: App): Child[] {
  return [
    h('h1', null, t(title)),
    h('p', { class: 'row' }, `${t('signedInAs')}: ${me.name ?? ''} (${me.role}) `, signOutButton(app)),
    officeNav(current),
  ];
}

export const errorText = (e: unknown): string => (e instanceof ApiError ? e.message : String(e));

/** A console section's loader: it is called only for a signed-in credit office (or admin). */
export type Section = (params: URLSearchParams, me: Me, app: App) => Promise<View>;
