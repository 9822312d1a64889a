// Zod schemas of behaviour.yaml (what people and firms do), agencies.yaml (who records it, how faithfully) and
// responses.yaml (how people react to scores, listings and measures), plus their cross-file checks.
import { z } from 'zod';
import type { Issue, Location } from '../core/errors.js';
import { ISSUER_LEVELS } from '../core/types.js';
import { ROLE_NAMES } from './roles.js';
import { Marker, OccupationName } from './scenario-schema.js';

const prov = {
  source: z.string().min(1).optional(),
  marker: Marker.optional(),
  assumption: z.string().min(1).optional(),
  note: z.string().optional(),
};
const share = z.number().min(0).max(1);
const nonneg = z.number().min(0);
const Id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'ids are lower-case letters, digits and _');
const KindCode = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'kind codes look like domain.name');
const param = (n: z.ZodNumber = z.number()) => z.object({ value: n, ...prov }).strict();
/** An inclusive integer range [min, max] with its provenance. */
const intRange = z.object({ value: z.tuple([z.int().min(0), z.int().min(0)]), ...prov }).strict();

export const TRAITS = ['traffic', 'finance', 'civic', 'grievance', 'compliance', 'custom'] as const;
export { ROLE_NAMES } from './roles.js';

/** How a recorded amount is drawn (yuan, hours, months, count) for an outcome. */
export const AmountSpec = z
  .object({
    dist: z.enum(['fixed', 'uniform', 'lognormal', 'income_share']),
    /** fixed: value; uniform: [min, max]; lognormal: mean and sigma; income_share: mean share of annual income. */
    value: nonneg.optional(),
    min: nonneg.optional(),
    max: nonneg.optional(),
    mean: nonneg.optional(),
    sigma: nonneg.optional(),
    /** income_share: the share is uniform on mean × (1 ± spread). */
    spread: z.number().min(0).max(1).optional(),
    round: z.enum(['none', 'int', 'hundred']).optional(),
  })
  .strict()
  // Each distribution names every number it draws with: the code holds no default (issue 16: every number sourced).
  .superRefine((a, ctx) => {
    const need = {
      fixed: ['value'],
      uniform: ['min', 'max'],
      lognormal: ['mean', 'sigma'],
      income_share: ['mean', 'spread'],
    }[a.dist] as (keyof typeof a)[];
    for (const k of need)
      if (a[k] === undefined)
        ctx.addIssue({ code: 'custom', path: [k], message: `a ${a.dist} amount needs ${k}` });
  });
export type AmountSpec = z.infer<typeof AmountSpec>;

/** One way an event of a family can turn out; each outcome maps to a record kind (+ severity, level). */
export const Outcome = z
  .object({
    id: Id,
    weight: nonneg,
    kind: KindCode,
    severity: z
      .string()
      .regex(/^[a-z0-9_]+$/)
      .optional(),
    level: z.enum(ISSUER_LEVELS as unknown as [string, ...string[]]).optional(),
    amount: AmountSpec.optional(),
    /** Overrides the family's agency for this outcome. */
    agency: Id.optional(),
  })
  .strict();
export type Outcome = z.infer<typeof Outcome>;

export const Who = z
  .object({
    subject: z.enum(['person', 'firm']),
    minAge: z.int().min(0).optional(),
    maxAge: z.int().min(0).optional(),
    hukou: z.enum(['urban', 'rural']).optional(),
    drivers: z.boolean().optional(),
    roles: z.array(z.enum(ROLE_NAMES)).optional(),
    occupations: z.array(OccupationName).optional(),
    sectors: z.array(z.string()).optional(),
  })
  .strict();
export type Who = z.infer<typeof Who>;

export const Multipliers = z
  .object({
    male: nonneg.optional(),
    female: nonneg.optional(),
    urban: nonneg.optional(),
    rural: nonneg.optional(),
    /** [first age, last age, multiplier] */
    age: z.array(z.tuple([z.int().min(0), z.int().min(0), nonneg])).optional(),
    /** by education level none..tertiary */
    education: z.array(nonneg).length(5).optional(),
    party: nonneg.optional(),
    statePersonnel: nonneg.optional(),
    villageCadre: nonneg.optional(),
    /** by firm size class index order of firms.yaml sizes */
    firmSize: z.array(nonneg).optional(),
    /** income relative to the hukou mean, raised to this power */
    incomeElasticity: z.number().optional(),
    ...prov,
  })
  .strict();
export type Multipliers = z.infer<typeof Multipliers>;

export const Family = z
  .object({
    id: Id,
    en: z.string().min(1),
    who: Who,
    /** Events per eligible subject per year, before multipliers and the individual propensity. */
    rate: param(nonneg),
    trait: z.enum(TRAITS).optional(),
    multipliers: Multipliers.optional(),
    /** Calendar-year multipliers, e.g. { "2025": 1.1 }. Years not listed use 1. */
    years: z.record(z.string().regex(/^\d{4}$/), nonneg).optional(),
    /** 12 monthly weights (normalised to mean 1). */
    season: z.array(nonneg).length(12).optional(),
    agency: Id,
    outcomes: z.array(Outcome).min(1),
    /** The response that may modify this family's rate (see responses.yaml). */
    response: z.enum(['volunteer_threshold', 'petition_commitment']).optional(),
    ...prov,
  })
  .strict();
export type Family = z.infer<typeof Family>;

const Stage = z.object({ kind: KindCode, severity: z.string().optional(), agency: Id }).strict();

export const BehaviourFile = z
  .object({
    behaviour: z.string(),
    version: z.string(),
    families: z.array(Family).min(1),
    /** Floor on relative income where a family's rate scales with income (static weights). */
    incomeFloor: param(z.number().positive()),
    processes: z
      .object({
        credit: z
          .object({
            /** Share of adults 20-65 holding a consumer loan or card debt, scaled by income. */
            loanHolders: share,
            loanIncomeElasticity: z.number(),
            /** Monthly hazard that a loan holder misses an instalment, before the finance propensity. */
            arrearsMonthly: share,
            /** Monthly probability that someone in arrears catches up (otherwise the arrears continue). */
            cureMonthly: share,
            /** Months of continuous arrears after which the creditor sues with probability `sue`. */
            defaultAfterMonths: z.int().min(1),
            sue: share,
            /** Working days from suit to judgment, and from judgment to the end of the voluntary performance period. */
            trialDays: z.tuple([z.int().min(1), z.int().min(1)]),
            performanceDays: z.int().min(1),
            /** Probability of performing within the period, by income relative to the mean (logistic in log income). */
            performBase: share,
            performIncomeSlope: z.number(),
            /** Working days from a failed performance to the listing decision. */
            listingDays: z.tuple([z.int().min(0), z.int().min(1)]),
            /** Of non-performers, shares listed under each entry criterion (e1 = able but refuses, e4 = asset report). */
            criteria: z.record(z.string(), nonneg),
            /** Judgment debt as a multiple of annual income (lognormal mean, sigma). */
            debtIncomeMultiple: z.tuple([z.number().positive(), nonneg]),
            /** Firms: monthly hazard of contract-payment arrears that go to court. */
            firmDisputeMonthly: share,
            /** Ages (inclusive) at which residents of the starting population may hold a loan. */
            loanAges: intRange,
            /** Cap on the probability of holding a loan, whatever the income. */
            loanShareCap: param(share),
            /** Floor on income relative to the mean in the loan and arrears hazards (no one is infinitely exposed). */
            hazardIncomeFloor: param(z.number().positive()),
            /** Floor on relative income in performing a judgment and paying to leave the list. */
            paymentIncomeFloor: param(z.number().positive()),
            /** Floor on a firm's finance propensity where it divides the chance to perform or pay. */
            firmFinanceFloor: param(z.number().positive()),
            /** Firms' disputed arrears: months owed, drawn uniformly from 1 to this. */
            firmArrearsMonths: param(z.int().min(1)),
            /** Days after the month's first within which a monthly step's event falls (uniform). */
            spreadDays: param(z.int().min(1)),
            arrears: Stage,
            judgment: Stage,
            warning: Stage,
            listing: Stage,
            restriction: Stage,
            deletion: Stage,
            lifted: Stage,
            firmArrears: Stage,
            /** Statements the credit office enters about an officer when the officer's firm is listed or performs. */
            officerListed: Stage,
            officerPerformed: Stage,
            ...prov,
          })
          .strict(),
        petition: z
          .object({
            /** Petitions per adult-year before the grievance propensity (skipping levels). */
            rate: param(nonneg),
            multipliers: Multipliers.optional(),
            levels: z
              .array(
                z
                  .object({ id: Id, weight: nonneg, kind: KindCode, severity: z.string().optional() })
                  .strict(),
              )
              .min(1),
            /** Petitioning again after signing a commitment (direct downgrade to C in Wendeng Art. 12). */
            relapse: Stage,
            /** The signed credit commitment (the repair trigger of Wendeng Art. 19). */
            commitment: Stage,
            agency: Id,
            ...prov,
          })
          .strict(),
        appraisal: z
          .object({
            /** Month (1-12) in which annual appraisals of state personnel are recorded. */
            month: z.int().min(1).max(12),
            /** Days after the month's first within which an appraisal is recorded (uniform). */
            spreadDays: param(z.int().min(1)),
            outcomes: z.array(Outcome).min(1),
            agency: Id,
            ...prov,
          })
          .strict(),
        annualReport: z
          .object({
            dueMonth: z.int().min(1).max(12),
            dueDay: z.int().min(1).max(31),
            /** Probability a firm files late or not at all, before its compliance propensity. */
            lateShare: share,
            /** Working days after the deadline until the regulator lists missing filers. */
            listingDays: z.int().min(0),
            /** A firm founded fewer than this many days before the due day files its first report next year. */
            firstReportAfterDays: param(z.int().min(0)),
            listing: Stage,
            exit: Stage,
            ...prov,
          })
          .strict(),
        collectors: z
          .object({
            /** Month of the annual star rating of credit-information collectors. */
            ratingMonth: z.int().min(1).max(12),
            /** Records collected in the year needed for each star outcome, best first. */
            stars: z.array(z.object({ atLeast: z.int().min(0), outcome: Outcome }).strict()).min(1),
            /** Probability per year that a collector's fabrication is detected and penalised, per fabricated record. */
            detection: share,
            /** Working days from a detected fabrication to the penalty (uniform, inclusive). */
            penaltyDays: intRange,
            penalty: Outcome,
            agency: Id,
            ...prov,
          })
          .strict(),
        consumption: z
          .object({
            /** Attempts per adult-year at actions that measures restrict, by action (income-scaled). */
            attempts: z.record(z.string().regex(/^[a-z0-9_]+$/), nonneg),
            incomeElasticity: z.number(),
            /** Floor on relative income in the attempt rates. */
            incomeFloor: param(z.number().positive()),
            deniedKind: KindCode,
            /** Implementing agency per action (defaults to `agency`). */
            agencies: z.record(z.string(), Id).optional(),
            agency: Id,
            ...prov,
          })
          .strict(),
        funerals: z
          .object({
            /** Probability that a death in a rural household leads to a lavish funeral or superstitious rite. */
            lavish: share,
            /** Days after the death on which the funeral is held (and recorded). */
            afterDays: param(z.int().min(0)),
            outcome: Outcome,
            agency: Id,
            ...prov,
          })
          .strict(),
      })
      .strict(),
  })
  .strict();
export type BehaviourFile = z.infer<typeof BehaviourFile>;

export const Agency = z
  .object({
    id: Id,
    /** The agency code written into records. */
    code: z.string().min(1),
    en: z.string().min(1),
    zh: z.string().min(1),
    /** Document-number prefix; the record's basis is `${basis} ${prefix}[year] No. n`. */
    docPrefix: z.string().min(1),
    basis: z.string().min(1),
    /** Probability an event is recorded at all. */
    coverage: param(share),
    /** Coverage of events of people in the village collector's or cadres' own households (selective recording). */
    delay: z.object({ minWorkingDays: z.int().min(0), maxWorkingDays: z.int().min(0), ...prov }).strict(),
    quota: z
      .object({
        /** Months (1-12) at whose end the agency (or its staff) is evaluated. */
        evaluationMonths: z.array(z.int().min(1).max(12)).min(1),
        /** Weeks before an evaluation in which positive records are pushed through. */
        leadWeeks: z.int().min(0).max(26),
        /** Coverage of positive events in the lead window (replaces coverage). */
        bonusCoverage: share,
        /** Recorded amount (e.g. hours) ÷ true amount for positive events in the lead window. */
        amountInflation: z.number().min(1),
        /** Who fabricates: one recorder per village (collectors) or one per district (the agency's office). */
        recorders: z.enum(['village', 'district']),
        /** Fabricated records per recorder-year (no underlying event); 0 switches fabrication off. */
        fabricationPerYear: nonneg,
        fabricatedOutcomes: z
          .array(z.object({ family: Id, outcome: Id, weight: nonneg }).strict())
          .optional(),
        /** Coverage multiplier for events of cadres' and collectors' own households (favouritism). */
        insiderCoverage: share,
        ...prov,
      })
      .strict()
      .optional(),
    ...prov,
  })
  .strict();
export type Agency = z.infer<typeof Agency>;

export const AgenciesFile = z
  .object({
    agencies: z.string(),
    version: z.string(),
    list: z.array(Agency).min(1),
  })
  .strict();
export type AgenciesFile = z.infer<typeof AgenciesFile>;

export const ResponsesFile = z
  .object({
    responses: z.string(),
    version: z.string(),
    payToDelist: z
      .object({
        /** Monthly probability that a listed debtor pays in full, before income and pressure. */
        monthly: share,
        incomeElasticity: z.number(),
        /** Extra odds when a child aged 6-17 is affected by a measure on the parent (private schooling). */
        childPressure: nonneg,
        /** Extra odds per close relative or friend who is listed (they know what it costs). */
        networkPressure: nonneg,
        /** Ages (inclusive) of the youngest child at which `childPressure` applies (school ages). */
        childAges: intRange,
        /** Odds multiplier once the listing has ended at its term and only the debt is left. */
        afterTerm: param(share),
        /** Cap on the monthly probability of paying. */
        cap: param(share),
        ...prov,
      })
      .strict(),
    volunteerThreshold: z
      .object({
        /** Points below the next grade band within which consenting residents seek volunteering hours. */
        window: z.number().positive(),
        multiplier: z.number().min(1),
        ...prov,
      })
      .strict(),
    petitionCommitment: z
      .object({
        /** Probability that officials ask a downgraded or repeat petitioner to sign a credit commitment. */
        offer: share,
        sign: share,
        /** Petitioning hazard multiplier after signing. */
        afterSigning: share,
        /** Working days from the petition to the signed commitment (uniform, inclusive). */
        signingDays: intRange,
        ...prov,
      })
      .strict(),
    annualReportCatchUp: z.object({ monthly: share, ...prov }).strict(),
    deterrence: z
      .object({
        /** Multiplier on missing payments per listed friend or relative (observed consequences deter). */
        perListedTie: share,
        floor: share,
        ...prov,
      })
      .strict(),
  })
  .strict();
export type ResponsesFile = z.infer<typeof ResponsesFile>;

interface Parts {
  behaviour: BehaviourFile;
  agencies: AgenciesFile;
  responses: ResponsesFile;
}

/** Cross-file references: families and processes name agencies that exist; ids are unique. */
export function crossCheckBehaviour(
  s: Parts,
  at: (part: 'behaviour' | 'agencies', path: (string | number)[]) => Location,
  issues: Issue[],
): void {
  const agencyIds = new Set<string>();
  s.agencies.list.forEach((a, i) => {
    if (agencyIds.has(a.id))
      issues.push({
        code: 'scenario.duplicate_id',
        message: `agency ${a.id} is defined twice`,
        location: at('agencies', ['list', i, 'id']),
      });
    agencyIds.add(a.id);
    if (a.delay.maxWorkingDays < a.delay.minWorkingDays)
      issues.push({
        code: 'scenario.bad_range',
        message: `agency ${a.id}: maxWorkingDays < minWorkingDays`,
        location: at('agencies', ['list', i, 'delay']),
      });
  });
  const needAgency = (id: string, path: (string | number)[]) => {
    if (!agencyIds.has(id))
      issues.push({
        code: 'scenario.unknown_agency',
        message: `agency ${id} is not defined in agencies.yaml`,
        location: at('behaviour', path),
      });
  };
  const famIds = new Set<string>();
  s.behaviour.families.forEach((f, i) => {
    if (famIds.has(f.id))
      issues.push({
        code: 'scenario.duplicate_id',
        message: `family ${f.id} is defined twice`,
        location: at('behaviour', ['families', i, 'id']),
      });
    famIds.add(f.id);
    needAgency(f.agency, ['families', i, 'agency']);
    f.outcomes.forEach((o, j) => o.agency && needAgency(o.agency, ['families', i, 'outcomes', j, 'agency']));
    if (
      f.who.subject === 'firm' &&
      (f.trait === 'traffic' || f.trait === 'civic' || f.trait === 'grievance' || f.trait === 'custom')
    )
      issues.push({
        code: 'scenario.bad_trait',
        message: `firm family ${f.id} can use only the compliance or finance propensity`,
        location: at('behaviour', ['families', i, 'trait']),
      });
  });
  const P = s.behaviour.processes;
  for (const [name, stageNames] of [
    [
      'credit',
      ['arrears', 'judgment', 'warning', 'listing', 'restriction', 'deletion', 'lifted', 'firmArrears'],
    ],
    ['annualReport', ['listing', 'exit']],
  ] as const) {
    const proc = P[name] as unknown as Record<string, { agency: string }>;
    for (const st of stageNames) needAgency(proc[st]!.agency, ['processes', name, st, 'agency']);
  }
  needAgency(P.petition.agency, ['processes', 'petition', 'agency']);
  needAgency(P.petition.relapse.agency, ['processes', 'petition', 'relapse', 'agency']);
  needAgency(P.petition.commitment.agency, ['processes', 'petition', 'commitment', 'agency']);
  needAgency(P.appraisal.agency, ['processes', 'appraisal', 'agency']);
  needAgency(P.collectors.agency, ['processes', 'collectors', 'agency']);
  needAgency(P.consumption.agency, ['processes', 'consumption', 'agency']);
  needAgency(P.funerals.agency, ['processes', 'funerals', 'agency']);
  for (const [action, ag] of Object.entries(P.consumption.agencies ?? {}))
    needAgency(ag, ['processes', 'consumption', 'agencies', action]);
  s.agencies.list.forEach((a, i) =>
    a.quota?.fabricatedOutcomes?.forEach((fo, j) => {
      const fam = s.behaviour.families.find((f) => f.id === fo.family);
      if (!fam || !fam.outcomes.some((o) => o.id === fo.outcome))
        issues.push({
          code: 'scenario.unknown_outcome',
          message: `fabricated outcome ${fo.family}.${fo.outcome} is not a family outcome in behaviour.yaml`,
          location: at('agencies', ['list', i, 'quota', 'fabricatedOutcomes', j]),
        });
    }),
  );
}
