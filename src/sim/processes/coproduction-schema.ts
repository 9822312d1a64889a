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
    /** Vendors bidding for the city platform and how the city chooses (the procurement); optional. When present the
     * chosen vendor's offer replaces `vendor` for the kpiReporting module. */
    procurement: z
      .object({
        /** What the city can spend on the platform contract. */
        budgetYuan: param(z.number().min(0)),
        /** `contract`: keep the `vendor` block's contract (no tender); `modules`: the affordable offer with the most modules (then the most training, then the cheapest);
         * `cheapest`: the cheapest offer; or a vendor id named outright (a directed award). */
        rule: z.union([
          z.enum(['contract', 'modules', 'cheapest']),
          z.string().regex(/^vendor:[a-z0-9_-]+$/),
        ]),
        vendors: z
          .array(
            z
              .object({
                id: z.string().regex(/^[a-z0-9_-]+$/),
                name: z.string().min(1),
                modules: z.array(z.enum(VENDOR_MODULES)),
                priceYuan: param(z.number().min(0)),
                trainingSessions: param(z.number().int().min(0)),
                ...prov,
              })
              .strict(),
          )
          .min(1),
        /** Share of entries failing validation on a platform without the data-quality module (the module's checks
         * at entry catch them, so with it the share is cut by `dataQualityCut`). */
        entryErrors: param(share),
        dataQualityCut: param(share),
        ...prov,
      })
      .strict()
      .optional(),
    /** State bodies asking a firm's data channel on a schedule (the dataChannels module); optional. */
    channels: z
      .object({
        /** The firm's channel policy (policies/coproduction/channels/…). */
        policy: z.string().min(1),
        /** The firm's dataset built from the residents: passengers' unpaid fares. */
        dataset: z.string().min(1),
        /** Share of adults who use the firm's service. */
        users: param(share),
        /** The dataset's numeric field the unpaid amount is written to. */
        amountField: z.string().min(1),
        /** Chance a user leaves a fare unpaid in a month, at the city's mean financial propensity. */
        unpaidMonthly: param(share),
        /** Mean unpaid fare in yuan. */
        fareYuan: param(z.number().positive()),
        requests: z
          .array(
            z
              .object({
                body: z.string().min(1),
                kind: z.string().regex(/^[a-z][a-z0-9_-]*$/),
                /** `city` (the prefecture-level code of the city), `district` (each district's own office asks
                 * for its district), or a six-digit GB/T 2260 code. */
                jurisdiction: z.union([z.enum(['city', 'district']), z.string().regex(/^\d{6}$/)]),
                channel: z.string().min(1),
                legal_basis: z.string().min(1),
                purpose: z.string().min(1),
                fields: z.array(z.string().min(1)).min(1),
                granularity: z.enum(['county', 'prefecture', 'province', 'total', 'record']),
                /** Asked in these months (1-12) each year. */
                months: z.array(z.number().int().min(1).max(12)).min(1),
                ...prov,
              })
              .strict(),
          )
          .min(1),
        ...prov,
      })
      .strict()
      .optional(),
    /** Generalised trust and how the mechanisms move it (the trust module); optional. */
    trust: z
      .object({
        /** Generalised trust (0-1) before any experience: its mean and spread across adults. */
        baseline: param(share),
        sd: param(z.number().min(0)),
        /** Share of the gap to the experienced level closed each month. */
        memory: param(share),
        /** Trust lost per tie on a defaulter list (seeing people one knows punished), up to `maxTies`. */
        perListedTie: param(share),
        maxTies: param(z.number().int().min(0)),
        /** Trust lost per platform notice seen or heard this month (a neighbour on the map, a carrier's notice). */
        perNotice: param(share),
        /** Trust lost per record about one's own conduct that no event lies behind (a padded entry). */
        perFalseRecord: param(share),
        /** Trust gained in a month one uses a credit-easy perk (the systems' promise kept to oneself). */
        perPerkUsed: param(share),
        /** Support-index points each notice seen moves the opinion module's experience. */
        supportPerNotice: param(),
        /** Conduct's rate multiplier per unit of trust lost below the baseline (1 + k × loss). */
        conductPerLoss: param(z.number().min(0)),
        ...prov,
      })
      .strict()
      .optional(),
  })
  .strict();
export type CoproductionFile = z.infer<typeof CoproductionFile>;
