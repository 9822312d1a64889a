// Schema of a scenario's coproduction.yaml: the parameters of the kpiReporting process module (issue 17) — which
// agencies the department KPI form grades, how hard the grade presses them, how effort moves, and the vendor contract
// that sets the platform's modules and trains officials.
import { z } from 'zod';

const prov = {
  source: z.string().min(1).optional(),
  marker: z.enum(['V', 'P', 'U']).optional(),
  assumption: z.string().min(1).optional(),
  note: z.string().optional(),
};
const param = (n: z.ZodNumber = z.number()) => z.object({ value: n, ...prov }).strict();
const share = z.number().min(0).max(1);

/** Platform modules a vendor can sell that change an agency's reporting (DOMAIN §9.1 lists vendors' modules). */
export const VENDOR_MODULES = ['frontend_processor', 'data_quality', 'double_publicity'] as const;

export const CoproductionFile = z
  .object({
    coproduction: z.string().min(1),
    version: z.string().min(1),
    kpi: z
      .object({
        /** The KPI form (policies/coproduction/kpi/…), scored by src/coproduction/kpi.ts. */
        form: z.string().min(1),
        /** Agency ids of agencies.yaml the form grades (each district office of one is graded on its own). */
        agencies: z.array(z.string().min(1)).min(1),
        /** Working days between conduct and report that count as timely. */
        limitWorkingDays: param(z.number().int().min(0)),
        /** Months whose records fix the office's quota (no review before they have passed). */
        baselineMonths: param(z.number().int().min(1).max(24)),
        /** The quota: the baseline's monthly records times (1 + growth). */
        quotaGrowth: param(z.number().min(0)),
        /** Share of the effort behind the points lost that an office moves at each monthly review. */
        pressure: param(share),
        /** Effort a padded record costs, relative to the effort of finding and documenting a true case. */
        padCost: param(z.number().positive()),
        /** Share of its effort at which an office reports everything at its minimum delay. */
        rushFull: param(z.number().positive().max(1)),
        ...prov,
      })
      .strict(),
    vendor: z
      .object({
        name: z.string().min(1),
        /** Modules bought with the platform. */
        modules: z.array(z.enum(VENDOR_MODULES)),
        /** Contract price in yuan (reported, not used by the mechanism). */
        budgetYuan: param(z.number().min(0)),
        /** Training sessions the vendor gives each office in the first year. */
        trainingSessions: param(z.number().int().min(0)),
        /** Effort an office gains per session (trained staff enter and find cases faster). */
        gainPerSession: param(z.number().min(0)),
        /** Working days a front-end processor takes off the longest reporting delay (no manual upload). */
        frontendDelayCut: param(z.number().int().min(0)),
        ...prov,
      })
      .strict(),
    /** Platforms' notices about listed residents (the platformNotices module); optional. */
    notices: z
      .object({
        /** The platform measures catalogue (policies/coproduction/platform-measures.yaml). */
        measures: z.string().min(1),
        /** The court list whose listings the notices are about. */
        list: z.string().min(1),
        /** Share of listings the court pushes to the notice platforms (a campaign covers some debtors, not all). */
        courtPush: param(share),
        /** Residents near the registered address who see a defaulter-map notice, on average. */
        nearbySeen: param(z.number().min(0)),
        /** Probability that a stranger who sees the notice shuns the person (no context: the label is all they know). */
        strangerShuns: param(share),
        /** Income share a resident loses per shunning stranger (custom, casual work). */
        incomeLossPerStranger: param(share),
        /** Probability that a tie calls the listed person while listed and hears the carrier's notice. */
        tieCalls: param(share),
        ...prov,
      })
      .strict()
      .optional(),
  })
  .strict();
export type CoproductionFile = z.infer<typeof CoproductionFile>;
