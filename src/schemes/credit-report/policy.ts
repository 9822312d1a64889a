// The credit-report rules as data: status codes, history length, retention, objection duty, prohibited data.
import { z } from 'zod';
import { Marker } from '../../core/catalogue.js';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { locate, readYaml, validateYaml } from '../../core/yaml-doc.js';

const Prov = {
  basis: z.string().min(1),
  source: z.string().min(1),
  marker: Marker,
  note: z.string().optional(),
};
const Labelled = z.object({ code: z.string().min(1), zh: z.string().min(1), en: z.string().min(1) }).strict();

const PolicySchema = z
  .object({
    report: z.string().min(1),
    version: z.string().min(1),
    owner: z.string().min(1),
    source: z.string().min(1),
    history_months: z.object({ value: z.number().int().min(1).max(600), ...Prov }).strict(),
    negative_retention: z
      .object({ years: z.number().int().min(1), from: z.literal('end_of_conduct'), ...Prov })
      .strict(),
    objection: z
      .object({ days: z.number().int().min(1), calendar: z.enum(['calendar_days', 'working_days']), ...Prov })
      .strict(),
    enquiry_window_months: z.object({ value: z.number().int().min(1), ...Prov }).strict(),
    prohibited: z
      .object({
        ...Prov,
        categories: z
          .array(
            z
              .object({
                code: z.string().min(1),
                zh: z.string().min(1),
                fields: z.array(z.string().min(1)).min(1),
              })
              .strict(),
          )
          .min(1),
      })
      .strict(),
    account_kinds: z.array(Labelled).min(1),
    enquiry_reasons: z.array(Labelled).min(1),
    statuses: z
      .object({
        ...Prov,
        codes: z
          .array(
            z
              .object({
                code: z.string().length(1),
                zh: z.string().min(1),
                en: z.string().min(1),
                negative: z.boolean(),
                overdue_days: z.tuple([z.number().int(), z.number().int()]).optional(),
              })
              .strict(),
          )
          .min(1),
      })
      .strict(),
  })
  .strict();

export type CreditReportPolicyData = z.infer<typeof PolicySchema>;

export interface CreditReportPolicy extends CreditReportPolicyData {
  file: string;
  status: Map<string, CreditReportPolicyData['statuses']['codes'][number]>;
  /** Lower-cased field name → prohibited category code. */
  prohibitedField: Map<string, string>;
}

export function defaultCreditReportPolicy(): string {
  return shipped('policies', 'credit-report', 'crc-2020.yaml');
}

export function loadCreditReportPolicy(file = defaultCreditReportPolicy()): CreditReportPolicy {
  const parsed = readYaml(file);
  const res = validateYaml(parsed, PolicySchema, 'credit_policy');
  if (!res.value) throw new MosaicError(res.issues);
  const p = res.value;
  const status = new Map<string, CreditReportPolicyData['statuses']['codes'][number]>();
  p.statuses.codes.forEach((c, i) => {
    if (status.has(c.code))
      throw new MosaicError({
        code: 'credit_policy.duplicate_status',
        message: `status ${c.code} twice`,
        location: locate(parsed, ['statuses', 'codes', i]),
      });
    status.set(c.code, c);
  });
  const prohibitedField = new Map<string, string>();
  for (const c of p.prohibited.categories)
    for (const f of c.fields) prohibitedField.set(f.toLowerCase(), c.code);
  return { ...p, file, status, prohibitedField };
}
