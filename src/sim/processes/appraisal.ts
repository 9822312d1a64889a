// The annual appraisal of state personnel: in the appraisal month each civil servant and public-institution employee
// receives one outcome (excellent, competent, basically competent, incompetent) by the scenario's weights.
import type { DistrictContext } from '../district-context.js';
import { ROLE_STATE } from '../world.js';
import type { DistrictProcess } from './process.js';

export class AppraisalProcess implements DistrictProcess {
  readonly name = 'appraisal';
  private readonly c: DistrictContext;
  private readonly weights: number[];

  constructor(c: DistrictContext) {
    this.c = c;
    const AP = c.s.behaviour.processes.appraisal;
    this.weights = c.m.appraisal.map((out) => AP.outcomes.find((x) => x.id === out.id)!.weight);
  }

  annual(day: number, month: number): void {
    const c = this.c;
    if (month !== c.s.behaviour.processes.appraisal.month) return;
    const P = c.w.persons;
    const r = c.rng.processes;
    for (let i = c.d.personStart; i < c.nextSlot; i++) {
      if (!(P.roles[i]! & ROLE_STATE) || P.death[i]! <= day || P.birth[i]! > day) continue;
      let u = r.next();
      for (let q = 0; q < c.m.appraisal.length; q++) {
        const wgt = this.weights[q]!;
        if (u < wgt) {
          c.occur(
            i,
            i,
            c.m.appraisal[q]!,
            day + r.int(c.s.behaviour.processes.appraisal.spreadDays.value),
            NaN,
            false,
          );
          break;
        }
        u -= wgt;
      }
    }
  }
}
