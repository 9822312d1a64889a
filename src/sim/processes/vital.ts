// Births and deaths: deaths by Gompertz-weighted thinning among the living, births to women 20-42 of the district,
// and the lavish funerals some families hold (a record of the funeral-reform rules).
import { YEAR, type DistrictContext } from '../district-context.js';
import { MSG_CHILD_BORN } from '../messages.js';
import { cumulative, propensity } from '../random.js';
import { ALIVE, OCC, ageYears } from '../world.js';
import type { DistrictProcess } from './process.js';

export class VitalProcess implements DistrictProcess {
  readonly name = 'vital';
  private readonly c: DistrictContext;
  private mothers: Int32Array = new Int32Array(0);
  private deathCand: { idx: Int32Array; cum: Float64Array; total: number } = {
    idx: new Int32Array(0),
    cum: new Float64Array(0),
    total: 0,
  };

  constructor(c: DistrictContext) {
    this.c = c;
  }

  receive(type: number, target: number, day: number): void {
    const c = this.c;
    const o = c.d.personStart;
    if (type === MSG_CHILD_BORN && target >= o && target < o + c.d.personCap)
      if (day > c.youngestChild[target - o]!) c.youngestChild[target - o] = day;
  }

  /** The year's mothers and the Gompertz weights of the living (ages move slowly: once a year is enough). */
  yearStart(_year: number, day: number): void {
    const c = this.c;
    const P = c.w.persons;
    const V = c.s.population.vitals;
    const moms: number[] = [];
    const di: number[] = [];
    const dw: number[] = [];
    let alive = 0;
    const k = Math.LN2 / V.mortality.doublingYears;
    for (let i = c.d.personStart; i < c.nextSlot; i++) {
      if (P.death[i]! <= day || P.birth[i]! > day) continue;
      alive++;
      const a = ageYears(P.birth[i]!, day);
      if (P.sex[i] === 0 && a >= V.motherAges.value[0] && a <= V.motherAges.value[1]) moms.push(i);
      di.push(i);
      dw.push(Math.exp(k * (Math.min(a, V.mortality.plateauAge) - V.mortality.baseAge)));
    }
    c.aliveCount = alive;
    this.mothers = Int32Array.from(moms);
    const cum = cumulative(dw);
    this.deathCand = { idx: Int32Array.from(di), cum, total: cum.length ? cum[cum.length - 1]! : 0 };
  }

  step(day: number, len: number): void {
    const c = this.c;
    const P = c.w.persons;
    const V = c.s.population.vitals;
    const r = c.rng.vital;
    const dc = this.deathCand;
    if (dc.total > 0) {
      const n = r.poisson(((c.aliveCount * V.deathsPerThousand) / 1000) * (len / YEAR));
      for (let e = 0; e < n; e++) {
        const i = dc.idx[search(dc.cum, r.next() * dc.total)]!;
        const d = day + r.int(len);
        if (P.death[i]! <= d || P.birth[i]! > d) continue;
        P.death[i] = d;
        c.deaths++;
        c.aliveCount--;
        this.funeral(i, d);
      }
    }
    if (this.mothers.length === 0) return;
    const nb = r.poisson(((c.aliveCount * V.birthsPerThousand) / 1000) * (len / YEAR));
    for (let e = 0; e < nb; e++) {
      if (c.nextSlot >= c.d.personStart + c.d.personCap) break;
      const m = this.mothers[r.int(this.mothers.length)]!;
      const d = day + r.int(len);
      if (P.death[m]! <= d) continue;
      this.birth(m, d);
    }
  }

  private birth(m: number, day: number): void {
    const c = this.c;
    const P = c.w.persons;
    const T = c.s.population.traits;
    const r = c.rng.vital;
    const i = c.nextSlot++;
    const male = r.next() < c.s.population.maleShare.byAge[0]![2];
    P.birth[i] = day;
    P.death[i] = ALIVE;
    P.sex[i] = male ? 1 : 0;
    P.district[i] = c.d.index;
    P.village[i] = P.village[m]!;
    P.household[i] = P.household[m]!;
    P.hukou[i] = P.hukou[m]!;
    P.education[i] = 0;
    P.income[i] = 0;
    P.occupation[i] = OCC.child;
    P.roles[i] = 0;
    P.consent[i] = 0;
    P.mother[i] = m;
    const father = P.spouse[m]!;
    P.father[i] = father;
    P.spouse[i] = -1;
    P.employer[i] = -1;
    P.driver[i] = 0;
    P.seq[i] = c.counter.take(day, male);
    P.tTraffic[i] = propensity(r, T.traffic.shape, T.traffic.cap);
    P.tFinance[i] = propensity(r, T.finance.shape, T.finance.cap);
    P.tCivic[i] = propensity(r, T.civic.shape, T.civic.cap);
    P.tGrievance[i] = propensity(r, T.grievance.shape, T.grievance.cap);
    P.tCompliance[i] = propensity(r, T.compliance.shape, T.compliance.cap);
    P.tCustom[i] = propensity(r, T.custom.shape, T.custom.cap);
    const o = c.d.personStart;
    c.youngestChild[m - o] = day;
    if (father >= 0) {
      if (father >= o && father < o + c.d.personCap) c.youngestChild[father - o] = day;
      else {
        // cross-partition link: the father's district learns of the birth at the next epoch
        c.outbox.push(MSG_CHILD_BORN);
        c.outbox.push(father);
        c.outbox.push(day);
      }
    }
    c.births.push(i);
    c.aliveCount++;
  }

  private funeral(dead: number, day: number): void {
    const c = this.c;
    const P = c.w.persons;
    if (!P.hukou[dead] || c.rng.vital.next() >= c.s.behaviour.processes.funerals.lavish) return;
    // The family that holds the funeral: the surviving spouse, else a parent, in the same district.
    for (const kin of [P.spouse[dead]!, P.mother[dead]!, P.father[dead]!]) {
      if (
        kin >= c.d.personStart &&
        kin < c.nextSlot &&
        P.death[kin]! > day &&
        ageYears(P.birth[kin]!, day) >= c.m.adultAge
      ) {
        c.occur(
          kin,
          kin,
          c.m.funeral,
          Math.min(day + c.s.behaviour.processes.funerals.afterDays.value, c.epochEnd - 1),
          NaN,
          false,
        );
        return;
      }
    }
  }
}

/** Index of the first cumulative weight above x. */
export function search(cum: Float64Array, x: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
