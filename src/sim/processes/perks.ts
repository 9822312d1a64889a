// Perk take-up (issue 16 §3): residents who know they hold a perk grade use the grade's perks (the municipal
// credit-benefit lists of society.yaml perks) at the listed monthly rates; those who do not know never claim them.
// The module counts uses and tells the opinion module who used a perk this month.
import { Rng } from '../../core/rng.js';
import { GRADE_CODES, GRADE_NONE } from '../../schemes/municipal/types.js';
import type { DistrictContext } from '../district-context.js';
import { ageYears } from '../world.js';
import type { DistrictProcess } from './process.js';

export class PerksProcess implements DistrictProcess {
  readonly name = 'perks';
  private readonly c: DistrictContext;
  /** Its own stream, so switching the module on moves no other module's draws. */
  private readonly r: Rng;
  /** Used a perk this month (local index). */
  private readonly used: Uint8Array;
  /** Worst grade code (GRADE_CODES index) that still earns each perk. */
  private readonly maxGrade: number[];

  constructor(c: DistrictContext) {
    this.c = c;
    this.r = new Rng(c.seed).fork('perks');
    this.used = new Uint8Array(c.d.personCap);
    this.maxGrade = c.s.society.perks.list.map((p) => GRADE_CODES.indexOf(p.grade));
    c.perkUsed = this.used;
  }

  monthly(day: number): void {
    const c = this.c;
    const P = c.w.persons;
    const list = c.s.society.perks.list;
    const snap = c.snap;
    const o = c.d.personStart;
    let eligible = 0;
    let unaware = 0;
    let users = 0;
    for (let i = o; i < c.nextSlot; i++) {
      const k = i - o;
      this.used[k] = 0;
      if (P.death[i]! <= day || ageYears(P.birth[i]!, day) < c.m.adultAge) continue;
      const g = snap.grade[i]!;
      if (g === GRADE_NONE) continue;
      let any = false;
      for (let p = 0; p < list.length; p++) if (g <= this.maxGrade[p]!) any = true;
      if (!any) continue;
      eligible++;
      // Responses to the grade happen only for residents who know it (absent awareness module: everyone knows).
      if (c.aware && !c.aware[k]) {
        unaware++;
        continue;
      }
      for (let p = 0; p < list.length; p++) {
        if (g > this.maxGrade[p]! || this.r.next() >= list[p]!.monthly) continue;
        this.used[k] = 1;
        c.tally(`perks.${list[p]!.code}.used`);
      }
      users += this.used[k]!;
    }
    c.tally('perks.eligible', eligible);
    c.tally('perks.eligibleUnaware', unaware);
    c.tally('perks.users', users);
  }
}
