// Banks in Meritown: residents apply for loans; the lender reads the applicant's credit report (the CRC's record,
// never the truth), scores it with its application scorecard and lends or refuses; borrowers repay or fall behind
// (the truth, from their finance propensity), and the lender reports each month's status to the CRC. The lender's
// loan book (what it saw at application, and what happened later) leaves the district as rows of numbers.
import { Rng } from '../../core/rng.js';
import { Grow } from '../columns.js';
import { Counts } from '../counts.js';
import { binOf } from '../../schemes/scorecard/binning.js';
import type { DistrictContext } from '../district-context.js';
import { ageYears } from '../world.js';
import { BANK_FEATURES, type FinanceFile } from './finance-schema.js';
import type { DistrictProcess } from './process.js';

/** 24 months of the CRC's repayment grid as bits, newest in bit 0. */
const GRID = 0xffffff;
const YEAR_DAYS = 365.2425;

/** Bits set in the low 24 bits (months with a reported delinquency or an enquiry). */
export function popcount24(x: number): number {
  x = x & GRID;
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Loan-book row kinds: a loan lent, its default (written off), its full repayment. */
export const LOAN_LENT = 0;
export const LOAN_DEFAULTED = 1;
export const LOAN_REPAID = 2;
export const LOAN_KINDS = ['lent', 'defaulted', 'repaid'] as const;
/**
 * One loan-book row, in numbers: kind, person (global index), day lent, day of the row, then the features the lender
 * read from the record at application (BANK_FEATURES order) and its score — NaN on defaulted/repaid rows. A loan is
 * (person, day lent): a person holds one loan at a time. No propensity or other truth is kept.
 */
export const LOAN_ROW = 4 + BANK_FEATURES.length + 1;
/** Column names of the loan book as the run writes it (bank-loans.csv), in row order; dates for the days. */
export const LOAN_COLUMNS = ['event', 'person', 'lent', 'date', ...BANK_FEATURES, 'score'] as const;

/** A bank's scorecard as the scenario gives it: start points plus the points of each feature's bin. */
export function bankScore(sc: FinanceFile['banks']['scorecard'], x: Float64Array): number {
  let s = sc.startPoints;
  for (const v of sc.variables) s += v.points[binOf(v.edges, x[BANK_FEATURES.indexOf(v.feature)]!)]!;
  return s;
}

/** The module's counts (manifest keys), added by index in the monthly walk. */
const COUNTS = [
  'banks.monthsPastDueTrue',
  'banks.lateMonthsReported',
  'banks.defaults',
  'banks.repaid',
  'banks.applications',
  'banks.applicantsFinancePropensityMilli',
  'banks.refusedListed',
  'banks.refusedScore',
  'banks.approved',
  'banks.approvedFinancePropensityMilli',
] as const;
const PAST_DUE = COUNTS.indexOf('banks.monthsPastDueTrue');
const LATE_REPORTED = COUNTS.indexOf('banks.lateMonthsReported');
const DEFAULTS = COUNTS.indexOf('banks.defaults');
const REPAID = COUNTS.indexOf('banks.repaid');
const APPLICATIONS = COUNTS.indexOf('banks.applications');
const APPLICANTS_MILLI = COUNTS.indexOf('banks.applicantsFinancePropensityMilli');
const REFUSED_LISTED = COUNTS.indexOf('banks.refusedListed');
const REFUSED_SCORE = COUNTS.indexOf('banks.refusedScore');
const APPROVED = COUNTS.indexOf('banks.approved');
const APPROVED_MILLI = COUNTS.indexOf('banks.approvedFinancePropensityMilli');

export class BanksProcess implements DistrictProcess {
  readonly name = 'banks';
  private readonly c: DistrictContext;
  private readonly B: FinanceFile['banks'];
  /** The lenders' own stream: switching the module on does not move any other module's draws. */
  private readonly r: Rng;
  // The truth: the loan a person holds and how far behind they are.
  private readonly active: Uint8Array;
  private readonly pastDue: Uint8Array;
  private readonly left: Uint8Array;
  // The record: the CRC's view of each person (reported statuses, enquiries, the last write-off).
  private readonly lateGrid: Uint32Array;
  private readonly enquiryGrid: Uint32Array;
  /** Day a written-off loan's conduct ended (-2^31 when none): the 5-year retention counts from here. */
  private readonly defaultDay: Int32Array;
  /** Day the person's current loan was lent (its key in the loan book). */
  private readonly lentDay: Int32Array;
  private readonly x = new Float64Array(BANK_FEATURES.length);
  /** The loan-book rows of the epoch (LOAN_ROW numbers each); the warm-up's rows go out with the first epoch. */
  private book = new Grow(Float64Array);
  private readonly counts = new Counts(COUNTS);
  /** The scorecard's feature slot of each variable (BANK_FEATURES order), looked up once. */
  private readonly slots: number[];

  constructor(c: DistrictContext) {
    this.c = c;
    if (!c.s.finance)
      throw new Error('the banks module needs finance.yaml (checked when the scenario loads)');
    this.B = c.s.finance.banks;
    this.r = new Rng(c.seed).fork('banks');
    this.slots = this.B.scorecard.variables.map((v) => BANK_FEATURES.indexOf(v.feature));
    const n = c.d.personCap;
    this.active = new Uint8Array(n);
    this.pastDue = new Uint8Array(n);
    this.left = new Uint8Array(n);
    this.lateGrid = new Uint32Array(n);
    this.enquiryGrid = new Uint32Array(n);
    this.defaultDay = new Int32Array(n).fill(-2147483648);
    this.lentDay = new Int32Array(n);
    // The city does not start with blank reports: the same monthly process runs over the starting population for
    // the warm-up months before the start, and its counts are dropped.
    const start = c.w.layout.startDay;
    const w = this.B.warmupMonths.value;
    for (let m = w; m >= 1; m--) this.monthly(start - Math.round(m * 30.436875));
    this.counts.clear();
  }

  monthly(day: number): void {
    const c = this.c;
    const P = c.w.persons;
    const B = this.B;
    const r = this.r;
    const n = this.counts;
    const o = c.d.personStart;
    const [minAge, maxAge] = B.ages.value;
    const [t0, t1] = B.termMonths.value;
    const retention = B.retentionYears.value * YEAR_DAYS;
    // The scenario's numbers, read once per walk rather than once per person (the arithmetic is unchanged).
    const incomeFloor = B.incomeFloor.value;
    const meanIncome = c.meanIncome;
    const miss = B.missMonthly.value;
    const cure = B.cureMonthly.value;
    const coverage = B.reportCoverage.value;
    const defaultStatus = B.defaultStatus.value;
    const apply = B.applyMonthly.value;
    const refuseListed = B.refuseListed.value;
    const cutoff = B.scorecard.cutoff;
    const lists = c.snap.lists;
    const mask = c.defaulterMask;
    const death = P.death;
    const birth = P.birth;
    const income = P.income;
    const tFinance = P.tFinance;
    const active = this.active;
    const pastDue = this.pastDue;
    const left = this.left;
    const lateGrid = this.lateGrid;
    const enquiryGrid = this.enquiryGrid;
    const end = c.nextSlot;
    for (let i = o; i < end; i++) {
      if (death[i]! <= day || birth[i]! > day) continue;
      const k = i - o;
      // A month passes on the report: every grid shifts by one month.
      lateGrid[k] = (lateGrid[k]! << 1) & GRID;
      enquiryGrid[k] = (enquiryGrid[k]! << 1) & GRID;
      if (active[k]) {
        // The truth: an instalment is paid, missed, or the arrears are caught up.
        const rel = Math.max(incomeFloor, income[i]! / meanIncome);
        const behind = pastDue[k]!;
        if (r.next() < (miss * tFinance[i]!) / Math.sqrt(rel)) pastDue[k] = Math.min(7, behind + 1);
        else if (behind > 0 && r.next() < cure) pastDue[k] = 0;
        else if (behind === 0) left[k]!--;
        const status = pastDue[k]!;
        if (status > 0) n.add(PAST_DUE);
        // The record: the lender reports the month's status (most lenders, most months).
        if (status > 0 && r.next() < coverage) {
          lateGrid[k]! |= 1;
          n.add(LATE_REPORTED);
        }
        if (status >= defaultStatus) {
          active[k] = 0;
          this.defaultDay[k] = day;
          n.add(DEFAULTS);
          this.row(LOAN_DEFAULTED, i, this.lentDay[k]!, day);
        } else if (left[k] === 0 && status === 0) {
          active[k] = 0;
          n.add(REPAID);
          this.row(LOAN_REPAID, i, this.lentDay[k]!, day);
        }
        continue;
      }
      const age = ageYears(birth[i]!, day);
      if (age < minAge || age > maxAge || r.next() >= apply) continue;
      // An application: the lender queries the report (an enquiry the report keeps) and scores what it shows.
      enquiryGrid[k]! |= 1;
      n.add(APPLICATIONS);
      n.add(APPLICANTS_MILLI, Math.round(1000 * tFinance[i]!));
      const x = this.x;
      x[0] = popcount24(lateGrid[k]!);
      x[1] = popcount24(enquiryGrid[k]! & 7);
      x[2] = day - this.defaultDay[k]! < retention ? 1 : 0;
      // relative income, computed only where it is read (most persons neither owe nor apply in a month)
      x[3] = Math.max(incomeFloor, income[i]! / meanIncome);
      const listed = (lists[i]! & mask) !== 0;
      if (listed && refuseListed) {
        n.add(REFUSED_LISTED);
        continue;
      }
      const score = this.score(x);
      if (score < cutoff) {
        n.add(REFUSED_SCORE);
        continue;
      }
      n.add(APPROVED);
      this.lentDay[k] = day;
      this.row(LOAN_LENT, i, day, day, x, score);
      n.add(APPROVED_MILLI, Math.round(1000 * tFinance[i]!));
      active[k] = 1;
      pastDue[k] = 0;
      left[k] = t0 + r.int(t1 - t0 + 1);
    }
  }

  /** bankScore with the feature slots looked up once: the same sum in the same order. */
  private score(x: Float64Array): number {
    const sc = this.B.scorecard;
    let s = sc.startPoints;
    for (let j = 0; j < sc.variables.length; j++) {
      const v = sc.variables[j]!;
      s += v.points[binOf(v.edges, x[this.slots[j]!]!)]!;
    }
    return s;
  }

  private row(kind: number, person: number, lent: number, day: number, x?: Float64Array, score = NaN): void {
    const b = this.book;
    b.push(kind);
    b.push(person);
    b.push(lent);
    b.push(day);
    for (let j = 0; j < BANK_FEATURES.length; j++) b.push(x ? x[j]! : NaN);
    b.push(score);
  }

  takeLoans(): Float64Array {
    return this.book.take();
  }

  tally(into: Map<string, number>): void {
    this.counts.drain(into);
  }
}
