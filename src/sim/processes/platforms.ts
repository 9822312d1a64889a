// Platforms in Meritown: adults open accounts; the platform sees its own data (its consumer-credit repayments,
// orders, declared assets, identity checks) and the courts' defaulter list pushed to it, scores every account each
// month with the platform score's rules, and grants or refuses its perks. It never sees the CRC's report.
import { Rng } from '../../core/rng.js';
import { compilePlatformRules, type PlatformRules } from '../../schemes/platform/compiled.js';
import { FEATURES } from '../../schemes/platform/features.js';
import { loadPlatformPolicy, type PlatformPolicy } from '../../schemes/platform/policy.js';
import { Counts } from '../counts.js';
import { YEAR, type DistrictContext } from '../district-context.js';
import { resolvePolicyPath } from '../scenario.js';
import { ageYears } from '../world.js';
import type { FinanceFile } from './finance-schema.js';
import { popcount24 } from './banks.js';
import type { DistrictProcess } from './process.js';

const GRID = 0xffffff;
const NONE = -2147483648;

/** Completed orders of the last 12 months, kept per user as 12 monthly counts (a ring). */
const RING = 12;

const FIXED_COUNTS = ['platforms.scored', 'platforms.scoreSum', 'platforms.scoredListed'] as const;
const SCORED = FIXED_COUNTS.indexOf('platforms.scored');
const SCORE_SUM = FIXED_COUNTS.indexOf('platforms.scoreSum');
const SCORED_LISTED = FIXED_COUNTS.indexOf('platforms.scoredListed');
/** Where the per-perk counts start: blocked by the list, then granted. */
const BLOCKED = FIXED_COUNTS.length;

export class PlatformsProcess implements DistrictProcess {
  readonly name = 'platforms';
  private readonly c: DistrictContext;
  private readonly F: FinanceFile['platforms'];
  private readonly policy: PlatformPolicy;
  private readonly rules: PlatformRules;
  private readonly r: Rng;
  /** Day the account was opened (NONE: no account). */
  private readonly joined: Int32Array;
  private readonly usesCredit: Uint8Array;
  private readonly profileItems: Uint8Array;
  private readonly contacts: Float32Array;
  /** 24 months of the platform's own repayments: months with a repayment, months with a late one. */
  private readonly repaidGrid: Uint32Array;
  private readonly lateGrid: Uint32Array;
  /** Day of the last late repayment (the perks' "no late repayment within 5 years" rule). */
  private readonly lastLate: Int32Array;
  private readonly orders: Uint8Array;
  /** The sum of each user's ring (orders of the last 12 months), kept as the ring turns. */
  private readonly orderSum: Uint16Array;
  private readonly x = new Float64Array(FEATURES.length);
  /** The module's counts (manifest keys): the fixed ones, then per perk (policy order) blocked by the list, granted. */
  private readonly counts: Counts<string>;
  private readonly perkCount: number;
  private month = 0;
  private readonly noLateDays: number;

  constructor(c: DistrictContext) {
    this.c = c;
    if (!c.s.finance)
      throw new Error('the platforms module needs finance.yaml (checked when the scenario loads)');
    this.F = c.s.finance.platforms;
    this.policy = loadPlatformPolicy(resolvePolicyPath(c.s, this.F.policy));
    this.rules = compilePlatformRules(this.policy);
    // The perks' "no late repayment within N years" window, from the policy (days, as the calendar rounds them).
    const years = Math.max(0, ...this.policy.perks.map((p) => p.no_late_years ?? 0));
    this.noLateDays = Math.round(years * YEAR);
    this.r = new Rng(c.seed).fork('platforms');
    const n = c.d.personCap;
    this.joined = new Int32Array(n).fill(NONE);
    this.usesCredit = new Uint8Array(n);
    this.profileItems = new Uint8Array(n);
    this.contacts = new Float32Array(n);
    this.repaidGrid = new Uint32Array(n);
    this.lateGrid = new Uint32Array(n);
    this.lastLate = new Int32Array(n).fill(NONE);
    this.orders = new Uint8Array(n * RING);
    this.orderSum = new Uint16Array(n);
    const codes = this.policy.perks.map((p) => p.code);
    this.perkCount = codes.length;
    this.counts = new Counts([
      ...FIXED_COUNTS,
      ...codes.map((p) => `platforms.perk.${p}.blockedByList`),
      ...codes.map((p) => `platforms.perk.${p}.granted`),
    ]);
    // The starting population: a share of adults already hold an account, opened up to ten years before.
    const P = c.w.persons;
    const start = c.w.layout.startDay;
    for (let i = c.d.personStart; i < c.d.personStart + c.d.personInitial; i++)
      if (ageYears(P.birth[i]!, start) >= c.m.adultAge && this.r.next() < this.F.accountShare.value)
        this.open(i - c.d.personStart, start - this.r.int(this.F.historyDays.value));
  }

  private open(k: number, day: number): void {
    this.joined[k] = day;
    this.usesCredit[k] = this.r.next() < this.F.creditShare.value ? 1 : 0;
    this.profileItems[k] = this.r.int(this.F.profileItems.value);
    this.contacts[k] = Math.round(this.r.next() * 100) / 100;
  }

  monthly(day: number): void {
    const c = this.c;
    const P = c.w.persons;
    const F = this.F;
    const r = this.r;
    const x = this.x;
    const n = this.counts;
    const o = c.d.personStart;
    const slot = this.month++ % RING;
    const newDays = this.policy.new_account.days;
    const perks = this.perkCount;
    const granted = BLOCKED + perks;
    // The scenario's numbers, read once per walk rather than once per person (the arithmetic is unchanged).
    const adultAge = c.m.adultAge;
    const join = F.joinMonthly.value;
    const incomeFloor = F.incomeFloor.value;
    const meanIncome = c.meanIncome;
    const lateMonthly = F.lateMonthly.value;
    const ordersMonthly = F.ordersMonthly.value;
    const elasticity = F.ordersIncomeElasticity.value;
    const assetMonths = F.assetMonths.value;
    const lists = c.snap.lists;
    const mask = c.defaulterMask;
    const death = P.death;
    const birth = P.birth;
    const income = P.income;
    const joined = this.joined;
    const repaidGrid = this.repaidGrid;
    const lateGrid = this.lateGrid;
    const ring = this.orders;
    const orderSum = this.orderSum;
    const end = c.nextSlot;
    for (let i = o; i < end; i++) {
      if (death[i]! <= day || birth[i]! > day) continue;
      const k = i - o;
      if (joined[k] === NONE) {
        if (ageYears(birth[i]!, day) >= adultAge && r.next() < join) this.open(k, day);
        continue;
      }
      // The platform's own data of the month (the truth of behaviour, seen whole by the platform).
      const rel = Math.max(incomeFloor, income[i]! / meanIncome);
      repaidGrid[k] = (repaidGrid[k]! << 1) & GRID;
      lateGrid[k] = (lateGrid[k]! << 1) & GRID;
      if (this.usesCredit[k]) {
        repaidGrid[k]! |= 1;
        if (r.next() < lateMonthly * P.tFinance[i]!) {
          lateGrid[k]! |= 1;
          this.lastLate[k] = day;
        }
      }
      const lambda = ordersMonthly * Math.pow(rel, elasticity);
      const cell = k * RING + slot;
      const fresh = Math.min(255, r.poisson(lambda));
      orderSum[k] = orderSum[k]! - ring[cell]! + fresh;
      ring[cell] = fresh;
      // The score as of today, with the features the policy reads (FEATURES order).
      const late = popcount24(lateGrid[k]!);
      const onTime = popcount24(repaidGrid[k]!) - late;
      x[0] = (onTime + 1) / (onTime + late + 2);
      x[1] = late;
      x[2] = (day - joined[k]!) / 365.25;
      x[3] = Math.log10(1 + assetMonths * income[i]!);
      x[4] = 0.5; // no rentals in the model: the smoothed share of an empty history
      x[5] = orderSum[k]!;
      x[6] = 0;
      x[7] = 1;
      x[8] = this.profileItems[k]!;
      x[9] = this.contacts[k]!;
      // The court's list reaches the platform as a feed; the published state is what was pushed.
      const listed = (lists[i]! & mask) !== 0;
      const isNew = day - joined[k]! < newDays;
      const late5 = day - this.lastLate[k]! < this.noLateDays ? 1 : 0;
      const score = this.rules.score(x, isNew, listed);
      const bits = this.rules.perks(score, late5, listed);
      n.add(SCORED);
      n.add(SCORE_SUM, score);
      if (listed) {
        n.add(SCORED_LISTED);
        // What the listing took away: the perks the same user would hold unlisted.
        const free = this.rules.perks(this.rules.score(x, isNew, false), late5, false);
        for (let p = 0; p < perks; p++) if (free & (1 << p) && !(bits & (1 << p))) n.add(BLOCKED + p);
      }
      for (let p = 0; p < perks; p++) if (bits & (1 << p)) n.add(granted + p);
    }
  }

  tally(into: Map<string, number>): void {
    this.counts.drain(into);
  }
}
