// Awareness of one's own grade (issue 16 §3): residents learn their municipal grade through contact with the system —
// a perk offered, a denial at a point of service, a notice, work in the public sector — and may stop following it.
// Responses to the grade (grade-chasing, opinion of one's grade) act only for residents who know.
import { ADULT_AGE, type DistrictContext } from '../district-context.js';
import { F_RESTRICTED } from '../snapshot.js';
import { GRADE_NONE } from '../../schemes/municipal/types.js';
import { ROLE_STATE, ageYears } from '../world.js';
import type { DistrictProcess } from './process.js';

/** Grade codes (GRADE_CODES order): AAA and AA carry perks, A is the norm, B and worse are below A. */
export const PERK_GRADE_MAX = 1;
export const BELOW_A_MIN = 3;

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
    let adults = 0;
    let knowing = 0;
    for (let i = o; i < c.nextSlot; i++) {
      if (P.death[i]! <= day || ageYears(P.birth[i]!, day) < ADULT_AGE) continue;
      const k = i - o;
      if (this.aware[k]) {
        if (r.next() < A.forget) this.aware[k] = 0;
      } else {
        // Each contact is a separate chance to learn the grade this month.
        const g = snap.grade[i]!;
        let stay = 1 - M.background;
        if (g !== GRADE_NONE && g <= PERK_GRADE_MAX) stay *= 1 - M.perk;
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
