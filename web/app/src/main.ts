// The web app's shell: header with navigation and the language switch, a hash router, and one draw per page that
// re-runs on a language switch (data already fetched is drawn again, not fetched again).
import { ApiError } from './api.js';
import { h } from './dom.js';
import { lang, setLang, t, type Key } from './i18n.js';
import { loadConsole } from './console.js';
import { loadGuide } from './guide.js';
import { loadMe } from './me.js';
import { loadEntity, loadLists, loadSearch } from './portal.js';

export interface App {
  /** Draw the current page again (after an action changed its state). */
  redraw(): void;
  /** Load the current route again (after an action changed server data). */
  reload(): void;
}
export interface View {
  title: Key;
  draw(): Node;
}
export type Loader = (params: URLSearchParams, arg: string, app: App) => Promise<View>;

const routes: Record<string, { loader: Loader; nav: Key }> = {
  '': { loader: loadSearch, nav: 'navPortal' },
  entity: { loader: loadEntity, nav: 'navPortal' },
  lists: { loader: loadLists, nav: 'navLists' },
  me: { loader: loadMe, nav: 'navMe' },
  console: { loader: loadConsole, nav: 'navConsole' },
  guide: { loader: loadGuide, nav: 'navGuide' },
  // The lab's code is its own chunk, fetched from this server only when the lab is opened.
  lab: { loader: (p, a, app) => import('./lab.js').then((m) => m.loadLab(p, a, app)), nav: 'navLab' },
};

const top = document.getElementById('top')!;
const main = document.getElementById('main')!;
let view: View | null = null;
let failure: unknown = null;
let active: Key = 'navPortal';

function header(): Node {
  const nav = (href: string, k: Key) =>
    h('a', { href, ...(active === k ? { 'aria-current': 'page' } : {}) }, t(k));
  return h(
    'div',
    { class: 'bar' },
    h('a', { class: 'brand', href: '#/' }, t('appName')),
    h(
      'nav',
      { 'aria-label': t('appName') },
      nav('#/', 'navPortal'),
      nav('#/lists', 'navLists'),
      nav('#/me', 'navMe'),
      nav('#/console', 'navConsole'),
      nav('#/guide', 'navGuide'),
      nav('#/lab', 'navLab'),
    ),
    h(
      'button',
      {
        id: 'lang',
        type: 'button',
        lang: lang() === 'zh' ? 'en' : 'zh-CN',
        // The accessible name starts with the visible text, so voice control users can say what they see.
        'aria-label': `${t('switchTo')}: ${t('switchLabel')}`,
        onclick: () => {
          setLang(lang() === 'zh' ? 'en' : 'zh');
          draw();
        },
      },
      t('switchTo'),
    ),
  );
}

function draw(): void {
  top.replaceChildren(header());
  document.querySelector('.skip')!.textContent = t('skip');
  if (failure) {
    const msg = failure instanceof ApiError ? failure.message : String(failure);
    main.replaceChildren(h('p', { class: 'error', role: 'alert' }, `${t('error')}: ${msg}`));
    document.title = `${t('error')} · ${t('appName')}`;
    return;
  }
  if (!view) {
    main.replaceChildren(h('p', { 'aria-busy': 'true' }, t('loading')));
    return;
  }
  main.replaceChildren(view.draw());
  document.title = `${t(view.title)} · ${t('appName')}`;
}

let seq = 0;
async function route(): Promise<void> {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = raw.split('?');
  const [name = '', arg = ''] = path.split('/');
  const r = routes[name] ?? routes['']!;
  active = r.nav;
  const mine = ++seq;
  view = null;
  failure = null;
  draw();
  try {
    const v = await r.loader(new URLSearchParams(query), decodeURIComponent(arg), app);
    if (mine !== seq) return;
    view = v;
  } catch (e) {
    if (mine !== seq) return;
    failure = e;
  }
  draw();
  document.body.dataset.ready = String(mine);
}

const app: App = { redraw: draw, reload: () => void route() };
setLang(lang());
window.addEventListener('hashchange', () => void route());
void route();
