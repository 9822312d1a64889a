// Compiles a validated scenario against the record-kind catalogue into flat tables the district step loop reads:
// families with eligibility masks, age and season multipliers, outcomes with kind indexes, agencies, processes.
import type { Catalogue } from '../core/catalogue.js';
import { MosaicError, type Issue, type Location } from '../core/errors.js';
import { locate } from '../core/yaml-doc.js';
import type { AmountSpec, Family, Multipliers, Outcome } from './behaviour-schema.js';
import { cumulative } from './random.js';
import type { Scenario } from './scenario.js';
import { ROLE } from './roles.js';
import { OCC } from './world.js';

export const ROLE_BIT: Record<string, number> = ROLE;

export interface CompiledOutcome {
  id: string;
  /** Index into Model.eventTypes: the (family, outcome) pair written to events.parquet. */
  eventType: number;
  kind: string;
  kindIndex: number;
  severity?: string;
  level?: string;
  amount?: AmountSpec;
  /** The kind declares a unit, so the record carries an amount (0 when the outcome has none). */
  unit: boolean;
  positive: boolean;
  agency: number;
}

export interface CompiledFamily {
  index: number;
  id: string;
  firm: boolean;
  minAge: number;
  maxAge: number;
  /** -1 any, 0 urban, 1 rural. */
  hukou: number;
  drivers: boolean;
  roleMask: number;
  /** Bit per occupation code; 0 = any. */
  occMask: number;
  /** Sector indexes allowed (firms); empty = any. */
  sectors: Set<number>;
  rate: number;
  trait: string | undefined;
  mult: Multipliers;
  /** Multiplier by age 0..120 and its maximum. */
  ageMult: Float64Array;
  ageMultMax: number;
  years: Record<string, number>;
  /** Monthly multipliers with mean 1. */
  season: Float64Array;
  outcomes: CompiledOutcome[];
  outcomeCum: Float64Array;
  response: Family['response'];
  /** Petitioning is a family compiled from processes.petition with special recording. */
  petition: boolean;
}

export interface CompiledAgency {
  index: number;
  id: string;
  code: string;
  docPrefix: string;
  basis: string;
  coverage: number;
  minDelay: number;
  maxDelay: number;
  quota?: {
    evaluationMonths: number[];
    leadDays: number;
    bonusCoverage: number;
    amountInflation: number;
    recorders: 'village' | 'district';
    fabricationPerYear: number;
    fabricated: { family: number; outcome: number }[];
    fabricatedCum: Float64Array;
    insiderCoverage: number;
  };
}

export interface Stage {
  kind: string;
  kindIndex: number;
  severity?: string;
  agency: number;
  unit: boolean;
  eventType: number;
}

/** The process stages a scenario defines: each a record kind with its agency (typed, so no stage is looked up by a
 * misspelt string). */
export const STAGE_NAMES = [
  'credit.arrears',
  'credit.judgment',
  'credit.warning',
  'credit.listing',
  'credit.restriction',
  'credit.deletion',
  'credit.lifted',
  'credit.firm_arrears',
  'credit.officer_listed',
  'credit.officer_performed',
  'petition.relapse',
  'petition.commitment',
  'annual_report.listing',
  'annual_report.exit',
] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export interface Model {
  /** Age of majority (population.households.adultAge: Civil Code Art. 17): who counts as an adult everywhere. */
  adultAge: number;
  families: CompiledFamily[];
  agencies: CompiledAgency[];
  /** `${family}.${outcome}` names, indexed by eventType. */
  eventTypes: string[];
  /** Record kind of each event type (what an agency would write for it). */
  eventKinds: string[];
  stages: Record<StageName, Stage>;
  appraisal: CompiledOutcome[];
  stars: { atLeast: number; outcome: CompiledOutcome }[];
  starPenalty: CompiledOutcome;
  funeral: CompiledOutcome;
  consumption: {
    actions: string[];
    rates: number[];
    agencies: number[];
    deniedKindIndex: number;
    eventTypes: number[];
  };
  catalogueVersion: string;
}

/**
 * Build the model. Every reference to the catalogue is checked here (unknown kind, undeclared severity, wrong subject
 * type, missing unit) and reported with the scenario file's line and column.
 */
export function compileModel(s: Scenario, cat: Catalogue): Model {
  const issues: Issue[] = [];
  const at = (part: 'behaviour' | 'agencies', path: (string | number)[]): Location =>
    locate(s.docs[part], path);
  const agencyIdx = new Map(s.agencies.list.map((a, i) => [a.id, i]));
  const eventTypes: string[] = [];
  const eventKinds: string[] = [];
  const sectorIdx = new Map(s.firms.sectors.list.map((x, i) => [x.name, i]));

  const checkKind = (
    kind: string,
    severity: string | undefined,
    subject: 'natural' | 'legal' | 'both',
    path: (string | number)[],
    severityLater = false,
  ): { kindIndex: number; unit: boolean; positive: boolean } => {
    const k = cat.get(kind);
    if (!k) {
      issues.push({
        code: 'scenario.unknown_kind',
        message: `record kind ${kind} is not in catalogue ${cat.version}`,
        location: at('behaviour', path),
      });
      return { kindIndex: -1, unit: false, positive: false };
    }
    if (severity !== undefined && !(k.severities ?? []).includes(severity))
      issues.push({
        code: 'scenario.unknown_severity',
        message: `severity ${severity} is not declared for ${kind}`,
        location: at('behaviour', path),
      });
    if (severity === undefined && !severityLater && k.severities?.length && !k.unit)
      issues.push({
        code: 'scenario.missing_severity',
        message: `${kind} needs one of its severities (${k.severities.join(', ')})`,
        location: at('behaviour', path),
      });
    if (subject !== 'both' && !k.subjects.includes(subject))
      issues.push({
        code: 'scenario.subject_type',
        message: `${kind} does not apply to ${subject} persons`,
        location: at('behaviour', path),
      });
    return { kindIndex: cat.index(kind), unit: k.unit !== undefined, positive: k.polarity === 'positive' };
  };
  const outcome = (
    o: Outcome,
    famId: string,
    fallbackAgency: string,
    subject: 'natural' | 'legal' | 'both',
    path: (string | number)[],
  ): CompiledOutcome => {
    const c = checkKind(o.kind, o.severity, subject, [...path, 'kind']);
    if (c.unit && o.amount === undefined)
      issues.push({
        code: 'scenario.missing_amount',
        message: `${o.kind} records an amount; outcome ${o.id} has none`,
        location: at('behaviour', path),
      });
    const eventType = eventTypes.length;
    eventTypes.push(`${famId}.${o.id}`);
    eventKinds.push(o.kind);
    const out: CompiledOutcome = {
      id: o.id,
      eventType,
      kind: o.kind,
      kindIndex: c.kindIndex,
      unit: c.unit,
      positive: c.positive,
      agency: agencyIdx.get(o.agency ?? fallbackAgency) ?? 0,
    };
    if (o.severity !== undefined) out.severity = o.severity;
    if (o.level !== undefined) out.level = o.level;
    if (o.amount !== undefined) out.amount = o.amount;
    return out;
  };

  const families: CompiledFamily[] = [];
  const compileFamily = (f: Family, path: (string | number)[], petition: boolean) => {
    const firm = f.who.subject === 'firm';
    const outs = f.outcomes.map((o, j) =>
      outcome(o, f.id, f.agency, firm ? 'legal' : 'natural', [...path, 'outcomes', j]),
    );
    const ageMult = new Float64Array(121).fill(1);
    for (const [lo, hi, m] of f.multipliers?.age ?? [])
      for (let a = lo; a <= Math.min(120, hi); a++) ageMult[a] = m;
    const minAge = f.who.minAge ?? 0;
    const maxAge = f.who.maxAge ?? 120;
    let ageMultMax = 0;
    for (let a = minAge; a <= maxAge; a++) ageMultMax = Math.max(ageMultMax, ageMult[a]!);
    const season = new Float64Array(12).fill(1);
    if (f.season) {
      const mean = f.season.reduce((x, y) => x + y, 0) / 12;
      f.season.forEach((w, m) => (season[m] = mean > 0 ? w / mean : 0));
    }
    let occMask = 0;
    for (const o of f.who.occupations ?? []) occMask |= 1 << OCC[o];
    let roleMask = 0;
    for (const r of f.who.roles ?? []) roleMask |= ROLE_BIT[r]!;
    const sectors = new Set<number>();
    (f.who.sectors ?? []).forEach((name, j) => {
      const i = sectorIdx.get(name);
      if (i === undefined)
        issues.push({
          code: 'scenario.unknown_sector',
          message: `sector ${name} is not in firms.yaml`,
          location: at('behaviour', [...path, 'who', 'sectors', j]),
        });
      else sectors.add(i);
    });
    families.push({
      index: families.length,
      id: f.id,
      firm,
      minAge,
      maxAge,
      hukou: f.who.hukou === undefined ? -1 : f.who.hukou === 'rural' ? 1 : 0,
      drivers: f.who.drivers ?? false,
      roleMask,
      occMask,
      sectors,
      rate: f.rate.value,
      trait: f.trait,
      mult: f.multipliers ?? {},
      ageMult,
      ageMultMax: ageMultMax || 1,
      years: f.years ?? {},
      season,
      outcomes: outs,
      outcomeCum: cumulative(f.outcomes.map((o) => o.weight)),
      response: f.response,
      petition,
    });
  };
  s.behaviour.families.forEach((f, i) => compileFamily(f, ['families', i], false));

  const P = s.behaviour.processes;
  // Petitioning as a family: grievance propensity, level outcomes, recorded by letters-and-visits.
  compileFamily(
    {
      id: 'petition',
      en: 'Petitioning that skips levels',
      who: { subject: 'person', minAge: s.population.households.adultAge.value },
      rate: P.petition.rate,
      trait: 'grievance',
      multipliers: P.petition.multipliers,
      agency: P.petition.agency,
      outcomes: P.petition.levels.map((l) => ({
        id: l.id,
        weight: l.weight,
        kind: l.kind,
        severity: l.severity,
      })),
      response: 'petition_commitment',
    },
    ['processes', 'petition'],
    true,
  );

  const stages = {} as Record<StageName, Stage>;
  const stage = (
    name: StageName,
    st: { kind: string; severity?: string; agency: string },
    subject: 'natural' | 'legal' | 'both',
    path: (string | number)[],
    severityLater = false,
  ) => {
    const c = checkKind(st.kind, st.severity, subject, [...path, 'kind'], severityLater);
    const eventType = eventTypes.length;
    eventTypes.push(name);
    eventKinds.push(st.kind);
    const out: Stage = {
      kind: st.kind,
      kindIndex: c.kindIndex,
      agency: agencyIdx.get(st.agency) ?? 0,
      unit: c.unit,
      eventType,
    };
    if (st.severity !== undefined) out.severity = st.severity;
    stages[name] = out;
  };
  const C = P.credit;
  stage('credit.arrears', C.arrears, 'natural', ['processes', 'credit', 'arrears']);
  stage('credit.judgment', C.judgment, 'natural', ['processes', 'credit', 'judgment']);
  stage('credit.warning', C.warning, 'both', ['processes', 'credit', 'warning']);
  // the listing's severity is the entry criterion, drawn per case from `criteria` (checked below)
  stage('credit.listing', C.listing, 'both', ['processes', 'credit', 'listing'], true);
  stage('credit.restriction', C.restriction, 'both', ['processes', 'credit', 'restriction']);
  stage('credit.deletion', C.deletion, 'both', ['processes', 'credit', 'deletion']);
  stage('credit.lifted', C.lifted, 'both', ['processes', 'credit', 'lifted']);
  stage('credit.firm_arrears', C.firmArrears, 'legal', ['processes', 'credit', 'firmArrears']);
  stage('credit.officer_listed', C.officerListed, 'natural', ['processes', 'credit', 'officerListed']);
  stage('credit.officer_performed', C.officerPerformed, 'natural', [
    'processes',
    'credit',
    'officerPerformed',
  ]);
  stage('petition.relapse', P.petition.relapse, 'natural', ['processes', 'petition', 'relapse']);
  stage('petition.commitment', P.petition.commitment, 'natural', ['processes', 'petition', 'commitment']);
  stage('annual_report.listing', P.annualReport.listing, 'legal', ['processes', 'annualReport', 'listing']);
  stage('annual_report.exit', P.annualReport.exit, 'legal', ['processes', 'annualReport', 'exit']);
  for (const crit of Object.keys(C.criteria)) {
    const k = cat.get(C.listing.kind);
    if (k && !(k.severities ?? []).includes(crit))
      issues.push({
        code: 'scenario.unknown_severity',
        message: `entry criterion ${crit} is not a severity of ${C.listing.kind}`,
        location: at('behaviour', ['processes', 'credit', 'criteria', crit]),
      });
  }

  const appraisal = P.appraisal.outcomes.map((o, j) =>
    outcome(o, 'appraisal', P.appraisal.agency, 'natural', ['processes', 'appraisal', 'outcomes', j]),
  );
  const stars = P.collectors.stars.map((st, j) => ({
    atLeast: st.atLeast,
    outcome: outcome(st.outcome, 'collector_rating', P.collectors.agency, 'natural', [
      'processes',
      'collectors',
      'stars',
      j,
      'outcome',
    ]),
  }));
  const starPenalty = outcome(P.collectors.penalty, 'collector_penalty', P.collectors.agency, 'natural', [
    'processes',
    'collectors',
    'penalty',
  ]);
  const funeral = outcome(P.funerals.outcome, 'funeral', P.funerals.agency, 'natural', [
    'processes',
    'funerals',
    'outcome',
  ]);

  const denied = cat.get(P.consumption.deniedKind);
  if (!denied)
    issues.push({
      code: 'scenario.unknown_kind',
      message: `record kind ${P.consumption.deniedKind} is not in catalogue ${cat.version}`,
      location: at('behaviour', ['processes', 'consumption', 'deniedKind']),
    });
  const actions = Object.keys(P.consumption.attempts);
  const consumption = {
    actions,
    rates: actions.map((a) => P.consumption.attempts[a]!),
    agencies: actions.map((a) => agencyIdx.get(P.consumption.agencies?.[a] ?? P.consumption.agency) ?? 0),
    deniedKindIndex: cat.index(P.consumption.deniedKind),
    eventTypes: actions.map((a) => {
      if (denied && !(denied.severities ?? []).includes(a))
        issues.push({
          code: 'scenario.unknown_severity',
          message: `action ${a} is not a severity of ${P.consumption.deniedKind}`,
          location: at('behaviour', ['processes', 'consumption', 'attempts', a]),
        });
      eventTypes.push(`consumption.${a}`);
      eventKinds.push(P.consumption.deniedKind);
      return eventTypes.length - 1;
    }),
  };

  const famIndex = new Map(families.map((f) => [f.id, f]));
  const agencies: CompiledAgency[] = s.agencies.list.map((a, i) => {
    const out: CompiledAgency = {
      index: i,
      id: a.id,
      code: a.code,
      docPrefix: a.docPrefix,
      basis: a.basis,
      coverage: a.coverage.value,
      minDelay: a.delay.minWorkingDays,
      maxDelay: a.delay.maxWorkingDays,
    };
    if (a.quota) {
      const fab = (a.quota.fabricatedOutcomes ?? []).map((fo) => {
        const f = famIndex.get(fo.family)!;
        return { family: f.index, outcome: f.outcomes.findIndex((o) => o.id === fo.outcome) };
      });
      out.quota = {
        evaluationMonths: a.quota.evaluationMonths,
        leadDays: a.quota.leadWeeks * 7,
        bonusCoverage: a.quota.bonusCoverage,
        amountInflation: a.quota.amountInflation,
        recorders: a.quota.recorders,
        fabricationPerYear: a.quota.fabricationPerYear,
        fabricated: fab,
        fabricatedCum: cumulative((a.quota.fabricatedOutcomes ?? []).map((fo) => fo.weight)),
        insiderCoverage: a.quota.insiderCoverage,
      };
      if (a.quota.fabricationPerYear > 0 && fab.length === 0)
        issues.push({
          code: 'scenario.no_fabricated_outcomes',
          message: `agency ${a.id} fabricates records but names no fabricatedOutcomes`,
          location: at('agencies', ['list', i, 'quota']),
        });
    }
    return out;
  });
  if (issues.length) throw new MosaicError(issues);
  return {
    adultAge: s.population.households.adultAge.value,
    families,
    agencies,
    eventTypes,
    eventKinds,
    stages,
    appraisal,
    stars,
    starPenalty,
    funeral,
    consumption,
    catalogueVersion: cat.version,
  };
}

/** Draw an amount; `u1`, `u2` come from the caller's Rng so the model stays pure. */
export function drawAmount(
  spec: AmountSpec,
  next: () => number,
  normal: () => number,
  income: number,
): number {
  let x: number;
  switch (spec.dist) {
    case 'fixed':
      x = spec.value!;
      break;
    case 'uniform':
      x = spec.min! + next() * (spec.max! - spec.min!);
      break;
    case 'lognormal': {
      const sigma = spec.sigma!;
      x = Math.exp(Math.log(spec.mean!) - (sigma * sigma) / 2 + sigma * normal());
      break;
    }
    case 'income_share':
      // uniform on mean × (1 ± spread) of income
      x = income * spec.mean! * (1 - spec.spread! + 2 * spec.spread! * next());
      break;
  }
  switch (spec.round ?? 'none') {
    case 'int':
      return Math.max(0, Math.round(x));
    case 'hundred':
      return Math.max(0, Math.round(x / 100) * 100);
    default:
      return Math.max(0, Math.round(x * 10) / 10);
  }
}
