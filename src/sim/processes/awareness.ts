// Awareness of one's own grade (issue 16 §3): residents learn their municipal grade through contact with the system —
// a perk offered, a denial at a point of service, a notice, work in the public sector — and may stop following it.
// Responses to the grade (grade-chasing, opinion of one's grade) act only for residents who know.
import type { DistrictContext } from '../district-context.js';
import { F_RESTRICTED } from '../snapshot.js';
import { GRADE_CODES, GRADE_NONE } from '../../schemes/municipal/types.js';
import { ROLE_STATE, ageYears } from '../world.js';
import type { DistrictProcess } from './process.js';

/** Grade code (GRADE_CODES order) from which a grade is below A: B and worse. */
export const BELOW_A_MIN = GRADE_CODES.indexOf('B');

/** The worst grade code that still earns a perk (society.yaml perks: AA in Meritown, so AAA and AA). */
export function perkGradeMax(c: DistrictContext): number {
  return Math.max(...c.s.society.perks.list.map((p) => GRADE_CODES.indexOf(p.grade)));
}

export class AwarenessProcess implements DistrictProcess {
  readonly name = 'awareness';
  private readonly c: DistrictContext;
  private readonly aware: Uint8Array;

  constructor(c: DistrictContext) {
    this.c = c;
    this.aware = new Uint8Array(c.d.personCap);
    const r = c.rng.society;
    const A = c.s.society.awareness;
    for (let k = 0; k < c.d.personInitial; k++) this.aware[k] = r.next() < A.initial ? 1 : 0;
    c.aware = this.aware;
  }

  monthly(day: number, month: number): void {
    const c = this.c;
    const P = c.w.persons;
    const A = c.s.society.awareness;
    const M = A.monthly;
    const r = c.rng.society;
    const snap = c.snap;
    const o = c.d.personStart;
    const perkMax = perkGradeMax(c);
    let adults = 0;
    let knowing = 0;
    for (let i = o; i < c.nextSlot; i++) {
      if (P.death[i]! <= day || ageYears(P.birth[i]!, day) < c.m.adultAge) continue;
      const k = i - o;
      if (this.aware[k]) {
        if (r.next() < A.forget) this.aware[k] = 0;
      } else {
        // Each contact is a separate chance to learn the grade this month.
        const g = snap.grade[i]!;
        let stay = 1 - M.background;
        if (g !== GRADE_NONE && g <= perkMax) stay *= 1 - M.perk;
        if (snap.flags[i]! & F_RESTRICTED) stay *= 1 - M.denial;
        if ((g !== GRADE_NONE && g >= BELOW_A_MIN) || snap.lists[i]! & c.defaulterMask) stay *= 1 - M.notice;
        if (P.roles[i]! & ROLE_STATE) stay *= 1 - M.publicSector;
        if (r.next() >= stay) this.aware[k] = 1;
      }
      if (month === 12) {
        adults++;
        knowing += this.aware[k]!;
      }
    }
    if (month === 12) {
      c.tally('awareness.adults', adults);
      c.tally('awareness.aware', knowing);
    }
  }
}
