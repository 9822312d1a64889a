// Agencies graded on the department KPI form (issue 17): each district office of a graded agency scores its own
// submissions monthly with the KPI engine of src/coproduction and moves effort from finding cases toward the items
// that lost points (volume, timeliness); the vendor's platform sets its reporting modules and training. Whether the
// records then outgrow the conduct they describe is measured by the run, not set here.
import { loadKpiForm, scoreKpi, type KpiForm, type Metric } from '../../coproduction/kpi.js';
import { Rng } from '../../core/rng.js';
import { YEAR, type DistrictContext, type ReportingEffort } from '../district-context.js';
import { resolvePolicyPath } from '../scenario.js';
import type { CompiledOutcome } from '../model.js';
import type { CoproductionFile } from './coproduction-schema.js';
import type { DistrictProcess } from './process.js';
import { procure, type Platform } from './procurement.js';

/** Recent subjects an office keeps per agency: whom a padded entry (a second entry about a case on file) is about. */
const POOL = 256;

/** Where an office's effort goes: finding and documenting cases, entering them fast, padding the count. */
interface Office {
  agency: number;
  inv: number;
  rush: number;
  pad: number;
  /** Records it submitted and those within the timeliness limit, this month. */
  submitted: number;
  timely: number;
  /** Records a month in the baseline months (its quota is this times 1 + growth); NaN until the baseline ends. */
  baseMonthly: number;
  baseSubmitted: number;
  pool: Int32Array;
  poolLen: number;
  personOutcomes: CompiledOutcome[];
  firmOutcomes: CompiledOutcome[];
}

export class KpiReportingProcess implements DistrictProcess {
  readonly name = 'kpiReporting';
  private readonly c: DistrictContext;
  private readonly P: CoproductionFile;
  private readonly form: KpiForm;
  private readonly r: Rng;
  private readonly offices: Office[] = [];
  /** Office of each agency index (-1: not graded). */
  private readonly officeOf: Int32Array;
  private readonly effort: ReportingEffort;
  private readonly frontend: boolean;
  /** The platform the city procured (the scenario's vendor contract, or the bid its procurement chose). */
  private readonly platform: Platform;
  /** Months begun since the run started (the first month is 0). */
  private month = -1;
  private sessions = 0;
  private evCursor = 0;
  private firstReview = true;

  constructor(c: DistrictContext) {
    this.c = c;
    if (!c.s.coproduction)
      throw new Error('the kpiReporting module needs coproduction.yaml (checked when the scenario loads)');
    this.P = c.s.coproduction;
    this.form = loadKpiForm(resolvePolicyPath(c.s, this.P.kpi.form));
    this.r = new Rng(c.seed).fork('kpiReporting');
    this.platform = procure(this.P);
    this.frontend = this.platform.modules.includes('frontend_processor');
    const A = c.m.agencies;
    this.officeOf = new Int32Array(A.length).fill(-1);
    const coverage = new Float64Array(A.length).fill(1);
    const maxDelay = Int32Array.from(A.map((a) => a.maxDelay));
    for (const id of this.P.kpi.agencies) {
      const a = A.find((x) => x.id === id)!;
      const person: CompiledOutcome[] = [];
      const firm: CompiledOutcome[] = [];
      for (const f of c.m.families)
        for (const o of f.outcomes) if (o.agency === a.index) (f.firm ? firm : person).push(o);
      this.officeOf[a.index] = this.offices.length;
      this.offices.push({
        agency: a.index,
        inv: 1,
        rush: 0,
        pad: 0,
        submitted: 0,
        timely: 0,
        baseMonthly: NaN,
        baseSubmitted: 0,
        pool: new Int32Array(POOL),
        poolLen: 0,
        personOutcomes: person,
        firmOutcomes: firm,
      });
    }
    const limit = this.P.kpi.limitWorkingDays.value;
    this.effort = {
      coverage,
      maxDelay,
      onRecord: (agency, subject, delay) => {
        const k = this.officeOf[agency]!;
        if (k < 0) return;
        const o = this.offices[k]!;
        o.submitted++;
        if (delay <= limit) o.timely++;
        o.pool[o.poolLen++ % POOL] = subject;
        this.count('submitted');
        if (delay <= limit) this.count('timely');
      },
    };
    for (const o of this.offices) this.apply(o);
    c.reporting = this.effort;
  }

  private get phase(): string {
    return this.month < this.P.kpi.baselineMonths.value ? 'base' : 'after';
  }

  private count(key: string, n = 1): void {
    this.c.tally(`kpi.${this.phase}.${key}`, n);
  }

  /** The office's effort (1 plus what training added) split into coverage and the longest delay. */
  private apply(o: Office): void {
    const a = this.c.m.agencies[o.agency]!;
    const E = 1 + this.sessions * this.P.vendor.gainPerSession.value;
    this.effort.coverage[o.agency] = o.inv * E;
    const cut = this.frontend ? this.P.vendor.frontendDelayCut.value : 0;
    const max0 = Math.max(a.minDelay, a.maxDelay - cut);
    const rushed = Math.min(1, (o.rush * E) / this.P.kpi.rushFull.value);
    this.effort.maxDelay[o.agency] = Math.round(max0 - (max0 - a.minDelay) * rushed);
  }

  epochStart(): void {
    this.evCursor = 0;
    // The contract is the city's, so one district reports it.
    if (this.month < 0 && this.c.d.index === 0) {
      this.c.tally('kpi.vendor.budgetYuan', this.platform.priceYuan);
      this.c.tally('kpi.vendor.modules', this.platform.modules.length);
      if (this.platform.bid >= 0) this.c.tally(`kpi.vendor.bid.${this.platform.bid}`);
    }
  }

  /** Each month: the vendor's training, then the office's review of last month on the form and its response. */
  monthly(): void {
    this.month++;
    const K = this.P.kpi;
    if (this.sessions < this.platform.trainingSessions && this.month > 0) {
      this.sessions++;
      this.c.tally('kpi.vendor.sessions', this.offices.length);
    }
    const reviewing = this.month > K.baselineMonths.value;
    for (const o of this.offices) {
      if (this.month > 0 && this.month <= K.baselineMonths.value) o.baseSubmitted += o.submitted;
      if (this.month === K.baselineMonths.value) o.baseMonthly = o.baseSubmitted / K.baselineMonths.value;
      if (reviewing && o.baseMonthly > 0) this.review(o);
      o.submitted = 0;
      o.timely = 0;
      this.apply(o);
    }
    if (reviewing) this.firstReview = false;
  }

  /** Score last month on the form and move effort toward the points lost. */
  private review(o: Office): void {
    const K = this.P.kpi;
    const metrics: Partial<Record<Metric, number>> = {
      frontend_processor: this.frontend ? 1 : 0,
      volume_vs_quota: o.submitted / (o.baseMonthly * (1 + K.quotaGrowth.value)),
      // Entries fail validation at the platform's error rate (0 without a procurement block: met by construction);
      // the failures are scored, not removed from the records.
      valid_entry_rate: 1 - this.platform.entryErrors,
      complete_share: 1,
    };
    if (o.submitted > 0) metrics.timely_share = o.timely / o.submitted;
    const s = scoreKpi(this.form, metrics);
    const when = this.firstReview ? 'first' : 'later';
    this.c.tally(`kpi.${when}.earned`, s.earned);
    this.c.tally(`kpi.${when}.measured`, s.measured);
    const lost = (m: Metric) => {
      const l = s.lines.find((x) => x.metric === m);
      return l && l.earned !== null
        ? { lost: l.points - l.earned, points: l.points }
        : { lost: 0, points: 0 };
    };
    const v = lost('volume_vs_quota');
    const t = lost('timely_share');
    // Entering faster than every report at its minimum delay gains nothing more.
    const E = 1 + this.sessions * this.P.vendor.gainPerSession.value;
    const rushRoom = Math.max(0, this.P.kpi.rushFull.value / E - o.rush);
    const tLost = rushRoom > 0 ? t.lost : 0;
    if (v.lost + tLost <= 0) return;
    const moved = (K.pressure.value * o.inv * (v.lost + tLost)) / (v.points + t.points);
    const toRush = Math.min(rushRoom, (moved * tLost) / (v.lost + tLost));
    // More records cost less by padding than by finding cases only when padding is cheaper per record.
    const toPad = K.padCost.value < 1 ? (moved * v.lost) / (v.lost + tLost) : 0;
    o.inv -= toRush + toPad;
    o.rush += toRush;
    o.pad += toPad;
    this.c.tally('kpi.moved', toRush + toPad);
  }

  /** Count the step's true events of graded agencies, then the padded entries the offices write. */
  step(day: number, len: number): void {
    const ev = this.c.ev;
    for (; this.evCursor < ev.agency.length; this.evCursor++) {
      if (ev.fabricated.data[this.evCursor]) continue;
      const k = this.officeOf[ev.agency.data[this.evCursor]!]!;
      if (k < 0) continue;
      this.count('true');
      if (ev.recorded.data[this.evCursor]) this.count('recorded');
    }
    const E = 1 + this.sessions * this.P.vendor.gainPerSession.value;
    const P = this.c.w.persons;
    for (const o of this.offices) {
      if (o.pad <= 0 || !(o.baseMonthly > 0) || o.poolLen === 0) continue;
      const perDay = ((o.pad * E) / this.P.kpi.padCost.value) * (o.baseMonthly / (YEAR / 12));
      const n = this.r.poisson(perDay * len);
      for (let e = 0; e < n; e++) {
        const subject = o.pool[this.r.int(Math.min(o.poolLen, POOL))]!;
        const outs = subject < P.length ? o.personOutcomes : o.firmOutcomes;
        if (!outs.length) continue;
        const out = outs[this.r.int(outs.length)]!;
        const d = day + this.r.int(len);
        if (subject < P.length && P.death[subject]! <= d) continue;
        this.c.fabricated(subject, out, d, this.c.m.agencies[o.agency]!);
        this.count('padded');
      }
    }
  }
}
