// Village information collectors under a quota: they fabricate records at a rate, are rated by stars on what they
// collected in the year, and a detected fabrication brings a penalty some working days later.
import { Timer, YEAR, type DistrictContext } from '../district-context.js';
import { drawCum } from '../random.js';
import { ROLE_COLLECTOR, ageYears } from '../world.js';
import type { DistrictProcess } from './process.js';

export class VillageCollectorsProcess implements DistrictProcess {
  readonly name = 'collectors';
  private readonly c: DistrictContext;
  /** The collector of each local village (-1 none). */
  private readonly collectorOf: Int32Array;
  /** Adults of each local village at the start: whom a village recorder can fabricate about. */
  private readonly villagers: Int32Array[];
  readonly timers;

  constructor(c: DistrictContext) {
    this.c = c;
    const P = c.w.persons;
    const d = c.d;
    this.collectorOf = new Int32Array(d.villageCount).fill(-1);
    const members: number[][] = Array.from({ length: d.villageCount }, () => []);
    for (let i = d.personStart; i < d.personStart + d.personInitial; i++) {
      const v = P.village[i]!;
      if (v < 0) continue;
      if (P.roles[i]! & ROLE_COLLECTOR && this.collectorOf[v - d.villageStart]! < 0)
        this.collectorOf[v - d.villageStart] = i;
      if (ageYears(P.birth[i]!, c.w.layout.startDay) >= c.m.adultAge) members[v - d.villageStart]!.push(i);
    }
    this.villagers = members.map((a) => Int32Array.from(a));
    this.timers = { [Timer.starPenalty]: (day: number, k: number) => this.penalty(day, k) };
  }

  /** Fabrication by every quota agency that fabricates, over the step's days. */
  step(day: number, len: number): void {
    const c = this.c;
    const r = c.rng.recording;
    for (const a of c.m.agencies) {
      const q = a.quota;
      if (!q || q.fabricationPerYear <= 0 || q.fabricated.length === 0) continue;
      const recorders = q.recorders === 'village' ? c.d.villageCount : 1;
      const n = r.poisson((recorders * q.fabricationPerYear * len) / YEAR);
      for (let e = 0; e < n; e++) {
        const pick = q.fabricated[drawCum(r, q.fabricatedCum)]!;
        const o = c.m.families[pick.family]!.outcomes[pick.outcome]!;
        const d = day + r.int(len);
        let subject: number;
        let v = -1;
        if (q.recorders === 'village') {
          if (c.d.villageCount === 0) continue;
          v = r.int(c.d.villageCount);
          const list = this.villagers[v]!;
          if (!list.length) continue;
          subject = list[r.int(list.length)]!;
        } else {
          subject = c.d.personStart + r.int(c.d.personInitial);
        }
        if (c.w.persons.death[subject]! <= d) continue;
        c.fabricated(subject, o, d, a);
        if (v >= 0) this.collectedFabrication(v, d);
      }
    }
  }

  private collectedFabrication(v: number, day: number): void {
    const c = this.c;
    const r = c.rng.recording;
    c.collected[v]!++;
    const col = this.collectorOf[v]!;
    const penalty = c.s.behaviour.processes.collectors.penaltyDays.value;
    if (col >= 0 && r.next() < c.s.behaviour.processes.collectors.detection)
      c.schedule(
        c.cal.addWorkingDays(day, penalty[0] + r.int(penalty[1] - penalty[0] + 1)),
        Timer.starPenalty,
        col - c.d.personStart,
      );
  }

  /** The star rating for the year that ended with the rating month, on the first of the month after it. */
  annual(day: number, month: number): void {
    const c = this.c;
    if (month !== (c.s.behaviour.processes.collectors.ratingMonth % 12) + 1) return;
    const P = c.w.persons;
    const ratedDay = day - 1;
    for (let v = 0; v < c.d.villageCount; v++) {
      const col = this.collectorOf[v]!;
      const n = c.collected[v]!;
      c.collected[v] = 0;
      if (col < 0 || P.death[col]! <= ratedDay) continue;
      const star = c.m.stars.find((s) => n >= s.atLeast);
      if (star) c.occur(col, -1, star.outcome, ratedDay, NaN, true);
    }
  }

  private penalty(day: number, k: number): void {
    const c = this.c;
    const i = c.d.personStart + k;
    if (c.w.persons.death[i]! <= day) return;
    c.occur(i, -1, c.m.starPenalty, day, NaN, true);
  }
}
