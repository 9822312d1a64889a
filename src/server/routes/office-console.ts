// The credit office's read-only console views for the web app (issue 14): the repair queue, the publications it
// manages with their countdowns, the conditions a repair must meet, and the KPI dashboard (timeliness, overdue
// objections, record volumes by agency). Writes stay on the due-process routes; these only read.
import { z } from 'zod';
import { fromEpochDay, toEpochDay } from '../../core/dates.js';
import { countdown } from '../../dueprocess/publication.js';
import type { Principal } from '../auth.js';
import { dueProcessOf } from '../dueprocess-store.js';
import { repairHead } from './dueprocess.js';
import { maskDeep } from '../mask.js';
import { httpError } from '../problem.js';
import { IsoDate, masked, problems, today } from './common.js';
import type { RoutePlugin } from './plugin.js';

const OFFICE = { roles: ['credit_office', 'auditor', 'admin'] as const, scope: 'dueprocess:read' };
const Status = z.enum(['open', 'all']).optional().describe('default: open');
const AsOf = z.object({ asOf: IsoDate.optional(), status: Status });

const RepairItem = z.object({
  id: z.string(),
  subject: z.string(),
  publication: z.string(),
  regime: z.string(),
  class: z.string(),
  status: z.string(),
  body: z.string(),
  intake: z.string(),
  appliedOn: z.string(),
  next: z
    .object({ step: z.string(), by: z.string(), due: z.string(), workingDaysLate: z.number() })
    .nullable()
    .describe('the step owed now, its body and limit (null when nothing is owed)'),
});
const PublicationItem = z.object({
  id: z.string(),
  subject: z.string(),
  record: z.string(),
  family: z.string(),
  body: z.string(),
  corrected: z.string().nullable().describe('the day the conduct was recorded corrected'),
  countdown: z.any().describe('as the subject report gives it: shown, showUntil, daysLeft, repairableFrom'),
});
const Bilingual = { en: z.string(), zh: z.string() };
const InForce = z.object({
  family: z.string(),
  regime: z.string(),
  ...Bilingual,
  classes: z.array(z.object({ code: z.string(), ...Bilingual, published: z.boolean() })),
});
const Kpis = z.object({
  asOf: z.string(),
  from: z.string(),
  ruleVersion: z.string(),
  calendar: z.string(),
  timeliness: z.array(
    z.object({
      body: z.string(),
      due: z.number(),
      onTime: z.number(),
      late: z.number(),
      overdue: z.number(),
      onTimeShare: z.number().nullable().describe('onTime / due; null when nothing fell due'),
      maxWorkingDaysLate: z.number(),
    }),
  ),
  objections: z.object({
    byStatus: z.record(z.string(), z.number()),
    open: z.number(),
    overdue: z.number().describe('open past their statutory limit'),
    filedInPeriod: z.number(),
  }),
  records: z
    .array(
      z.object({
        agency: z.string(),
        reported: z.number().describe('statements reported in [from, asOf]'),
        corrections: z.number(),
        withdrawals: z.number(),
        medianLagDays: z.number().nullable().describe('median days from the act to its report'),
      }),
    )
    .describe('record volumes by agency (the reporting side of timeliness)'),
});

const out = <T>(p: Principal, body: T): T => (masked(p) ? maskDeep(body) : body);

/** Median of a small integer sample (the lag of one agency's reports in the period). */
function median(xs: number[]): number | null {
  if (!xs.length) return null;
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m]! : (xs[m - 1]! + xs[m]!) / 2;
}

export const officeConsolePlugin: RoutePlugin = {
  name: 'office',
  register(app, ctx) {
    app.get(
      '/v1/repairs',
      {
        config: { access: OFFICE },
        schema: {
          tags: ['due process'],
          summary:
            'The repair queue as of a date: open applications (default) or all, with the step owed and its limit',
          querystring: AsOf,
          response: {
            200: z.object({
              asOf: z.string(),
              ruleVersion: z.string(),
              calendar: z.string(),
              repairs: z.array(RepairItem),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const { service } = await dueProcessOf(ctx);
        const asOf = req.query.asOf ?? today();
        const day = toEpochDay(asOf);
        const late = new Map<string, number>();
        for (const b of await service.overdue(asOf))
          for (const i of b.items)
            if (i.kind === 'repair' && !i.done) late.set(`${i.id}/${i.step}`, i.workingDaysLate);
        const st = await service.state(asOf);
        const repairs = [...st.repairs.values()]
          .map((r) => {
            const owed = r.deadlines.find((d) => d.done === undefined || d.done > day);
            return {
              ...repairHead(r),
              next: owed
                ? {
                    step: owed.step,
                    by: owed.by,
                    due: fromEpochDay(owed.due),
                    workingDaysLate: late.get(`${r.id}/${owed.step}`) ?? 0,
                  }
                : null,
            };
          })
          .filter((r) => req.query.status === 'all' || r.next !== null)
          .sort((a, b) => (a.next?.due ?? '~').localeCompare(b.next?.due ?? '~') || a.id.localeCompare(b.id));
        return out(req.principal, {
          asOf,
          ruleVersion: service.policy.version,
          calendar: service.calendar.version,
          repairs,
        });
      },
    );

    app.get(
      '/v1/publications',
      {
        config: { access: OFFICE },
        schema: {
          tags: ['due process'],
          summary:
            'Publications as of a date with their countdowns: shown ones (default) or all (list management in the console)',
          querystring: AsOf,
          response: {
            200: z.object({
              asOf: z.string(),
              ruleVersion: z.string(),
              publications: z.array(PublicationItem),
              regimes: z
                .array(InForce)
                .describe('the regime of each family in force on asOf, for publishing'),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const { service } = await dueProcessOf(ctx);
        const asOf = req.query.asOf ?? today();
        const day = toEpochDay(asOf);
        const st = await service.state(asOf);
        const publications = [...st.publications.values()]
          .filter((p) => p.published <= day)
          .map((p) => ({
            id: p.id,
            subject: p.subject,
            record: p.record,
            family: p.family,
            body: p.body,
            corrected: p.corrected !== undefined && p.corrected <= day ? fromEpochDay(p.corrected) : null,
            countdown: countdown(p, day, service.policy, service.calendar),
          }))
          .filter((p) => req.query.status === 'all' || p.countdown.shown)
          .sort(
            (a, b) =>
              a.countdown.publishedOn.localeCompare(b.countdown.publishedOn) || a.id.localeCompare(b.id),
          );
        const regimes = service.policy.publication.regimes
          .filter((r) => r.from <= asOf && (!r.to || asOf <= r.to))
          .map((r) => ({
            family: r.family,
            regime: r.code,
            en: r.en,
            zh: r.zh,
            classes: r.classes.map((c) => ({ code: c.code, en: c.en, zh: c.zh, published: c.published })),
          }));
        return out(req.principal, { asOf, ruleVersion: service.policy.version, publications, regimes });
      },
    );

    app.get(
      '/v1/publications/:id/conditions',
      {
        config: {
          access: { roles: ['subject', 'credit_office', 'auditor', 'admin'], scope: 'dueprocess:read' },
        },
        schema: {
          tags: ['due process'],
          summary:
            'What a repair of this publication must show under the regime in force on a date (the facts to declare, in both languages)',
          params: z.object({ id: z.string().min(1).max(40) }),
          querystring: z.object({ asOf: IsoDate.optional() }),
          response: {
            200: z.object({
              publication: z.string(),
              regime: z.string(),
              class: z.string(),
              earlyStop: z.boolean(),
              repairableFrom: z.string().nullable(),
              conditions: z.array(
                z.object({
                  code: z.string(),
                  check: z.string(),
                  fact: z
                    .string()
                    .nullable()
                    .describe('the fact the applicant declares (null: checked by date)'),
                  en: z.string(),
                  zh: z.string(),
                  marker: z.string(),
                }),
              ),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const { service } = await dueProcessOf(ctx);
        const pub = (await service.state()).publications.get(req.params.id);
        if (!pub) throw httpError(404, 'publication.not_found', `no publication ${req.params.id}`);
        if (req.principal.role === 'subject' && req.principal.account?.subject !== pub.subject)
          throw httpError(403, 'auth.not_own_subject', 'a data subject may read only its own publications');
        const asOf = req.query.asOf ?? today();
        const day = Math.max(toEpochDay(asOf), pub.published);
        const regime = service.policy.regimeOn(pub.family, day);
        const cls = service.policy.classOf(regime, pub.class);
        const cd = countdown(pub, day, service.policy, service.calendar);
        return out(req.principal, {
          publication: pub.id,
          regime: regime.code,
          class: cls.code,
          earlyStop: cls.early_stop,
          repairableFrom: cd.repairableFrom ?? null,
          conditions: regime.conditions
            .filter((c) => !c.classes || c.classes.includes(cls.code))
            .map((c) => ({
              code: c.code,
              check: c.check,
              fact: c.fact ?? null,
              en: c.en,
              zh: c.zh,
              marker: c.marker,
            })),
        });
      },
    );

    app.get(
      '/v1/office/kpis',
      {
        config: { access: OFFICE },
        schema: {
          tags: ['due process'],
          summary:
            'The KPIs a credit office is judged on, as of a date: timeliness per body, overdue objections, record volumes and reporting lag by agency',
          querystring: z.object({
            asOf: IsoDate.optional(),
            from: IsoDate.optional().describe('start of the period (default: 365 days before asOf)'),
          }),
          response: { 200: Kpis, ...problems },
        },
      },
      async (req) => {
        const { service } = await dueProcessOf(ctx);
        const asOf = req.query.asOf ?? today();
        const end = toEpochDay(asOf);
        const start = req.query.from ? toEpochDay(req.query.from) : end - 365;
        if (start > end)
          throw httpError(400, 'kpi.bad_period', `from ${fromEpochDay(start)} is after asOf ${asOf}`, {
            path: ['querystring', 'from'],
          });
        const bodies = await service.overdue(asOf);
        const st = await service.state(asOf);
        const byStatus: Record<string, number> = {};
        let open = 0;
        let filed = 0;
        for (const o of st.objections.values()) {
          byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
          if (o.closed === undefined) open++;
          if (o.received >= start && o.received <= end) filed++;
        }
        const overdueOpen = bodies.reduce(
          (n, b) => n + b.items.filter((i) => i.kind === 'objection' && !i.done).length,
          0,
        );
        // Volumes come from the ledger's columns: what each agency reported in the period, as known on asOf.
        const cols = await ctx.ledger.scan();
        const per = cols.agencies.map(() => ({
          reported: 0,
          corrections: 0,
          withdrawals: 0,
          lags: [] as number[],
        }));
        for (let i = 0; i < cols.length; i++) {
          const rep = cols.reported[i]!;
          if (rep < start || rep > end) continue;
          const a = per[cols.agency[i]!]!;
          a.reported++;
          if (cols.status[i] === 1) a.corrections++;
          else if (cols.status[i] === 2) a.withdrawals++;
          a.lags.push(rep - cols.occurred[i]!);
        }
        const records = cols.agencies
          .map((agency, k) => ({
            agency,
            reported: per[k]!.reported,
            corrections: per[k]!.corrections,
            withdrawals: per[k]!.withdrawals,
            medianLagDays: median(per[k]!.lags),
          }))
          .filter((r) => r.reported > 0)
          .sort((a, b) => b.reported - a.reported || a.agency.localeCompare(b.agency));
        return out(req.principal, {
          asOf,
          from: fromEpochDay(start),
          ruleVersion: service.policy.version,
          calendar: service.calendar.version,
          timeliness: bodies.map((b) => ({
            body: b.body,
            due: b.due,
            onTime: b.onTime,
            late: b.late,
            overdue: b.overdue,
            onTimeShare: b.due ? b.onTime / b.due : null,
            maxWorkingDaysLate: b.maxWorkingDaysLate,
          })),
          objections: { byStatus, open, overdue: overdueOpen, filedInPeriod: filed },
          records,
        });
      },
    );
  },
};
