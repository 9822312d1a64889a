// The credit report of one subject as of a date: every scheme's view with counted records, rules and legal basis,
// list entries, measures in force and counterfactuals (what `mosaic explain` gives), limited to what the caller's
// jurisdiction may see, logged with who asked and why.
import { z } from 'zod';
import { explainSubject } from '../../audit/explain.js';
import type { Subject } from '../../core/types.js';
import type { AccessRow } from '../access-log.js';
import type { Principal } from '../auth.js';
import type { ServerContext } from '../context.js';
import { dueProcessOf } from '../dueprocess-store.js';
import { subjectReport } from '../../dueprocess/report.js';
import { maskDeep } from '../mask.js';
import { httpError } from '../problem.js';
import { idHalf } from '../submit.js';
import { fastSerializer } from './fast-route.js';
import { actorOf, IsoDate, masked, problems, requirePurpose, SubjectId, today } from './common.js';
import type { RoutePlugin } from './plugin.js';

/** Roles whose view is limited to their platform and what lower platforms share upward. */
const SCOPED = new Set(['agency', 'credit_office', 'court']);

const opt = z.string().optional();
const Line = z.object({
  type: z.string(),
  rule: opt,
  ruleEn: opt,
  ruleZh: opt,
  points: z.number().optional(),
  grade: opt,
  kind: opt,
  occurredAt: opt,
  agency: opt,
  basis: opt,
  from: opt,
  until: opt,
  detail: opt,
  /** A record no line scores because it lacks the severity or level a line needs: which field, and which line. */
  needs: z
    .object({
      field: z.string(),
      pack: z.string(),
      rule: z.string(),
      values: z.array(z.string()).readonly(),
      zh: opt,
      en: opt,
    })
    .optional(),
});
const Report = z.object({
  subject: z.string(),
  asOf: z.string(),
  schemes: z.array(
    z.object({
      scheme: z.string(),
      title: z.object({ en: z.string(), zh: z.string() }),
      status: z.string(),
      score: z.number().optional(),
      grade: opt,
      base: z.number(),
      lines: z.array(Line),
      counterfactual: z.any().describe('how to reach the target grade (as `mosaic explain` gives)'),
    }),
  ),
  lists: z.array(
    z.object({
      list: z.string(),
      en: z.string(),
      zh: z.string(),
      since: z.string(),
      until: z.string().nullable(),
      exit: z.any(),
    }),
  ),
  measures: z.array(
    z.object({
      action: z.string(),
      actionEn: z.string(),
      actionZh: z.string(),
      outcome: z.string(),
      measure: z.string(),
      measureName: z.string(),
      list: z.string(),
      relation: z.string(),
      legalBasis: z.string(),
      until: z.string().nullable(),
    }),
  ),
});
export const ReportResponse = z.object({
  report: Report,
  view: z.object({
    jurisdiction: z.string().nullable().describe("the caller's platform; null = every platform"),
    records: z.number().describe('records counted in this view'),
    withheld: z.number().describe('records of this subject the caller’s platform may not see'),
    masked: z.boolean(),
  }),
  disputed: z
    .array(z.any())
    .optional()
    .describe('records under an open objection, flagged with the objection and its deadline (due process)'),
});

export async function buildReport(
  ctx: ServerContext,
  p: Principal,
  id: string,
  asOf: string,
  target: string,
  serving?: () => void,
): Promise<z.infer<typeof ReportResponse>> {
  const viewer = SCOPED.has(p.role) ? (p.account?.jurisdiction ?? null) : null;
  // A caller whose view is every platform is answered (barring a failure) whatever the reads find, so its read is
  // logged now, alongside the reads and the explanation rather than after them (docs/decisions/0165).
  if (viewer === null) serving?.();
  // One read of the subject's records serves the report and the due-process flags, and it runs alongside the
  // due-process state (the PostgreSQL ledger answers reads one at a time, so each read saved shortens the queue).
  const [ix, all, dpState] = await Promise.all([
    ctx.decisions(),
    ctx.ledger.readSubject(id, asOf),
    dueProcessOf(ctx).then(async ({ service }) => ({ service, st: await service.state(asOf) })),
  ]);
  const subject: Subject | undefined = ix.register.get(id) ?? (await ctx.ledger.getSubject(id));
  let records = all;
  if (viewer !== null && all.length) {
    // Origins are keyed by the id's two int4 halves (decision 0178): looked up by the high half, matched on both.
    const origins = new Map<string, string>();
    const his = [...new Set(all.map((r) => idHalf(r.id, 0)))];
    const rows = await ctx.state.query<{ record_hi: number; record_lo: number; jurisdiction: string }>(
      `SELECT o.record_hi, o.record_lo, b.jurisdiction FROM {t}server_origins o
       JOIN {t}server_batch_origin b ON b.no = o.batch_no
       WHERE o.record_hi IN (${his.map((_, i) => `$${i + 1}`).join(', ')})`,
      his,
    );
    for (const r of rows) origins.set(`${Number(r.record_hi)},${Number(r.record_lo)}`, r.jurisdiction);
    // Records stored outside the server (ingest, simulation) belong to the subject's own platform.
    const home = subject?.jurisdiction ?? '';
    records = all.filter((r) =>
      ctx.jurisdictions.sees(viewer, origins.get(`${idHalf(r.id, 0)},${idHalf(r.id, 1)}`) ?? home, r.kind),
    );
  }
  if (
    viewer !== null &&
    !records.length &&
    !(subject && ctx.jurisdictions.within(viewer, subject.jurisdiction))
  )
    throw httpError(404, 'report.not_found', `no subject ${id} in the platforms this key may see`);
  // A scoped caller's answer is known once its view is: log the read now, alongside the explanation.
  if (viewer !== null) serving?.();
  const folders = new Set<string>();
  for (const j of subject ? ctx.jurisdictions.chain(subject.jurisdiction) : [])
    if (viewer === null || ctx.jurisdictions.within(viewer, j.code))
      for (const s of j.schemes) folders.add(s);
  const register: Subject[] = subject ? [subject] : [];
  for (const l of ix.register.sourcesOf(id)) {
    const s = ix.register.get(l.source);
    if (s && s.id !== id) register.push(s);
  }
  const report = explainSubject({
    id,
    register,
    records,
    packs: [...folders].map((f) => ctx.pack(f)),
    policy: ctx.policy,
    asOf,
    target,
  });
  // Open objections flag the records this view shows (due process, issue 13).
  const visible = new Set(records.map((r) => r.id));
  const { service, st } = dpState;
  const disputed = subjectReport(id, all, st, asOf, service.policy, service.calendar)
    .records.filter((r) => r.flags.length && visible.has(r.id))
    .map((r) => ({ record: r.id, kind: r.kind, flags: r.flags }));
  const out = {
    report,
    ...(disputed.length ? { disputed } : {}),
    view: {
      jurisdiction: viewer,
      records: records.length,
      withheld: all.length - records.length,
      masked: masked(p),
    },
  };
  return masked(p) ? maskDeep(out) : out;
}

export const reportsPlugin: RoutePlugin = {
  name: 'reports',
  register(app, ctx) {
    app.get(
      '/v1/subjects/:id/report',
      {
        config: {
          access: {
            roles: ['subject', 'agency', 'credit_office', 'court', 'auditor', 'admin'],
            scope: 'reports:read',
          },
        },
        // A report is about 6 KB of JSON: Zod's encode copied and checked all of it on every answer. The 200 is
        // printed through the schema's projection instead, byte-equal by test (fast-route.ts, decision 0172).
        serializerCompiler: fastSerializer,
        schema: {
          tags: ['reports'],
          summary: "A subject's credit report as of a date (a data subject may fetch only its own)",
          params: z.object({ id: SubjectId }),
          querystring: z.object({
            asOf: IsoDate.optional().describe('default: today'),
            purpose: z
              .string()
              .max(500)
              .optional()
              .describe('why the record is read (required for agencies)'),
            target: z.string().max(8).optional().describe('target grade for the counterfactuals (default A)'),
          }),
          response: { 200: ReportResponse, ...problems },
        },
      },
      async (req) => {
        const p = req.principal;
        const { id } = req.params;
        if (p.role === 'subject' && p.account?.subject !== id)
          throw httpError(403, 'auth.not_own_subject', 'a data subject may read only its own report');
        requirePurpose(p, req.query.purpose);
        const asOf = req.query.asOf ?? today();
        const log = (status: number, detail?: string) =>
          ctx.accessLog.append({
            actor: actorOf(p),
            role: p.role,
            action: 'report.read',
            target: `/v1/subjects/${id}/report?asOf=${asOf}`,
            subject: id,
            purpose: req.query.purpose ?? null,
            status,
            ...(detail ? { detail } : {}),
          });
        // The read's row is written as soon as the answer is known to be a report (see buildReport), so the
        // durable write overlaps the reads and the explanation; the answer still waits for it (decision 0165).
        let logged: Promise<AccessRow> | undefined;
        try {
          const out = await buildReport(ctx, p, id, asOf, req.query.target ?? 'A', () => {
            logged = log(200);
            // Awaited below on every path; this only keeps a failure meanwhile from counting as unhandled.
            logged.catch(() => undefined);
          });
          await (logged ?? log(200));
          return out;
        } catch (err) {
          const status = (err as { status?: number }).status ?? 500;
          const early = logged && (await logged.catch(() => undefined));
          // A read logged as answered that then failed gets a second row saying how it ended, so the chain never
          // shows a report given that was not.
          if (early) await log(status, `the read logged as row ${early.seq} was answered ${status}`);
          else await log(status);
          throw err;
        }
      },
    );
  },
};
