// What lenders report to the CRC: persons, accounts with monthly repayment statuses, enquiries and objections;
// read from JSONL with every line checked, and prohibited categories refused before anything is kept.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isIsoDate } from '../../core/dates.js';
import { MosaicError, type Issue } from '../../core/errors.js';
import { validateResidentId } from '../../core/identifiers.js';
import type { CreditReportPolicy } from './policy.js';

const IsoDate = z.string().refine(isIsoDate, 'a YYYY-MM-DD date');
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a YYYY-MM month');

const MonthEntry = z
  .object({
    month: Month,
    status: z.string().length(1),
    balance: z.number().min(0),
    overdue: z.number().min(0),
  })
  .strict();

const PersonSchema = z
  .object({
    type: z.literal('person'),
    subject: z.string(),
    name: z.string().min(1),
    hukou: z.enum(['urban', 'rural']).optional(),
    sex: z.enum(['M', 'F']).optional(),
    employer: z.string().optional(),
    address: z.string().optional(),
  })
  .strict();

const AccountSchema = z
  .object({
    type: z.literal('account'),
    id: z.string().min(1),
    subject: z.string(),
    institution: z.string().min(1),
    kind: z.string().min(1),
    product: z.string().optional(),
    opened: IsoDate,
    closed: IsoDate.optional(),
    amount: z.number().min(0),
    currency: z.string().length(3),
    /** For a guarantee: the account whose repayment the subject guarantees. */
    guarantees: z.string().optional(),
    months: z.array(MonthEntry),
  })
  .strict();

const EnquirySchema = z
  .object({
    type: z.literal('enquiry'),
    subject: z.string(),
    date: IsoDate,
    institution: z.string().min(1),
    reason: z.string().min(1),
  })
  .strict();

const ObjectionSchema = z
  .object({
    type: z.literal('objection'),
    id: z.string().min(1),
    subject: z.string(),
    account: z.string().min(1),
    filed: IsoDate,
    claim: z.string().min(1),
    resolved: IsoDate.optional(),
    outcome: z.enum(['corrected', 'upheld']).optional(),
    /** Statuses the reporting lender corrected after verification; they apply from `resolved`. */
    corrections: z.array(z.object({ month: Month, status: z.string().length(1) }).strict()).optional(),
  })
  .strict();

const LineSchema = z.discriminatedUnion('type', [
  PersonSchema,
  AccountSchema,
  EnquirySchema,
  ObjectionSchema,
]);

export type Person = z.infer<typeof PersonSchema>;
export type Account = z.infer<typeof AccountSchema>;
export type Enquiry = z.infer<typeof EnquirySchema>;
export type Objection = z.infer<typeof ObjectionSchema>;
export type CreditLine = z.infer<typeof LineSchema>;

export interface CreditData {
  persons: Map<string, Person>;
  accounts: Account[];
  enquiries: Enquiry[];
  objections: Objection[];
}

/** Every key at any depth that names a prohibited category (Art. 14), with its path. */
export function prohibitedKeys(
  v: unknown,
  policy: CreditReportPolicy,
  path: (string | number)[] = [],
): { category: string; path: (string | number)[] }[] {
  const hits: { category: string; path: (string | number)[] }[] = [];
  if (Array.isArray(v)) v.forEach((x, i) => hits.push(...prohibitedKeys(x, policy, [...path, i])));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      const cat = policy.prohibitedField.get(k.toLowerCase());
      if (cat) hits.push({ category: cat, path: [...path, k] });
      hits.push(...prohibitedKeys(x, policy, [...path, k]));
    }
  return hits;
}

/** Check one parsed line; returns the issues (prohibited data first: it is refused, never stored). */
export function checkLine(
  v: unknown,
  policy: CreditReportPolicy,
  file: string,
  line: number,
): { value?: CreditLine; issues: Issue[] } {
  const issues: Issue[] = prohibitedKeys(v, policy).map((h) => ({
    code: 'credit.prohibited_data',
    message: `${String(h.path[h.path.length - 1])} is prohibited data (${h.category}); ${policy.prohibited.basis}`,
    location: { file, line, path: h.path },
  }));
  if (issues.length) return { issues };
  const res = LineSchema.safeParse(v);
  if (!res.success)
    return {
      issues: res.error.issues.map((i) => ({
        code: 'credit.invalid_line',
        message: i.message,
        location: { file, line, path: i.path.filter((k): k is string | number => typeof k !== 'symbol') },
      })),
    };
  const l = res.data;
  if (!validateResidentId(l.subject).ok)
    issues.push({
      code: 'credit.bad_subject',
      message: `${l.subject} is not a valid resident ID number`,
      location: { file, line, path: ['subject'] },
    });
  if (l.type === 'account') {
    if (!policy.account_kinds.some((k) => k.code === l.kind))
      issues.push({
        code: 'credit.unknown_kind',
        message: `account kind ${l.kind}`,
        location: { file, line, path: ['kind'] },
      });
    l.months.forEach((m, i) => {
      if (!policy.status.has(m.status))
        issues.push({
          code: 'credit.unknown_status',
          message: `status ${m.status}`,
          location: { file, line, path: ['months', i, 'status'] },
        });
      if (i > 0 && !(m.month > l.months[i - 1]!.month))
        issues.push({
          code: 'credit.months_order',
          message: 'months must increase',
          location: { file, line, path: ['months', i, 'month'] },
        });
    });
  }
  if (l.type === 'enquiry' && !policy.enquiry_reasons.some((r) => r.code === l.reason))
    issues.push({
      code: 'credit.unknown_reason',
      message: `enquiry reason ${l.reason}`,
      location: { file, line, path: ['reason'] },
    });
  return issues.length ? { issues } : { value: l, issues };
}

/** Read a whole file, all or nothing: any issue in any line refuses the file and names every problem. */
export function parseCreditData(text: string, policy: CreditReportPolicy, file = '<credit>'): CreditData {
  const data: CreditData = { persons: new Map(), accounts: [], enquiries: [], objections: [] };
  const issues: Issue[] = [];
  const lines = text.split('\n');
  lines.forEach((t, i) => {
    if (!t.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      issues.push({ code: 'credit.json', message: (e as Error).message, location: { file, line: i + 1 } });
      return;
    }
    const r = checkLine(v, policy, file, i + 1);
    issues.push(...r.issues);
    const l = r.value;
    if (!l) return;
    if (l.type === 'person') data.persons.set(l.subject, l);
    else if (l.type === 'account') data.accounts.push(l);
    else if (l.type === 'enquiry') data.enquiries.push(l);
    else data.objections.push(l);
  });
  const ids = new Set(data.accounts.map((a) => a.id));
  for (const o of data.objections)
    if (!ids.has(o.account))
      issues.push({
        code: 'credit.unknown_account',
        message: `objection ${o.id} names no known account ${o.account}`,
        location: { file },
      });
  if (issues.length) throw new MosaicError(issues);
  return data;
}

export function readCreditData(file: string, policy: CreditReportPolicy): CreditData {
  return parseCreditData(readFileSync(file, 'utf8'), policy, file);
}
