// "Credit-easy" perks (信易+) as data with the benefit-console fields, who is eligible (with reasons), and seeded
// take-up by residents who know their grade: who benefits, by group, and what the perks cost the city and merchants.
import { z } from 'zod';
import { Marker } from '../core/catalogue.js';
import { MosaicError, type Issue } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { Rng } from '../core/rng.js';
import { locate, readYaml, validateYaml } from '../core/yaml-doc.js';

const Dated = z.object({ date: z.string().nullable(), source: z.string().min(1), marker: Marker }).strict();
const Schema = z
  .object({
    catalogue: z.literal('credit-easy-perks'),
    version: z.string().min(1),
    source: z.string().min(1),
    marker: Marker,
    grades: z.array(z.string().min(1)).min(2),
    awareness: z
      .object({
        attribute: z.string().min(1),
        values: z.record(z.string(), z.number().min(0).max(1)),
        default: z.number().min(0).max(1),
        source: z.string().min(1),
        marker: Marker,
      })
      .strict(),
    perks: z
      .array(
        z
          .object({
            code: z.string().regex(/^[a-z][a-z0-9_]*$/),
            zh: z.string().min(1),
            en: z.string().min(1),
            provider: z.string().min(1),
            // The console's fields (DOMAIN §9.3).
            required_grade: z.string().min(1).nullable(),
            min_score: z.number().nullable(),
            priority: z.number().int().min(1),
            accounting: z.enum(['per_use', 'discount', 'amount']),
            start: z.string().nullable(),
            end: z.string().nullable(),
            rebate_yuan: z.number().min(0).nullable(),
            discount_rate: z.number().gt(0).lt(1).nullable(),
            price_yuan: z.number().gt(0).optional(),
            documents: z.array(z.string().min(1)),
            // Mosaic's additions: who bears the cost, which platform feature it copies, when it appeared, uptake.
            payer: z.enum(['city', 'merchant', 'platform']),
            copies: z
              .object({
                feature: z.string().min(1),
                platform: z.string().min(1),
                source: z.string(),
                marker: Marker,
              })
              .strict()
              .nullable(),
            appeared: Dated,
            uses_per_year: z.number().gt(0),
            take_up: z.number().min(0).max(1),
            source: z.string().min(1),
            marker: Marker,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type PerkCatalogue = z.infer<typeof Schema>;
export type Perk = PerkCatalogue['perks'][number];

export function loadPerks(file = shipped('policies', 'coproduction', 'perks.yaml')): PerkCatalogue {
  const parsed = readYaml(file);
  const res = validateYaml(parsed, Schema, 'perks');
  if (!res.value) throw new MosaicError(res.issues);
  const issues: Issue[] = [];
  res.value.perks.forEach((p, i) => {
    const at = (k: string) => locate(parsed, ['perks', i, k]);
    if (p.required_grade !== null && !res.value!.grades.includes(p.required_grade))
      issues.push({
        code: 'perks.unknown_grade',
        message: `${p.code}: ${p.required_grade}`,
        location: at('required_grade'),
      });
    // The accounting mode decides which value field the console needs.
    if (p.accounting === 'discount' && (p.discount_rate === null || p.price_yuan === undefined))
      issues.push({
        code: 'perks.discount_fields',
        message: `${p.code}: a discount needs discount_rate and price_yuan`,
        location: at('accounting'),
      });
    if (p.accounting !== 'discount' && p.rebate_yuan === null)
      issues.push({
        code: 'perks.rebate_field',
        message: `${p.code}: ${p.accounting} needs rebate_yuan`,
        location: at('accounting'),
      });
  });
  if (issues.length) throw new MosaicError(issues);
  return res.value;
}

/** Value of one use to the resident (and cost to the payer), in yuan. */
export function valuePerUse(p: Perk): number {
  return p.accounting === 'discount' ? p.discount_rate! * p.price_yuan! : p.rebate_yuan!;
}

export interface Resident {
  grade: string | null;
  score: number | null;
  listed: boolean;
}

/** Whether a resident may take a perk on a date, with every reason. */
export function eligible(
  cat: PerkCatalogue,
  p: Perk,
  r: Resident,
  date: string,
): { ok: boolean; reasons: string[] } {
  const reasons: string[] = [];
  let ok = true;
  if ((p.start && date < p.start) || (p.end && date > p.end)) {
    ok = false;
    reasons.push(`${p.code} runs ${p.start ?? '…'} to ${p.end ?? '…'}; not on ${date}`);
  }
  if (p.required_grade !== null) {
    const need = cat.grades.indexOf(p.required_grade);
    const has = r.grade === null ? -1 : cat.grades.indexOf(r.grade);
    if (has < 0 || has > need) {
      ok = false;
      reasons.push(`needs grade ${p.required_grade} or better; has ${r.grade ?? 'none'}`);
    } else reasons.push(`grade ${r.grade} meets ${p.required_grade}`);
  }
  if (p.min_score !== null) {
    if (r.score === null || r.score < p.min_score) {
      ok = false;
      reasons.push(`needs score ≥ ${p.min_score}; has ${r.score ?? 'none'}`);
    } else reasons.push(`score ${r.score} ≥ ${p.min_score}`);
  }
  // Perks are for the trustworthy: a listed person gets none, whatever the grade says (DOMAIN §4.5 redlists).
  if (r.listed) {
    ok = false;
    reasons.push('on a blacklist');
  }
  return { ok, reasons };
}

export interface TakeUpPerson extends Resident {
  id: string;
  group: string;
}

export interface GroupTakeUp {
  group: string;
  people: number;
  eligible: number;
  aware: number;
  users: number;
  /** Yuan a year received by the group (value of its uses), and per head. */
  value: number;
  valuePerHead: number;
}

export interface TakeUpResult {
  groups: GroupTakeUp[];
  perks: { code: string; payer: string; users: number; uses: number; cost: number }[];
  /** Yuan a year by payer: what the perks cost the city, merchants and platforms. */
  costByPayer: Record<string, number>;
}

/**
 * A year of take-up: a person takes a perk if eligible, if they know their grade (probability per group), and with
 * the perk's take-up rate; uses follow the perk's rate. Seeded: the same inputs give the same result.
 */
export function takeUp(
  cat: PerkCatalogue,
  people: readonly TakeUpPerson[],
  knowsGrade: (group: string) => number,
  date: string,
  seed: string | number,
): TakeUpResult {
  const rng = new Rng(`perks|${String(seed)}`);
  const groups = new Map<string, GroupTakeUp>();
  const perks = cat.perks.map((p) => ({ code: p.code, payer: p.payer, users: 0, uses: 0, cost: 0 }));
  for (const person of people) {
    let g = groups.get(person.group);
    if (!g)
      groups.set(
        person.group,
        (g = { group: person.group, people: 0, eligible: 0, aware: 0, users: 0, value: 0, valuePerHead: 0 }),
      );
    g.people++;
    const knows = rng.bernoulli(knowsGrade(person.group));
    let anyEligible = false;
    let used = false;
    cat.perks.forEach((p, i) => {
      // Draws are made for every person and perk, so one perk's rules do not shift another's random stream.
      const takes = rng.bernoulli(p.take_up);
      const uses = rng.poisson(p.uses_per_year);
      if (!eligible(cat, p, person, date).ok) return;
      anyEligible = true;
      if (!knows || !takes || uses === 0) return;
      used = true;
      const v = uses * valuePerUse(p);
      g.value += v;
      perks[i]!.users++;
      perks[i]!.uses += uses;
      perks[i]!.cost += v;
    });
    if (anyEligible) g.eligible++;
    if (anyEligible && knows) g.aware++;
    if (used) g.users++;
  }
  const costByPayer: Record<string, number> = {};
  for (const p of perks) costByPayer[p.payer] = (costByPayer[p.payer] ?? 0) + p.cost;
  return {
    groups: [...groups.values()]
      .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))
      .map((g) => ({ ...g, valuePerHead: g.people ? g.value / g.people : 0 })),
    perks,
    costByPayer,
  };
}
