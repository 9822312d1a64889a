// The public portal API (Credit-China style): search published entities, and for each the penalties still shown
// and administrative licences ("double publicity") with countdowns, list entries in force and redlist entries, masked,
// with as-of and rule versions.
import { randomBytes, createHmac } from 'node:crypto';
import { z } from 'zod';
import { addMonths, fromEpochDay, toEpochDay } from '../../core/dates.js';
import { validateUscc } from '../../core/identifiers.js';
import { subjectTypeOf, type CreditRecord, type Subject } from '../../core/types.js';
import type { DueProcessPolicy } from '../../dueprocess/policy.js';
import { activeOn, entriesOf, type ListEntry } from '../../schemes/lists/lifecycle.js';
import { loadStatements } from '../../schemes/lists/ledger-world.js';
import { ROLES } from '../auth.js';
import type { ServerContext } from '../context.js';
import { dueProcessOf } from '../dueprocess-store.js';
import { maskDeep } from '../mask.js';
import { httpError } from '../problem.js';
import { IsoDate, problems, today } from './common.js';
import type { RoutePlugin } from './plugin.js';

/**
 * Natural persons get an opaque portal reference instead of an identifier: a keyed hash with a key that lives only in
 * this process, so references cannot be turned back into ID numbers by guessing (they change when the server restarts).
 */
const keys = new WeakMap<ServerContext, Buffer>();
function refOf(ctx: ServerContext, id: string): string {
  let k = keys.get(ctx);
  if (!k) keys.set(ctx, (k = randomBytes(32)));
  return 'p' + createHmac('sha256', k).update(id).digest('hex').slice(0, 20);
}

/**
 * The references the search has handed out, ref → id, so opening one is a lookup rather than a keyed hash of every
 * subject (seconds with 1M subjects, bench/webapp.ts). Bounded: the oldest are forgotten first, and a forgotten (or
 * never issued) reference still opens by the full walk below.
 */
const issued = new WeakMap<ServerContext, Map<string, string>>();
const ISSUED_MAX = 100_000;
function issueRef(ctx: ServerContext, id: string): string {
  const ref = refOf(ctx, id);
  let m = issued.get(ctx);
  if (!m) issued.set(ctx, (m = new Map()));
  m.delete(ref);
  m.set(ref, id);
  if (m.size > ISSUED_MAX) m.delete(m.keys().next().value!);
  return ref;
}

/**
 * Licensing decisions still shown on `day` (double publicity, DOMAIN §8.1): records of a kind the publication pack
 * lists under `licences`, in force (not withdrawn, and the correction in place of what it corrects), shown from the decision for the pack's period.
 * The period's marker and whether it is an assumption travel with each licence, so the page can say so.
 */
export function licencesShown(
  policy: DueProcessPolicy,
  cat: ServerContext['catalogue'],
  records: readonly CreditRecord[],
  day: number,
) {
  const superseded = new Set(records.filter((r) => r.supersedes).map((r) => r.supersedes!));
  return records
    .filter((r) => r.status !== 'withdrawal' && !superseded.has(r.id))
    .flatMap((r) => {
      const rule = policy.licenceRule(r.kind);
      if (!rule) return [];
      const decided = toEpochDay(r.occurredAt);
      const end = addMonths(decided, rule.show_months); // first day no longer shown
      if (day < decided || day >= end) return [];
      const kind = cat.get(r.kind);
      return [
        {
          record: r.id,
          kind: r.kind,
          en: kind?.en ?? rule.en,
          zh: kind?.zh ?? rule.zh,
          agency: r.agency,
          decidedOn: r.occurredAt,
          document: r.basis,
          basis: rule.legal_basis.map((b) => `${b.doc} [${b.marker}]`).join('; '),
          showMonths: rule.show_months,
          showUntil: fromEpochDay(end - 1),
          daysLeft: end - 1 - day,
          marker: rule.marker,
          assumption: rule.assumption,
          ...(rule.note !== undefined ? { note: rule.note } : {}),
        },
      ];
    });
}

interface Entity {
  subject: Subject | undefined;
  id: string;
  type: 'natural' | 'legal';
  entries: ListEntry[];
}

/** Lists in force on `day` for `id`, public lists only. */
async function entriesInForce(ctx: ServerContext, id: string, asOf: string): Promise<ListEntry[]> {
  const day = toEpochDay(asOf);
  const st = (await loadStatements(ctx.policy, ctx.ledger, [id], asOf)).get(id) ?? [];
  return activeOn(entriesOf(ctx.policy, st, { knownAsOf: day }).entries, day).filter(
    (e) => ctx.policy.list(e.list)?.publication.public === true,
  );
}

/** May the portal show this natural person? Only while on a public list that publishes natural persons' names. */
function personShown(ctx: ServerContext, entries: readonly ListEntry[]): boolean {
  return entries.some((e) => ctx.policy.list(e.list)?.publication.fields.natural?.includes('name') === true);
}

async function candidates(ctx: ServerContext): Promise<Map<string, Subject | undefined>> {
  const out = new Map<string, Subject | undefined>();
  for (const s of await ctx.ledger.subjects()) out.set(s.id, s);
  const { service } = await dueProcessOf(ctx);
  for (const p of (await service.state()).publications.values())
    if (!out.has(p.subject)) out.set(p.subject, undefined);
  for (const s of (await ctx.decisions()).register.all()) if (!out.has(s.id)) out.set(s.id, s);
  return out;
}

/** At most this many results, from at most this many register entries read by name prefix (docs/decisions/0097). */
const SEARCH_RESULTS = 50;
const SEARCH_READ = 200;

/**
 * What a search may find, without reading every subject: a full USCC (any case) by the register's key, or names
 * starting with the query through the ledger's name lookup (index-backed, limited). A USCC with a publication but no
 * register entry is still found by its code. Natural persons are filtered out later unless a public list shows them;
 * since only SEARCH_READ entries are read, a short prefix shared by many unlisted people can hide a listed one (a
 * longer prefix finds it).
 */
async function searchCandidates(ctx: ServerContext, q: string): Promise<Map<string, Subject | undefined>> {
  const out = new Map<string, Subject | undefined>();
  const code = q.toUpperCase();
  if (validateUscc(code).ok) {
    const s = (await ctx.decisions()).register.get(code) ?? (await ctx.ledger.getSubject(code));
    if (s) out.set(code, s);
    else {
      const { service } = await dueProcessOf(ctx);
      for (const p of (await service.state()).publications.values())
        if (p.subject === code) out.set(code, undefined);
    }
  }
  for (const s of await ctx.ledger.findSubjects(q, SEARCH_READ)) if (!out.has(s.id)) out.set(s.id, s);
  return out;
}

async function entity(
  ctx: ServerContext,
  id: string,
  subject: Subject | undefined,
  asOf: string,
): Promise<Entity | undefined> {
  const type = subject?.type ?? subjectTypeOf(id);
  const entries = await entriesInForce(ctx, id, asOf);
  if (type === 'natural' && !personShown(ctx, entries)) return undefined;
  return { subject, id, type, entries };
}

const Summary = z.object({
  ref: z
    .string()
    .describe('an opaque reference for the entity page (a legal person’s page also opens by its full USCC)'),
  type: z.enum(['natural', 'legal']),
  name: z.string(),
  id: z.string().describe('the identifier, masked'),
  lists: z.array(z.string()),
});

export const portalPlugin: RoutePlugin = {
  name: 'portal',
  register(app, ctx) {
    app.get(
      '/v1/portal/search',
      {
        config: {
          access: {
            roles: ROLES,
          },
        },
        schema: {
          tags: ['portal'],
          summary:
            'Search published entities by the start of their name or a full USCC (at most 50 results); natural persons appear (by name, ID masked) only while a public list publishes them',
          querystring: z.object({ q: z.string().min(2).max(100), asOf: IsoDate.optional() }),
          response: {
            200: z.object({ asOf: z.string(), count: z.number(), results: z.array(Summary) }),
            ...problems,
          },
        },
      },
      async (req) => {
        const asOf = req.query.asOf ?? today();
        const q = req.query.q.trim();
        const results: z.infer<typeof Summary>[] = [];
        for (const [id, s] of await searchCandidates(ctx, q)) {
          const e = await entity(ctx, id, s, asOf);
          if (!e) continue;
          results.push({
            ref: issueRef(ctx, id),
            type: e.type,
            name: s?.name ?? '',
            id,
            lists: [...new Set(e.entries.map((x) => x.list))],
          });
          if (results.length >= SEARCH_RESULTS) break;
        }
        return maskDeep({ asOf, count: results.length, results });
      },
    );

    app.get(
      '/v1/portal/entities/:ref',
      {
        config: {
          access: {
            roles: ROLES,
          },
        },
        schema: {
          tags: ['portal'],
          summary:
            'One published entity: administrative licences and penalties within their publication periods, list entries in force, redlist entries, each with a countdown to when it stops being shown',
          params: z.object({ ref: z.string().min(1).max(40) }),
          querystring: z.object({ asOf: IsoDate.optional() }),
          response: { 200: z.any(), ...problems },
        },
      },
      async (req) => {
        const asOf = req.query.asOf ?? today();
        const day = toEpochDay(asOf);
        const ref = req.params.ref;
        let id: string | undefined;
        let subject: Subject | undefined;
        if (validateUscc(ref.toUpperCase()).ok) {
          // A legal person's page by its USCC needs no walk over every subject: the decision index's register (built
          // from the ledger's subjects once) has it. With 1M subjects the walk took seconds (bench/webapp.ts).
          id = ref.toUpperCase();
          subject = (await ctx.decisions()).register.get(id);
        } else if (issued.get(ctx)?.has(ref)) {
          id = issued.get(ctx)!.get(ref)!;
          subject = (await ctx.decisions()).register.get(id);
        } else {
          const all = await candidates(ctx);
          for (const k of all.keys()) if (refOf(ctx, k) === ref) id = k;
          if (id !== undefined) subject = all.get(id);
        }
        const e = id === undefined ? undefined : await entity(ctx, id, subject, asOf);
        if (!e)
          throw httpError(404, 'portal.not_found', `no published entity '${ref}'`, {
            path: ['params', 'ref'],
          });
        const { service } = await dueProcessOf(ctx);
        const known = await ctx.ledger.readSubject(e.id, asOf);
        const records = new Map(known.map((r) => [r.id, r]));
        const penalties = (await service.countdowns(e.id, asOf))
          .filter((c) => c.shown)
          .map((c) => {
            const r = records.get(c.record);
            return {
              ...c,
              ...(r ? { kind: r.kind, agency: r.agency, decidedOn: r.occurredAt, document: r.basis } : {}),
            };
          });
        const listOut = (type: 'blacklist' | 'redlist') =>
          e.entries
            .filter((x) => ctx.policy.list(x.list)?.type === type)
            .map((x) => {
              const def = ctx.policy.list(x.list)!;
              const end = x.until ?? x.termEnd;
              return {
                list: x.list,
                en: def.en,
                zh: def.zh,
                owner: def.owner.en,
                listedOn: fromEpochDay(x.listedOn),
                ...(x.case !== undefined ? { case: x.case } : {}),
                showUntil: end === null ? null : fromEpochDay(end - 1),
                daysLeft: end === null ? null : end - 1 - day,
                basis: def.publication.basis,
                marker: def.publication.marker,
              };
            });
        const out = {
          asOf,
          ruleVersions: {
            dueProcess: service.policy.version,
            lists: [...new Set(e.entries.map((x) => `${x.list}@${ctx.policy.list(x.list)!.version}`))],
            calendar: service.calendar.version,
          },
          entity: {
            ref: e.type === 'legal' ? e.id : ref,
            type: e.type,
            name: e.subject?.name ?? '',
            id: e.id,
          },
          // Penalties on individuals are in principle not displayed (DOMAIN §8.3 [P]); a person's page shows lists only.
          penalties: e.type === 'legal' ? penalties : [],
          // The other half of double publicity; like penalties, shown for legal persons only (DOMAIN §8.3).
          licences: e.type === 'legal' ? licencesShown(service.policy, ctx.catalogue, known, day) : [],
          lists: listOut('blacklist'),
          redlists: listOut('redlist'),
        };
        return maskDeep(out);
      },
    );
  },
};
