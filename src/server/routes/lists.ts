// Lists: the lists this server publishes, and each list's entries in force as of a date (masked for the public).
import { z } from 'zod';
import { toEpochDay } from '../../core/dates.js';
import { publishedTables } from '../../schemes/lists/display.js';
import { activeOn, entriesOf, type ListEntry } from '../../schemes/lists/lifecycle.js';
import { loadStatements, subjectsWithKinds } from '../../schemes/lists/ledger-world.js';
import { ROLES } from '../auth.js';
import { maskDeep } from '../mask.js';
import { httpError } from '../problem.js';
import { actorOf, IsoDate, maskedForOthers, problems, today } from './common.js';
import type { RoutePlugin } from './plugin.js';

const Table = z.object({
  type: z.enum(['natural', 'legal']),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string())),
});

export const listsPlugin: RoutePlugin = {
  name: 'lists',
  register(app, ctx) {
    app.get(
      '/v1/lists',
      {
        config: { access: { roles: ROLES } },
        schema: {
          tags: ['lists'],
          summary: 'The lists this server publishes, with owner and legal basis',
          response: {
            200: z.object({
              lists: z.array(
                z.object({
                  list: z.string(),
                  en: z.string(),
                  zh: z.string(),
                  owner: z.string(),
                  basis: z.string(),
                  marker: z.string(),
                  version: z
                    .string()
                    .describe('the list definition’s version (every page says which rules it shows)'),
                }),
              ),
            }),
          },
        },
      },
      async () => ({
        lists: ctx.policy.lists.map((l) => ({
          list: l.list,
          en: l.en,
          zh: l.zh,
          owner: l.owner.en,
          basis: l.publication.basis,
          marker: l.publication.marker,
          version: l.version,
        })),
      }),
    );
    app.get(
      '/v1/lists/:list/entries',
      {
        config: { access: { roles: ROLES } },
        schema: {
          tags: ['lists'],
          summary:
            'Entries in force on a date, in the fields the list publishes (identifiers masked for the public)',
          params: z.object({ list: z.string().max(100) }),
          querystring: z.object({
            asOf: IsoDate.optional().describe('default: today; later statements are not known'),
          }),
          response: {
            200: z.object({
              list: z.string(),
              asOf: z.string(),
              masked: z.boolean(),
              count: z.number(),
              tables: z.array(Table),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const def = ctx.policy.list(req.params.list);
        if (!def)
          throw httpError(404, 'list.unknown_list', `no list '${req.params.list}'`, {
            path: ['params', 'list'],
          });
        const asOf = req.query.asOf ?? today();
        const day = toEpochDay(asOf);
        const kinds = Object.values(def.kinds).map((k) => (typeof k === 'string' ? k : k!.kind));
        const ids = await subjectsWithKinds(ctx.ledger, kinds);
        const stmts = await loadStatements(ctx.policy, ctx.ledger, ids, asOf);
        const entries: ListEntry[] = [];
        for (const st of stmts.values())
          entries.push(...activeOn(entriesOf(ctx.policy, st, { knownAsOf: day }).entries, day, def.list));
        entries.sort((a, b) => a.listedOn - b.listedOn || (a.subject < b.subject ? -1 : 1));
        const register = (await ctx.decisions()).register;
        const m = maskedForOthers(req.principal);
        const tables = publishedTables(def, entries, register, day, !m);
        if (!m)
          await ctx.accessLog.append({
            actor: actorOf(req.principal),
            role: req.principal.role,
            action: 'list.read',
            target: `/v1/lists/${def.list}/entries?asOf=${asOf}`,
            status: 200,
            detail: `${entries.length} entries unmasked`,
          });
        const out = { list: def.list, asOf, masked: m, count: entries.length, tables };
        // The list's own masking rules first; then nothing that still looks like an identifier leaves unmasked.
        return m ? maskDeep(out) : out;
      },
    );
  },
};
