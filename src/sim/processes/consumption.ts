// Consumption under measures: residents whom some measure restricts attempt restricted purchases (flights, rail,
// hotels, ...) at Poisson rates scaled by income; the main thread decides each attempt against the lists engine.
import { pushAttempt } from '../buffers.js';
import { YEAR, type DistrictContext } from '../district-context.js';
import { F_RESTRICTED } from '../snapshot.js';
import type { DistrictProcess } from './process.js';

export class ConsumptionProcess implements DistrictProcess {
  readonly name = 'consumption';
  private readonly c: DistrictContext;

  constructor(c: DistrictContext) {
    this.c = c;
  }

  epochStart(from: number, to: number): void {
    const c = this.c;
    const P = c.w.persons;
    const flags = c.snap.flags;
    const C = c.m.consumption;
    const e = c.s.behaviour.processes.consumption.incomeElasticity;
    const r = c.rng.processes;
    const span = to - from;
    for (let i = c.d.personStart; i < c.nextSlot; i++) {
      if (!(flags[i]! & F_RESTRICTED) || P.death[i]! <= from) continue;
      const scale =
        Math.pow(
          Math.max(c.s.behaviour.processes.consumption.incomeFloor.value, P.income[i]! / c.meanIncome),
          e,
        ) *
        (span / YEAR);
      for (let a = 0; a < C.actions.length; a++) {
        const n = r.poisson(C.rates[a]! * scale);
        for (let q = 0; q < n; q++) {
          const ag = c.m.agencies[C.agencies[a]!]!;
          pushAttempt(
            c.att,
            i,
            a,
            from + r.int(span),
            r.next(),
            ag.minDelay + r.int(ag.maxDelay - ag.minDelay + 1),
            c.nextEventId(),
          );
        }
      }
    }
  }
}
