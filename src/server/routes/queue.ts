// GET /v1/objections: the credit office's queue of objections with their deadlines and working days overdue (the
// lateness comes from the overdue KPI, so the queue and the KPI cannot disagree). Added for the web app (issue 14).
import { z } from 'zod';
import { fromEpochDay } from '../../core/dates.js';
import { dueProcessOf } from '../dueprocess-store.js';
import { maskDeep } from '../mask.js';
import { IsoDate, masked, problems, today } from './common.js';
import { ObjectionCore } from './dueprocess.js';
import type { RoutePlugin } from './plugin.js';

const Item = ObjectionCore.extend({
  workingDaysLate: z.number().describe('working days past the deadline (0 while within it)'),
});

export const queuePlugin: RoutePlugin = {
  name: 'objection-queue',
  register(app, ctx) {
    app.get(
      '/v1/objections',
      {
        config: { access: { roles: ['credit_office', 'auditor', 'admin'], scope: 'dueprocess:read' } },
        schema: {
          tags: ['due process'],
          summary:
            'The objection queue as of a date: open ones (default) or all, earliest deadline first, with working days overdue',
          querystring: z.object({
            asOf: IsoDate.optional(),
            status: z.enum(['open', 'all']).optional().describe('default: open'),
          }),
          response: {
            200: z.object({
              asOf: z.string(),
              ruleVersion: z.string(),
              calendar: z.string(),
              objections: z.array(Item),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const { service } = await dueProcessOf(ctx);
        const asOf = req.query.asOf ?? today();
        const all = req.query.status === 'all';
        const late = new Map<string, number>();
        for (const b of await service.overdue(asOf))
          for (const i of b.items) if (i.kind === 'objection') late.set(i.id, i.workingDaysLate);
        const st = await service.state(asOf);
        const objections = [...st.objections.values()]
          .filter((o) => all || o.closed === undefined)
          .sort((a, b) => a.due - b.due || (a.id < b.id ? -1 : 1))
          .map((o) => ({
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
            workingDaysLate: late.get(o.id) ?? 0,
          }));
        const out = {
          asOf,
          ruleVersion: service.policy.version,
          calendar: service.calendar.version,
          objections,
        };
        return masked(req.principal) ? maskDeep(out) : out;
      },
    );
  },
};
