// "My record": sign in with a subject's key; every scheme's view as of a chosen date with each counted record, its
// rule line and legal basis; list entries and measures; records with objections filed and followed; who looked.
import { api, ApiError, qs, session, today } from './api.js';
import { h, table, type Child } from './dom.js';
import { uploadEvidence, type EvidenceRef } from './evidence.js';
import { pick, t } from './i18n.js';
import type { App, Loader } from './main.js';
import { asOfLine } from './portal.js';
import { publicationsPart, type PublicationsPart } from './repair-apply.js';

export interface Me {
  role: string;
  name: string | null;
  subject: string | null;
  jurisdiction: string | null;
  agency: string | null;
}
interface Line {
  type: string;
  rule?: string;
  ruleEn?: string;
  ruleZh?: string;
  points?: number;
  grade?: string;
  kind?: string;
  occurredAt?: string;
  agency?: string;
  basis?: string;
  from?: string;
  until?: string;
  detail?: string;
  /** Not counted because the record lacks a field its rule line needs (the server names field and line). */
  needs?: { field: string; pack: string; rule: string; values: string[] };
}
interface Plan {
  changes: { en: string; zh: string }[];
  date: string;
  score?: number;
  grade?: string;
  reached: boolean;
}
interface Report {
  report: {
    asOf: string;
    schemes: {
      scheme: string;
      title: { en: string; zh: string };
      status: string;
      score?: number;
      grade?: string;
      base: number;
      lines: Line[];
      counterfactual: { target: string; alreadyThere: boolean; plans: Plan[] };
    }[];
    lists: {
      list: string;
      en: string;
      zh: string;
      since: string;
      until: string | null;
      exit: { en: string; zh: string };
    }[];
    measures: {
      actionEn: string;
      actionZh: string;
      outcome: string;
      measureName: string;
      list: string;
      legalBasis: string;
      until: string | null;
    }[];
  };
}
interface DueProcess extends PublicationsPart {
  ruleVersion: string;
  calendarVersion: string;
  records: {
    id: string;
    kind: string;
    occurredAt: string;
    agency: string;
    basis: string;
    inForce: boolean;
    flags: unknown[];
  }[];
  objections: {
    id: string;
    target: { type: string; ref: string };
    body: string;
    filedOn: string;
    due: string;
    status: string;
    closedOn?: string;
  }[];
}
interface Objection {
  id: string;
  target: { type: string; ref: string };
  body: string;
  receivedOn: string;
  due: string;
  limit: string;
  status: string;
  closedOn?: string;
  corrections: string[];
  evidence: EvidenceRef[];
  basis: string;
  ruleVersion: string;
}
interface AccessRow {
  at: string;
  role: string;
  action: string;
  purpose: string | null;
}

export function signInForm(intro: string, app: App): Node {
  return h(
    'form',
    {
      class: 'signin',
      onsubmit: (e: Event) => {
        e.preventDefault();
        session.signIn(String(new FormData(e.target as HTMLFormElement).get('key') ?? ''));
        app.reload();
      },
    },
    h('p', null, intro),
    h(
      'label',
      { class: 'field' },
      t('keyLabel'),
      h('input', { type: 'password', name: 'key', autocomplete: 'off', required: true, minlength: 8 }),
    ),
    h('button', { type: 'submit' }, t('signIn')),
  );
}

/** Who the key in this tab stands for, or null (no key, or a key the server refuses: then it is dropped). */
export async function whoAmI(): Promise<Me | null> {
  if (!session.key()) return null;
  try {
    return await api<Me>('/v1/me');
  } catch (e) {
    if (e instanceof ApiError && e.problem.status === 401) {
      session.signOut();
      return null;
    }
    throw e;
  }
}

export function signOutButton(app: App): Node {
  return h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        session.signOut();
        app.reload();
      },
    },
    t('signOut'),
  );
}

export const loadMe: Loader = async (params, _arg, app) => {
  const me = await whoAmI();
  if (!me || me.role !== 'subject' || !me.subject) {
    const wrong = me !== null;
    return {
      title: 'meTitle',
      draw: () =>
        h(
          'section',
          null,
          h('h1', null, t('meTitle')),
          wrong ? h('p', { class: 'error', role: 'alert' }, t('notSubject')) : null,
          wrong ? signOutButton(app) : signInForm(t('signInIntro'), app),
        ),
    };
  }
  const id = me.subject;
  const asOf = params.get('asOf') ?? today();
  const [rep, dp, log] = await Promise.all([
    api<Report>(`/v1/subjects/${id}/report${qs({ asOf })}`),
    api<DueProcess>(`/v1/subjects/${id}/dueprocess${qs({ asOf })}`),
    api<{ rows: AccessRow[] }>('/v1/me/access-log'),
  ]);
  const state: {
    objecting: string | null;
    message: string | null;
    followed: Objection | null;
    error: string | null;
  } = {
    objecting: null,
    message: null,
    followed: null,
    error: null,
  };

  const fail = (e: unknown) => {
    state.error = e instanceof ApiError ? e.message : String(e);
    app.redraw();
  };
  let formNode: { record: string; node: Node } | null = null;
  const objectionForm = (record: string) =>
    h(
      'form',
      {
        class: 'objection',
        'aria-label': t('objectTo', { id: record }),
        onsubmit: (e: Event) => {
          e.preventDefault();
          const form = new FormData(e.target as HTMLFormElement);
          const reasons = String(form.get('reasons') ?? '');
          uploadEvidence(form)
            .then((evidence) =>
              api<Objection>('/v1/objections', {
                method: 'POST',
                body: { subject: id, target: { type: 'record', ref: record }, reasons, evidence },
              }),
            )
            .then((o) => {
              state.objecting = null;
              state.followed = o;
              sessionStorage.setItem('mosaic.flash', t('filed', { id: o.id, d: o.due }));
              app.reload();
            }, fail);
        },
      },
      h('h3', null, t('objectTo', { id: record })),
      h(
        'label',
        { class: 'field' },
        t('reasons'),
        h('textarea', { name: 'reasons', required: true, maxlength: 5000, rows: 3 }),
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
        h('button', { type: 'submit' }, t('file')),
        h(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: () => {
              state.objecting = null;
              app.redraw();
            },
          },
          t('cancel'),
        ),
      ),
    );
  const pubs = publicationsPart(dp, asOf, app);
  const flash = sessionStorage.getItem('mosaic.flash');
  sessionStorage.removeItem('mosaic.flash');
  state.message = flash;

  return {
    title: 'meTitle',
    draw: () => {
      const r = rep.report;
      const out: Child[] = [
        h('h1', null, t('meTitle')),
        h(
          'p',
          { class: 'row' },
          `${t('signedInAs')}: ${me.name ?? ''} `,
          h('code', null, id),
          signOutButton(app),
        ),
        h(
          'form',
          {
            class: 'row',
            onsubmit: (e: Event) => {
              e.preventDefault();
              const d = String(new FormData(e.target as HTMLFormElement).get('asOf') ?? '');
              location.hash = `#/me${qs({ asOf: d })}`;
            },
          },
          h(
            'label',
            { class: 'field' },
            t('asOf'),
            h('input', { type: 'date', name: 'asOf', value: r.asOf, required: true }),
          ),
          h('button', { type: 'submit' }, t('show')),
        ),
        asOfLine(r.asOf, [...r.schemes.map((s) => s.scheme), dp.ruleVersion, dp.calendarVersion]),
      ];
      if (state.message) out.push(h('p', { class: 'ok', role: 'status' }, state.message));
      if (state.error) out.push(h('p', { class: 'error', role: 'alert' }, `${t('error')}: ${state.error}`));

      out.push(h('h2', null, t('schemes')));
      for (const s of r.schemes) {
        const cf = s.counterfactual;
        out.push(
          h(
            'section',
            { class: 'scheme', 'data-scheme': s.scheme },
            h('h3', null, pick(s.title.en, s.title.zh)),
            h(
              'dl',
              { class: 'facts' },
              h('dt', null, t('scheme')),
              h('dd', null, s.scheme),
              h('dt', null, t('status')),
              h('dd', null, s.status),
              h('dt', null, t('base')),
              h('dd', null, String(s.base)),
              h('dt', null, t('score')),
              h('dd', { class: 'score' }, s.score === undefined ? '—' : String(s.score)),
              h('dt', null, t('grade')),
              h('dd', { class: 'grade' }, s.grade ?? '—'),
            ),
            s.lines.length
              ? table(
                  `${s.scheme}: ${t('rule')}`,
                  [
                    t('rule'),
                    t('points'),
                    t('kind'),
                    t('occurredAt'),
                    t('agency'),
                    t('legalBasis'),
                    t('validity'),
                    t('detail'),
                  ],
                  s.lines.map((l) => [
                    l.rule ? h('span', null, h('b', null, l.rule), ' ', pick(l.ruleEn, l.ruleZh)) : l.type,
                    l.points !== undefined ? String(l.points) : (l.grade ?? ''),
                    l.kind ?? '',
                    l.occurredAt ?? '',
                    l.agency ?? '',
                    l.basis ?? '',
                    l.from ? `${l.from} – ${l.until ?? ''}` : '',
                    l.needs
                      ? t('needsField', {
                          f: l.needs.field,
                          r: `${l.needs.rule} (${l.needs.pack})`,
                          v: l.needs.values.join(' / '),
                        })
                      : (l.detail ?? ''),
                  ]),
                  'lines',
                )
              : h('p', { class: 'empty' }, t('none')),
            h('h4', null, t('toTarget', { g: cf.target })),
            cf.alreadyThere
              ? h('p', null, t('alreadyThere'))
              : cf.plans.length
                ? h(
                    'ol',
                    null,
                    ...cf.plans
                      .slice(0, 3)
                      .map((p) =>
                        h(
                          'li',
                          null,
                          `${p.date}: ${p.changes.map((c) => pick(c.en, c.zh)).join('; ')} → ${p.score ?? ''} ${p.grade ?? ''}`,
                        ),
                      ),
                  )
                : h('p', null, t('noPlan')),
          ),
        );
      }

      out.push(h('h2', null, t('myLists')));
      out.push(
        r.lists.length
          ? table(
              t('myLists'),
              [t('list'), t('since'), t('until'), t('exit')],
              r.lists.map((l) => [pick(l.en, l.zh), l.since, l.until ?? '—', pick(l.exit.en, l.exit.zh)]),
            )
          : h('p', { class: 'empty' }, t('none')),
      );
      out.push(h('h2', null, t('measures')));
      out.push(
        r.measures.length
          ? table(
              t('measures'),
              [t('action'), t('outcome'), t('measure'), t('list'), t('legalBasis'), t('until')],
              r.measures.map((m) => [
                pick(m.actionEn, m.actionZh),
                m.outcome,
                m.measureName,
                m.list,
                m.legalBasis,
                m.until ?? '—',
              ]),
            )
          : h('p', { class: 'empty' }, t('none')),
      );

      out.push(h('h2', null, t('records')));
      out.push(
        table(
          t('records'),
          [t('record'), t('kind'), t('occurredAt'), t('agency'), t('document'), t('flags'), ''],
          dp.records
            .filter((x) => x.inForce)
            .map((x) => [
              h('code', null, x.id),
              x.kind,
              x.occurredAt,
              x.agency,
              x.basis,
              x.flags.length ? t('flags') : '',
              h(
                'button',
                {
                  type: 'button',
                  class: 'secondary',
                  'data-record': x.id,
                  'aria-label': t('objectTo', { id: x.id }),
                  onclick: () => {
                    state.objecting = x.id;
                    state.error = null;
                    app.redraw();
                  },
                },
                t('object'),
              ),
            ]),
          'records',
        ),
      );
      if (state.objecting) {
        // The same form node across redraws, so an error shown above it does not wipe what was typed and chosen.
        if (formNode?.record !== state.objecting)
          formNode = { record: state.objecting, node: objectionForm(state.objecting) };
        out.push(formNode.node);
      }

      out.push(h('h2', null, t('objections')));
      out.push(
        dp.objections.length
          ? table(
              t('objections'),
              [
                t('objection'),
                t('target'),
                t('body'),
                t('filedOn'),
                t('due'),
                t('status'),
                t('closedOn'),
                '',
              ],
              dp.objections.map((o) => [
                h('code', null, o.id),
                `${o.target.type} ${o.target.ref}`,
                o.body,
                o.filedOn,
                o.due,
                h('span', { class: 'status' }, o.status),
                o.closedOn ?? '',
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'secondary',
                    onclick: () =>
                      api<Objection>(`/v1/objections/${o.id}`).then((x) => {
                        state.followed = x;
                        app.redraw();
                      }, fail),
                  },
                  t('follow'),
                ),
              ]),
              'objections',
            )
          : h('p', { class: 'empty' }, t('none')),
      );
      const f = state.followed;
      if (f)
        out.push(
          h(
            'section',
            { class: 'followed', 'aria-live': 'polite' },
            h('h3', null, t('objectionDetail', { id: f.id })),
            h(
              'dl',
              { class: 'facts' },
              h('dt', null, t('target')),
              h('dd', null, `${f.target.type} ${f.target.ref}`),
              h('dt', null, t('body')),
              h('dd', null, f.body),
              h('dt', null, t('filedOn')),
              h('dd', null, f.receivedOn),
              h('dt', null, t('due')),
              h('dd', null, f.due),
              h('dt', null, t('limit')),
              h('dd', null, f.limit),
              h('dt', null, t('status')),
              h('dd', { class: 'status' }, f.status),
              h('dt', null, t('closedOn')),
              h('dd', null, f.closedOn ?? '—'),
              h('dt', null, t('corrections')),
              h('dd', null, f.corrections.join(', ') || '—'),
              h('dt', null, t('evidenceAttached')),
              h(
                'dd',
                { class: 'evidence' },
                f.evidence
                  .map((x) => `${x.name} (${x.type}, ${x.size} B, sha256 ${x.sha256.slice(0, 12)}…)`)
                  .join('; ') || '—',
              ),
              h('dt', null, t('legalBasis')),
              h('dd', null, f.basis),
              h('dt', null, t('ruleVersion')),
              h('dd', null, f.ruleVersion),
            ),
          ),
        );

      out.push(...pubs.draw());

      out.push(h('h2', null, t('whoLooked')));
      out.push(
        table(
          t('whoLooked'),
          [t('at'), t('role'), t('action'), t('purpose')],
          log.rows
            .slice(-20)
            .reverse()
            .map((x) => [x.at, x.role, x.action, x.purpose ?? '']),
        ),
      );
      return h('section', null, ...out);
    },
  };
};
