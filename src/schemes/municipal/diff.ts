// What changed between two points-scheme packs: metadata, bands, rule lines, direct grading, repairs, validity.
import { canonical, diffById, diffFields, type FieldChange, type ItemDiff } from '../../policy/diff.js';
import type { PointRule, SchemePack } from './types.js';

export interface SchemeDiff {
  from: string;
  to: string;
  meta: FieldChange[];
  bands: FieldChange[];
  validity: FieldChange[];
  rules: ItemDiff;
  direct: ItemDiff;
  repairs: ItemDiff;
  interactions: ItemDiff;
  exclusions: ItemDiff;
}

// Explanatory fields (labels, notes) are compared too: a changed legal basis or marker is a change worth seeing.
const RULE_FIELDS = [
  'kind',
  'subjects',
  'cases',
  'tiers',
  'annualCap',
  'capGroup',
  'validityYears',
  'domain',
  'subItem',
  'zh',
  'en',
  'basis',
  'source',
  'marker',
  'note',
] as const;

export function diffSchemePacks(a: SchemePack, b: SchemePack): SchemeDiff {
  // Formula ASTs are compared by their text; the parsed tree adds nothing.
  const strip = (rs: PointRule[]) =>
    rs.map((r) => ({
      ...r,
      cases: r.cases.map((c) => ({
        ...c,
        effect: c.effect.type === 'formula' ? { type: 'formula', text: c.effect.text } : c.effect,
      })),
    }));
  return {
    from: a.id,
    to: b.id,
    meta: diffFields(a.meta, b.meta, [
      'scheme',
      'version',
      'title',
      'jurisdiction',
      'effective',
      'baseScore',
      'subjects',
      'eligibility',
      'consentRequired',
      'basis',
      'marker',
    ]),
    bands: a.meta.bands
      .map((band) => ({ band, other: b.meta.bands.find((x) => x.grade === band.grade) }))
      .filter(({ band, other }) => canonical(band) !== canonical(other))
      .map(({ band, other }) => ({
        field: `band ${band.grade}`,
        from: range(band),
        to: other ? range(other) : undefined,
      })),
    validity: diffFields(a.validity, b.validity, ['deductions', 'bonusByLevel', 'bonusDefault', 'direct']),
    rules: diffById(strip(a.rules), strip(b.rules), RULE_FIELDS as unknown as (keyof PointRule & string)[]),
    direct: diffById(a.direct, b.direct, [
      'kind',
      'subjects',
      'when',
      'grade',
      'validityYears',
      'basis',
      'marker',
      'note',
    ]),
    repairs: diffById(a.repairs, b.repairs, [
      'triggers',
      'subjects',
      'cancels',
      'effect',
      'basis',
      'marker',
      'note',
    ]),
    interactions: diffById(a.interactions, b.interactions, ['effect', 'whileDirect', 'basis', 'marker']),
    exclusions: diffById(a.exclusions, b.exclusions, ['kinds', 'basis', 'marker']),
  };
}

function range(b: { min?: number; max?: number }): string {
  return b.min === undefined ? `≤ ${b.max}` : b.max === undefined ? `≥ ${b.min}` : `${b.min}–${b.max}`;
}

/** Plain-text report, one line per change. */
export function formatSchemeDiff(d: SchemeDiff): string[] {
  const out: string[] = [`${d.from} → ${d.to}`];
  const val = (v: unknown) => (v === undefined ? '—' : typeof v === 'string' ? v : canonical(v));
  for (const c of d.meta) out.push(`  metadata ${c.field}: ${val(c.from)} → ${val(c.to)}`);
  for (const c of d.bands) out.push(`  ${c.field}: ${val(c.from)} → ${val(c.to)}`);
  for (const c of d.validity) out.push(`  validity ${c.field}: ${val(c.from)} → ${val(c.to)}`);
  const items = (name: string, x: ItemDiff) => {
    for (const id of x.added) out.push(`  + ${name} ${id}`);
    for (const id of x.removed) out.push(`  - ${name} ${id}`);
    for (const ch of x.changed)
      for (const c of ch.changes) out.push(`  ~ ${name} ${ch.id} ${c.field}: ${val(c.from)} → ${val(c.to)}`);
  };
  items('rule', d.rules);
  items('direct', d.direct);
  items('repair', d.repairs);
  items('interaction', d.interactions);
  items('exclusion', d.exclusions);
  if (out.length === 1) out.push('  no differences');
  return out;
}
