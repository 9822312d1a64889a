// Schemas of the points-scheme pack files (scheme.yaml, rules.yaml, …) as written by people, before resolution.
import { z } from 'zod';
import { isIsoDate } from '../../core/dates.js';
import { ISSUER_LEVELS } from '../../core/types.js';
import { MAX_POINTS } from '../../policy/expr.js';
import { DIRECT_GRADES, GRADES, SUBJECT_CLASSES } from './types.js';

/** The files of a pack version folder; all but scheme.yaml may be omitted when the pack `extends` another. */
export const PACK_FILES = [
  'scheme.yaml',
  'rules.yaml',
  'direct-grading.yaml',
  'validity.yaml',
  'interactions.yaml',
  'repairs.yaml',
  'labels.yaml',
] as const;
export type PackFileName = (typeof PACK_FILES)[number];

const Id = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'ids are letters, digits, _ . - (max 64)');
const Text = z.string().min(1);
const Marker = z.enum(['V', 'P', 'U']);
const IsoDate = z.string().refine(isIsoDate, 'dates are YYYY-MM-DD');
const Points = z.number().int().min(-MAX_POINTS).max(MAX_POINTS);
const Years = z.number().int().min(1).max(50);
const Finite = z.number().refine(Number.isFinite, 'must be a finite number');
const Level = z.enum(ISSUER_LEVELS as unknown as [string, ...string[]]);
const Severity = z.string().regex(/^[a-z0-9_]+$/);
const Subjects = z.array(z.enum(SUBJECT_CLASSES)).min(1);
const oneOrMany = <T extends z.ZodType>(t: T) => z.union([t, z.array(t).min(1)]);

export const IntervalSchema = z
  .object({
    over: Finite.optional(),
    atLeast: Finite.optional(),
    upTo: Finite.optional(),
    below: Finite.optional(),
  })
  .strict();

/** A basis of only spaces names no law: refused like an empty one (the lists lint and ingest do the same). */
const Basis = z.string().refine((s) => s.trim().length > 0, 'basis must not be blank');
const Provenance = { basis: Basis, source: Text, marker: Marker, note: z.string().optional() };

export const ConditionSchema = z
  .object({
    severity: oneOrMany(Severity).optional(),
    level: oneOrMany(Level).optional(),
    amount: IntervalSchema.optional(),
  })
  .strict();

const EffectFields = {
  points: Points.optional(),
  range: z.tuple([Points, Points]).optional(),
  formula: z.string().optional(),
};

export const CaseSchema = z
  .object({
    severity: oneOrMany(Severity).optional(),
    level: oneOrMany(Level).optional(),
    amount: IntervalSchema.optional(),
    ...EffectFields,
    note: z.string().optional(),
  })
  .strict();

export const RuleSchema = z
  .object({
    id: Id,
    domain: Id,
    subItem: Text,
    zh: Text,
    en: Text,
    kind: Text,
    subjects: Subjects,
    when: ConditionSchema.optional(),
    ...EffectFields,
    cases: z.array(CaseSchema).min(1).max(200).optional(),
    tiers: z
      .array(z.object({ atLeast: Finite, points: Points }).strict())
      .min(1)
      .max(100)
      .optional(),
    annualCap: z.number().int().min(1).max(MAX_POINTS).optional(),
    capGroup: Id.optional(),
    validityYears: Years.optional(),
    ...Provenance,
  })
  .strict();

export const DirectSchema = z
  .object({
    id: Id,
    zh: Text,
    en: Text,
    kind: Text,
    subjects: Subjects,
    when: ConditionSchema.optional(),
    grade: z.enum(DIRECT_GRADES),
    validityYears: Years.optional(),
    ...Provenance,
  })
  .strict();

export const RepairSchema = z
  .object({
    id: Id,
    zh: Text,
    en: Text,
    /** Alternatives: a record matching any one is a trigger. */
    triggers: z
      .array(z.object({ kind: Text, when: ConditionSchema.optional() }).strict())
      .min(1)
      .max(20),
    subjects: Subjects,
    cancels: z.array(Id).min(1),
    effect: z.union([
      z.object({ points: Points, years: Years }).strict(),
      z.object({ grade: z.enum(DIRECT_GRADES), years: Years }).strict(),
    ]),
    ...Provenance,
  })
  .strict();

const Section = {
  /** merge (default): items replace inherited items with the same id, new ids are added. replace: nothing inherited. */
  mode: z.enum(['merge', 'replace']).optional(),
  /** Inherited ids to drop. */
  remove: z.array(Id).optional(),
  notes: z.array(z.string()).optional(),
};

export const RulesFileSchema = z.object({ ...Section, rules: z.array(RuleSchema) }).strict();
export const DirectFileSchema = z.object({ ...Section, direct: z.array(DirectSchema) }).strict();
export const RepairsFileSchema = z.object({ ...Section, repairs: z.array(RepairSchema) }).strict();

export const InteractionSchema = z
  .object({
    id: Id,
    zh: Text,
    en: Text,
    effect: z.literal('freeze_bonuses'),
    while: z.object({ directGrades: z.array(z.enum(DIRECT_GRADES)).min(1) }).strict(),
    ...Provenance,
  })
  .strict();

export const ExclusionSchema = z
  .object({ id: Id, zh: Text, en: Text, kinds: z.array(Text).min(1), ...Provenance })
  .strict();

export const InteractionsFileSchema = z
  .object({
    ...Section,
    interactions: z.array(InteractionSchema),
    exclusions: z.array(ExclusionSchema).optional(),
  })
  .strict();

export const ValidityFileSchema = z
  .object({
    deductions: z
      .array(
        z
          .object({
            over: Finite.optional(),
            atLeast: Finite.optional(),
            upTo: Finite.optional(),
            below: Finite.optional(),
            years: Years,
          })
          .strict(),
      )
      .min(1),
    bonuses: z.object({ byLevel: z.partialRecord(Level, Years), default: Years }).strict(),
    direct: z.object({ B: Years, C: Years, D: Years }).strict(),
    notes: z.array(z.string()).optional(),
    ...Provenance,
  })
  .strict();

const LabelSchema = z.object({ zh: Text, en: Text }).strict();

export const LabelsFileSchema = z
  .object({
    grades: z.partialRecord(z.enum(GRADES), LabelSchema).optional(),
    domains: z.record(Id, LabelSchema).optional(),
  })
  .strict();

export const SchemeFileSchema = z
  .object({
    scheme: Id,
    version: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/),
    /** Path of the parent pack version folder, relative to this folder. */
    extends: z.string().min(1).optional(),
    title: LabelSchema,
    jurisdiction: z.object({ division: z.string().regex(/^\d{2,6}$/), zh: Text, en: Text }).strict(),
    effective: z.object({ from: IsoDate, to: IsoDate.optional() }).strict(),
    baseScore: z.number().int().min(0).max(MAX_POINTS),
    subjects: z.array(z.enum(['individual', 'legal_person'])).min(1),
    eligibility: z
      .object({
        minAge: z.number().int().min(0).max(150).optional(),
        residence: z
          .object({ divisions: z.array(z.string().regex(/^\d{2,6}$/)).min(1) })
          .strict()
          .optional(),
      })
      .strict(),
    consentRequired: z.boolean(),
    bands: z
      .array(
        z
          .object({
            grade: z.enum(GRADES),
            min: z.number().int().optional(),
            max: z.number().int().optional(),
          })
          .strict(),
      )
      .min(1),
    notes: z.array(z.string()).optional(),
    ...Provenance,
  })
  .strict();

/** In a child pack every scheme.yaml key except `scheme`, `version` and `extends` may be left out (inherited). */
export const ChildSchemeFileSchema = SchemeFileSchema.partial().required({
  scheme: true,
  version: true,
  extends: true,
});

export type RuleIn = z.infer<typeof RuleSchema>;
export type CaseIn = z.infer<typeof CaseSchema>;
export type ConditionIn = z.infer<typeof ConditionSchema>;
export type DirectIn = z.infer<typeof DirectSchema>;
export type RepairIn = z.infer<typeof RepairSchema>;
export type InteractionIn = z.infer<typeof InteractionSchema>;
export type ExclusionIn = z.infer<typeof ExclusionSchema>;
export type ValidityIn = z.infer<typeof ValidityFileSchema>;
export type SchemeIn = z.infer<typeof SchemeFileSchema>;
export type LabelsIn = z.infer<typeof LabelsFileSchema>;
