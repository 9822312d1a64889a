// Firms' grades as data: the tax authority's A/B/M/C/D grading and the market regulator's risk classes A–D.
import { z } from 'zod';
import { Marker } from '../../core/catalogue.js';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { readYaml, validateYaml } from '../../core/yaml-doc.js';

const Prov = { source: z.string().min(1), marker: Marker, note: z.string().optional() };

const TaxSchema = z
  .object({
    scheme: z.string(),
    version: z.string(),
    owner: z.string(),
    legal_basis: z.string().min(1),
    source: z.string(),
    start_score: z.object({ value: z.number(), ...Prov }).strict(),
    grades: z
      .object({
        ...Prov,
        bands: z.array(z.object({ grade: z.enum(['A', 'B', 'C', 'D']), min: z.number() }).strict()).length(4),
        m_grade: z.object({ min_score: z.number(), rule: z.string() }).strict(),
      })
      .strict(),
    deductions: z
      .array(
        z
          .object({
            indicator: z.string().min(1),
            points: z.number().min(0),
            per: z.literal('occurrence'),
            ...Prov,
          })
          .strict(),
      )
      .min(1),
    direct_d: z.object({ ...Prov, indicators: z.array(z.string().min(1)).min(1) }).strict(),
    a_bars: z
      .object({
        ...Prov,
        min_operating_years: z.number().int().min(0),
        previous_grade_not: z.array(z.enum(['A', 'B', 'M', 'C', 'D'])),
        max_consecutive_zero_vat_months: z.number().int().min(0),
        max_total_zero_vat_months: z.number().int().min(0),
        books_required: z.boolean(),
      })
      .strict(),
    publication: z.object({ month: z.number().int().min(1).max(12), ...Prov }).strict(),
    re_evaluation: z.object({ ...Prov }).strict(),
  })
  .strict();

const RiskSchema = z
  .object({
    scheme: z.string(),
    version: z.string(),
    owner: z.string(),
    legal_basis: z.string().min(1),
    source: z.string(),
    start_score: z.object({ value: z.number(), ...Prov }).strict(),
    indicators: z
      .array(
        z
          .object({
            code: z.enum([
              'young_firm',
              'annual_report_late',
              'annual_report_missing',
              'permit_revoked',
              'penalty',
              'abnormal_listed',
            ]),
            points: z.number(),
            when: z.string().optional(),
            per: z.string().optional(),
            while: z.string().optional(),
            ...Prov,
          })
          .strict(),
      )
      .min(1),
    window_years: z.object({ value: z.number().int().min(1), ...Prov }).strict(),
    direct: z.array(
      z.object({ while_listed: z.literal('serious'), class: z.enum(['A', 'B', 'C', 'D']), ...Prov }).strict(),
    ),
    classes: z
      .object({
        ...Prov,
        cutoffs: z
          .array(z.object({ class: z.enum(['A', 'B', 'C', 'D']), min: z.number(), marker: Marker }).strict())
          .length(4),
      })
      .strict(),
    inspections: z
      .object({
        ...Prov,
        share: z
          .object({
            A: z.number().min(0).max(1),
            B: z.number().min(0).max(1),
            C: z.number().min(0).max(1),
            D: z.number().min(0).max(1),
          })
          .strict(),
      })
      .strict(),
  })
  .strict();

export type TaxPolicy = z.infer<typeof TaxSchema>;
export type RiskPolicy = z.infer<typeof RiskSchema>;

function load<T>(file: string, schema: z.ZodType<T>, prefix: string): T {
  const res = validateYaml(readYaml(file), schema, prefix);
  if (!res.value) throw new MosaicError(res.issues);
  return res.value;
}

export function loadTaxPolicy(file = shipped('policies', 'enterprise', 'tax-grade.yaml')): TaxPolicy {
  const p = load(file, TaxSchema, 'tax_policy');
  const mins = p.grades.bands.map((b) => b.min);
  if (mins.some((m, i) => i > 0 && m >= mins[i - 1]!))
    throw new MosaicError({
      code: 'tax_policy.bands_order',
      message: 'grade bands must be listed from the highest minimum down',
      location: { file, path: ['grades', 'bands'] },
    });
  return p;
}

export function loadRiskPolicy(file = shipped('policies', 'enterprise', 'risk-class.yaml')): RiskPolicy {
  const p = load(file, RiskSchema, 'risk_policy');
  const mins = p.classes.cutoffs.map((b) => b.min);
  if (mins.some((m, i) => i > 0 && m >= mins[i - 1]!))
    throw new MosaicError({
      code: 'risk_policy.cutoffs_order',
      message: 'class cut-offs must be listed from A down',
      location: { file, path: ['classes', 'cutoffs'] },
    });
  const s = p.inspections.share;
  if (!(s.A <= s.B && s.B <= s.C && s.C <= s.D))
    throw new MosaicError({
      code: 'risk_policy.inspection_order',
      message: 'inspection shares must not fall from A to D (DOMAIN §7.4)',
      location: { file, path: ['inspections', 'share'] },
    });
  return p;
}
