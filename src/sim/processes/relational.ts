// Relational punishment and the "greying" of blacklists (Trauth-Goik & Liu 2023, DOMAIN §10.4): when a resident is
// listed, each of their ties may learn of it, and responds by what it knows of the person — discount the label (and
// perhaps help), or apply it (press to pay, or ostracise). Pressure and help feed the credit process's odds of paying;
// ostracism costs income and, with some probability, the tie itself: a cut tie is marked in the district's severed-tie
// bitmap (the shared network is never mutated) and no longer responds to a later listing nor counts among the ties
// a resident sees listed. Nothing here sets how much of the label survives: that is counted from the responses.
import type { Rng } from '../../core/rng.js';
import { KIN_BITS, type DistrictContext, type SeveredTies } from '../district-context.js';
import { MSG_LISTED, MSG_LISTING_ENDED } from '../messages.js';
import type { TieKind } from '../society-schema.js';
import { ROLE_LEGAL_REP } from '../world.js';
import type { DistrictProcess } from './process.js';

/** What one tie did on learning of a listing. */
export const Response = { unaware: 0, discounted: 1, helped: 2, pressed: 3, ostracised: 4 } as const;
export type ResponseCode = (typeof Response)[keyof typeof Response];

export class RelationalProcess implements DistrictProcess {
  readonly name = 'relational';
  private readonly c: DistrictContext;
  private readonly pressing: Uint8Array;
  private readonly helping: Uint8Array;
  /** Share of income each resident has lost to ostracism so far (bounded by maxIncomeLoss). */
  private readonly lost: Float32Array;
  private readonly severed: SeveredTies;

  constructor(c: DistrictContext) {
    this.c = c;
    this.pressing = new Uint8Array(c.d.personCap);
    this.helping = new Uint8Array(c.d.personCap);
    this.lost = new Float32Array(c.d.personCap);
    c.ties = { pressing: this.pressing, helping: this.helping };
    const { rowPtr } = c.w.net;
    const last = rowPtr.length - 1;
    const edgeBase = rowPtr[Math.min(c.d.personStart, last)]!;
    const edgeEnd = rowPtr[Math.min(c.d.personStart + c.d.personCap, last)]!;
    this.severed = {
      edgeBase,
      edges: new Uint8Array(edgeEnd - edgeBase),
      kin: new Uint8Array(c.d.personCap),
    };
    c.severed = this.severed;
  }

  receive(type: number, target: number, day: number): void {
    if (type !== MSG_LISTED && type !== MSG_LISTING_ENDED) return;
    const o = this.c.d.personStart;
    if (target < o || target >= o + this.c.d.personCap) return; // firms and other districts' residents
    const k = target - o;
    this.pressing[k] = 0;
    this.helping[k] = 0;
    if (type === MSG_LISTED) this.respond(target, day);
  }

  /** Every tie of the newly listed person `i` responds once. */
  private respond(i: number, day: number): void {
    const c = this.c;
    const P = c.w.persons;
    const R = c.s.society.relational;
    const r = c.rng.society;
    const shamed = r.next() < R.shaming.value;
    c.tally('relational.listed');
    if (shamed) c.tally('relational.shamed');
    const learn = shamed ? R.learn.shamed : R.learn.notified;
    const k = i - c.d.personStart;
    let ostracised = 0;
    const cut = this.severed;
    const sever = R.effects.severIfOstracised;
    /** One tie responds; returns whether it shunned the person and the tie is now cut. */
    const tie = (kind: TieKind): boolean => {
      const res = respondOnce(r, R, kind, learn);
      c.tally(`relational.${kind}.ties`);
      if (res === Response.unaware) return false;
      c.tally(`relational.${kind}.learned`);
      if (res === Response.discounted || res === Response.helped) c.tally(`relational.${kind}.discounted`);
      if (res === Response.helped) {
        c.tally(`relational.${kind}.helped`);
        if (this.helping[k]! < 255) this.helping[k]!++;
      } else if (res === Response.pressed) {
        c.tally(`relational.${kind}.pressed`);
        if (this.pressing[k]! < 255) this.pressing[k]!++;
      } else if (res === Response.ostracised) {
        c.tally(`relational.${kind}.ostracised`);
        ostracised++;
        if (sever > 0 && r.next() < sever) {
          c.tally(`relational.${kind}.cut`);
          return true;
        }
      }
      return false;
    };
    const kin = [P.mother[i]!, P.father[i]!, P.spouse[i]!];
    for (let t = 0; t < kin.length; t++)
      if (kin[t]! >= 0 && P.death[kin[t]!]! > day && !(cut.kin[k]! & KIN_BITS[t]!) && tie('family'))
        cut.kin[k] = cut.kin[k]! | KIN_BITS[t]!;
    const { rowPtr, col } = c.w.net;
    for (let q = rowPtr[i]!; q < rowPtr[i + 1]!; q++) {
      const j = col[q]!;
      if (P.death[j]! <= day || cut.edges[q - cut.edgeBase]) continue;
      if (tie(kindOf(P, i, j))) cut.edges[q - cut.edgeBase] = 1;
    }
    if (P.employer[i]! >= 0) tie('business');
    if (P.roles[i]! & ROLE_LEGAL_REP)
      for (let t = 0; t < R.partnersPerRepresentative.value; t++) tie('business');
    if (ostracised > 0) {
      // Ostracism costs custom, work and contracts: a share of income per shunning tie, bounded over the run.
      const E = R.effects;
      const take = Math.min(E.maxIncomeLoss - this.lost[k]!, ostracised * E.incomeLossPerOstracisingTie);
      if (take > 0) {
        P.income[i] = P.income[i]! * (1 - take / (1 - this.lost[k]!));
        this.lost[k] = this.lost[k]! + take;
      }
    }
  }
}

/** The kind of a network tie: a colleague shares the employer, a neighbour the village or household, else a friend. */
export function kindOf(
  P: { employer: Int32Array; village: Int32Array; household: Int32Array },
  i: number,
  j: number,
): TieKind {
  if (P.employer[i]! >= 0 && P.employer[j] === P.employer[i]) return 'colleague';
  if (P.household[j] === P.household[i]) return 'family';
  if (P.village[i]! >= 0 && P.village[j] === P.village[i]) return 'neighbour';
  return 'friend';
}

/**
 * One tie's response: it learns of the listing with probability `learn`; its closeness is drawn from its kind's
 * range; it knows the person's circumstances with probability base + slope × closeness, and then discounts the
 * label with probability discountIfContext (helping with probability help × closeness); otherwise it applies the
 * label, pressing with probability pressure × closeness and ostracising else.
 */
export function respondOnce(
  r: Rng,
  R: DistrictContext['s']['society']['relational'],
  kind: TieKind,
  learn: number,
): ResponseCode {
  if (r.next() >= learn) return Response.unaware;
  const [lo, hi] = R.closeness[kind];
  const close = lo + (hi - lo) * r.next();
  const knows = r.next() < Math.min(1, R.context.base + R.context.slope * close);
  if (knows && r.next() < R.discountIfContext.value)
    return r.next() < R.help.value * close ? Response.helped : Response.discounted;
  return r.next() < R.pressure.value * close ? Response.pressed : Response.ostracised;
}
