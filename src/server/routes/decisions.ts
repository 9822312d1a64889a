// Point-of-service decisions: may SUBJECT do ACTION on DATE — with every reason and its legal basis, and a receipt
// that is itself stored in the ledger (the implementing party's feedback to the list owner).
import { z } from 'zod';
import { isIsoDate } from '../../core/dates.js';
import { validateSubjectId } from '../../core/identifiers.js';
import { receiptFor } from '../../schemes/lists/receipts.js';
import { actorOf, IsoDate, problems, requirePurpose, SubjectId, today } from './common.js';
import { fastSerializer, fastValidator } from './fast-route.js';
import type { RoutePlugin } from './plugin.js';

const Reason = z.object({
  outcome: z.string(),
  effect: z.string(),
  list: z.string(),
  listName: z.string(),
  listed: z.string(),
  relation: z.string(),
  case: z.string().optional(),
  criterion: z.string().optional(),
  listedOn: z.string(),
  since: z.string(),
  until: z.string().nullable(),
  instrument: z.string(),
  memorandum: z.string().optional(),
  measure: z.string(),
  measureName: z.string(),
  catalogue: z.string().optional(),
  agency: z.string(),
  legalBasis: z.string(),
  marker: z.enum(['V', 'P', 'U']),
  note: z.string().optional(),
});
export const Decision = z.object({
  subject: z.string(),
  action: z.string(),
  date: z.string(),
  outcome: z.enum(['allow', 'incentive', 'restrict', 'deny']),
  reasons: z.array(Reason),
});

export const DecisionBody = z
  .object({
    subject: SubjectId,
    action: z.string().min(1).max(100),
    date: IsoDate.optional().describe('default: today'),
    purpose: z
      .string()
      .max(500)
      .optional()
      .describe('why the question is asked (required for firms and agencies)'),
    receipt: z.boolean().optional().describe('store a receipt in the ledger (default true)'),
  })
  .strict();

const BODY_KEYS = new Set(['subject', 'action', 'date', 'purpose', 'receipt']);

/**
 * `DecisionBody`'s checks without Zod, for the route's hot path: true only for a body Zod accepts unchanged (a
 * differential test in decisions-body.test.ts holds the two together); false sends the body to Zod, which decides.
 */
export function decisionBodyAccepts(b: unknown): boolean {
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return false;
  const proto: unknown = Object.getPrototypeOf(b);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in b) if (!BODY_KEYS.has(k)) return false;
  const o = b as Record<string, unknown>;
  const { subject, action, date, purpose, receipt } = o;
  if (typeof subject !== 'string' || subject.length > 18 || !validateSubjectId(subject).ok) return false;
  if (typeof action !== 'string' || action.length < 1 || action.length > 100) return false;
  if (date !== undefined && (typeof date !== 'string' || !isIsoDate(date))) return false;
  if (purpose !== undefined && (typeof purpose !== 'string' || purpose.length > 500)) return false;
  if (receipt !== undefined && typeof receipt !== 'boolean') return false;
  return true;
}

export const decisionsPlugin: RoutePlugin = {
  name: 'decisions',
  register(app, ctx) {
    app.post(
      '/v1/decisions',
      {
        config: {
          access: { roles: ['firm', 'agency', 'credit_office', 'court', 'admin'], scope: 'decisions:write' },
        },
        // The hot path: Zod stays the declaration (OpenAPI, every error), checked and printed without it when it
        // would agree (fast-route.ts, decision 0159).
        validatorCompiler: fastValidator(decisionBodyAccepts),
        serializerCompiler: fastSerializer,
        schema: {
          tags: ['decisions'],
          summary: 'May SUBJECT do ACTION on DATE? Every reason with its legal basis, and a stored receipt',
          body: DecisionBody,
          response: {
            200: z.object({
              decision: Decision,
              receipt: z.object({ id: z.string(), stored: z.boolean() }).nullable(),
            }),
            ...problems,
          },
        },
      },
      async (req) => {
        const p = req.principal;
        requirePurpose(p, req.body.purpose);
        const ix = await ctx.decisions();
        const d = ix.decide(req.body.subject, req.body.action, req.body.date ?? today());
        let receipt: { id: string; stored: boolean } | null = null;
        if (req.body.receipt !== false) {
          const r = receiptFor(d, { agency: p.account?.agency ?? `platform:${p.account?.id ?? 'public'}` });
          await ctx.receipts.add(r);
          receipt = { id: r.id, stored: true };
        }
        await ctx.accessLog.append({
          actor: actorOf(p),
          role: p.role,
          action: 'decision',
          target: `${d.action}@${d.date}`,
          subject: d.subject,
          purpose: req.body.purpose ?? null,
          status: 200,
          detail: `${d.outcome}${receipt ? ` receipt ${receipt.id}` : ''}`,
        });
        return { decision: d, receipt };
      },
    );
  },
};
