// Schemas of the lists policy data: list definitions, memoranda, the national measure catalogue and the action catalogue.
import { z } from 'zod';

export const Marker = z.enum(['V', 'P', 'U']);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are YYYY-MM-DD');
const Id = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'ids are lower-case letters, digits, _ and -');
const Code = z.string().regex(/^[a-z0-9_]+$/, 'codes are lower-case letters, digits and _');
const KindCode = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'kind codes look like domain.name');

/** Whom a measure reaches: the listed party itself, or someone linked to it in the register. */
export const RELATIONS = [
  'listed_subject',
  'legal_representative',
  'principal',
  'actual_controller',
  /** Persons directly responsible for the entity's debt (影响债务履行的直接责任人员, 2015 consumption provisions Art. 3). */
  'directly_responsible',
  'child',
] as const;
export const Relation = z.enum(RELATIONS);
export type Relation = z.infer<typeof Relation>;

/** What a measure does at a point of service. */
export const EFFECTS = [
  'prohibit',
  'restrict',
  'increase_inspection',
  'exclude_from_procurement',
  'prefer',
  'green_channel',
  'waive_deposit',
] as const;
export const Effect = z.enum(EFFECTS);
export type Effect = z.infer<typeof Effect>;

/** A legal basis with its status: the document, optionally the article, and a marker. */
export const LegalBasis = z
  .object({
    doc: z.string().min(1),
    in_force: IsoDate.optional(),
    marker: Marker,
    note: z.string().optional(),
  })
  .strict();

/** A span of time in whole months or years (calendar arithmetic clamps 29 Feb / month ends). */
export const Span = z
  .object({
    years: z.number().int().min(0).max(50).optional(),
    months: z.number().int().min(0).max(600).optional(),
  })
  .strict()
  .refine((s) => s.years !== undefined || s.months !== undefined, 'give years or months');
export type Span = z.infer<typeof Span>;

export const Measure = z
  .object({
    id: Id,
    /** The entry of the national catalogue of permitted measures this measure instantiates. */
    catalogue: Id.optional(),
    zh: z.string().min(1),
    en: z.string().min(1),
    /** Implementing agency. */
    agency: z.string().min(1),
    /** The law, regulation or central document the measure rests on (Guobanfa [2020] No. 49 legality principle). */
    legal_basis: z.string().optional(),
    /** The day that legal basis came into force; a memorandum's measures must give it, and it may not be later than the
     * memorandum's own `in_force` (a measure cannot rest on a document that did not exist yet). */
    basis_in_force: IsoDate.optional(),
    applies_to: z.array(Relation).min(1),
    effect: Effect,
    /** A different effect for some relations (e.g. officers of a restricted entity may not spend the entity's money). */
    effect_by_relation: z.partialRecord(Relation, Effect).optional(),
    actions: z.array(Id).min(1),
    /** Only listings under these entry criteria (default: all). */
    criteria: z.array(Code).optional(),
    marker: Marker,
    source: z.string().min(1),
    note: z.string().optional(),
  })
  .strict();
export type Measure = z.infer<typeof Measure>;

const Criterion = z
  .object({
    code: Code,
    zh: z.string().min(1),
    en: z.string().min(1),
    /** A fact the listing request must state as true (e.g. the 2013 text's "has the ability to perform"). */
    requires_fact: Code.optional(),
    /** Term of a listing under this criterion; `none` = until a deletion ground arises. Defaults to the list's term. */
    term: z.union([Span, z.literal('none')]).optional(),
    /** The criterion presupposes an active entry on another list (e.g. E5: violating a consumption order). */
    requires_active: Id.optional(),
    marker: Marker,
    note: z.string().optional(),
  })
  .strict();

export const PREDICATES = ['minor', 'fact', 'officer_of_party_entity', 'subject_type'] as const;
const Exclusion = z
  .object({
    code: Code,
    zh: z.string().min(1),
    en: z.string().min(1),
    /** minor: under 18 on the decision date; fact: a fact stated in the request; officer_of_party_entity: the
     * subject is the legal representative, principal, actual controller or a person directly responsible for the debt
     * of the entity that is the party. */
    when: z.enum(PREDICATES),
    fact: Code.optional(),
    subject_type: z.enum(['natural', 'legal']).optional(),
    /** First day the exclusion applies (e.g. Fa Fa [2019] No. 35 from Jan 2020). */
    from: IsoDate.optional(),
    basis: z.string().min(1),
    marker: Marker,
    note: z.string().optional(),
  })
  .strict();

const Ground = z
  .object({
    code: Code,
    zh: z.string().min(1),
    en: z.string().min(1),
    marker: Marker,
    note: z.string().optional(),
  })
  .strict();

const KindRef = z.object({ kind: KindCode, severity: Code.optional() }).strict();

const PublishedFields = z
  .object({
    natural: z.array(Code).optional(),
    legal: z.array(Code).optional(),
  })
  .strict();

export const ListVersion = z
  .object({
    version: z.string().min(1),
    /** In force from this day up to, not including, `until`. */
    from: IsoDate,
    until: IsoDate,
    basis: z.string().min(1),
    marker: Marker,
    criteria: z.array(Criterion).optional(),
    term: z.union([Span, z.literal('none')]).optional(),
    term_basis: z.string().min(1).optional(),
    term_marker: Marker.optional(),
    publication_fields: PublishedFields.optional(),
    publication_basis: z.string().min(1).optional(),
    note: z.string().optional(),
  })
  .strict();
export type ListVersion = z.infer<typeof ListVersion>;

export const ListDef = z
  .object({
    list: Id,
    version: z.string().min(1),
    type: z.enum(['blacklist', 'redlist', 'order']),
    zh: z.string().min(1),
    en: z.string().min(1),
    owner: z.object({ agency: z.string().min(1), zh: z.string().min(1), en: z.string().min(1) }).strict(),
    legal_basis: z.array(LegalBasis).min(1),
    in_force: IsoDate,
    subjects: z.array(z.enum(['natural', 'legal'])).min(1),
    kinds: z
      .object({
        listing: KindCode,
        warning: KindCode.optional(),
        publication: KindCode.optional(),
        extension: KindCode.optional(),
        deletion: KindCode,
        expiry: KindRef.optional(),
        reminder: KindCode.optional(),
        correction_request: KindCode.optional(),
        correction_rejected: KindCode.optional(),
      })
      .strict(),
    /** Listing statements must carry one of these codes as severity (omit for lists without coded criteria). */
    criteria: z.array(Criterion).optional(),
    requires_prior_warning: z.boolean().default(false),
    exclusions: z.array(Exclusion).default([]),
    /** Default term of a listing; `none` = until a deletion ground arises. */
    term: z.union([Span, z.literal('none')]),
    term_basis: z.string().min(1),
    term_marker: Marker,
    extension: z
      .object({
        min_months: z.number().int().min(1),
        max_months: z.number().int().min(1),
        total_max_months: z.number().int().min(1),
        basis: z.string().min(1),
        marker: Marker,
      })
      .strict()
      .optional(),
    deletion: z
      .object({
        /** Working days the owner has to delete once a ground arises. */
        deadline_working_days: z.number().int().min(0).optional(),
        grounds: z.array(Ground).min(1),
        /** Grounds that may only be used once the entry has been listed this long (e.g. early removal). */
        min_listed: z.array(z.object({ ground: Code, span: Span, marker: Marker }).strict()).default([]),
        basis: z.string().min(1),
        marker: Marker,
      })
      .strict(),
    /** Deletion once the term has run out; the deadline counts working days from the first day past the term. */
    expiry_deadline_working_days: z.number().int().min(0).optional(),
    correction: z
      .object({ review_days: z.number().int().min(1), marker: Marker })
      .strict()
      .optional(),
    escalation: z
      .object({
        after: Span,
        to: Id,
        ground: Code,
        reminder_days_before: z.number().int().min(1),
        deadline_working_days: z.number().int().min(0),
        basis: z.string().min(1),
        marker: Marker,
      })
      .strict()
      .optional(),
    publication: z
      .object({
        public: z.boolean(),
        portal: z.string().optional(),
        fields: PublishedFields,
        masking: z
          .array(
            z
              .object({
                field: Code,
                keep_first: z.number().int().min(0),
                keep_last: z.number().int().min(0),
                basis: z.string().min(1),
                marker: Marker,
              })
              .strict(),
          )
          .default([]),
        basis: z.string().min(1),
        marker: Marker,
      })
      .strict(),
    /**
     * Earlier texts of the list (e.g. the SPC defaulter provisions of 2013, replaced on 2017-05-01). Each holds what it
     * sets differently from the top-level (current) text; a listing takes the criteria and term of the text in force on
     * its decision day, a published view the fields of the text in force on the day it shows.
     */
    versions: z.array(ListVersion).default([]),
    /** Consequences that follow from the list's own instrument rather than from a memorandum. */
    measures: z.array(Measure).default([]),
    source: z.string().min(1),
    note: z.string().optional(),
  })
  .strict();
export type ListDef = z.infer<typeof ListDef>;

export const Memorandum = z
  .object({
    memorandum: Id,
    number: z.string().min(1),
    number_marker: Marker,
    type: z.enum(['punishment', 'incentive']),
    zh: z.string().min(1),
    en: z.string().min(1),
    date: IsoDate,
    date_marker: Marker,
    /** Measures apply from this day. */
    in_force: IsoDate,
    signatories_count: z.number().int().min(1),
    signatories: z.array(z.string().min(1)).min(1),
    /** False when the shipped signatory list is not the full list. */
    signatories_complete: z.boolean(),
    target_lists: z.array(Id).min(1),
    legal_basis: z.array(LegalBasis).min(1),
    measures_complete: z.boolean(),
    measures_note: z.string().optional(),
    measures: z.array(Measure).min(1),
    source: z.string().min(1),
    marker: Marker,
    note: z.string().optional(),
  })
  .strict();
export type Memorandum = z.infer<typeof Memorandum>;

const CatalogueMeasure = z
  .object({
    id: Id,
    /** The class in the national basic list: by law, by administrative duty, or by other organisations. */
    category: z.enum(['by_law', 'management', 'market', 'incentive']),
    zh: z.string().min(1),
    en: z.string().min(1),
    effects: z.array(Effect).min(1),
    legal_basis: z.array(LegalBasis).min(1),
    subjects: z.array(z.enum(['natural', 'legal'])).min(1),
    /** Whom the measure may reach; a relation may be limited to some actions. */
    reach: z
      .array(
        z
          .object({ relation: Relation, actions: z.array(Id).optional(), note: z.string().optional() })
          .strict(),
      )
      .min(1),
    actions: z.array(Id).min(1),
    marker: Marker,
    source: z.string().min(1),
    note: z.string().optional(),
  })
  .strict();
export type CatalogueMeasure = z.infer<typeof CatalogueMeasure>;

export const MeasureCatalogue = z
  .object({
    measure_catalogue: Id,
    edition: z.string().min(1),
    zh: z.string().min(1),
    en: z.string().min(1),
    principle: z.string().min(1),
    source: z.string().min(1),
    marker: Marker,
    note: z.string().optional(),
    measures: z.array(CatalogueMeasure).min(1),
  })
  .strict();
export type MeasureCatalogue = z.infer<typeof MeasureCatalogue>;

export const Action = z
  .object({
    id: Id,
    zh: z.string().min(1),
    en: z.string().min(1),
    sector: z.string().min(1),
    subjects: z.array(z.enum(['natural', 'legal'])).min(1),
    source: z.string().min(1),
    marker: Marker,
    note: z.string().optional(),
  })
  .strict();
export type Action = z.infer<typeof Action>;

export const ActionCatalogue = z
  .object({
    action_catalogue: Id,
    version: z.string().min(1),
    source: z.string().min(1),
    note: z.string().optional(),
    actions: z.array(Action).min(1),
  })
  .strict();
