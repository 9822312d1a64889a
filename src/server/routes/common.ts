// Schemas and helpers shared by the route plugins: dates, identifiers, problem responses, who is asking.
import { z } from 'zod';
import { isIsoDate } from '../../core/dates.js';
import { validateSubjectId } from '../../core/identifiers.js';
import type { Principal } from '../auth.js';
import { httpError } from '../problem.js';

export const IsoDate = z.string().refine(isIsoDate, 'a YYYY-MM-DD date');
export const SubjectId = z
  .string()
  .max(18)
  .refine((s) => validateSubjectId(s).ok, 'a valid resident ID number (GB 11643) or USCC (GB 32100)');

export const IssueSchema = z.object({
  code: z.string(),
  message: z.string(),
  location: z
    .object({
      file: z.string().optional(),
      line: z.number().optional(),
      column: z.number().optional(),
      path: z.array(z.union([z.string(), z.number()])).optional(),
    })
    .optional(),
});
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    code: z.string(),
    detail: z.string(),
    instance: z.string().optional(),
    issues: z.array(IssueSchema),
  })
  .describe('application/problem+json (RFC 9457)');

/** Error responses every route may give, for the OpenAPI document. */
export const problems = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  422: ProblemSchema,
};

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Agencies and firms must say why they read a personal record. */
export function requirePurpose(p: Principal, purpose: string | undefined): void {
  if ((p.role === 'agency' || p.role === 'firm') && !purpose?.trim())
    throw httpError(400, 'access.purpose_required', `a ${p.role} must give a purpose for this read`, {
      path: ['querystring', 'purpose'],
    });
}

/** Roles that see identifiers masked. */
export const masked = (p: Principal) => p.role === 'public' || p.role === 'auditor';
/** Published lists name other people: a data subject sees them as the public does (its own report stays unmasked). */
export const maskedForOthers = (p: Principal) => masked(p) || p.role === 'subject';

export const actorOf = (p: Principal) => p.account?.id ?? 'public';

/** A stored credit record as the API returns it. */
export const RecordSchema = z.object({
  id: z.string(),
  subject: z.string(),
  kind: z.string(),
  occurredAt: z.string(),
  reportedAt: z.string(),
  agency: z.string(),
  basis: z.string(),
  amount: z.number().optional(),
  severity: z.string().optional(),
  level: z
    .enum(['county', 'prefecture_dept', 'prefecture', 'province_dept', 'province', 'national'])
    .optional(),
  status: z.enum(['original', 'correction', 'withdrawal']),
  supersedes: z.string().optional(),
});
