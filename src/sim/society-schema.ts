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
        ...prov,
      })
      .strict(),
    ...prov,
  })
  .strict();

export const SocietyFile = z
  .object({
    society: z.string(),
    version: z.string(),
    relational: Relational,
  })
  .strict();
export type SocietyFile = z.infer<typeof SocietyFile>;
export type RelationalSpec = SocietyFile['relational'];
