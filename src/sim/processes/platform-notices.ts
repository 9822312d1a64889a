// Platforms' notices about listed residents (issue 17 §2): when the court pushes a listing to the platforms, the
// social app's defaulter map shows it to strangers near the registered address and the carrier plays a notice to the
// person's callers. Callers who are ties respond as the relational module's ties do (press, help, discount,
// ostracise: its exported response and its TieSupport counts, which the credit process reads); strangers know only
// the label and may shun the person, which costs income. Repayment and stigma follow from those, counted here.
import { loadMeasureCatalogue } from '../../coproduction/measures.js';
import { Rng } from '../../core/rng.js';
import type { DistrictContext } from '../district-context.js';
import { MSG_LISTED } from '../messages.js';
import { resolvePolicyPath } from '../scenario.js';
import type { TieKind } from '../society-schema.js';
import { ageYears } from '../world.js';
import type { CoproductionFile } from './coproduction-schema.js';
import type { DistrictProcess } from './process.js';
import { Response, kindOf, respondOnce } from './relational.js';

export class PlatformNoticesProcess implements DistrictProcess {
  readonly name = 'platformNotices';
  private readonly c: DistrictContext;
  private readonly N: NonNullable<CoproductionFile['notices']>;
  private readonly r: Rng;
  /** Which notices a platform subscribed to the list gives (from the platform measures catalogue). */
  private readonly map: boolean;
  private readonly calls: boolean;
  /** Adults of each local village at the start, and of the district: whom a defaulter map is shown to. */
  private readonly villagers: Int32Array[];
  private readonly adults: Int32Array;
  /** Share of income each resident has lost to strangers' shunning (bounded by society.yaml's maxIncomeLoss). */
  private readonly lost: Float32Array;
  /** Listed residents followed to the end of their listing: 1 held back, 2 pushed; +4 once seen on the published list. */
  private readonly followed: Uint8Array;
  private readonly follow: number[] = [];

  constructor(c: DistrictContext) {
    this.c = c;
    if (!c.s.coproduction?.notices)
      throw new Error(
        'the platformNotices module needs coproduction.yaml notices (checked when the scenario loads)',
      );
    this.N = c.s.coproduction.notices;
    const cat = loadMeasureCatalogue(resolvePolicyPath(c.s, this.N.measures));
    const on = (effect: string) =>
      cat.measures.some((m) => m.effect === effect && m.lists.includes(this.N.list));
    this.map = on('notice_nearby');
    this.calls = on('caller_notice');
    this.r = new Rng(c.seed).fork('platformNotices');
    const P = c.w.persons;
    const d = c.d;
    const members: number[][] = Array.from({ length: d.villageCount }, () => []);
    const adults: number[] = [];
    for (let i = d.personStart; i < d.personStart + d.personInitial; i++) {
      if (ageYears(P.birth[i]!, c.w.layout.startDay) < c.m.adultAge) continue;
      adults.push(i);
      const v = P.village[i]!;
      if (v >= 0) members[v - d.villageStart]!.push(i);
    }
    this.villagers = members.map((a) => Int32Array.from(a));
    this.adults = Int32Array.from(adults);
    this.lost = new Float32Array(d.personCap);
    this.followed = new Uint8Array(d.personCap);
  }

  receive(type: number, target: number, day: number): void {
    if (type !== MSG_LISTED) return;
    const o = this.c.d.personStart;
    if (target < o || target >= o + this.c.d.personCap) return; // firms and other districts' residents
    // Drawn for every listing, pushed or not, so the push rate moves no other listing's draws.
    const pushed = this.r.next() < this.N.courtPush.value;
    this.c.tally('notices.listed');
    const k = target - o;
    if (!this.followed[k]) this.follow.push(k);
    this.followed[k] = pushed ? 2 : 1;
    if (!pushed) {
      this.c.tally('notices.held');
      return;
    }
    this.c.tally('notices.pushed');
    if (this.calls) this.callers(target, day);
    if (this.map) this.strangers(target, day);
  }

  /** Each month: which followed listings have left the published list (paid, mostly; or their term ended), by
   * whether the court pushed them — the repayment the notices bought, measured, not set. */
  monthly(): void {
    const c = this.c;
    const o = c.d.personStart;
    let keep = 0;
    for (const k of this.follow) {
      const f = this.followed[k]!;
      const listed = (c.snap.lists[o + k]! & c.defaulterMask) !== 0;
      if (listed) this.followed[k] = f | 4;
      else if (f & 4) {
        c.tally((f & 3) === 2 ? 'notices.left.pushed' : 'notices.left.held');
        this.followed[k] = 0;
        continue;
      }
      this.follow[keep++] = k;
    }
    this.follow.length = keep;
  }

  /** Ties who call the person hear the carrier's notice and respond as ties do; pressing and help reach the credit
   * process through the relational module's TieSupport. */
  private callers(i: number, day: number): void {
    const c = this.c;
    const T = c.ties;
    if (!T) return; // the loader requires the relational module; kept for a context built without it
    const P = c.w.persons;
    const R = c.s.society.relational;
    const k = i - c.d.personStart;
    let ostracised = 0;
    const hear = (kind: TieKind, j: number) => {
      if (this.r.next() >= this.N.tieCalls.value) return;
      c.tally('notices.callers');
      this.saw(j);
      const res = respondOnce(this.r, R, kind, 1);
      if (res === Response.pressed) {
        c.tally('notices.callers.pressed');
        if (T.pressing[k]! < 255) T.pressing[k]!++;
      } else if (res === Response.helped) {
        c.tally('notices.callers.helped');
        if (T.helping[k]! < 255) T.helping[k]!++;
      } else if (res === Response.ostracised) {
        c.tally('notices.callers.ostracised');
        ostracised++;
      }
    };
    for (const kin of [P.mother[i]!, P.father[i]!, P.spouse[i]!])
      if (kin >= 0 && P.death[kin]! > day) hear('family', kin);
    const { rowPtr, col } = c.w.net;
    for (let q = rowPtr[i]!; q < rowPtr[i + 1]!; q++) {
      const j = col[q]!;
      if (P.death[j]! > day) hear(kindOf(P, i, j), j);
    }
    this.loseIncome(i, ostracised * R.effects.incomeLossPerOstracisingTie);
  }

  /** The defaulter map: residents near the registered address (the village, or the district for urban residents)
   * see the notice; knowing only the label, some shun the person. */
  private strangers(i: number, day: number): void {
    const c = this.c;
    const P = c.w.persons;
    const v = P.village[i]!;
    const pool = v >= 0 ? this.villagers[v - c.d.villageStart]! : this.adults;
    if (pool.length < 2) return;
    const seen = this.r.poisson(this.N.nearbySeen.value);
    let shunned = 0;
    for (let s = 0; s < seen; s++) {
      const j = pool[this.r.int(pool.length)]!;
      if (j === i || P.death[j]! <= day) continue;
      c.tally('notices.strangers.seen');
      this.saw(j);
      if (this.r.next() < this.N.strangerShuns.value) shunned++;
    }
    c.tally('notices.strangers.shunned', shunned);
    this.loseIncome(i, shunned * this.N.incomeLossPerStranger.value);
  }

  /** A resident of this district saw or heard a notice (counted for the trust module, when it runs). */
  private saw(j: number): void {
    const T = this.c.trustLinks;
    const k = j - this.c.d.personStart;
    if (T && k >= 0 && k < T.noticesSeen.length && T.noticesSeen[k]! < 65535) T.noticesSeen[k]!++;
  }

  private loseIncome(i: number, share: number): void {
    if (share <= 0) return;
    const k = i - this.c.d.personStart;
    const take = Math.min(this.c.s.society.relational.effects.maxIncomeLoss - this.lost[k]!, share);
    if (take <= 0) return;
    const P = this.c.w.persons;
    P.income[i] = P.income[i]! * (1 - take / (1 - this.lost[k]!));
    this.lost[k] = this.lost[k]! + take;
    this.c.tally('notices.income_lost', take);
  }
}
