// Generates Meritown's residents into shared columns: ages, sex, hukou, kin and households, villages, education,
// occupation, roles, Party membership, income, consent, driving, and individual propensities.
import type { Rng } from '../core/rng.js';
import { cumulative, drawCum, lognormalMean, propensity, triangularInt } from './random.js';
import { SequenceCounter } from './ids.js';
import type { PopulationFile, ScenarioFile } from './scenario-schema.js';
import {
  ALIVE,
  NOT_BORN,
  OCC,
  ROLE_CADRE,
  ROLE_COLLECTOR,
  ROLE_PARTY,
  ROLE_STATE,
  allocPersons,
  type DistrictLayout,
  type PersonCols,
} from './world.js';

const YEAR = 365.2425;
/** Bound of the age tables (the scenario's age rows end at 120); not a behaviour. */
const MAX_AGE = 120;

export interface PopulationResult {
  persons: PersonCols;
  districts: DistrictLayout[];
  villages: number;
  households: number;
  /** Sequence counters per district, carried on so newborns get unique ID numbers. */
  counters: SequenceCounter[];
}

/** Value from [first, last, x] rows for an age; the last row's value beyond the table. */
export function byAge<T>(rows: readonly (readonly [number, number, T])[], age: number, fallback: T): T {
  for (const r of rows) if (age >= r[0] && age <= r[1]) return r[2];
  return fallback;
}

function ageTable<T>(rows: readonly (readonly [number, number, T])[], fallback: T): T[] {
  const out: T[] = [];
  for (let a = 0; a <= MAX_AGE; a++) out.push(byAge(rows, a, fallback));
  return out;
}

/** Per-district capacity for births over the run: expected births with ample headroom (slots are cheap). */
export function birthCapacity(n: number, birthsPerThousand: number, years: number): number {
  // slot headroom only (unused slots stay NOT_BORN): no behaviour depends on it
  return Math.ceil(n * (birthsPerThousand / 1000) * years * 1.6 + 20);
}

export function generatePopulation(
  rng: Rng,
  city: ScenarioFile['city'],
  pop: PopulationFile,
  total: number,
  startDay: number,
  years: number,
): PopulationResult {
  // ---- district layout ----
  const shareSum = city.districts.reduce((s, d) => s + d.share, 0);
  const districts: DistrictLayout[] = [];
  let start = 0;
  let assigned = 0;
  city.districts.forEach((d, i) => {
    const n = i === city.districts.length - 1 ? total - assigned : Math.round((total * d.share) / shareSum);
    assigned += n;
    const cap = n + birthCapacity(n, pop.vitals.birthsPerThousand, years);
    districts.push({
      index: i,
      code: d.code,
      name: d.name,
      personStart: start,
      personInitial: n,
      personCap: cap,
      firmStart: 0,
      firmCount: 0,
      villageStart: 0,
      villageCount: 0,
    });
    start += cap;
  });
  const P = allocPersons(start);
  P.birth.fill(NOT_BORN);
  P.death.fill(ALIVE);
  P.village.fill(-1);
  P.household.fill(-1);
  P.mother.fill(-1);
  P.father.fill(-1);
  P.spouse.fill(-1);
  P.employer.fill(-1);

  const bandCum = cumulative(pop.agePyramid.bands.map((b) => b[2]));
  // the schema makes the table cover every age, so no fallback share is ever read
  const maleByAge = ageTable(pop.maleShare.byAge, NaN);
  const marriedByAge = ageTable(pop.households.marriedByAge, 0);
  const eduU = ageTable(pop.education.urbanByAge, [1, 1, 1, 1, 1]).map((w) => cumulative(w));
  const eduR = ageTable(pop.education.ruralByAge, [1, 1, 1, 1, 1]).map((w) => cumulative(w));
  const counters: SequenceCounter[] = [];
  let households = 0;
  let villages = 0;

  for (const d of districts) {
    const r = rng.fork(`population:${d.code}`);
    const o = d.personStart;
    const n = d.personInitial;
    const rural = city.districts[d.index]!.rural;
    const age = new Uint8Array(n);
    // ---- age, sex, hukou ----
    for (let k = 0; k < n; k++) {
      const b = pop.agePyramid.bands[drawCum(r, bandCum)]!;
      const a = Math.min(MAX_AGE, b[0] + r.int(b[1] - b[0] + 1));
      age[k] = a;
      const i = o + k;
      P.birth[i] = startDay - Math.floor((a + r.next()) * YEAR) - 1;
      P.sex[i] = r.next() < maleByAge[a]! ? 1 : 0;
      P.hukou[i] = r.next() < rural ? 1 : 0;
      P.district[i] = d.index;
    }
    // ---- buckets of women and men by (hukou, age) ----
    const bucket = (sex: number) => {
      const counts = new Int32Array(2 * (MAX_AGE + 1) + 1);
      for (let k = 0; k < n; k++)
        if (P.sex[o + k] === sex) counts[P.hukou[o + k]! * (MAX_AGE + 1) + age[k]! + 1]!++;
      for (let j = 1; j < counts.length; j++) counts[j]! += counts[j - 1]!;
      const items = new Int32Array(counts[counts.length - 1]!);
      const fill = counts.slice();
      for (let k = 0; k < n; k++)
        if (P.sex[o + k] === sex) items[fill[P.hukou[o + k]! * (MAX_AGE + 1) + age[k]!]!++] = k;
      return { counts, items };
    };
    const women = bucket(0);
    const men = bucket(1);
    const pickFrom = (b: { counts: Int32Array; items: Int32Array }, hukou: number, a: number): number => {
      if (a < 0 || a > MAX_AGE) return -1;
      const key = hukou * (MAX_AGE + 1) + a;
      const lo = b.counts[key]!;
      const hi = b.counts[key + 1]!;
      return hi > lo ? b.items[lo + r.int(hi - lo)]! : -1;
    };
    // ---- spouses ----
    const H = pop.households;
    const adult = H.adultAge.value;
    const wedAge = H.spouseMinAge.value;
    for (let k = 0; k < n; k++) {
      const i = o + k;
      if (P.sex[i] !== 0 || age[k]! < wedAge || r.next() >= marriedByAge[age[k]!]!) continue;
      const hk = r.next() < H.sameHukouSpouse ? P.hukou[i]! : 1 - P.hukou[i]!;
      for (let t = 0; t < H.spouseDrawTries; t++) {
        const a = Math.max(wedAge, Math.round(age[k]! + r.normal(H.spouseAgeGapMean, H.spouseAgeGapSd)));
        const m = pickFrom(men, hk, a);
        if (m >= 0 && P.spouse[o + m] < 0) {
          P.spouse[i] = o + m;
          P.spouse[o + m] = i;
          break;
        }
      }
    }
    // ---- mothers and fathers ----
    const childCount = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const i = o + k;
      if (r.next() >= (age[k]! < adult ? H.motherInTownMinor : H.motherInTownAdult)) continue;
      for (let t = 0; t < H.motherDrawTries; t++) {
        const g = triangularInt(r, H.motherAgeMin, H.motherAgeMode, H.motherAgeMax);
        const m = pickFrom(women, P.hukou[i]!, age[k]! + g);
        if (m >= 0 && childCount[m]! < H.maxChildren) {
          P.mother[i] = o + m;
          childCount[m]!++;
          const s = P.spouse[o + m]!;
          if (s >= 0 && age[s - o]! - age[k]! >= H.fatherMinAgeGap) P.father[i] = s;
          break;
        }
      }
    }
    // ---- households (see docs/decisions/0051) ----
    const isStay = (k: number) =>
      P.spouse[o + k]! < 0 &&
      age[k]! >= adult &&
      age[k]! <= H.adultChildAtHomeMaxAge &&
      P.mother[o + k]! >= 0 &&
      childCount[k] === 0;
    const hasStayingChild = new Uint8Array(n);
    for (let k = 0; k < n; k++) if (isStay(k)) hasStayingChild[P.mother[o + k]! - o] = 1;
    const deferred: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = o + k;
      if (age[k]! < adult || P.household[i]! !== -1 || isStay(k)) continue;
      const elder = age[k]! >= H.elderAge && childCount[k]! > 0 && !hasStayingChild[k];
      if (elder && r.next() < H.elderLivesWithChild) {
        // an elder (with spouse, if any) moves in with an adult child: the three-generation household
        deferred.push(k);
        P.household[i] = -2;
        if (P.spouse[i]! >= 0) P.household[P.spouse[i]!] = -2;
      } else if (P.spouse[i]! >= 0) {
        P.household[i] = households;
        P.household[P.spouse[i]!] = households++;
      } else P.household[i] = households++;
    }
    for (let k = 0; k < n; k++) {
      const i = o + k;
      if (P.household[i]! >= 0 || (age[k]! >= adult && !isStay(k))) continue;
      const m = P.mother[i]!;
      const f = P.father[i]!;
      if (m >= 0 && P.household[m]! >= 0) P.household[i] = P.household[m]!;
      else if (f >= 0 && P.household[f]! >= 0) P.household[i] = P.household[f]!;
      else {
        // A minor whose parents live elsewhere stays with relatives: any adult of the same hukou in the district.
        let h = -1;
        for (let t = 0; t < H.relativeDrawTries && h < 0; t++) {
          const c = r.int(n);
          if (age[c]! >= H.relativeMinAge && P.hukou[o + c] === P.hukou[i] && P.household[o + c]! >= 0)
            h = P.household[o + c]!;
        }
        P.household[i] = h >= 0 ? h : households++;
      }
    }
    if (deferred.length) {
      // children of each mother, for elders joining a child's household
      const kids = new Map<number, number[]>();
      for (let k = 0; k < n; k++) {
        const m = P.mother[o + k]!;
        if (m >= 0 && age[k]! >= H.relativeMinAge) (kids.get(m) ?? kids.set(m, []).get(m)!).push(o + k);
      }
      for (const k of deferred) {
        const list = kids.get(o + k);
        const c = list && list.length ? list[r.int(list.length)]! : -1;
        const h = c >= 0 && P.household[c]! >= 0 ? P.household[c]! : households++;
        P.household[o + k] = h;
        if (P.spouse[o + k]! >= 0) P.household[P.spouse[o + k]!] = h;
      }
    }
    // ---- villages: rural households live in villages ----
    let ruralCount = 0;
    for (let k = 0; k < n; k++) ruralCount += P.hukou[o + k]!;
    const nv = ruralCount > 0 ? Math.max(1, Math.round(ruralCount / pop.villages.meanSize.value)) : 0;
    d.villageStart = villages;
    d.villageCount = nv;
    if (nv > 0) {
      const hhVillage = new Map<number, number>();
      for (let k = 0; k < n; k++) {
        const i = o + k;
        if (!P.hukou[i]) continue;
        const h = P.household[i]!;
        if (!hhVillage.has(h)) hhVillage.set(h, villages + r.int(nv));
      }
      for (let k = 0; k < n; k++) {
        const v = hhVillage.get(P.household[o + k]!);
        if (v !== undefined) P.village[o + k] = v;
      }
    }
    villages += nv;
    // ---- education, occupation ----
    const O = pop.occupations;
    const [primaryAt, juniorAt, seniorAt, schooledAt] = pop.education.schoolAges.value;
    const occCum = (shares: Partial<Record<string, number>>, tertiary: boolean) => {
      const names = [
        'farmer',
        'worker',
        'self_employed',
        'civil_servant',
        'public_institution',
        'unemployed',
      ] as const;
      const w = names.map((nm) => {
        const s = shares[nm] ?? 0;
        const state = nm === 'civil_servant' || nm === 'public_institution';
        return state ? (tertiary ? s * O.tertiaryStateBoost : s / O.tertiaryStateBoost) : s;
      });
      return { names, cum: cumulative(w) };
    };
    const occTables = [
      [occCum(O.urban, false), occCum(O.urban, true)],
      [occCum(O.rural, false), occCum(O.rural, true)],
    ];
    for (let k = 0; k < n; k++) {
      const i = o + k;
      const a = age[k]!;
      const hk = P.hukou[i]!;
      let edu: number;
      if (a < primaryAt) edu = 0;
      else if (a < juniorAt) edu = 1;
      else if (a < seniorAt) edu = 2;
      else if (a < schooledAt) edu = 3;
      else edu = drawCum(r, (hk ? eduR : eduU)[a]!);
      P.education[i] = edu;
      let occ: number;
      const retireAt = hk ? O.ruralRetirementAge : P.sex[i] ? O.retirementAgeMale : O.retirementAgeFemale;
      if (a < primaryAt) occ = OCC.child;
      else if (a < adult) occ = OCC.student;
      else if (a <= O.tertiaryStudentMaxAge && edu === 4 && r.next() < O.tertiaryStudentShare18to22)
        occ = OCC.student;
      else if (a >= retireAt) occ = OCC.retired;
      else {
        const t = occTables[hk]![edu === 4 ? 1 : 0]!;
        occ = OCC[t.names[drawCum(r, t.cum)]!];
      }
      P.occupation[i] = occ;
      if (occ === OCC.civil_servant || occ === OCC.public_institution) P.roles[i]! |= ROLE_STATE;
    }
    // ---- village cadres and credit-information collectors ----
    if (nv > 0) {
      const R = pop.villages.roles;
      const members: number[][] = Array.from({ length: nv }, () => []);
      for (let k = 0; k < n; k++) {
        const v = P.village[o + k]!;
        if (v >= 0 && P.hukou[o + k] && age[k]! >= R.candidateAges[0] && age[k]! <= R.candidateAges[1])
          members[v - d.villageStart]!.push(o + k);
      }
      for (const list of members) {
        const pickRole = (count: number, role: number, minAge: number, maxAge: number) => {
          for (let c = 0, t = 0; c < count && t < count * R.triesPerPost && list.length; t++) {
            const i = list[r.int(list.length)]!;
            const a = age[i - o]!;
            if (P.roles[i]! & (ROLE_CADRE | ROLE_COLLECTOR) || a < minAge || a > maxAge) continue;
            P.roles[i]! |= role;
            c++;
          }
        };
        pickRole(pop.villages.cadresPerVillage.value, ROLE_CADRE, R.cadreAges[0], R.cadreAges[1]);
        pickRole(
          pop.villages.collectorsPerVillage.value,
          ROLE_COLLECTOR,
          R.collectorAges[0],
          R.collectorAges[1],
        );
      }
    }
    // ---- income, driving, traits, ID sequence ----
    const I = pop.income;
    const T = pop.traits;
    const counter = new SequenceCounter();
    counters.push(counter);
    for (let k = 0; k < n; k++) {
      const i = o + k;
      const occName = occNameOf(P.occupation[i]!);
      const mean =
        (P.hukou[i] ? I.meanRural.value : I.meanUrban.value) *
        I.education[P.education[i]!]! *
        I.occupation[occName];
      P.income[i] = mean > 0 ? lognormalMean(r, mean, I.sigma) : 0;
      P.tTraffic[i] = propensity(r, T.traffic.shape, T.traffic.cap);
      P.tFinance[i] = propensity(r, T.finance.shape, T.finance.cap);
      P.tCivic[i] = propensity(r, T.civic.shape, T.civic.cap);
      P.tGrievance[i] = propensity(r, T.grievance.shape, T.grievance.cap);
      P.tCompliance[i] = propensity(r, T.compliance.shape, T.compliance.cap);
      P.tCustom[i] = propensity(r, T.custom.shape, T.custom.cap);
      P.seq[i] = counter.take(P.birth[i]!, P.sex[i] === 1);
    }
  }

  // ---- city-wide passes: Party membership (calibrated), consent, driving ----
  assignParty(rng.fork('party'), P, districts, pop, startDay);
  const cons = pop.consent;
  const drv = pop.drivers;
  const meanIncome = (pop.income.meanUrban.value + pop.income.meanRural.value) / 2;
  const r2 = rng.fork('consent-drivers');
  for (const d of districts) {
    for (let i = d.personStart; i < d.personStart + d.personInitial; i++) {
      const a = Math.floor((startDay - P.birth[i]!) / YEAR);
      if (a >= cons.minAge) {
        let p = cons.base;
        if (!P.hukou[i]) p += cons.urban;
        if (P.education[i] === 4) p += cons.tertiary;
        if (P.roles[i]! & ROLE_PARTY) p += cons.party;
        if (P.roles[i]! & ROLE_STATE) p += cons.statePersonnel;
        P.consent[i] = r2.next() < p ? 1 : 0;
      }
      if (a >= drv.minAge && a <= drv.maxAge) {
        const inc = Math.max(drv.incomeFloor, P.income[i]! / meanIncome);
        const p = drv.base * (P.sex[i] ? drv.male : drv.female) * Math.pow(inc, drv.incomeElasticity);
        P.driver[i] = r2.next() < Math.min(drv.maxProbability, p) ? 1 : 0;
      }
    }
  }
  return { persons: P, districts, villages, households, counters };
}

const OCC_BY_CODE = Object.entries(OCC)
  .sort((a, b) => a[1] - b[1])
  .map(([k]) => k as keyof typeof OCC);
export function occNameOf(code: number): keyof typeof OCC {
  return OCC_BY_CODE[code]!;
}

/**
 * Party membership: each adult gets a weight (sex, education, roles, youth) and membership probability
 * min(1, s·weight), with s found by bisection so expected members equal the published share of the whole population.
 */
function assignParty(
  r: Rng,
  P: PersonCols,
  districts: DistrictLayout[],
  pop: PopulationFile,
  startDay: number,
): void {
  const W = pop.party.weights;
  let total = 0;
  let n = 0;
  for (const d of districts) n += d.personInitial;
  const idx = new Int32Array(n);
  const w = new Float64Array(n);
  let m = 0;
  for (const d of districts) {
    total += d.personInitial;
    for (let i = d.personStart; i < d.personStart + d.personInitial; i++) {
      const a = Math.floor((startDay - P.birth[i]!) / YEAR);
      if (a < pop.party.minAge) continue;
      let x = P.sex[i] ? W.male : 1;
      if (P.education[i] === 4) x *= W.tertiary;
      else if (P.education[i] === 3) x *= W.senior;
      if (P.roles[i]! & ROLE_STATE) x *= W.statePersonnel;
      if (P.roles[i]! & ROLE_CADRE) x *= W.villageCadre;
      if (a <= pop.party.youngMaxAge) x *= W.age18to29;
      idx[m] = i;
      w[m++] = x;
    }
  }
  const target = pop.party.share.value * total;
  let lo = 0;
  let hi = 1;
  const expected = (s: number) => {
    let acc = 0;
    for (let j = 0; j < m; j++) {
      const p = s * w[j]!;
      acc += p < 1 ? p : 1;
    }
    return acc;
  };
  while (expected(hi) < target && hi < 1e6) hi *= 2;
  for (let it = 0; it < 50; it++) {
    const mid = (lo + hi) / 2;
    if (expected(mid) < target) lo = mid;
    else hi = mid;
  }
  for (let j = 0; j < idx.length; j++)
    if (r.next() < Math.min(1, hi * w[j]!)) P.roles[idx[j]!]! |= ROLE_PARTY;
}
