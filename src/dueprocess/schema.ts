// The shapes of the due-process policy files (policies/dueprocess/*.yaml), validated with zod on load.
import { z } from 'zod';
import { Marker } from '../core/catalogue.js';
import { isIsoDate } from '../core/dates.js';

const IsoDate = z.string().refine(isIsoDate, 'expected a real date as "YYYY-MM-DD"');
const Code = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'expected a lower-case code');

/** A time limit: N working days after the start, or N calendar days (optionally rolled to a working day). */
export const DeadlineSchema = z
  .object({
    days: z.number().int().min(0),
    count: z.enum(['working', 'calendar']),
    roll_to_working_day: z.boolean().optional(),
    basis: z.string().min(1).optional(),
    marker: Marker.optional(),
  })
  .strict();
export type DeadlineRule = z.infer<typeof DeadlineSchema>;

export const TARGETS = ['record', 'list_entry', 'publication', 'repair'] as const;
export type TargetType = (typeof TARGETS)[number];

const ChannelSchema = z
  .object({
    code: Code,
    zh: z.string().min(1),
    en: z.string().min(1),
    deadline: DeadlineSchema,
    extended: DeadlineSchema.extend({ when: z.string().min(1) })
      .strict()
      .optional(),
    flag_while_open: z.boolean(),
    basis: z.string().min(1),
    source: z.string().min(1),
    marker: Marker,
    note: z.string().optional(),
  })
  .strict();
export type Channel = z.infer<typeof ChannelSchema>;

const RouteSchema = z
  .object({
    channel: Code,
    targets: z.array(z.enum(TARGETS)).min(1).optional(),
    /** Record-kind prefixes (e.g. 'samr.'). */
    kinds: z.array(z.string().min(1)).min(1).optional(),
    /** Administrative-division prefixes of the subject's jurisdiction (e.g. '37' for Shandong). */
    jurisdictions: z
      .array(z.string().regex(/^\d{1,6}$/))
      .min(1)
      .optional(),
  })
  .strict();
export type Route = z.infer<typeof RouteSchema>;

export const ObjectionPackSchema = z
  .object({
    pack: z.literal('dueprocess-objections'),
    version: z.string().min(1),
    source: z.string().min(1),
    evidence: z
      .object({
        max_bytes: z.number().int().min(1),
        max_files: z.number().int().min(0),
        types: z.array(z.enum(['application/pdf', 'image/png', 'image/jpeg', 'text/plain'])).min(1),
        basis: z.string().min(1),
        marker: Marker,
        note: z.string().optional(),
      })
      .strict(),
    channels: z.array(ChannelSchema).min(1),
    routes: z.array(RouteSchema).min(1),
  })
  .strict();
export type ObjectionPack = z.infer<typeof ObjectionPackSchema>;

const ClassSchema = z
  .object({
    code: Code,
    zh: z.string().min(1),
    en: z.string().min(1),
    /** False: not shown to the public at all (a countdown of zero). */
    published: z.boolean(),
    /** Months after publication before a repair application may succeed; absent = no early stop. */
    min_months: z.number().int().min(0).optional(),
    /** Months after publication when showing stops; absent = no maximum. */
    max_months: z.number().int().min(0).optional(),
    /** The maximum stretches to a longer restriction period given on the publication. */
    extends_to_restriction: z.boolean().optional(),
    early_stop: z.boolean(),
    /** After the maximum: stop always, or only once the conduct is corrected. */
    auto_stop: z.enum(['always', 'corrected']),
    marker: Marker,
    note: z.string().optional(),
  })
  .strict();
export type PublicationClass = z.infer<typeof ClassSchema>;

const ConditionSchema = z
  .object({
    code: Code,
    zh: z.string().min(1),
    en: z.string().min(1),
    check: z.enum(['min_period', 'fact']),
    fact: Code.optional(),
    /** Only for these classes (all when absent). */
    classes: z.array(Code).min(1).optional(),
    marker: Marker,
    note: z.string().optional(),
  })
  .strict();
export type RepairCondition = z.infer<typeof ConditionSchema>;

export const STEP_AFTER = ['applied', 'forwarded', 'decided'] as const;
const StepSchema = z
  .object({
    code: z.enum(['forward', 'decide', 'stop']),
    zh: z.string().min(1),
    en: z.string().min(1),
    after: z.enum(STEP_AFTER),
    working_days: z.number().int().min(0),
    by: z.enum(['intake', 'designating']),
    marker: Marker,
    note: z.string().optional(),
  })
  .strict();
export type RepairStep = z.infer<typeof StepSchema>;

const RegimeSchema = z
  .object({
    code: Code,
    family: Code,
    zh: z.string().min(1),
    en: z.string().min(1),
    from: IsoDate,
    to: IsoDate.optional(),
    legal_basis: z
      .array(
        z
          .object({
            doc: z.string().min(1),
            in_force: IsoDate.optional(),
            marker: Marker,
            note: z.string().optional(),
          })
          .strict(),
      )
      .min(1),
    /** Who receives applications: Credit China, or the designating body itself. */
    intake: z.enum(['credit_china', 'designating']),
    publish_within: DeadlineSchema.optional(),
    withdraw_within: DeadlineSchema.optional(),
    classes: z.array(ClassSchema).min(1),
    conditions: z.array(ConditionSchema),
    steps: z.array(StepSchema),
    source: z.string().min(1),
  })
  .strict();
export type Regime = z.infer<typeof RegimeSchema>;

/**
 * How long the portal shows a licensing decision of one record kind (double publicity, DOMAIN §8.1): a fixed number of
 * months from the decision. `assumption: true` says the period has no source, and the portal shows that beside it.
 */
const LicenceRuleSchema = z
  .object({
    kind: z.string().min(1),
    zh: z.string().min(1),
    en: z.string().min(1),
    show_months: z.number().int().min(1),
    from: z.literal('decision'),
    legal_basis: z
      .array(z.object({ doc: z.string().min(1), marker: Marker, note: z.string().optional() }).strict())
      .min(1),
    marker: Marker,
    assumption: z.boolean(),
    note: z.string().optional(),
    source: z.string().min(1),
  })
  .strict();
export type LicenceRule = z.infer<typeof LicenceRuleSchema>;

export const PublicationPackSchema = z
  .object({
    pack: z.literal('dueprocess-publication'),
    version: z.string().min(1),
    source: z.string().min(1),
    regimes: z.array(RegimeSchema).min(1),
    licences: z.array(LicenceRuleSchema).optional(),
  })
  .strict();
export type PublicationPack = z.infer<typeof PublicationPackSchema>;
