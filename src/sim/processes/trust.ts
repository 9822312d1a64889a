// Generalised trust (issue 17 §5, performative governance): each adult's trust in others starts at a drawn baseline
// and is worn down by what the credit systems do around them — ties on a defaulter list, platform notices seen or
// heard (the defaulter map, the carrier's notice), records about their own conduct that no event lies behind (padded
// KPI entries) — and raised in the months they use a credit-easy perk. It drifts back toward the level their
// situation allows. Lost trust raises their untrustworthy conduct
// (through the conduct process) and notices seen move their support for the systems (through the opinion module).
// What trust, conduct and repayment then do is measured by the run; nothing here sets an outcome.
import { Rng } from '../../core/rng.js';
import type { DistrictContext, TrustLinks } from '../district-context.js';
import { ageYears } from '../world.js';
import type { CoproductionFile } from './coproduction-schema.js';
import type { DistrictProcess } from './process.js';

/** The month whose trust the run reports each year (December: the year-end level). */
const YEAR_END = 12;

export class TrustProcess implements DistrictProcess {
  readonly name = 'trust';
  private readonly c: DistrictContext;
  private readonly T: NonNullable<CoproductionFile['trust']>;
  /** Baseline and current trust, by local person index. */
  private readonly base: Float32Array;
  private readonly trust: Float32Array;
  /** Padded records about each resident since the last month. */
  private readonly falseRecords: Uint16Array;
  private readonly links: TrustLinks;
  /** Event types of untrustworthy conduct: a person's non-positive outcomes of a family no response drives. */
  private readonly untrustworthy: Uint8Array;
  private evCursor = 0;

  constructor(c: DistrictContext) {
    this.c = c;
    if (!c.s.coproduction?.trust)
      throw new Error('the trust module needs coproduction.yaml trust (checked when the scenario loads)');
    this.T = c.s.coproduction.trust;
    const n = c.d.personCap;
    const r = new Rng(c.seed).fork('trust');
    this.base = new Float32Array(n);
    this.trust = new Float32Array(n);
    // Every slot draws now (newborns' included), so who is born when moves no draw.
    for (let k = 0; k < n; k++) {
      const b = Math.min(1, Math.max(0, this.T.baseline.value + this.T.sd.value * r.normal()));
      this.base[k] = b;
      this.trust[k] = b;
    }
    this.falseRecords = new Uint16Array(n);
    this.untrustworthy = new Uint8Array(c.m.eventTypes.length);
    for (const f of c.m.families)
      if (!f.firm && !f.petition && !f.response)
        for (const o of f.outcomes) if (!o.positive) this.untrustworthy[o.eventType] = 1;
    // Trust lost is at most the baseline (≤ 1), so the conduct factor never exceeds 1 + conductPerLoss.
    this.links = {
      noticesSeen: new Uint16Array(n),
      conduct: new Float32Array(n).fill(1),
      conductMax: 1 + this.T.conductPerLoss.value,
      support: new Float32Array(n),
    };
    c.trustLinks = this.links;
  }

  epochStart(): void {
    this.evCursor = 0;
  }

  /** The step's true untrustworthy conduct (counted: what happens) and padded records (which erode trust). */
  step(): void {
    const c = this.c;
    const ev = c.ev;
    const o = c.d.personStart;
    for (; this.evCursor < ev.subject.length; this.evCursor++) {
      const k = ev.subject.data[this.evCursor]! - o;
      if (k < 0 || k >= this.base.length) continue; // firms
      if (ev.fabricated.data[this.evCursor]) {
        if (this.falseRecords[k]! < 65535) this.falseRecords[k]!++;
      } else if (this.untrustworthy[ev.type.data[this.evCursor]!]) c.tally('trust.conduct');
    }
  }

  /** Each month: trust drifts toward the level one's listed ties allow, less the notices and false records of the
   * month; the conduct factor and the opinion points follow. */
  monthly(day: number, month: number): void {
    const c = this.c;
    const T = this.T;
    const L = this.links;
    const P = c.w.persons;
    const o = c.d.personStart;
    const m = T.memory.value;
    let adults = 0;
    let sum = 0;
    let baseSum = 0;
    for (let i = o; i < c.nextSlot; i++) {
      const k = i - o;
      const seen = L.noticesSeen[k]!;
      const padded = this.falseRecords[k]!;
      L.noticesSeen[k] = 0;
      this.falseRecords[k] = 0;
      if (P.death[i]! <= day || ageYears(P.birth[i]!, day) < c.m.adultAge) {
        L.support[k] = 0;
        continue;
      }
      const ties = Math.min(T.maxTies.value, T.perListedTie.value > 0 ? c.listedTies(i) : 0);
      const target = this.base[k]! - T.perListedTie.value * ties;
      let t = (1 - m) * this.trust[k]! + m * target;
      t -= T.perNotice.value * seen + T.perFalseRecord.value * padded;
      if (c.perkUsed?.[k]) t += T.perPerkUsed.value;
      t = Math.min(1, Math.max(0, t));
      this.trust[k] = t;
      // Trust above the baseline (perks) lowers conduct as trust below it raises it; never below zero.
      L.conduct[k] = Math.max(0, 1 + T.conductPerLoss.value * (this.base[k]! - t));
      L.support[k] = T.supportPerNotice.value * seen;
      if (seen) c.tally('trust.noticesSeen', seen);
      if (padded) c.tally('trust.falseRecords', padded);
      adults++;
      sum += t;
      baseSum += this.base[k]!;
    }
    c.tally('trust.adultMonths', adults);
    if (month === YEAR_END) {
      c.tally('trust.yearEnd.n', adults);
      c.tally('trust.yearEnd.sum', sum);
      c.tally('trust.yearEnd.base', baseSum);
    }
  }
}
