// Credit, one state machine for persons and firms: a loan falls into arrears (persons) or a contract dispute (firms),
// the creditor sues, the court judges, the debtor performs or is warned and listed as a defaulter, and pays to leave
// the list. Persons and firms differ only in their hazards and in where paying leaves them.
import type { Rng } from '../../core/rng.js';
import { Timer, YEAR, type DistrictContext } from '../district-context.js';
import { MSG_LISTED, MSG_LISTING_ENDED, MSG_LISTING_REFUSED } from '../messages.js';
import { cumulative, drawCum } from '../random.js';
import { ageYears } from '../world.js';
import type { DistrictProcess } from './process.js';

/** Credit stages. */
export const Credit = {
  none: 0,
  loan: 1,
  arrears: 2,
  sued: 3,
  performing: 4,
  warned: 5,
  listed: 6,
  /** The listing ended at its term; the debt stays. */
  unlistedDebt: 7,
  /** The court asked the lists engine to list the debtor and awaits its answer. */
  requested: 8,
} as const;

export class CreditProcess implements DistrictProcess {
  readonly name = 'credit';
  private readonly c: DistrictContext;
  /** Per credit subject: persons at their local index, firms at personCap + local firm index. */
  private readonly st: Uint8Array;
  /** Persons: months in arrears. Firms: months of the disputed arrears (the judgment's amount). */
  private readonly months: Uint8Array;
  private readonly debt: Float32Array;
  private readonly caseNo: Int32Array;
  /** Day the enforcement case was opened (its number carries that year, whenever later statements are made). */
  private readonly caseDay: Int32Array;
  private readonly firm0: number;
  readonly timers;

  constructor(c: DistrictContext) {
    this.c = c;
    const n = c.d.personCap + c.d.firmCount;
    this.firm0 = c.d.personCap;
    this.st = new Uint8Array(n);
    this.st.fill(Credit.loan, this.firm0);
    this.months = new Uint8Array(n);
    this.debt = new Float32Array(n);
    this.caseNo = new Int32Array(n);
    this.caseDay = new Int32Array(n);
    this.timers = {
      [Timer.judgment]: (day: number, k: number) => this.judgment(day, k),
      [Timer.perform]: (day: number, k: number) => this.perform(day, k),
      [Timer.list]: (day: number, k: number) => this.list(day, k),
    };
    this.initLoans();
  }

  private initLoans(): void {
    const c = this.c;
    const P = c.w.persons;
    const o = c.d.personStart;
    const C = c.s.behaviour.processes.credit;
    for (let i = o; i < o + c.d.personInitial; i++) {
      const a = ageYears(P.birth[i]!, c.w.layout.startDay);
      if (a >= C.loanAges.value[0] && a <= C.loanAges.value[1]) {
        const p =
          C.loanHolders *
          Math.pow(Math.max(C.hazardIncomeFloor.value, P.income[i]! / c.meanIncome), C.loanIncomeElasticity);
        if (c.rng.processes.next() < Math.min(C.loanShareCap.value, p)) this.st[i - o] = Credit.loan;
      }
    }
  }

  /** Simulation subject index of a credit subject. */
  private subject(k: number): number {
    const c = this.c;
    return k < this.firm0 ? c.d.personStart + k : c.w.persons.length + c.d.firmStart + (k - this.firm0);
  }

  /** A person's credit subject is dead (firms do not die). */
  private gone(k: number, day: number): boolean {
    return k < this.firm0 && this.c.w.persons.death[this.c.d.personStart + k]! <= day;
  }

  receive(type: number, target: number): void {
    if (type !== MSG_LISTING_ENDED && type !== MSG_LISTED && type !== MSG_LISTING_REFUSED) return;
    const c = this.c;
    const P = c.w.persons.length;
    const o = c.d.personStart;
    let k = -1;
    if (target >= P) {
      const j = target - P - c.d.firmStart;
      if (j >= 0 && j < c.d.firmCount) k = this.firm0 + j;
    } else if (target >= o && target < o + c.d.personCap) k = target - o;
    if (k < 0) return;
    const st = this.st[k]!;
    if (type === MSG_LISTED && st === Credit.requested) this.st[k] = Credit.listed;
    // Refused (a minor, say) or ended at its term: the debt stays, the listing does not.
    else if (type === MSG_LISTING_REFUSED && st === Credit.requested) this.st[k] = Credit.unlistedDebt;
    else if (type === MSG_LISTING_ENDED && st === Credit.listed) this.st[k] = Credit.unlistedDebt;
  }

  // ---------------------------------------------------------------- monthly

  monthly(day: number): void {
    const c = this.c;
    const P = c.w.persons;
    const C = c.s.behaviour.processes.credit;
    const R = c.s.responses;
    const S = c.m.stages;
    const r = c.rng.processes;
    const o = c.d.personStart;
    for (let i = o; i < c.nextSlot; i++) {
      const k = i - o;
      const st = this.st[k]!;
      if (st === Credit.none || st === Credit.sued || st === Credit.performing || st === Credit.warned)
        continue;
      if (P.death[i]! <= day) continue;
      if (st === Credit.loan) {
        const rel = Math.max(C.hazardIncomeFloor.value, P.income[i]! / c.meanIncome);
        let h = (C.arrearsMonthly * P.tFinance[i]!) / Math.sqrt(rel);
        const ties = c.listedTies(i);
        if (ties > 0) h *= Math.max(R.deterrence.floor, Math.pow(R.deterrence.perListedTie, ties));
        if (r.next() < h) {
          this.st[k] = Credit.arrears;
          this.months[k] = 1;
          c.occur(i, i, S['credit.arrears'], day + r.int(C.spreadDays.value), NaN, false);
        }
      } else if (st === Credit.arrears) {
        if (r.next() < C.cureMonthly) {
          this.st[k] = Credit.loan;
          this.months[k] = 0;
        } else if (++this.months[k]! >= C.defaultAfterMonths) {
          if (r.next() < C.sue) {
            this.st[k] = Credit.sued;
            this.debt[k] = Math.round(
              P.income[i]! *
                Math.exp(Math.log(C.debtIncomeMultiple[0]) + C.debtIncomeMultiple[1] * r.normal()),
            );
            this.sue(day, k);
          } else {
            this.st[k] = Credit.none;
            this.months[k] = 0;
          }
        } else c.occur(i, i, S['credit.arrears'], day + r.int(C.spreadDays.value), NaN, false);
      } else if (st === Credit.listed || st === Credit.unlistedDebt) {
        const rel = Math.max(C.paymentIncomeFloor.value, P.income[i]! / c.meanIncome);
        const childAge = (day - c.youngestChild[k]!) / YEAR;
        let odds = Math.pow(rel, R.payToDelist.incomeElasticity);
        if (
          st === Credit.listed &&
          childAge >= R.payToDelist.childAges.value[0] &&
          childAge < R.payToDelist.childAges.value[1] + 1
        )
          odds *= 1 + R.payToDelist.childPressure;
        if (st === Credit.listed) odds *= 1 + R.payToDelist.networkPressure * c.listedTies(i);
        const T = c.ties;
        if (T && st === Credit.listed) {
          const E = c.s.society.relational.effects;
          odds *= 1 + E.payOddsPerPressingTie * T.pressing[k]! + E.payOddsPerHelpingTie * T.helping[k]!;
        }
        const p = R.payToDelist.monthly * odds * (st === Credit.listed ? 1 : R.payToDelist.afterTerm.value);
        if (r.next() < Math.min(R.payToDelist.cap.value, p)) this.pay(day, k, r);
      }
    }
  }

  firmMonthly(j: number, day: number): void {
    const c = this.c;
    const C = c.s.behaviour.processes.credit;
    const R = c.s.responses;
    const r = c.rng.processes;
    const k = this.firm0 + j;
    const tFinance = c.w.firms.tFinance[c.d.firmStart + j]!;
    const st = this.st[k]!;
    if (st === Credit.loan && r.next() < C.firmDisputeMonthly * tFinance) {
      this.st[k] = Credit.sued;
      this.months[k] = 1 + r.int(C.firmArrearsMonths.value);
      this.sue(day, k);
    } else if (
      st === Credit.listed &&
      r.next() < R.payToDelist.monthly / Math.max(C.firmFinanceFloor.value, tFinance)
    )
      this.pay(day, k, r);
    else if (st === Credit.unlistedDebt && r.next() < R.payToDelist.monthly) this.st[k] = Credit.loan;
  }

  /** The creditor sues: judgment after the trial. */
  private sue(day: number, k: number): void {
    const C = this.c.s.behaviour.processes.credit;
    const r = this.c.rng.processes;
    this.c.schedule(
      this.c.cal.addWorkingDays(day, C.trialDays[0] + r.int(C.trialDays[1] - C.trialDays[0] + 1)),
      Timer.judgment,
      k,
    );
  }

  /** The debtor pays: a listed one is deleted from the list and the restriction lifted; the debt is gone. */
  private pay(day: number, k: number, r: Rng): void {
    const c = this.c;
    const S = c.m.stages;
    const d = day + r.int(c.s.behaviour.processes.credit.spreadDays.value);
    const st = this.st[k]!;
    if (st === Credit.listed) {
      if (c.ties && k < this.firm0) {
        c.tally('relational.paid');
        if (c.ties.pressing[k]! > 0) c.tally('relational.paid_pressed');
      }
      const basis = c.enforcementCase(this.caseNo[k]!, this.caseDay[k]!);
      c.stage(this.subject(k), S['credit.deletion'], d, NaN, basis);
      c.stage(this.subject(k), S['credit.lifted'], d, NaN, basis);
    }
    // A person without debt has no loan in the model; a firm goes on trading on credit.
    this.st[k] = k < this.firm0 ? Credit.none : Credit.loan;
    if (k < this.firm0) this.months[k] = 0;
  }

  // ---------------------------------------------------------------- court timers

  private judgment(day: number, k: number): void {
    const c = this.c;
    const C = c.s.behaviour.processes.credit;
    if (this.gone(k, day)) return;
    if (k < this.firm0)
      c.stage(
        this.subject(k),
        c.m.stages['credit.judgment'],
        day,
        this.debt[k]!,
        c.caseNumber(day, 'Min Chu'),
      );
    else
      c.stage(
        this.subject(k),
        c.m.stages['credit.firm_arrears'],
        day,
        this.months[k]!,
        c.caseNumber(day, 'Min Chu'),
      );
    this.st[k] = Credit.performing;
    c.schedule(c.cal.addWorkingDays(day, C.performanceDays), Timer.perform, k);
  }

  /** The probability that a judged debtor performs within the period. */
  private performs(k: number): number {
    const c = this.c;
    const C = c.s.behaviour.processes.credit;
    if (k >= this.firm0)
      return (
        C.performBase /
        Math.max(C.firmFinanceFloor.value, c.w.firms.tFinance[this.subject(k) - c.w.persons.length]!)
      );
    const rel = Math.max(C.paymentIncomeFloor.value, c.w.persons.income[this.subject(k)]! / c.meanIncome);
    const logit = Math.log(C.performBase / (1 - C.performBase)) + C.performIncomeSlope * Math.log(rel);
    return 1 / (1 + Math.exp(-logit));
  }

  private perform(day: number, k: number): void {
    const c = this.c;
    const C = c.s.behaviour.processes.credit;
    const r = c.rng.processes;
    if (this.gone(k, day)) return;
    if (r.next() < this.performs(k)) {
      this.st[k] = k < this.firm0 ? Credit.none : Credit.loan;
      return;
    }
    this.caseNo[k] = c.nextCase();
    this.caseDay[k] = day;
    c.stage(this.subject(k), c.m.stages['credit.warning'], day, NaN, c.enforcementCase(this.caseNo[k]!, day));
    this.st[k] = Credit.warned;
    c.schedule(
      c.cal.addWorkingDays(day, C.listingDays[0] + r.int(C.listingDays[1] - C.listingDays[0] + 1)),
      Timer.list,
      k,
    );
  }

  private list(day: number, k: number): void {
    const c = this.c;
    const C = c.s.behaviour.processes.credit;
    // A dead debtor's enforcement case ends; it is not a listing question.
    if (this.st[k] !== Credit.warned || this.gone(k, day)) return;
    // Whether the debtor may be listed (not a minor, warned in the case, the criterion met) is the lists engine's
    // decision, asked on the main thread; the answer comes back as a message.
    const basis = c.enforcementCase(this.caseNo[k]!, this.caseDay[k]!);
    c.askListing(this.subject(k), day, pickCriterion(c.rng.processes, C.criteria), basis);
    this.st[k] = Credit.requested;
  }
}

function pickCriterion(r: Rng, criteria: Record<string, number>): string {
  const keys = Object.keys(criteria);
  return keys[drawCum(r, cumulative(keys.map((k) => criteria[k]!)))]!;
}
