// GET /v1/me: who the presented key stands for (role, name, and for a data subject its own identifier), so a client
// that holds only a key (the web app's "My record") knows whose report to ask for. Added for the web app (issue 14).
import { z } from 'zod';
import { ROLES } from '../auth.js';
import { maskText } from '../mask.js';
import { problems } from './common.js';
import type { RoutePlugin } from './plugin.js';

const Me = z.object({
  role: z.enum(ROLES),
  name: z.string().nullable(),
  subject: z.string().nullable().describe("a data subject's own resident ID or USCC (in full: it is theirs)"),
  jurisdiction: z.string().nullable(),
  agency: z.string().nullable(),
  scopes: z.array(z.string()),
});

export const mePlugin: RoutePlugin = {
  name: 'me',
  register(app) {
    app.get(
      '/v1/me',
      {
        config: { access: { roles: ROLES } },
        schema: {
          tags: ['accounts'],
          summary: 'The account behind the presented key (role, name, own subject); public without a key',
          response: { 200: Me, ...problems },
        },
      },
      async (req) => {
        const p = req.principal;
        const a = p.account;
        return {
          role: p.role,
          // Account names are free text an administrator typed; an identifier in one is masked like any public text.
          name: a ? maskText(a.name) : null,
          subject: a?.subject ?? null,
          jurisdiction: a?.jurisdiction ?? null,
          agency: a?.agency ?? null,
          scopes: [...p.scopes],
        };
      },
    );
  },
};
