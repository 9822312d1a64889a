// Due process over HTTP: evidence upload, objections (file, refer, decide, withdraw), publications and repairs
// (apply, forward, decide), a subject's due-process report with flags, and the overdue KPI per body.
import { z } from 'zod';
import { fromEpochDay } from '../../core/dates.js';
import { validateSubjectId } from '../../core/identifiers.js';
import type { ObjectionState } from '../../dueprocess/objection.js';
import type { RepairState } from '../../dueprocess/repair.js';
import { TARGETS } from '../../dueprocess/schema.js';
import type { Principal } from '../auth.js';
import type { ServerContext } from '../context.js';
import { dueProcessOf } from '../dueprocess-store.js';
import { maskDeep } from '../mask.js';
import { httpError } from '../problem.js';
import { actorOf, IsoDate, masked, problems, requirePurpose, SubjectId, today } from './common.js';
import type { RoutePlugin } from './plugin.js';

const EvidenceRef = z.object({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(1),
  type: z.string(),
  name: z.string().max(200),
});
const Day = IsoDate.optional().describe(
  'the day of the act (default: today); never before the last recorded act',
);
/** What every view of an objection shows (the queue adds lateness, the full view its evidence and rule). */
export const ObjectionCore = z.object({
  id: z.string(),
  subject: z.string(),
  target: z.object({ type: z.string(), ref: z.string() }),
  channel: z.string(),
  body: z.string(),
  receivedOn: z.string(),
  due: z.string(),
  limit: z.string(),
  status: z.string(),
  closedOn: z.string().optional(),
});
const Objection = ObjectionCore.extend({
  corrections: z.array(z.string()),
  evidence: z.array(EvidenceRef),
  basis: z.string(),
  ruleVersion: z.string(),
}).describe('an objection and its statutory deadline');
const Repair = z.object({
  id: z.string(),
  subject: z.string(),
  publication: z.string(),
  regime: z.string(),
  class: z.string(),
  status: z.string(),
  body: z.string(),
  intake: z.string(),
  appliedOn: z.string(),
  checks: z.array(z.object({ code: z.string(), ok: z.boolean(), message: z.string(), marker: z.string() })),
  deadlines: z.array(
    z.object({ step: z.string(), by: z.string(), due: z.string(), done: z.string().optional() }),
  ),
  ruleVersion: z.string(),
});

/** The service is shared; its answers carry the rule version that made them. */
async function dp(ctx: ServerContext) {
  return (await dueProcessOf(ctx)).service;
}

function objectionOut(o: ObjectionState, version: string, basis: string): z.infer<typeof Objection> {
  return {
    id: o.id,
    subject: o.subject,
    target: o.target,
    channel: o.channel,
    body: o.body,
    receivedOn: fromEpochDay(o.received),
    due: fromEpochDay(o.due),
    limit: o.limit,
    status: o.status,
    ...(o.closed !== undefined ? { closedOn: fromEpochDay(o.closed) } : {}),
    corrections: o.corrections,
    evidence: o.evidence,
    basis,
    ruleVersion: version,
  };
}

/** What every view of a repair application shows of it (the subject's, the console's queue). */
export function repairHead(r: RepairState) {
  return {
    id: r.id,
    subject: r.subject,
    publication: r.publication,
    regime: r.regime,
    class: r.class,
    status: r.status,
    body: r.body,
    intake: r.intake,
    appliedOn: fromEpochDay(r.applied),
  };
}

function repairOut(r: RepairState, version: string): z.infer<typeof Repair> {
  return {
    ...repairHead(r),
    checks: r.checks,
    deadlines: r.deadlines.map((d) => ({
      step: d.step,
      by: d.by,
      due: fromEpochDay(d.due),
      ...(d.done !== undefined ? { done: fromEpochDay(d.done) } : {}),
    })),
    ruleVersion: version,
  };
}

/** A data subject acts only for itself. */
function ownSubject(p: Principal, subject: string): void {
  if (p.role === 'subject' && p.account?.subject !== subject)
    throw httpError(403, 'auth.not_own_subject', 'a data subject may act only for itself');
}

/** Only the body that must answer (its agency account), a credit office or an admin decides. */
function answeringBody(p: Principal, body: string): void {
  if ((p.role === 'agency' || p.role === 'court') && p.account?.agency !== body)
    throw httpError(403, 'auth.not_answering_body', `only ${body} (or a credit office) may act on this`);
}

async function logWrite(
  ctx: ServerContext,
  p: Principal,
  action: string,
  target: string,
  subject: string | null,
) {
  await ctx.accessLog.append({ actor: actorOf(p), role: p.role, action, target, subject, status: 200 });
}

/** Acts of the filer (the subject or its agent); the others are the answering body's. */
const BY_FILER = new Set(['withdraw', 'evidence']);

export const dueProcessPlugin: RoutePlugin = {
  name: 'dueprocess',
  register(app, ctx) {
    const WRITE = ['subject', 'agency', 'court', 'credit_office', 'admin'] as const;
    app.post(
      '/v1/evidence',
      {
        bodyLimit: 16 * 1024 * 1024,
        config: { access: { roles: WRITE, scope: 'objections:write' } },
        schema: {
          tags: ['due process'],
          summary: 'Upload an evidence file (base64); stored once by SHA-256, size and type limited',
          body: z.object({
            name: z.string().min(1).max(200),
            type: z.string().min(1).max(100),
            content: z.string().min(1).describe('the file, base64'),
          }),
          response: { 200: EvidenceRef, ...problems, 413: problems[400] },
        },
      },
      async (req) => {
        const { evidence } = await dueProcessOf(ctx);
        const bytes = new Uint8Array(Buffer.from(req.body.content, 'base64'));
        if (bytes.length > evidence.limits.max_bytes)
          throw httpError(
            413,
            'evidence.too_large',
            `${bytes.length} bytes exceeds ${evidence.limits.max_bytes}`,
          );
        const ref = await evidence.put(bytes, req.body.name, req.body.type);
        await logWrite(ctx, req.principal, 'evidence.upload', `/v1/evidence/${ref.sha256}`, null);
        return ref;
      },
    );

    app.post(
      '/v1/objections',
      {
        config: { access: { roles: ['subject', 'credit_office', 'admin'], scope: 'objections:write' } },
        schema: {
          tags: ['due process'],
          summary:
            'Object to a record, a list entry, a publication or a repair result; routed to the body that produced the data, with its statutory deadline',
          body: z.object({
            subject: SubjectId,
            target: z.object({ type: z.enum(TARGETS), ref: z.string().min(1).max(100) }),
            reasons: z.string().min(1).max(5000),
            evidence: z.array(EvidenceRef).max(50).optional(),
            day: Day,
          }),
          response: { 200: Objection, ...problems },
        },
      },
      async (req) => {
        const p = req.principal;
        ownSubject(p, req.body.subject);
        const svc = await dp(ctx);
        const o = await svc.fileObjection({
          subject: req.body.subject,
          filer: actorOf(p),
          agent: p.role !== 'subject',
          target: req.body.target,
          reasons: req.body.reasons,
          evidence: req.body.evidence ?? [],
          day: req.body.day ?? today(),
        });
        await logWrite(ctx, p, 'objection.file', `/v1/objections/${o.id}`, o.subject);
        return objectionOut(o, svc.policy.version, svc.policy.channel(o.channel).basis);
      },
    );

    const objectionParams = z.object({ id: z.string().min(1).max(40) });
    app.get(
      '/v1/objections/:id',
      {
        config: {
          access: {
            roles: ['subject', 'agency', 'court', 'credit_office', 'auditor', 'admin'],
            scope: 'dueprocess:read',
          },
        },
        schema: {
          tags: ['due process'],
          summary: 'An objection with its deadline and outcome',
          params: objectionParams,
          response: { 200: Objection, ...problems },
        },
      },
      async (req) => {
        const svc = await dp(ctx);
        const o = (await svc.state()).objections.get(req.params.id);
        if (!o) throw httpError(404, 'objection.not_found', `no objection ${req.params.id}`);
        ownSubject(req.principal, o.subject);
        answeringBody(req.principal, o.body);
        const out = objectionOut(o, svc.policy.version, svc.policy.channel(o.channel).basis);
        return masked(req.principal) ? maskDeep(out) : out;
      },
    );

    const act = (
      path: string,
      summary: string,
      body: z.ZodObject,
      run: (id: string, b: never, p: Principal) => Promise<ObjectionState>,
    ) =>
      app.post(
        `/v1/objections/:id/${path}`,
        {
          config: {
            access: {
              roles: BY_FILER.has(path)
                ? ['subject', 'credit_office', 'admin']
                : ['agency', 'court', 'credit_office', 'admin'],
              scope: 'objections:write',
            },
          },
          schema: {
            tags: ['due process'],
            summary,
            params: objectionParams,
            body,
            response: { 200: Objection, ...problems },
          },
        },
        async (req) => {
          const svc = await dp(ctx);
          const before = (await svc.state()).objections.get(req.params.id);
          if (!before) throw httpError(404, 'objection.not_found', `no objection ${req.params.id}`);
          if (BY_FILER.has(path)) ownSubject(req.principal, before.subject);
          else answeringBody(req.principal, before.body);
          const o = await run(req.params.id, req.body as never, req.principal);
          await logWrite(ctx, req.principal, `objection.${path}`, `/v1/objections/${o.id}`, o.subject);
          return objectionOut(o, svc.policy.version, svc.policy.channel(o.channel).basis);
        },
      );
    act(
      'refer',
      'Refer to other units (switches to the extended limit where the channel has one)',
      z.object({ reason: z.string().min(1).max(2000), day: Day }),
      async (id, b: { reason: string; day?: string }) =>
        (await dp(ctx)).referObjection(id, b.day ?? today(), b.reason),
    );
    act(
      'withdraw',
      'Withdraw an objection (its filer)',
      z.object({ day: Day }),
      async (id, b: { day?: string }) => (await dp(ctx)).withdrawObjection(id, b.day ?? today()),
    );
    act(
      'evidence',
      'Add evidence to an open objection',
      z.object({ evidence: z.array(EvidenceRef).min(1).max(50), day: Day }),
      async (id, b: { evidence: z.infer<typeof EvidenceRef>[]; day?: string }) =>
        (await dp(ctx)).addEvidence(id, b.day ?? today(), b.evidence),
    );
    act(
      'decide',
      'Decide: upheld or partly upheld (the record is corrected or withdrawn by a new superseding record) or rejected with reasons',
      z.object({
        outcome: z.enum(['upheld', 'partly_upheld', 'rejected']),
        reasons: z.string().max(5000),
        corrections: z
          .array(
            z.union([
              z.object({ record: z.string(), action: z.literal('withdraw') }),
              z.object({
                record: z.string(),
                action: z.literal('correct'),
                set: z
                  .object({
                    kind: z.string().optional(),
                    occurredAt: IsoDate.optional(),
                    amount: z.number().min(0).optional(),
                    severity: z.string().optional(),
                    basis: z.string().min(1).optional(),
                  })
                  .strict(),
              }),
            ]),
          )
          .max(100)
          .optional(),
        day: Day,
      }),
      async (
        id,
        b: {
          outcome: 'upheld' | 'partly_upheld' | 'rejected';
          reasons: string;
          corrections?: never[];
          day?: string;
        },
      ) => {
        const svc = await dp(ctx);
        const { objection, records } = await svc.decideObjection({
          objection: id,
          day: b.day ?? today(),
          outcome: b.outcome,
          reasons: b.reasons,
          corrections: b.corrections ?? [],
        });
        if (records.length) await ctx.stored(records);
        return objection;
      },
    );

    app.get(
      '/v1/dueprocess/overdue',
      {
        config: { access: { roles: ['credit_office', 'auditor', 'admin'], scope: 'dueprocess:read' } },
        schema: {
          tags: ['due process'],
          summary:
            'Overdue objections and repair steps per body, with working days late (a credit office KPI)',
          querystring: z.object({ asOf: IsoDate.optional() }),
          response: {
            200: z.object({
              asOf: z.string(),
              ruleVersion: z.string(),
              calendar: z.string(),
              bodies: z.array(z.any()),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const svc = await dp(ctx);
        const asOf = req.query.asOf ?? today();
        const out = {
          asOf,
          ruleVersion: svc.policy.version,
          calendar: svc.calendar.version,
          bodies: await svc.overdue(asOf),
        };
        return masked(req.principal) ? maskDeep(out) : out;
      },
    );

    app.post(
      '/v1/publications',
      {
        config: {
          access: { roles: ['agency', 'court', 'credit_office', 'admin'], scope: 'publications:write' },
        },
        schema: {
          tags: ['due process'],
          summary:
            'Publish a stored record under a regime family and class (publication periods count from this day)',
          body: z.object({
            subject: SubjectId,
            record: z.string().min(1).max(40),
            family: z.string().min(1).max(60),
            class: z.string().min(1).max(60),
            decided: IsoDate.optional(),
            restrictionMonths: z.number().int().min(1).max(1200).optional(),
            day: Day,
          }),
          response: { 200: z.object({ id: z.string(), countdown: z.any() }), ...problems },
        },
      },
      async (req) => {
        const svc = await dp(ctx);
        const b = req.body;
        const day = b.day ?? today();
        const rec = (await ctx.ledger.readSubject(b.subject, day)).find((r) => r.id === b.record);
        if (rec) answeringBody(req.principal, rec.agency);
        const pub = await svc.publish({
          subject: b.subject,
          record: b.record,
          family: b.family,
          class: b.class,
          day,
          ...(b.decided ? { decided: b.decided } : {}),
          ...(b.restrictionMonths ? { restrictionMonths: b.restrictionMonths } : {}),
        });
        await logWrite(ctx, req.principal, 'publication.publish', `/v1/publications/${pub.id}`, pub.subject);
        const [cd] = (await svc.countdowns(b.subject, day)).filter((c) => c.publication === pub.id);
        return { id: pub.id, countdown: cd };
      },
    );
    app.post(
      '/v1/publications/:id/corrected',
      {
        config: {
          access: { roles: ['agency', 'court', 'credit_office', 'admin'], scope: 'publications:write' },
        },
        schema: {
          tags: ['due process'],
          summary: 'Record that the conduct was corrected (publication then stops at the maximum period)',
          params: objectionParams,
          body: z.object({ evidence: z.array(EvidenceRef).max(50).optional(), day: Day }),
          response: { 200: z.object({ id: z.string(), corrected: z.string() }), ...problems },
        },
      },
      async (req) => {
        const svc = await dp(ctx);
        const pub = (await svc.state()).publications.get(req.params.id);
        if (!pub) throw httpError(404, 'publication.not_found', `no publication ${req.params.id}`);
        answeringBody(req.principal, pub.body);
        const next = await svc.markCorrected(pub.id, req.body.day ?? today(), req.body.evidence ?? []);
        await logWrite(
          ctx,
          req.principal,
          'publication.corrected',
          `/v1/publications/${pub.id}`,
          pub.subject,
        );
        return { id: next.id, corrected: fromEpochDay(next.corrected!) };
      },
    );

    app.post(
      '/v1/repairs',
      {
        config: { access: { roles: ['subject', 'credit_office', 'admin'], scope: 'repairs:write' } },
        schema: {
          tags: ['due process'],
          summary:
            'Apply for credit repair: the conditions of the regime in force are checked and each unmet one stated; an eligible application is routed with its time limits',
          body: z.object({
            publication: z.string().min(1).max(40),
            facts: z
              .record(z.string(), z.boolean())
              .describe('declared conditions, e.g. corrected, credit_commitment'),
            evidence: z.array(EvidenceRef).max(50).optional(),
            check: z.boolean().optional().describe('only check, do not file'),
            day: Day,
          }),
          response: { 200: Repair, ...problems },
        },
      },
      async (req) => {
        const svc = await dp(ctx);
        const pub = (await svc.state()).publications.get(req.body.publication);
        if (!pub) throw httpError(404, 'publication.not_found', `no publication ${req.body.publication}`);
        ownSubject(req.principal, pub.subject);
        const day = req.body.day ?? today();
        if (req.body.check) {
          const c = svc.checkRepair(pub.id, day, req.body.facts);
          return {
            id: '',
            subject: pub.subject,
            publication: pub.id,
            regime: c.regime,
            class: c.class,
            status: c.eligible ? 'eligible' : 'not_eligible',
            body: pub.body,
            intake: '',
            appliedOn: day,
            checks: c.checks,
            deadlines: [],
            ruleVersion: svc.policy.version,
          };
        }
        const r = await svc.applyRepair({
          publication: pub.id,
          day,
          facts: req.body.facts,
          evidence: req.body.evidence ?? [],
        });
        await logWrite(ctx, req.principal, 'repair.apply', `/v1/repairs/${r.id}`, r.subject);
        return repairOut(r, svc.policy.version);
      },
    );
    const repairAct = (path: 'forward' | 'decide', summary: string, body: z.ZodObject) =>
      app.post(
        `/v1/repairs/:id/${path}`,
        {
          config: {
            access: {
              roles:
                path === 'forward'
                  ? ['credit_office', 'admin']
                  : ['agency', 'court', 'credit_office', 'admin'],
              scope: 'repairs:write',
            },
          },
          schema: {
            tags: ['due process'],
            summary,
            params: objectionParams,
            body,
            response: { 200: Repair, ...problems },
          },
        },
        async (req) => {
          const svc = await dp(ctx);
          const r = (await svc.state()).repairs.get(req.params.id);
          if (!r) throw httpError(404, 'repair.not_found', `no repair ${req.params.id}`);
          const b = req.body as { day?: string; outcome?: 'granted' | 'refused'; reasons?: string };
          const day = b.day ?? today();
          let next: RepairState;
          if (path === 'forward') next = await svc.forwardRepair(r.id, day);
          else {
            answeringBody(req.principal, r.body);
            next = await svc.decideRepair(r.id, day, b.outcome!, b.reasons ?? '');
          }
          await logWrite(ctx, req.principal, `repair.${path}`, `/v1/repairs/${r.id}`, r.subject);
          return repairOut(next, svc.policy.version);
        },
      );
    repairAct(
      'forward',
      'Credit China forwards the application to the designating body (within 10 working days)',
      z.object({ day: Day }),
    );
    repairAct(
      'decide',
      'The designating body decides (within 3 working days of receipt); a grant stops publication',
      z.object({ outcome: z.enum(['granted', 'refused']), reasons: z.string().max(5000), day: Day }),
    );

    app.get(
      '/v1/subjects/:id/dueprocess',
      {
        config: {
          access: {
            roles: ['subject', 'agency', 'court', 'credit_office', 'auditor', 'admin'],
            scope: 'reports:read',
          },
        },
        schema: {
          tags: ['due process'],
          summary:
            "A subject's records as of a date with open objections flagged, its publications with countdowns, objections and repairs",
          params: z.object({ id: SubjectId }),
          querystring: z.object({ asOf: IsoDate.optional(), purpose: z.string().max(500).optional() }),
          response: { 200: z.any(), ...problems },
        },
      },
      async (req) => {
        const p = req.principal;
        ownSubject(p, req.params.id);
        requirePurpose(p, req.query.purpose);
        const asOf = req.query.asOf ?? today();
        const svc = await dp(ctx);
        const report = await svc.report(req.params.id, asOf);
        await ctx.accessLog.append({
          actor: actorOf(p),
          role: p.role,
          action: 'dueprocess.read',
          target: `/v1/subjects/${req.params.id}/dueprocess?asOf=${asOf}`,
          subject: req.params.id,
          purpose: req.query.purpose ?? null,
          status: 200,
        });
        return masked(p) ? maskDeep(report) : report;
      },
    );
  },
};

/** Open-objection flags for the credit report (a hook the reports route calls; see report-hooks.ts). */
export async function disputedRecords(ctx: ServerContext, subject: string, asOf: string) {
  if (!validateSubjectId(subject).ok) return [];
  const svc = await dp(ctx);
  const report = await svc.report(subject, asOf);
  return report.records
    .filter((r) => r.flags.length)
    .map((r) => ({ record: r.id, kind: r.kind, flags: r.flags }));
}
