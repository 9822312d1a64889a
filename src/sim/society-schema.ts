// Zod schema of society.yaml: how Meritown's people relate to the systems and to each other — relational punishment
// and the greying of blacklists through ties, awareness of one's grade, and opinion of the systems.
import { z } from 'zod';
import { Marker } from './scenario-schema.js';

const prov = {
  source: z.string().min(1).optional(),
  marker: Marker.optional(),
  assumption: z.string().min(1).optional(),
  note: z.string().optional(),
};
const share = z.number().min(0).max(1);
/** A single number with its own provenance. */
const param = (n: z.ZodNumber) => z.object({ value: n, ...prov }).strict();
const nonneg = z.number().min(0);
/** [low, high] of a uniform draw on [0, 1]. */
const unitRange = z
  .tuple([share, share])
  .refine(([lo, hi]) => lo <= hi, 'the low end of a range must not exceed its high end');

/** The kinds of tie a listed person has; the order is the tally order. */
export const TIE_KINDS = ['family', 'friend', 'neighbour', 'colleague', 'business'] as const;
export type TieKind = (typeof TIE_KINDS)[number];

const Relational = z
  .object({
    /** Closeness of each kind of tie: uniform on [low, high]. */
    closeness: z
      .object({
        family: unitRange,
        friend: unitRange,
        neighbour: unitRange,
        colleague: unitRange,
        business: unitRange,
        ...prov,
      })
      .strict(),
    /** Trading partners a listed legal representative deals with (business ties besides the employer). */
    partnersPerRepresentative: param(z.int().min(0).max(100)),
    /** Share of listings the state publicises (court notices, ads, "defaulter maps"). */
    shaming: param(share),
    /** Probability that a tie learns of the listing: through the state's notices only, or also in public. */
    learn: z.object({ notified: share, shamed: share, ...prov }).strict(),
    /** A tie knows the listed person's circumstances with probability base + slope × closeness (capped at 1). */
    context: z.object({ base: share, slope: nonneg, ...prov }).strict(),
    /** A tie who knows the circumstances discounts ("greys") the label with this probability. */
    discountIfContext: param(share),
    /** A tie who discounts the label helps (lends, vouches) with probability help × closeness. */
    help: param(share),
    /** A tie who applies the label presses to pay (rather than ostracising) with probability pressure × closeness. */
    pressure: param(share),
    effects: z
      .object({
        /** Added odds of paying to leave the list, per pressing tie and per helping tie. */
        payOddsPerPressingTie: nonneg,
        payOddsPerHelpingTie: nonneg,
        /** Share of income lost per ostracising tie, and the most ostracism can take. */
        incomeLossPerOstracisingTie: share,
        maxIncomeLoss: share,
        /** Probability that an ostracising tie is cut for good: it no longer responds nor is seen (0: never). */
        severIfOstracised: share,
        ...prov,
      })
      .strict(),
    ...prov,
  })
  .strict();

/** Awareness of one's own grade: contact with the system tells a resident their grade (issue 16 §3). */
const Awareness = z
  .object({
    /** Share of adults who know their grade at the start (heard of it, looked it up). */
    initial: share,
    /** Monthly probability of learning one's grade, by kind of contact. */
    monthly: z
      .object({
        /** No contact: publicity, word of mouth. */
        background: share,
        /** A perk offered at a point of service (AA or AAA). */
        perk: share,
        /** A denial at a point of service (a restriction applies). */
        denial: share,
        /** A notice: being listed, or graded below A. */
        notice: share,
        /** Working in the public sector (state personnel are told in their annual appraisal). */
        publicSector: share,
        ...prov,
      })
      .strict(),
    /** Monthly probability that a resident who knows forgets or stops following their grade. */
    forget: share,
    ...prov,
  })
  .strict();

/** The perks a municipal grade earns, and how often a resident who knows they hold it uses each (issue 16 §3). */
const Perks = z
  .object({
    list: z
      .array(
        z
          .object({
            code: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
            /** The worst grade that still earns the perk. */
            grade: z.enum(['AAA', 'AA', 'A']),
            /** Monthly probability that an eligible resident who knows their grade uses it. */
            monthly: share,
            ...prov,
          })
          .strict(),
      )
      .min(1),
    ...prov,
  })
  .strict();

/** Opinion of the credit systems and political trust (issue 16 §4). */
const Opinion = z
  .object({
    /** Latent support before experience: a normal on the 1-5 index scale, mean and sd. */
    baseline: z.object({ mean: z.number(), sd: nonneg, ...prov }).strict(),
    /** Political trust is a standard normal input; support rises by this per sd of trust. */
    trustEffect: param(z.number()),
    /** Share of adults who follow state media, and the shift in support that following brings. */
    media: z.object({ share: share, effect: z.number(), ...prov }).strict(),
    /** Direct terms of Liu (2022)'s correlates in support (index points): inputs with the paper's directions. */
    correlates: z
      .object({
        /** Per unit of log(1 + income ÷ mean income). */
        income: z.number(),
        /** Tertiary education. */
        tertiary: z.number(),
        /** Urban hukou. */
        urban: z.number(),
        /** CCP membership. */
        party: z.number(),
        ...prov,
      })
      .strict(),
    /** Monthly experience, each a shift in support (index points): what happens to the resident, and to their ties. */
    experience: z
      .object({
        /** Knows they hold a perk grade (AA, AAA). */
        perkGrade: z.number(),
        /** Used a grade perk this month (the perks module; 0 effect when it is off). */
        perkUsed: z.number(),
        /** Knows they are graded below A. */
        belowA: z.number(),
        listed: z.number(),
        restricted: z.number(),
        /** Per listed tie (kin, friends, colleagues), up to three. */
        tieListed: z.number(),
        /** Per point gained (+) or lost (−) since first scored, for a resident who knows their grade. */
        perPoint: z.number(),
        /** Listed ties counted, at most. */
        maxTiesCounted: z.int().min(0).max(1000),
        /** Multiplies every experience effect above (1: as listed); the opinion experiment sweeps it. */
        scale: nonneg,
        ...prov,
      })
      .strict(),
    /** Weight of the current month's experience in the running experience (exponential smoothing). */
    memory: param(share),
    /** Item noise: each of the 8 items is the latent support plus normal noise of this sd, rounded to 1-5. */
    itemSd: param(nonneg),
    survey: z
      .object({
        /** Respondents (Liu 2022: 1,173 urban adults). */
        respondents: param(z.int().min(10).max(100000)),
        /** Items of the support index, each on 1-5 (Liu 2022: 8). */
        items: param(z.int().min(1).max(50)),
        /** Points of each item's scale, 1 … points (Liu 2022: 5). */
        points: param(z.int().min(2).max(11)),
        /** Month (1-12) of each year's survey wave; the figures read the last wave. */
        month: z.int().min(1).max(12),
        /** Districts whose rural-hukou share is at most this count as urban (the survey's frame). */
        urbanDistrictMaxRural: share,
        ...prov,
      })
      .strict(),
    /**
     * Xu et al. (2022)'s information experiment, fielded beside the survey (same month, same frame, its own sample and
     * stream): a random part of the respondents is shown the restrictions the systems impose before answering. Absent:
     * not fielded.
     */
    informationExperiment: z
      .object({
        /** Respondents (Xu et al. 2022: 2,028 in the national online survey). */
        respondents: param(z.int().min(10).max(100000)),
        /** Share of them shown the restrictions (the rest answer as the survey's respondents do). */
        shown: param(share),
        /**
         * What being shown weighs, in months of one's own listing and restriction: a shown respondent's support moves
         * by memory × experience scale × salience × (experience.listed + experience.restricted), unless they already
         * know the restrictions from experience (listed, restricted or with a listed tie), who learn nothing new.
         */
        salience: param(nonneg),
        ...prov,
      })
      .strict()
      .optional(),
    ...prov,
  })
  .strict();

export const SocietyFile = z
  .object({
    society: z.string(),
    version: z.string(),
    relational: Relational,
    awareness: Awareness,
    perks: Perks,
    opinion: Opinion,
  })
  .strict();
export type SocietyFile = z.infer<typeof SocietyFile>;
export type RelationalSpec = SocietyFile['relational'];

/** Fields of one survey respondent row, in order (the opinion module writes them, the survey figures read them). */
export const SURVEY_FIELDS = [
  'day',
  'support',
  'trust',
  'logIncome',
  'tertiary',
  'urban',
  'party',
  'media',
  'arm',
] as const;
export const SURVEY_ROW = SURVEY_FIELDS.length;
/** The `arm` of a row: the survey (Liu 2022), or the information experiment's control and shown respondents. */
export const SURVEY_ARMS = ['survey', 'control', 'shown'] as const;
