// Schema of a scenario's finance.yaml: the parameters of the banks, platforms and firmGrades process modules (banks
// lend, report to the CRC and score applicants; platforms score users and grant perks; firms are graded).
import { z } from 'zod';

const prov = {
  source: z.string().min(1).optional(),
  marker: z.enum(['V', 'P', 'U']).optional(),
  assumption: z.string().min(1).optional(),
  note: z.string().optional(),
};
const share = z.number().min(0).max(1);
const param = (n: z.ZodNumber = z.number()) => z.object({ value: n, ...prov }).strict();

/** What a bank reads from an applicant's credit report (and the application form) to score it. */
export const BANK_FEATURES = ['late_months_24m', 'enquiries_3m', 'default_5y', 'income_rel'] as const;
export type BankFeature = (typeof BANK_FEATURES)[number];

export const FinanceFile = z
  .object({
    finance: z.string().min(1),
    version: z.string().min(1),
    banks: z
      .object({
        /** Monthly probability that an adult without a bank loan applies for one. */
        applyMonthly: param(share),
        /** Ages (inclusive) at which residents apply. */
        ages: z.object({ value: z.tuple([z.int().min(16), z.int().min(16)]), ...prov }).strict(),
        /** Instalments of a loan, drawn uniformly between the two. */
        termMonths: z.object({ value: z.tuple([z.int().min(1), z.int().min(1)]), ...prov }).strict(),
        /** Monthly probability of missing an instalment at mean income and finance propensity 1. */
        missMonthly: param(share),
        /** Lowest relative income (income ÷ city mean) the hazards and the applicant's income feature use. */
        incomeFloor: param(share),
        /** Monthly probability that a borrower behind on payments catches up. */
        cureMonthly: param(share),
        /** Months past due at which the bank writes the loan off (report status 3 = 90 days). */
        defaultStatus: param(z.number().int().min(1).max(7)),
        /** Share of repayment months a lender reports to the credit reference centre. */
        reportCoverage: param(share),
        /** Years negative information stays on the report, counted from the end of the conduct. */
        retentionYears: param(z.number().positive()),
        /** Whether a lender refuses an applicant on the court's defaulter list. */
        refuseListed: z.object({ value: z.boolean(), ...prov }).strict(),
        /** Months of lending simulated before the start, so the starting population has credit histories. */
        warmupMonths: param(z.number().int().min(0).max(120)),
        /** The bank's application scorecard: points per bin (scorecard binning: bin k holds edges[k-1] ≤ x < edges[k]). */
        scorecard: z
          .object({
            startPoints: z.number(),
            cutoff: z.number(),
            variables: z
              .array(
                z
                  .object({
                    feature: z.enum(BANK_FEATURES),
                    edges: z.array(z.number()),
                    points: z.array(z.number()),
                  })
                  .strict(),
              )
              .min(1),
            ...prov,
          })
          .strict(),
        ...prov,
      })
      .strict(),
    platforms: z
      .object({
        /** Platform score rules (a platform policy file; ./ is relative to the scenario folder). */
        policy: z.string().min(1),
        /** Share of adults with an account at the start, and monthly probability that another adult opens one. */
        accountShare: param(share),
        joinMonthly: param(share),
        /** Share of account holders who use the platform's own consumer credit (monthly repayments). */
        creditShare: param(share),
        /** Monthly probability of a late repayment at finance propensity 1. */
        lateMonthly: param(share),
        /** Completed orders per month at mean income, and their elasticity to relative income. */
        ordersMonthly: param(z.number().min(0)),
        ordersIncomeElasticity: param(),
        /** Assets a user declares or the platform sees, in months of income. */
        assetMonths: param(z.number().min(0)),
        /** Lowest relative income (income ÷ city mean) the order and lateness rates use. */
        incomeFloor: param(share),
        /** The starting accounts were opened up to this many days before the run (uniformly). */
        historyDays: param(z.int().min(0)),
        /** Profile items a user fills in, uniform on 0 … this − 1. */
        profileItems: param(z.int().min(1).max(255)),
        ...prov,
      })
      .strict(),
    firms: z
      .object({
        /** The tax authority's grade rules and the market regulator's risk classes (policy files). */
        taxPolicy: z.string().min(1),
        riskPolicy: z.string().min(1),
        /** Monthly probabilities, at finance propensity 1, of a late VAT return, a late payment, a penalty. */
        lateFilingMonthly: param(share),
        latePaymentMonthly: param(share),
        penaltyMonthly: param(share),
        /** Shares of the true events the tax authority and the market regulator record. */
        taxCoverage: param(share),
        regulatorCoverage: param(share),
        ...prov,
      })
      .strict(),
    ...prov,
  })
  .strict();
export type FinanceFile = z.infer<typeof FinanceFile>;
