// Health, metrics (Prometheus text format) and the public directory of jurisdictions.
import { z } from 'zod';
import { ROLES } from '../auth.js';
import { JurisdictionSchema } from '../jurisdictions.js';
import type { RoutePlugin } from './plugin.js';

export const healthPlugin: RoutePlugin = {
  name: 'health',
  register(app, ctx) {
    const open = { access: { roles: ROLES } };
    app.get(
      '/health',
      {
        config: open,
        schema: {
          tags: ['health'],
          summary: 'Liveness and storage',
          response: { 200: z.object({ status: z.literal('ok'), ledger: z.string(), records: z.number() }) },
        },
      },
      async () => ({ status: 'ok' as const, ledger: ctx.ledger.adapter, records: await ctx.ledger.count() }),
    );
    app.get(
      '/metrics',
      { config: open, schema: { tags: ['health'], summary: 'Prometheus metrics', produces: ['text/plain'] } },
      async (_req, reply) => {
        const [records, feed] = [await ctx.ledger.count(), await ctx.feed.head()];
        return reply
          .type('text/plain; version=0.0.4')
          .send(ctx.metrics.render({ mosaic_ledger_records: records, mosaic_feed_head: feed }));
      },
    );
    app.get(
      '/v1/jurisdictions',
      {
        config: open,
        schema: {
          tags: ['jurisdictions'],
          summary: 'The platforms this server hosts, with their schemes, lists and what they share upward',
          response: { 200: z.object({ jurisdictions: z.array(JurisdictionSchema) }) },
        },
      },
      async () => ({ jurisdictions: ctx.jurisdictions.all() }),
    );
  },
};
