// Petitioning: a petition is a behaviour family drawn in conduct; the petitioner may be offered a written commitment
// not to petition again and sign it, after which petitions are rarer and recorded as relapses.
import { Timer, type DistrictContext } from '../district-context.js';
import type { CompiledFamily } from '../model.js';
import { drawCum } from '../random.js';
import type { DistrictProcess } from './process.js';

export class PetitioningProcess implements DistrictProcess {
  readonly name = 'petitioning';
  private readonly c: DistrictContext;
  /** Signed a commitment (local person index). */
  private readonly committed: Uint8Array;
  readonly timers;

  constructor(c: DistrictContext) {
    this.c = c;
    this.committed = new Uint8Array(c.d.personCap);
    this.timers = { [Timer.commitment]: (day: number, k: number) => this.commitment(day, k) };
  }

  /** The dynamic factor on a person's petition hazard. */
  factor(i: number): number {
    return this.committed[i - this.c.d.personStart] ? this.c.s.responses.petitionCommitment.afterSigning : 1;
  }

  /** Person `i` petitions on day `d` (accepted by conduct's thinning). */
  petition(i: number, f: CompiledFamily, d: number): void {
    const c = this.c;
    const k = i - c.d.personStart;
    const C = c.s.responses.petitionCommitment;
    if (this.committed[k]) {
      c.occur(i, i, c.m.stages['petition.relapse'], d, NaN, false);
      return;
    }
    const o = f.outcomes[drawCum(c.rng.conduct, f.outcomeCum)]!;
    c.occur(i, i, o, d, NaN, false);
    const r = c.rng.processes;
    if (r.next() < C.offer && r.next() < C.sign) {
      this.committed[k] = 1;
      c.schedule(
        c.cal.addWorkingDays(
          d,
          C.signingDays.value[0] + r.int(C.signingDays.value[1] - C.signingDays.value[0] + 1),
        ),
        Timer.commitment,
        k,
      );
    }
  }

  private commitment(day: number, k: number): void {
    const c = this.c;
    const i = c.d.personStart + k;
    if (c.w.persons.death[i]! <= day) return;
    c.stage(i, c.m.stages['petition.commitment'], day, NaN, undefined);
  }
}
