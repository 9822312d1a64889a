// Stochastic conduct: every behaviour family's events, sampled by thinning against per-family bounds. Candidates are
// proposed in proportion to their static weight (rebuilt yearly) and accepted with (dynamic weight) / bound.
import { YEAR, type DistrictContext } from '../district-context.js';
import { drawAmount, type CompiledFamily, type CompiledOutcome } from '../model.js';
import { drawCum } from '../random.js';
import { F_NEAR_THRESHOLD } from '../snapshot.js';
import { ROLE_CADRE, ROLE_PARTY, ROLE_STATE, ageYears, type World } from '../world.js';
import type { PetitioningProcess } from './petitioning.js';
import type { DistrictProcess } from './process.js';
import { search } from './vital.js';

/** Statically eligible subjects of one family (the index list is shared between families with the same filter)
 * with the cumulative static weights of this family. */
interface Candidates {
  idx: Int32Array;
  cum: Float64Array;
  total: number;
}

export class ConductProcess implements DistrictProcess {
  readonly name = 'conduct';
  private readonly c: DistrictContext;
  private readonly petitioning: PetitioningProcess | undefined;
  private cands: Candidates[] = [];

  constructor(c: DistrictContext, petitioning?: PetitioningProcess) {
    this.c = c;
    this.petitioning = petitioning;
  }

  /**
   * Per family, the district's statically eligible subjects with their static weights (group multipliers × the
   * individual propensity) in cumulative form. Age and state-dependent factors are applied at acceptance time.
   */
  yearStart(_year: number, day: number): void {
    const c = this.c;
    const P = c.w.persons;
    const F = c.w.firms;
    const o = c.d.personStart;
    const end = c.nextSlot;
    const meanU = c.s.population.income.meanUrban.value;
    const meanR = c.s.population.income.meanRural.value;
    const floor = c.s.behaviour.incomeFloor.value;
    const cap = Math.max(c.d.firmCount, end - o);
    const idxBuf = new Int32Array(cap);
    const shared = new Map<string, Int32Array>();
    this.cands = c.m.families.map((f) => {
      let n = 0;
      if (f.firm) {
        for (let j = c.d.firmStart; j < c.d.firmStart + c.d.firmCount; j++)
          if (!f.sectors.size || f.sectors.has(F.sector[j]!)) idxBuf[n++] = j;
        const idx = idxBuf.slice(0, n);
        const cum = new Float64Array(n);
        let total = 0;
        for (let k = 0; k < n; k++) cum[k] = total += firmWeight(f, F, idx[k]!);
        return { idx, cum, total };
      }
      const key = `${f.minAge}|${f.maxAge}|${f.hukou}|${f.drivers}|${f.roleMask}|${f.occMask}`;
      let idx = shared.get(key);
      if (!idx) {
        const minBirth = day - (f.maxAge + 1) * YEAR;
        const maxBirth = day - (f.minAge - 1) * YEAR;
        for (let i = o; i < end; i++) {
          const b = P.birth[i]!;
          if (b < minBirth || b > maxBirth || P.death[i]! <= day) continue;
          if (f.hukou >= 0 && P.hukou[i] !== f.hukou) continue;
          if (f.drivers && !P.driver[i]) continue;
          if (f.roleMask && !(P.roles[i]! & f.roleMask)) continue;
          if (f.occMask && !(f.occMask & (1 << P.occupation[i]!))) continue;
          idxBuf[n++] = i;
        }
        idx = idxBuf.slice(0, n);
        shared.set(key, idx);
      }
      const cum = new Float64Array(idx.length);
      let total = 0;
      for (let k = 0; k < idx.length; k++) {
        const i = idx[k]!;
        cum[k] = total += staticWeight(f, P, i, P.hukou[i] ? meanR : meanU, floor);
      }
      return { idx, cum, total };
    });
  }

  step(day: number, len: number, year: number, month: number): void {
    const c = this.c;
    const P = c.w.persons;
    const F = c.w.firms;
    const R = c.s.responses;
    const nPersons = P.length;
    const r = c.rng.conduct;
    for (const f of c.m.families) {
      const cand = this.cands[f.index]!;
      if (cand.total <= 0) continue;
      const yearMult = f.years[String(year)] ?? 1;
      const respMax = f.response === 'volunteer_threshold' ? R.volunteerThreshold.multiplier : 1;
      // Untrustworthy conduct (a person's, not volunteering or petitioning) scales with the trust module's factor.
      const T = !f.firm && !f.petition && !f.response ? c.trustLinks : undefined;
      const dynMax = (f.firm ? 1 : f.ageMultMax) * respMax * (T ? T.conductMax : 1);
      // Thinning: candidates are proposed in proportion to their static weight at the bound rate and accepted with
      // (dynamic weight) / bound, which is exact for per-agent Poisson hazards (docs/decisions/0053).
      const mean = f.rate * yearMult * f.season[month]! * cand.total * dynMax * (len / YEAR);
      const n = r.poisson(mean);
      for (let e = 0; e < n; e++) {
        const i = cand.idx[search(cand.cum, r.next() * cand.total)]!;
        const d = day + (len > 1 ? r.int(len) : 0);
        if (f.firm) {
          if (F.founded[i]! > d) continue;
          const o = f.outcomes[drawCum(r, f.outcomeCum)]!;
          c.occur(nPersons + i, -1, o, d, this.amount(o, 0), false);
          continue;
        }
        if (P.birth[i]! > d || P.death[i]! <= d) continue;
        const a = ageYears(P.birth[i]!, d);
        if (a < f.minAge || a > f.maxAge) continue;
        let dyn = f.ageMult[Math.min(a, 120)]!;
        // Grade-chasing needs knowing one's grade: with the awareness module on, only residents who know respond.
        if (
          f.response === 'volunteer_threshold' &&
          c.snap.flags[i]! & F_NEAR_THRESHOLD &&
          (!c.aware || c.aware[i - c.d.personStart])
        )
          dyn *= R.volunteerThreshold.multiplier;
        if (f.petition && this.petitioning) dyn *= this.petitioning.factor(i);
        if (T) dyn *= T.conduct[i - c.d.personStart]!;
        if (r.next() * dynMax >= dyn) continue;
        if (f.petition && this.petitioning) this.petitioning.petition(i, f, d);
        else if (!f.petition) {
          const o = f.outcomes[drawCum(r, f.outcomeCum)]!;
          c.occur(i, i, o, d, this.amount(o, P.income[i]!), false);
        }
      }
    }
  }

  private amount(o: CompiledOutcome, income: number): number {
    if (!o.amount) return NaN;
    const r = this.c.rng.conduct;
    return drawAmount(
      o.amount,
      () => r.next(),
      () => r.normal(),
      income,
    );
  }
}

function firmWeight(f: CompiledFamily, F: World['firms'], j: number): number {
  let x = f.trait === 'finance' ? F.tFinance[j]! : f.trait === 'compliance' ? F.tCompliance[j]! : 1;
  if (f.mult.firmSize) x *= f.mult.firmSize[F.size[j]!] ?? 1;
  return x;
}

function staticWeight(
  f: CompiledFamily,
  P: World['persons'],
  i: number,
  meanIncome: number,
  incomeFloor: number,
): number {
  const m = f.mult;
  let x = 1;
  switch (f.trait) {
    case 'traffic':
      x = P.tTraffic[i]!;
      break;
    case 'finance':
      x = P.tFinance[i]!;
      break;
    case 'civic':
      x = P.tCivic[i]!;
      break;
    case 'grievance':
      x = P.tGrievance[i]!;
      break;
    case 'compliance':
      x = P.tCompliance[i]!;
      break;
    case 'custom':
      x = P.tCustom[i]!;
      break;
  }
  if (P.sex[i]) x *= m.male ?? 1;
  else x *= m.female ?? 1;
  x *= P.hukou[i] ? (m.rural ?? 1) : (m.urban ?? 1);
  if (m.education) x *= m.education[P.education[i]!] ?? 1;
  const roles = P.roles[i]!;
  if (roles & ROLE_PARTY && m.party !== undefined) x *= m.party;
  if (roles & ROLE_STATE && m.statePersonnel !== undefined) x *= m.statePersonnel;
  if (roles & ROLE_CADRE && m.villageCadre !== undefined) x *= m.villageCadre;
  if (m.incomeElasticity) x *= Math.pow(Math.max(incomeFloor, P.income[i]! / meanIncome), m.incomeElasticity);
  return x;
}
