// Zod schemas of the scenario files (scenarios/<name>/*.yaml): structure only; provenance is checked by scenario.ts.
import { z } from 'zod';
import { PROCESS_NAMES } from './processes/process.js';

export const Marker = z.enum(['V', 'P', 'U']);
/** Provenance fields any block may carry; which of them is required is checked by the provenance walk. */
const prov = {
  source: z.string().min(1).optional(),
  marker: Marker.optional(),
  assumption: z.string().min(1).optional(),
  note: z.string().optional(),
};
const share = z.number().min(0).max(1);
const nonneg = z.number().min(0);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are YYYY-MM-DD');
/** A single sourced number. */
const param = (n: z.ZodNumber = z.number()) => z.object({ value: n, ...prov }).strict();
/** [youngest, oldest] ages, inclusive. */
const ageRange = z.tuple([z.int().min(0), z.int().min(0)]);
/** [first age, last age, x] rows. */
const ageRows = <T extends z.ZodType>(x: T) => z.array(z.tuple([z.int().min(0), z.int().min(0), x])).min(1);

export const ScenarioFile = z
  .object({
    scenario: z.string().regex(/^[a-z][a-z0-9-]*$/),
    version: z.string().min(1),
    title: z.string().min(1),
    start: isoDate,
    defaults: z
      .object({
        population: z.int().min(100),
        years: z.number().positive().max(30),
        seed: z.int().min(0),
        step: z.enum(['day', 'week']),
        epoch: z.enum(['week', 'month']),
        workers: z.int().min(0).max(64),
        ...prov,
      })
      .strict(),
    /** The district's process modules that run (default: all). */
    processes: z.array(z.enum(PROCESS_NAMES)).optional(),
    policies: z
      .object({
        catalogue: z.string().min(1),
        municipal: z.array(z.string().min(1)),
        lists: z.array(z.string().min(1)),
      })
      .strict(),
    city: z
      .object({
        name: z.string().min(1),
        prefecture: z.string().min(1),
        districts: z
          .array(
            z
              .object({
                code: z.string().regex(/^[1-8]\d(?!0000)\d{4}$/, 'a county-level GB/T 2260 division code'),
                name: z.string().min(1),
                share: z.number().positive().max(1),
                rural: share,
              })
              .strict(),
          )
          .min(1)
          .max(200),
        ...prov,
      })
      .strict(),
  })
  .strict();
export type ScenarioFile = z.infer<typeof ScenarioFile>;

const OCCUPATIONS = [
  'child',
  'student',
  'farmer',
  'worker',
  'self_employed',
  'civil_servant',
  'public_institution',
  'retired',
  'unemployed',
] as const;
export const OccupationName = z.enum(OCCUPATIONS);
const workShares = z.partialRecord(OccupationName, share);
const trait = z.object({ shape: z.number().positive(), cap: z.number().gt(1) }).strict();

export const PopulationFile = z
  .object({
    population: z.string(),
    version: z.string(),
    agePyramid: z.object({ bands: ageRows(nonneg), ...prov }).strict(),
    maleShare: z
      .object({
        /** Must cover every age 0-120: the code holds no fallback share. */
        byAge: ageRows(share).refine(
          (rows) =>
            Array.from({ length: 121 }, (_, a) => a).every((a) =>
              rows.some(([lo, hi]) => a >= lo && a <= hi),
            ),
          'the male share must cover every age from 0 to 120',
        ),
        ...prov,
      })
      .strict(),
    vitals: z
      .object({
        birthsPerThousand: nonneg,
        deathsPerThousand: nonneg,
        mortality: z
          .object({
            baseAge: nonneg,
            doublingYears: z.number().positive(),
            /** Age beyond which the hazard stops growing (the Gompertz curve overstates the oldest-old). */
            plateauAge: nonneg,
            ...prov,
          })
          .strict(),
        /** Ages (inclusive) of the women to whom births are assigned. */
        motherAges: z.object({ value: z.tuple([z.int().min(0), z.int().min(0)]), ...prov }).strict(),
        ...prov,
      })
      .strict(),
    households: z
      .object({
        meanSize: param(z.number().positive()),
        marriedByAge: ageRows(share),
        spouseAgeGapMean: z.number(),
        spouseAgeGapSd: nonneg,
        sameHukouSpouse: share,
        motherAgeMin: z.int().min(12),
        motherAgeMode: z.int(),
        motherAgeMax: z.int().max(60),
        maxChildren: z.int().min(1).max(20),
        motherInTownMinor: share,
        motherInTownAdult: share,
        adultChildAtHomeMaxAge: z.int().min(18),
        elderLivesWithChild: share,
        adultAge: param(z.int().min(1).max(30)),
        spouseMinAge: param(z.int().min(12).max(40)),
        fatherMinAgeGap: z.int().min(10).max(40),
        elderAge: z.int().min(40),
        relativeMinAge: z.int().min(16),
        spouseDrawTries: z.int().min(1).max(100),
        motherDrawTries: z.int().min(1).max(100),
        relativeDrawTries: z.int().min(1).max(100),
        ...prov,
      })
      .strict(),
    villages: z
      .object({
        meanSize: param(z.number().min(50)),
        cadresPerVillage: param(z.int().min(0).max(30)),
        collectorsPerVillage: param(z.int().min(0).max(10)),
        roles: z
          .object({
            candidateAges: ageRange,
            cadreAges: ageRange,
            collectorAges: ageRange,
            triesPerPost: z.int().min(1).max(1000),
            ...prov,
          })
          .strict(),
        ...prov,
      })
      .strict(),
    education: z
      .object({
        levels: z.tuple([
          z.literal('none'),
          z.literal('primary'),
          z.literal('junior'),
          z.literal('senior'),
          z.literal('tertiary'),
        ]),
        urbanByAge: ageRows(z.array(nonneg).length(5)),
        ruralByAge: ageRows(z.array(nonneg).length(5)),
        /** Ages at which children reach primary, junior, senior and drawn (adult) schooling, ascending. */
        schoolAges: z.object({ value: z.tuple([z.int(), z.int(), z.int(), z.int()]), ...prov }).strict(),
        ...prov,
      })
      .strict(),
    income: z
      .object({
        meanUrban: param(z.number().positive()),
        meanRural: param(z.number().positive()),
        sigma: z.number().positive().max(3),
        education: z.array(nonneg).length(5),
        occupation: z.record(OccupationName, nonneg),
        ...prov,
      })
      .strict(),
    occupations: z
      .object({
        names: z.array(OccupationName),
        retirementAgeMale: z.int(),
        retirementAgeFemale: z.int(),
        ruralRetirementAge: z.int(),
        tertiaryStudentShare18to22: share,
        tertiaryStudentMaxAge: z.int().min(18),
        urban: workShares,
        rural: workShares,
        tertiaryStateBoost: z.number().min(1),
        ...prov,
      })
      .strict(),
    party: z
      .object({
        share: param(share),
        femaleShare: param(share),
        minAge: z.int(),
        weights: z
          .object({
            male: nonneg,
            tertiary: nonneg,
            senior: nonneg,
            statePersonnel: nonneg,
            villageCadre: nonneg,
            age18to29: nonneg,
          })
          .strict(),
        youngMaxAge: z.int(),
        ...prov,
      })
      .strict(),
    consent: z
      .object({
        minAge: z.int(),
        base: share,
        urban: z.number(),
        tertiary: z.number(),
        party: z.number(),
        statePersonnel: z.number(),
        ...prov,
      })
      .strict(),
    drivers: z
      .object({
        minAge: z.int(),
        maxAge: z.int(),
        base: share,
        male: nonneg,
        female: nonneg,
        incomeElasticity: z.number(),
        incomeFloor: z.number().positive(),
        maxProbability: share,
        ...prov,
      })
      .strict(),
    traits: z
      .object({
        traffic: trait,
        finance: trait,
        civic: trait,
        grievance: trait,
        compliance: trait,
        custom: trait,
        ...prov,
      })
      .strict(),
    network: z
      .object({
        friendsPerAdult: z.int().min(0).max(100),
        sameDistrict: share,
        ageWindow: z.int().min(0),
        coworkersPerWorker: z.int().min(0).max(100),
        minAge: z.int().min(0),
        ...prov,
      })
      .strict(),
  })
  .strict();
export type PopulationFile = z.infer<typeof PopulationFile>;

export const FirmsFile = z
  .object({
    firms: z.string(),
    version: z.string(),
    perThousandResidents: param(z.number().positive()),
    sectors: z
      .object({
        list: z
          .array(
            z
              .object({
                name: z.string().regex(/^[a-z_]+$/),
                share: z.number().positive(),
                typePair: z.string().length(2),
              })
              .strict(),
          )
          .min(1)
          .max(250),
        ...prov,
      })
      .strict(),
    sizes: z
      .object({
        list: z
          .array(
            z
              .object({
                name: z.string().regex(/^[a-z_]+$/),
                share: z.number().positive(),
                weight: z.number().positive(),
              })
              .strict(),
          )
          .min(1)
          .max(250),
        ...prov,
      })
      .strict(),
    age: z.object({ meanYears: z.number().positive(), maxYears: z.number().positive(), ...prov }).strict(),
    officers: z
      .object({
        minAge: z.int(),
        maxAge: z.int(),
        incomeElasticity: z.number(),
        controllerIsRepresentative: share,
        controllerIsSpouse: share,
        otherDistrict: share,
        incomeFloor: nonneg,
        ...prov,
      })
      .strict(),
  })
  .strict();
export type FirmsFile = z.infer<typeof FirmsFile>;
