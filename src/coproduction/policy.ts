// A firm's data-channel policy as data: the ranks it answers, the legal bases and purposes it accepts, the fields it
// will never give, its datasets, its aggregate and incident channels, and its privacy budgets per purpose and period.
import { z } from 'zod';
import { Marker } from '../core/catalogue.js';
import { MosaicError, type Issue } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { locate, readYaml, validateYaml, type ParsedYaml } from '../core/yaml-doc.js';

/** Administrative ranks, low to high; a GB/T 2260 code's shape gives its level (see `rankOfJurisdiction`). */
export const RANKS = ['county', 'prefecture', 'province', 'national'] as const;
export type Rank = (typeof RANKS)[number];
/** The granularities an aggregate can be cut at: an area level, or the whole requested jurisdiction. */
export const GRANULARITIES = ['county', 'prefecture', 'province', 'total'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const Prov = { source: z.string().min(1), marker: Marker, note: z.string().optional() };
const Id = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'ids are lower-case words joined by _ or -');

const FieldSchema = z
  .object({
    name: Id,
    kind: z.enum(['number', 'text', 'date']),
    /** Contribution bounds for numbers: each subject's total is clamped into [min, max] before summing. */
    min: z.number().int().optional(),
    max: z.number().int().optional(),
    /** True for fields about the firm's customer (a person); an incident channel may never carry one. */
    personal: z.boolean().default(false),
  })
  .strict();

const NoiseSchema = z.discriminatedUnion('mechanism', [
  z.object({ mechanism: z.literal('none'), ...Prov }).strict(),
  // ε per noised measure; the ledger charges ε²/2 in zCDP (pure ε-DP implies ε²/2-zCDP, Bun & Steinke 2016).
  z.object({ mechanism: z.literal('laplace'), epsilon: z.number().gt(0).max(10), ...Prov }).strict(),
  // ρ per noised measure (zCDP); σ² = Δ²/(2ρ) for a measure of sensitivity Δ.
  z.object({ mechanism: z.literal('gaussian'), rho: z.number().gt(0).max(10), ...Prov }).strict(),
]);

/** What every channel states: who may ask, on which bases, for which purposes, over which dataset. */
const ChannelCommon = {
  id: Id,
  en: z.string().min(1),
  dataset: Id,
  min_rank: z.enum(RANKS),
  body_kinds: z.array(Id).min(1).optional(),
  bases: z.array(Id).min(1),
  purposes: z.array(Id).min(1),
  ...Prov,
};

const ChannelSchema = z.discriminatedUnion('kind', [
  z
    .object({
      ...ChannelCommon,
      kind: z.literal('aggregate'),
      /** Measures the channel can release: `count`, or `sum:FIELD` of a bounded numeric field. */
      measures: z.array(z.string().regex(/^(count|sum:[a-z][a-z0-9_]*)$/)).min(1),
      granularities: z.array(z.enum(GRANULARITIES)).min(1),
      /** Cells with fewer distinct subjects than this are suppressed (and so is any noisy count below it). */
      min_cell: z.number().int().min(1),
      noise: NoiseSchema,
    })
    .strict(),
  z
    .object({
      ...ChannelCommon,
      kind: z.literal('incident'),
      /** The incident's own fields, the only ones this channel ever gives. */
      fields: z.array(Id).min(1),
    })
    .strict(),
]);

const Schema = z
  .object({
    firm: Id,
    en: z.string().min(1),
    zh: z.string().min(1),
    version: z.string().min(1),
    source: z.string().min(1),
    marker: Marker,
    note: z.string().optional(),
    /** Fields the firm never gives to anyone, whatever the channel. */
    never_share: z.array(Id),
    legal_bases: z.array(z.object({ id: Id, en: z.string().min(1), ...Prov }).strict()).min(1),
    budget: z
      .object({
        period: z.enum(['month', 'year']),
        purposes: z.array(z.object({ purpose: Id, rho: z.number().gt(0), ...Prov }).strict()),
      })
      .strict(),
    datasets: z
      .array(
        z
          .object({
            id: Id,
            en: z.string().min(1),
            subject_field: Id,
            area_field: Id,
            fields: z.array(FieldSchema).min(1),
          })
          .strict(),
      )
      .min(1),
    channels: z.array(ChannelSchema).min(1),
  })
  .strict();

export type ChannelPolicy = z.infer<typeof Schema> & { file: string };
export type Channel = ChannelPolicy['channels'][number];
export type AggregateChannel = Extract<Channel, { kind: 'aggregate' }>;
export type Dataset = ChannelPolicy['datasets'][number];

export function channelPolicyDir(): string {
  return shipped('policies', 'coproduction', 'channels');
}

export function loadChannelPolicy(file: string): ChannelPolicy {
  const parsed = readYaml(file);
  const res = validateYaml(parsed, Schema, 'channel_policy');
  if (!res.value) throw new MosaicError(res.issues);
  const issues = crossCheck(res.value, parsed);
  if (issues.length) throw new MosaicError(issues);
  return { ...res.value, file };
}

/** References between parts of the policy, and the firm's own "never" list, checked at load. */
function crossCheck(p: z.infer<typeof Schema>, parsed: ParsedYaml): Issue[] {
  const issues: Issue[] = [];
  const add = (code: string, message: string, path: (string | number)[]) =>
    issues.push({ code: `channel_policy.${code}`, message, location: locate(parsed, path) });
  const bases = new Set(p.legal_bases.map((b) => b.id));
  const budgets = new Set(p.budget.purposes.map((b) => b.purpose));
  const never = new Set(p.never_share);
  const datasets = new Map(p.datasets.map((d) => [d.id, d]));
  const seen = new Set<string>();
  p.datasets.forEach((d, i) => {
    const names = new Set(d.fields.map((f) => f.name));
    if (!names.has(d.subject_field)) add('unknown_field', `no field ${d.subject_field}`, ['datasets', i]);
    if (!names.has(d.area_field)) add('unknown_field', `no field ${d.area_field}`, ['datasets', i]);
    d.fields.forEach((f, j) => {
      if (f.kind === 'number' && (f.min === undefined || f.max === undefined || f.max <= f.min))
        add('unbounded', `${f.name}: a numeric field needs integer bounds min < max`, [
          'datasets',
          i,
          'fields',
          j,
        ]);
    });
  });
  p.channels.forEach((c, i) => {
    if (seen.has(c.id)) add('duplicate', `channel ${c.id} twice`, ['channels', i, 'id']);
    seen.add(c.id);
    const d = datasets.get(c.dataset);
    if (!d) return add('unknown_dataset', `no dataset ${c.dataset}`, ['channels', i, 'dataset']);
    c.bases.forEach((b, j) => {
      if (!bases.has(b)) add('unknown_basis', `no legal basis ${b}`, ['channels', i, 'bases', j]);
    });
    const fields = new Map(d.fields.map((f) => [f.name, f]));
    if (c.kind === 'aggregate') {
      if (c.noise.mechanism !== 'none')
        c.purposes.forEach((pu, j) => {
          if (!budgets.has(pu))
            add('no_budget', `purpose ${pu} is noised but has no budget`, ['channels', i, 'purposes', j]);
        });
      c.measures.forEach((m, j) => {
        if (m === 'count') return;
        const f = fields.get(m.slice(4));
        if (!f || f.kind !== 'number')
          add('bad_measure', `${m}: not a numeric field of ${d.id}`, ['channels', i, 'measures', j]);
        else if (never.has(f.name))
          add('never_share', `${m} is on never_share`, ['channels', i, 'measures', j]);
      });
    } else
      c.fields.forEach((name, j) => {
        const f = fields.get(name);
        if (!f) add('unknown_field', `no field ${name} in ${d.id}`, ['channels', i, 'fields', j]);
        else if (f.personal || never.has(name))
          add('personal_field', `${name} is about the customer: an incident channel never carries it`, [
            'channels',
            i,
            'fields',
            j,
          ]);
      });
  });
  return issues;
}

/** The level of a GB/T 2260 code: 000000 national, XX0000 province, XXXX00 prefecture, anything else county. */
export function rankOfJurisdiction(code: string): Rank | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  if (code === '000000') return 'national';
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'prefecture';
  return 'county';
}

/** Whether a jurisdiction covers an area code (a county covers itself; a province every code with its prefix). */
export function covers(jurisdiction: string, area: string): boolean {
  switch (rankOfJurisdiction(jurisdiction)) {
    case 'national':
      return true;
    case 'province':
      return area.slice(0, 2) === jurisdiction.slice(0, 2);
    case 'prefecture':
      return area.slice(0, 4) === jurisdiction.slice(0, 4);
    case 'county':
      return area === jurisdiction;
    default:
      return false;
  }
}

/** The cell an area falls in at a granularity: its own code cut to that level. */
export function cellOf(area: string, g: Granularity): string {
  switch (g) {
    case 'county':
      return area;
    case 'prefecture':
      return area.slice(0, 4) + '00';
    case 'province':
      return area.slice(0, 2) + '0000';
    case 'total':
      return 'total';
  }
}
