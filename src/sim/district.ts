// One district of Meritown living through an epoch, day by day: stochastic conduct (sampled by thinning against
// per-family bounds), the multi-step processes (debt to listing, petitions, appraisals, annual reports, collectors),
// births and deaths, and each agency's decision to record. Touches only its own district's agents.
import { ageOn } from '../core/dates.js';
import { civil, iso } from './days.js';
import type { WorkingCalendar } from '../core/calendar.js';
import { Rng } from '../core/rng.js';
import { makeRecord, type CreditRecord } from '../core/types.js';
import { Grow } from './columns.js';
import { SequenceCounter, firmUscc, residentId } from './ids.js';
import {
  drawAmount,
  type CompiledAgency,
  type CompiledFamily,
  type CompiledOutcome,
  type Model,
  type Stage,
} from './model.js';
import { cumulative, drawCum, propensity } from './random.js';
import type { Scenario } from './scenario.js';
import { F_NEAR_THRESHOLD, F_RESTRICTED, type Snapshot } from './snapshot.js';
import {
  ALIVE,
  OCC,
  ROLE_CADRE,
  ROLE_COLLECTOR,
  ROLE_PARTY,
  ROLE_STATE,
  ageYears,
  type DistrictLayout,
  type World,
} from './world.js';

const YEAR = 365.2425;

// Messages between partitions (delivered at the next epoch, in a fixed order).
export const MSG_CHILD_BORN = 1;
/** From main: a listing of this person/firm ended at its term; the debt stays, the listing does not. */
export const MSG_LISTING_ENDED = 2;

// Timer types (scheduled per day).
const T_JUDGMENT = 1;
const T_PERFORM = 2;
const T_LIST = 3;
const T_FJUDGMENT = 4;
const T_FPERFORM = 5;
const T_FLIST = 6;
const T_AR_LIST = 7;
const T_COMMIT = 8;
const T_PENALTY = 9;
const TSHIFT = 2 ** 24;

// Credit stages (persons and firms).
const C_NONE = 0;
const C_LOAN = 1;
const C_ARREARS = 2;
const C_SUED = 3;
const C_PERFORMING = 4;
const C_WARNED = 5;
const C_LISTED = 6;
const C_UNLISTED_DEBT = 7;

export interface EventBuffers {
  id: Float64Array;
  subject: Int32Array;
  type: Uint16Array;
  day: Int32Array;
  amount: Float64Array;
  agency: Int16Array;
  recorded: Uint8Array;
  fabricated: Uint8Array;
  recordId: string[];
}

/** An attempt at an action some measure may block; main resolves it against the decision index. */
export interface Attempts {
  subject: Int32Array;
  action: Uint8Array;
  day: Int32Array;
  /** Pre-drawn uniform for the implementing agency's coverage, and working-day delay. */
  u: Float64Array;
  delay: Int32Array;
  eventId: Float64Array;
}

export interface DistrictOutput {
  district: number;
  records: CreditRecord[];
  /** Global subject index (persons first, then firms at persons.length + firm) of each record. */
  recordSubject: Int32Array;
  events: EventBuffers;
  attempts: Attempts;
  /** (type, target, day) triples for other partitions or main. */
  outbox: Int32Array;
  /** Persons born in the epoch: global indexes (main registers them). */
  births: Int32Array;
  deaths: number;
  /** Stepped agent-days (alive residents × days), for throughput. */
  agentDays: number;
}

/** Statically eligible subjects of one family (the index list is shared between families with the same filter)
 * with the cumulative static weights of this family. */
interface Candidates {
  idx: Int32Array;
  cum: Float64Array;
  total: number;
}
interface WeightedCandidates {
  idx: Int32Array;
  cum: Float64Array;
  total: number;
}

export interface DistrictInit {
  district: DistrictLayout;
  seed: number;
  stepDays: number;
  /** Bit index of the defaulter list and the abnormal-operations list in Snapshot.lists. */
  defaulterBit: number;
}

export class DistrictSim {
  readonly d: DistrictLayout;
  private readonly w: World;
  private readonly m: Model;
  private readonly s: Scenario;
  private readonly snaps: Snapshot[];
  private snap: Snapshot;
  private readonly cal: WorkingCalendar;
  private readonly stepDays: number;

  private readonly defaulterMask: number;
  private readonly rng: Rng;
  private readonly rngRec: Rng;
  private readonly rngProc: Rng;
  private readonly rngVital: Rng;
  private readonly counter = new SequenceCounter();
  private nextSlot: number;
  private eventSeq = 0;
  private readonly docSeq: Int32Array;
  private caseSeq = 0;
  private candYear = -1;
  private cands: Candidates[] = [];
  private mothers: Int32Array = new Int32Array(0);
  private deathCand: WeightedCandidates = { idx: new Int32Array(0), cum: new Float64Array(0), total: 0 };
  private aliveCount = 0;
  // per-person local state (index = global - personStart)
  private readonly cStage: Uint8Array;
  private readonly cMonths: Uint8Array;
  private readonly cDebt: Float32Array;
  private readonly cCase: Int32Array;
  private readonly committed: Uint8Array;
  private readonly youngestChild: Int32Array;
  private readonly insider: Uint8Array;
  // per-firm local state
  private readonly fStage: Uint8Array;
  private readonly fMonths: Uint8Array;
  private readonly fCase: Int32Array;
  private readonly fAbnormal: Int32Array;
  // villages
  private readonly collectorOf: Int32Array;
  private readonly collected: Int32Array;
  private readonly villagers: Int32Array[];
  private readonly timers = new Map<number, number[]>();
  private pending: { r: CreditRecord; subject: number; day: number }[] = [];
  // output buffers of the current epoch
  private ev = newEvents();
  private recs: CreditRecord[] = [];
  private recSubj = new Grow(Int32Array);
  private att = newAttempts();
  private outbox = new Grow(Int32Array);
  private births = new Grow(Int32Array);
  private deaths = 0;
  private epochEnd = 0;
  private readonly ymd = new Int32Array(3);

  constructor(
    world: World,
    model: Model,
    scenario: Scenario,
    snaps: Snapshot[],
    cal: WorkingCalendar,
    init: DistrictInit,
  ) {
    this.w = world;
    this.m = model;
    this.s = scenario;
    this.snaps = snaps;
    this.snap = snaps[0]!;
    this.cal = cal;
    this.d = init.district;
    this.stepDays = init.stepDays;

    this.defaulterMask = init.defaulterBit >= 0 ? 1 << init.defaulterBit : 0;
    const root = new Rng(init.seed);
    this.rng = root.fork('conduct');
    this.rngRec = root.fork('recording');
    this.rngProc = root.fork('processes');
    this.rngVital = root.fork('vital');
    const n = this.d.personCap;
    this.nextSlot = this.d.personStart + this.d.personInitial;
    this.cStage = new Uint8Array(n);
    this.cMonths = new Uint8Array(n);
    this.cDebt = new Float32Array(n);
    this.cCase = new Int32Array(n);
    this.committed = new Uint8Array(n);
    this.youngestChild = new Int32Array(n).fill(-ALIVE);
    this.insider = new Uint8Array(n);
    const nf = this.d.firmCount;
    this.fStage = new Uint8Array(nf).fill(C_LOAN);
    this.fMonths = new Uint8Array(nf);
    this.fCase = new Int32Array(nf);
    this.fAbnormal = new Int32Array(nf);
    this.docSeq = new Int32Array(model.agencies.length);
    this.collectorOf = new Int32Array(this.d.villageCount).fill(-1);
    this.collected = new Int32Array(this.d.villageCount);
    this.setup();
    const P = world.persons;
    const members: number[][] = Array.from({ length: this.d.villageCount }, () => []);
    for (let i = this.d.personStart; i < this.d.personStart + this.d.personInitial; i++) {
      const v = P.village[i]!;
      if (v >= 0 && ageYears(P.birth[i]!, world.layout.startDay) >= 18)
        members[v - this.d.villageStart]!.push(i);
    }
    this.villagers = members.map((a) => Int32Array.from(a));
  }

  private setup(): void {
    const P = this.w.persons;
    const o = this.d.personStart;
    const start = this.w.layout.startDay;
    const C = this.s.behaviour.processes.credit;
    const meanInc = (this.s.population.income.meanUrban.value + this.s.population.income.meanRural.value) / 2;
    const insiderHouseholds = new Set<number>();
    for (let i = o; i < o + this.d.personInitial; i++) {
      if (P.roles[i]! & (ROLE_CADRE | ROLE_COLLECTOR)) insiderHouseholds.add(P.household[i]!);
      if (
        P.roles[i]! & ROLE_COLLECTOR &&
        P.village[i]! >= 0 &&
        this.collectorOf[P.village[i]! - this.d.villageStart]! < 0
      )
        this.collectorOf[P.village[i]! - this.d.villageStart] = i;
      const a = ageYears(P.birth[i]!, start);
      if (a >= 20 && a <= 65) {
        const p = C.loanHolders * Math.pow(Math.max(0.1, P.income[i]! / meanInc), C.loanIncomeElasticity);
        if (this.rngProc.next() < Math.min(0.95, p)) this.cStage[i - o] = C_LOAN;
      }
    }
    for (let i = o; i < o + this.d.personInitial; i++)
      if (insiderHouseholds.has(P.household[i]!)) this.insider[i - o] = 1;
    // Youngest child of each resident of this district, wherever the child lives (parents' links are global).
    for (let c = 0; c < P.length; c++) {
      if (P.birth[c]! > start) continue;
      for (const parent of [P.mother[c]!, P.father[c]!])
        if (parent >= o && parent < o + this.d.personCap && P.birth[c]! > this.youngestChild[parent - o]!)
          this.youngestChild[parent - o] = P.birth[c]!;
    }
  }

  // ---------------------------------------------------------------- epoch

  /**
   * Simulate days [from, to). `inbox` holds (type, target, day) triples addressed to this district; `snapshot` picks the
   * published engine state to read (the main thread writes the other one meanwhile, see docs/decisions/0052).
   */
  runEpoch(from: number, to: number, inbox: Int32Array, snapshot = 0): DistrictOutput {
    this.snap = this.snaps[snapshot]!;
    this.epochEnd = to;
    this.ev = newEvents();
    this.recs = [];
    this.recSubj = new Grow(Int32Array);
    this.att = newAttempts();
    this.outbox = new Grow(Int32Array);
    this.births = new Grow(Int32Array);
    this.deaths = 0;
    this.deliver(inbox);
    // pending records whose report day falls in this epoch
    let agentDays = 0;
    this.consumptionAttempts(from, to);
    for (let day = from; day < to; day += this.stepDays) {
      const len = Math.min(this.stepDays, to - day);
      civil(day, this.ymd);
      const year = this.ymd[0]!;
      const month = this.ymd[1]! - 1;
      if (year !== this.candYear) this.rebuild(year, day);
      for (let k = 0; k < len; k++) this.dailyTasks(day + k);
      this.vital(day, len);
      this.conduct(day, len, year, month);
      this.fabrication(day, len);
      agentDays += this.aliveCount * len;
    }
    this.flushPending(to);
    const out: DistrictOutput = {
      district: this.d.index,
      records: this.recs,
      recordSubject: this.recSubj.take(),
      events: takeEvents(this.ev),
      attempts: takeAttempts(this.att),
      outbox: this.outbox.take(),
      births: this.births.take(),
      deaths: this.deaths,
      agentDays,
    };
    return out;
  }

  private deliver(inbox: Int32Array): void {
    const o = this.d.personStart;
    for (let k = 0; k + 2 < inbox.length; k += 3) {
      const type = inbox[k]!;
      const target = inbox[k + 1]!;
      const day = inbox[k + 2]!;
      if (type === MSG_CHILD_BORN && target >= o && target < o + this.d.personCap) {
        if (day > this.youngestChild[target - o]!) this.youngestChild[target - o] = day;
      } else if (type === MSG_LISTING_ENDED) {
        const P = this.w.persons.length;
        if (target >= P) {
          const j = target - P - this.d.firmStart;
          if (j >= 0 && j < this.d.firmCount && this.fStage[j] === C_LISTED) this.fStage[j] = C_UNLISTED_DEBT;
        } else if (target >= o && target < o + this.d.personCap && this.cStage[target - o] === C_LISTED)
          this.cStage[target - o] = C_UNLISTED_DEBT;
      }
    }
  }

  // ---------------------------------------------------------------- candidates (yearly)

  /**
   * Per family, the district's statically eligible subjects with their static weights (group multipliers × the
   * individual propensity) in cumulative form. Age and state-dependent factors are applied at acceptance time.
   */
  private rebuild(year: number, day: number): void {
    this.candYear = year;
    const P = this.w.persons;
    const F = this.w.firms;
    const o = this.d.personStart;
    const end = this.nextSlot;
    const meanU = this.s.population.income.meanUrban.value;
    const meanR = this.s.population.income.meanRural.value;
    const cap = Math.max(this.d.firmCount, end - o);
    const idxBuf = new Int32Array(cap);
    const shared = new Map<string, Int32Array>();
    this.cands = this.m.families.map((f) => {
      let n = 0;
      if (f.firm) {
        for (let j = this.d.firmStart; j < this.d.firmStart + this.d.firmCount; j++)
          if (!f.sectors.size || f.sectors.has(F.sector[j]!)) idxBuf[n++] = j;
        const idx = idxBuf.slice(0, n);
        const cum = new Float64Array(n);
        let total = 0;
        for (let k = 0; k < n; k++) cum[k] = total += firmWeight(f, F, idx[k]!);
        return { idx, cum, total };
      }
      const key = `${f.minAge}|${f.maxAge}|${f.hukou}|${f.drivers}|${f.roleMask}|${f.occMask}`;
      let idx = shared.get(key);
      if (!idx) {
        const minBirth = day - (f.maxAge + 1) * YEAR;
        const maxBirth = day - (f.minAge - 1) * YEAR;
        for (let i = o; i < end; i++) {
          const b = P.birth[i]!;
          if (b < minBirth || b > maxBirth || P.death[i]! <= day) continue;
          if (f.hukou >= 0 && P.hukou[i] !== f.hukou) continue;
          if (f.drivers && !P.driver[i]) continue;
          if (f.roleMask && !(P.roles[i]! & f.roleMask)) continue;
          if (f.occMask && !(f.occMask & (1 << P.occupation[i]!))) continue;
          idxBuf[n++] = i;
        }
        idx = idxBuf.slice(0, n);
        shared.set(key, idx);
      }
      const cum = new Float64Array(idx.length);
      let total = 0;
      for (let k = 0; k < idx.length; k++) {
        const i = idx[k]!;
        cum[k] = total += staticWeight(f, P, i, P.hukou[i] ? meanR : meanU);
      }
      return { idx, cum, total };
    });
    // mothers for births, and Gompertz weights for deaths
    const V = this.s.population.vitals;
    const moms: number[] = [];
    const di: number[] = [];
    const dw: number[] = [];
    let alive = 0;
    const k = Math.LN2 / V.mortality.doublingYears;
    for (let i = o; i < end; i++) {
      if (P.death[i]! <= day || P.birth[i]! > day) continue;
      alive++;
      const a = ageYears(P.birth[i]!, day);
      if (P.sex[i] === 0 && a >= 20 && a <= 42) moms.push(i);
      di.push(i);
      dw.push(Math.exp(k * (Math.min(a, 110) - V.mortality.baseAge)));
    }
    this.aliveCount = alive;
    this.mothers = Int32Array.from(moms);
    const cum = cumulative(dw);
    this.deathCand = { idx: Int32Array.from(di), cum, total: cum.length ? cum[cum.length - 1]! : 0 };
  }

  // ---------------------------------------------------------------- conduct (thinning)

  private conduct(day: number, len: number, year: number, month: number): void {
    const P = this.w.persons;
    const F = this.w.firms;
    const R = this.s.responses;
    const nPersons = P.length;
    const r = this.rng;
    for (const f of this.m.families) {
      const c = this.cands[f.index]!;
      if (c.total <= 0) continue;
      const yearMult = f.years[String(year)] ?? 1;
      const respMax = f.response === 'volunteer_threshold' ? R.volunteerThreshold.multiplier : 1;
      const dynMax = (f.firm ? 1 : f.ageMultMax) * respMax;
      // Thinning: candidates are proposed in proportion to their static weight at the bound rate and accepted with
      // (dynamic weight) / bound, which is exact for per-agent Poisson hazards (docs/decisions/0053).
      const mean = f.rate * yearMult * f.season[month]! * c.total * dynMax * (len / YEAR);
      const n = r.poisson(mean);
      for (let e = 0; e < n; e++) {
        const i = c.idx[search(c.cum, r.next() * c.total)]!;
        const d = day + (len > 1 ? r.int(len) : 0);
        if (f.firm) {
          if (F.founded[i]! > d) continue;
          const o = f.outcomes[drawCum(r, f.outcomeCum)]!;
          this.occur(nPersons + i, -1, o, d, this.amount(o, 0), false);
          continue;
        }
        if (P.birth[i]! > d || P.death[i]! <= d) continue;
        const a = ageYears(P.birth[i]!, d);
        if (a < f.minAge || a > f.maxAge) continue;
        let dyn = f.ageMult[Math.min(a, 120)]!;
        if (f.response === 'volunteer_threshold' && this.snap.flags[i]! & F_NEAR_THRESHOLD)
          dyn *= R.volunteerThreshold.multiplier;
        if (f.petition && this.committed[i - this.d.personStart]) dyn *= R.petitionCommitment.afterSigning;
        if (r.next() * dynMax >= dyn) continue;
        if (f.petition) this.petition(i, f, d);
        else {
          const o = f.outcomes[drawCum(r, f.outcomeCum)]!;
          this.occur(i, i, o, d, this.amount(o, P.income[i]!), false);
        }
      }
    }
  }

  private amount(o: CompiledOutcome, income: number): number {
    if (!o.amount) return NaN;
    const r = this.rng;
    return drawAmount(
      o.amount,
      () => r.next(),
      () => r.normal(),
      income,
    );
  }

  private petition(i: number, f: CompiledFamily, d: number): void {
    const k = i - this.d.personStart;
    const C = this.s.responses.petitionCommitment;
    if (this.committed[k]) {
      this.occur(i, i, this.m.stages['petition.relapse']!, d, NaN, false);
      return;
    }
    const o = f.outcomes[drawCum(this.rng, f.outcomeCum)]!;
    this.occur(i, i, o, d, NaN, false);
    if (this.rngProc.next() < C.offer && this.rngProc.next() < C.sign) {
      this.committed[k] = 1;
      this.schedule(this.cal.addWorkingDays(d, 5 + this.rngProc.int(20)), T_COMMIT, k);
    }
  }

  // ---------------------------------------------------------------- fabrication (quota agencies)

  private fabrication(day: number, len: number): void {
    for (const a of this.m.agencies) {
      const q = a.quota;
      if (!q || q.fabricationPerYear <= 0 || q.fabricated.length === 0) continue;
      const recorders = q.recorders === 'village' ? this.d.villageCount : 1;
      const n = this.rngRec.poisson((recorders * q.fabricationPerYear * len) / YEAR);
      for (let e = 0; e < n; e++) {
        const pick = q.fabricated[drawCum(this.rngRec, q.fabricatedCum)]!;
        const o = this.m.families[pick.family]!.outcomes[pick.outcome]!;
        const d = day + this.rngRec.int(len);
        let subject: number;
        let v = -1;
        if (q.recorders === 'village') {
          if (this.d.villageCount === 0) continue;
          v = this.rngRec.int(this.d.villageCount);
          const list = this.villagers[v]!;
          if (!list.length) continue;
          subject = list[this.rngRec.int(list.length)]!;
        } else {
          subject = this.d.personStart + this.rngRec.int(this.d.personInitial);
        }
        const P = this.w.persons;
        if (P.death[subject]! <= d) continue;
        this.fabricate(subject, o, d, a, v);
      }
    }
  }

  private fabricate(
    subject: number,
    o: CompiledOutcome,
    day: number,
    a: CompiledAgency,
    village: number,
  ): void {
    const rec = this.record(subject, o.kind, o.severity, o.level, o.unit ? 0 : NaN, day, a, undefined);
    const id = this.nextEventId();
    pushEvent(this.ev, id, subject, o.eventType, day, NaN, a.index, 1, 1, rec.id);
    if (village >= 0) {
      this.collected[village]!++;
      const C = this.s.behaviour.processes.collectors;
      const col = this.collectorOf[village]!;
      if (col >= 0 && this.rngRec.next() < C.detection)
        this.schedule(
          this.cal.addWorkingDays(day, 20 + this.rngRec.int(60)),
          T_PENALTY,
          col - this.d.personStart,
        );
    }
  }

  // ---------------------------------------------------------------- recording

  /**
   * A true event happens; the responsible agency records it or not. `person` is the person index for selective
   * recording (insiders) or -1 for firms.
   */
  private occur(
    subject: number,
    person: number,
    o: CompiledOutcome | Stage,
    day: number,
    amount: number,
    certain: boolean,
  ): void {
    const a = this.m.agencies[o.agency]!;
    const id = this.nextEventId();
    let cov = certain ? 1 : a.coverage;
    let amt = amount;
    const q = a.quota;
    let village = -1;
    if (person >= 0) {
      const v = this.w.persons.village[person]!;
      if (v >= 0) village = v - this.d.villageStart;
    }
    if (q && !certain) {
      if (this.inLead(day, q.evaluationMonths, q.leadDays)) {
        cov = Math.max(cov, q.bonusCoverage);
        if ('positive' in o && o.positive && !Number.isNaN(amt))
          amt = Math.round(amt * q.amountInflation * 2) / 2;
      }
      if (person >= 0 && this.insider[person - this.d.personStart]) cov *= q.insiderCoverage;
    }
    const recorded = certain || this.rngRec.next() < cov;
    let recordId = '';
    if (recorded) {
      const level = 'level' in o ? o.level : undefined;
      const rec = this.record(
        subject,
        o.kind,
        o.severity,
        level,
        o.unit ? (Number.isNaN(amt) ? 0 : amt) : NaN,
        day,
        a,
        undefined,
      );
      recordId = rec.id;
      if (q && q.recorders === 'village' && village >= 0) this.collected[village]!++;
    }
    pushEvent(this.ev, id, subject, o.eventType, day, amount, a.index, recorded ? 1 : 0, 0, recordId);
  }

  private inLead(day: number, months: number[], leadDays: number): boolean {
    if (leadDays <= 0) return false;
    const y = civil(day, this.ymd)[0]!;
    for (const m of months) {
      // evaluation at the end of month m
      const end = Date.UTC(m === 12 ? y + 1 : y, m === 12 ? 0 : m, 1) / 86_400_000;
      if (day < end && day >= end - leadDays) return true;
    }
    return false;
  }

  /** Build a statement (id computed here, in the worker) and queue it until its report day. */
  private record(
    subject: number,
    kind: string,
    severity: string | undefined,
    level: string | undefined,
    amount: number,
    day: number,
    a: CompiledAgency,
    basis: string | undefined,
  ): CreditRecord {
    const delay = a.minDelay + this.rngRec.int(a.maxDelay - a.minDelay + 1);
    const reported = this.cal.addWorkingDays(day, delay);
    const year = iso(day).slice(0, 4);
    const doc = basis ?? `${a.basis}; ${a.docPrefix} [${year}] ${this.d.code}-${++this.docSeq[a.index]!}`;
    const input: Parameters<typeof makeRecord>[0] = {
      subject: this.subjectId(subject),
      kind,
      occurredAt: iso(day),
      reportedAt: iso(reported),
      agency: a.code,
      basis: doc,
    };
    if (!Number.isNaN(amount)) input.amount = amount;
    if (severity !== undefined) input.severity = severity;
    if (level !== undefined) input.level = level as NonNullable<CreditRecord['level']>;
    const rec = makeRecord(input);
    if (reported < this.epochEnd) {
      this.recs.push(rec);
      this.recSubj.push(subject);
    } else this.pending.push({ r: rec, subject, day: reported });
    return rec;
  }

  /** Records decided but whose report day has not come yet. */
  pendingIds(): string[] {
    return this.pending.map((p) => p.r.id);
  }

  private flushPending(to: number): void {
    if (!this.pending.length) return;
    const keep: typeof this.pending = [];
    for (const p of this.pending) {
      if (p.day < to) {
        this.recs.push(p.r);
        this.recSubj.push(p.subject);
      } else keep.push(p);
    }
    this.pending = keep;
  }

  /** Court statements of one enforcement case share its case number as basis (30-lists.yaml conventions). */
  private stage(
    subject: number,
    st: Stage,
    day: number,
    amount: number,
    basis: string | undefined,
    severity?: string,
  ): void {
    const a = this.m.agencies[st.agency]!;
    const rec = this.record(
      subject,
      st.kind,
      severity ?? st.severity,
      undefined,
      st.unit ? (Number.isNaN(amount) ? 0 : amount) : NaN,
      day,
      a,
      basis,
    );
    pushEvent(this.ev, this.nextEventId(), subject, st.eventType, day, amount, a.index, 1, 0, rec.id);
  }

  subjectId(subject: number): string {
    const P = this.w.persons;
    if (subject < P.length) {
      const d = this.w.layout.districts[P.district[subject]!]!;
      return residentId(d.code, P.birth[subject]!, P.seq[subject]!);
    }
    const f = subject - P.length;
    const F = this.w.firms;
    return firmUscc(
      this.w.typePairs[F.sector[f]!]!,
      this.w.layout.districts[F.district[f]!]!.code,
      F.counter[f]!,
    );
  }

  private nextEventId(): number {
    return this.d.index * 2 ** 40 + ++this.eventSeq;
  }

  // ---------------------------------------------------------------- scheduled and monthly processes

  private schedule(day: number, type: number, local: number): void {
    const list = this.timers.get(day);
    if (list) list.push(type * TSHIFT + local);
    else this.timers.set(day, [type * TSHIFT + local]);
  }

  private dailyTasks(day: number): void {
    civil(day, this.ymd);
    const dom = this.ymd[2]!;
    const month = this.ymd[1]!;
    if (dom === 1) this.monthly(day, month, this.ymd[0]!);
    const AR = this.s.behaviour.processes.annualReport;
    if (month === AR.dueMonth && dom === AR.dueDay) this.annualReports(day);
    const list = this.timers.get(day);
    if (!list) return;
    this.timers.delete(day);
    for (const code of list) this.fire(day, Math.floor(code / TSHIFT), code % TSHIFT);
  }

  private caseNumber(day: number, kind: 'Min Chu' | 'Zhi'): string {
    return `(${iso(day).slice(0, 4)}) Meritown ${this.d.code} ${kind} No. ${++this.caseSeq}`;
  }

  private fire(day: number, type: number, k: number): void {
    const C = this.s.behaviour.processes.credit;
    const S = this.m.stages;
    const P = this.w.persons;
    const r = this.rngProc;
    const meanInc = (this.s.population.income.meanUrban.value + this.s.population.income.meanRural.value) / 2;
    const i = this.d.personStart + k;
    switch (type) {
      case T_JUDGMENT: {
        if (P.death[i]! <= day) return;
        this.stage(i, S['credit.judgment']!, day, this.cDebt[k]!, this.caseNumber(day, 'Min Chu'));
        this.cStage[k] = C_PERFORMING;
        this.schedule(this.cal.addWorkingDays(day, C.performanceDays), T_PERFORM, k);
        return;
      }
      case T_PERFORM: {
        if (P.death[i]! <= day) return;
        const rel = Math.max(0.05, P.income[i]! / meanInc);
        const logit = Math.log(C.performBase / (1 - C.performBase)) + C.performIncomeSlope * Math.log(rel);
        if (r.next() < 1 / (1 + Math.exp(-logit))) {
          this.cStage[k] = C_NONE;
          return;
        }
        this.cCase[k] = ++this.caseSeq;
        this.stage(i, S['credit.warning']!, day, NaN, this.enforcementCase(this.cCase[k]!, day));
        this.cStage[k] = C_WARNED;
        this.schedule(
          this.cal.addWorkingDays(day, C.listingDays[0] + r.int(C.listingDays[1] - C.listingDays[0] + 1)),
          T_LIST,
          k,
        );
        return;
      }
      case T_LIST: {
        // The court never lists a minor or the dead (Fa Shi [2017] No. 7 Arts. 3-4 as encoded in the lists policy).
        if (P.death[i]! <= day || ageOn(P.birth[i]!, day) < 18 || this.cStage[k] !== C_WARNED) return;
        const basis = this.enforcementCase(this.cCase[k]!, day);
        const crit = pickCriterion(r, C.criteria);
        this.stage(i, S['credit.listing']!, day, NaN, basis, crit);
        this.stage(i, S['credit.restriction']!, day, NaN, basis);
        this.cStage[k] = C_LISTED;
        return;
      }
      case T_FJUDGMENT: {
        const f = this.d.firmStart + k;
        this.stage(
          P.length + f,
          S['credit.firm_arrears']!,
          day,
          this.fMonths[k]!,
          this.caseNumber(day, 'Min Chu'),
        );
        this.fStage[k] = C_PERFORMING;
        this.schedule(this.cal.addWorkingDays(day, C.performanceDays), T_FPERFORM, k);
        return;
      }
      case T_FPERFORM: {
        const f = this.d.firmStart + k;
        const perform = C.performBase / Math.max(0.3, this.w.firms.tFinance[f]!);
        if (r.next() < perform) {
          this.fStage[k] = C_LOAN;
          return;
        }
        this.fCase[k] = ++this.caseSeq;
        this.stage(P.length + f, S['credit.warning']!, day, NaN, this.enforcementCase(this.fCase[k]!, day));
        this.fStage[k] = C_WARNED;
        this.schedule(
          this.cal.addWorkingDays(day, C.listingDays[0] + r.int(C.listingDays[1] - C.listingDays[0] + 1)),
          T_FLIST,
          k,
        );
        return;
      }
      case T_FLIST: {
        if (this.fStage[k] !== C_WARNED) return;
        const f = this.d.firmStart + k;
        const basis = this.enforcementCase(this.fCase[k]!, day);
        this.stage(P.length + f, S['credit.listing']!, day, NaN, basis, pickCriterion(r, C.criteria));
        this.stage(P.length + f, S['credit.restriction']!, day, NaN, basis);
        this.fStage[k] = C_LISTED;
        return;
      }
      case T_AR_LIST: {
        const f = this.d.firmStart + k;
        const st = S['annual_report.listing']!;
        const basis = `${this.m.agencies[st.agency]!.docPrefix} abnormal [${iso(day).slice(0, 4)}] ${this.d.code}-${k}`;
        this.stage(P.length + f, st, day, NaN, basis);
        this.fAbnormal[k] = day;
        return;
      }
      case T_COMMIT: {
        if (P.death[i]! <= day) return;
        this.stage(i, S['petition.commitment']!, day, NaN, undefined);
        return;
      }
      case T_PENALTY: {
        if (P.death[i]! <= day) return;
        this.occur(i, -1, this.m.starPenalty, day, NaN, true);
        return;
      }
    }
  }

  private enforcementCase(n: number, day: number): string {
    return `(${iso(day).slice(0, 4)}) Meritown ${this.d.code} Zhi No. ${n}`;
  }

  private monthly(day: number, month: number, year: number): void {
    const P = this.w.persons;
    const C = this.s.behaviour.processes.credit;
    const R = this.s.responses;
    const r = this.rngProc;
    const o = this.d.personStart;
    const S = this.m.stages;
    const meanInc = (this.s.population.income.meanUrban.value + this.s.population.income.meanRural.value) / 2;
    const snapLists = this.snap.lists;
    const rowPtr = this.w.net.rowPtr;
    const col = this.w.net.col;
    const listedTies = (i: number): number => {
      let n = 0;
      for (let q = rowPtr[i]!; q < rowPtr[i + 1]!; q++) if (snapLists[col[q]!]! & this.defaulterMask) n++;
      for (const kin of [P.mother[i]!, P.father[i]!, P.spouse[i]!])
        if (kin >= 0 && snapLists[kin]! & this.defaulterMask) n++;
      return n;
    };
    // ---- persons: credit cycle, paying to leave the list ----
    for (let i = o; i < this.nextSlot; i++) {
      const k = i - o;
      const st = this.cStage[k]!;
      if (st === C_NONE || st === C_SUED || st === C_PERFORMING || st === C_WARNED) continue;
      if (P.death[i]! <= day) continue;
      if (st === C_LOAN) {
        const rel = Math.max(0.1, P.income[i]! / meanInc);
        let h = (C.arrearsMonthly * P.tFinance[i]!) / Math.sqrt(rel);
        const ties = listedTies(i);
        if (ties > 0) h *= Math.max(R.deterrence.floor, Math.pow(R.deterrence.perListedTie, ties));
        if (r.next() < h) {
          this.cStage[k] = C_ARREARS;
          this.cMonths[k] = 1;
          this.occur(i, i, S['credit.arrears']!, day + r.int(28), NaN, false);
        }
      } else if (st === C_ARREARS) {
        if (r.next() < C.cureMonthly) {
          this.cStage[k] = C_LOAN;
          this.cMonths[k] = 0;
        } else if (++this.cMonths[k]! >= C.defaultAfterMonths) {
          if (r.next() < C.sue) {
            this.cStage[k] = C_SUED;
            this.cDebt[k] = Math.round(
              P.income[i]! *
                Math.exp(
                  Math.log(Math.max(0.01, C.debtIncomeMultiple[0])) + C.debtIncomeMultiple[1] * r.normal(),
                ),
            );
            this.schedule(
              this.cal.addWorkingDays(day, C.trialDays[0] + r.int(C.trialDays[1] - C.trialDays[0] + 1)),
              T_JUDGMENT,
              k,
            );
          } else {
            this.cStage[k] = C_NONE;
            this.cMonths[k] = 0;
          }
        } else this.occur(i, i, S['credit.arrears']!, day + r.int(28), NaN, false);
      } else if (st === C_LISTED || st === C_UNLISTED_DEBT) {
        const rel = Math.max(0.05, P.income[i]! / meanInc);
        const child = this.youngestChild[k]!;
        const childAge = (day - child) / YEAR;
        let odds = Math.pow(rel, R.payToDelist.incomeElasticity);
        if (st === C_LISTED && childAge >= 6 && childAge < 18) odds *= 1 + R.payToDelist.childPressure;
        if (st === C_LISTED) odds *= 1 + R.payToDelist.networkPressure * listedTies(i);
        const p = R.payToDelist.monthly * odds * (st === C_LISTED ? 1 : 0.5);
        if (r.next() < Math.min(0.9, p)) {
          const d = day + r.int(28);
          if (st === C_LISTED) {
            const basis = this.enforcementCase(this.cCase[k]!, d);
            this.stage(i, S['credit.deletion']!, d, NaN, basis);
            this.stage(i, S['credit.lifted']!, d, NaN, basis);
          }
          this.cStage[k] = C_NONE;
          this.cMonths[k] = 0;
        }
      }
    }
    // ---- firms: contract disputes, paying to leave, annual-report catch-up ----
    const F = this.w.firms;
    const CU = R.annualReportCatchUp.monthly;
    for (let k = 0; k < this.d.firmCount; k++) {
      const f = this.d.firmStart + k;
      if (F.founded[f]! > day) continue;
      const st = this.fStage[k]!;
      if (st === C_LOAN && r.next() < C.firmDisputeMonthly * F.tFinance[f]!) {
        this.fStage[k] = C_SUED;
        this.fMonths[k] = 1 + r.int(18);
        this.schedule(
          this.cal.addWorkingDays(day, C.trialDays[0] + r.int(C.trialDays[1] - C.trialDays[0] + 1)),
          T_FJUDGMENT,
          k,
        );
      } else if (st === C_LISTED && r.next() < R.payToDelist.monthly / Math.max(0.3, F.tFinance[f]!)) {
        const d = day + r.int(28);
        const basis = this.enforcementCase(this.fCase[k]!, d);
        this.stage(P.length + f, S['credit.deletion']!, d, NaN, basis);
        this.stage(P.length + f, S['credit.lifted']!, d, NaN, basis);
        this.fStage[k] = C_LOAN;
      } else if (st === C_UNLISTED_DEBT && r.next() < R.payToDelist.monthly) this.fStage[k] = C_LOAN;
      if (this.fAbnormal[k]! > 0 && this.fAbnormal[k]! < day && r.next() < CU) {
        const d = day + r.int(28);
        const st2 = S['annual_report.exit']!;
        const basis = `${this.m.agencies[st2.agency]!.docPrefix} abnormal [${iso(this.fAbnormal[k]!).slice(0, 4)}] ${this.d.code}-${k}`;
        this.stage(P.length + f, st2, d, NaN, basis);
        this.fAbnormal[k] = 0;
      }
    }
    // ---- annual appraisal of state personnel ----
    const AP = this.s.behaviour.processes.appraisal;
    if (month === AP.month) {
      for (let i = o; i < this.nextSlot; i++) {
        if (!(P.roles[i]! & ROLE_STATE) || P.death[i]! <= day || P.birth[i]! > day) continue;
        let u = r.next();
        for (const out of this.m.appraisal) {
          const wgt = AP.outcomes.find((x) => x.id === out.id)!.weight;
          if (u < wgt) {
            this.occur(i, i, out, day + r.int(28), NaN, false);
            break;
          }
          u -= wgt;
        }
      }
    }
    // ---- collectors' star rating, for the year that just ended its rating month ----
    const CO = this.s.behaviour.processes.collectors;
    if (month === (CO.ratingMonth % 12) + 1) {
      const ratedDay = day - 1;
      for (let v = 0; v < this.d.villageCount; v++) {
        const c = this.collectorOf[v]!;
        const n = this.collected[v]!;
        this.collected[v] = 0;
        if (c < 0 || P.death[c]! <= ratedDay) continue;
        const star = this.m.stars.find((s) => n >= s.atLeast);
        if (star) this.occur(c, -1, star.outcome, ratedDay, NaN, true);
      }
    }
    void year;
  }

  private annualReports(day: number): void {
    const AR = this.s.behaviour.processes.annualReport;
    const F = this.w.firms;
    const r = this.rngProc;
    for (let k = 0; k < this.d.firmCount; k++) {
      const f = this.d.firmStart + k;
      // A firm founded this year files its first report next year.
      if (F.founded[f]! > day - 180 || this.fAbnormal[k]! > 0) continue;
      if (r.next() < Math.min(1, AR.lateShare * F.tCompliance[f]!))
        this.schedule(this.cal.addWorkingDays(day, AR.listingDays), T_AR_LIST, k);
    }
  }

  // ---------------------------------------------------------------- consumption attempts (measures)

  private consumptionAttempts(from: number, to: number): void {
    const P = this.w.persons;
    const flags = this.snap.flags;
    const C = this.m.consumption;
    const e = this.s.behaviour.processes.consumption.incomeElasticity;
    const meanInc = (this.s.population.income.meanUrban.value + this.s.population.income.meanRural.value) / 2;
    const r = this.rngProc;
    const span = to - from;
    const each = (subject: number, income: number) => {
      const scale = Math.pow(Math.max(0.1, income / meanInc), e) * (span / YEAR);
      for (let a = 0; a < C.actions.length; a++) {
        const n = r.poisson(C.rates[a]! * scale);
        for (let q = 0; q < n; q++) {
          const ag = this.m.agencies[C.agencies[a]!]!;
          pushAttempt(
            this.att,
            subject,
            a,
            from + r.int(span),
            r.next(),
            ag.minDelay + r.int(ag.maxDelay - ag.minDelay + 1),
            this.nextEventId(),
          );
        }
      }
    };
    for (let i = this.d.personStart; i < this.nextSlot; i++) {
      if (!(flags[i]! & F_RESTRICTED) || P.death[i]! <= from) continue;
      each(i, P.income[i]!);
    }
    void OCC;
    void ROLE_PARTY;
  }

  // ---------------------------------------------------------------- births and deaths

  private vital(day: number, len: number): void {
    const P = this.w.persons;
    const V = this.s.population.vitals;
    const r = this.rngVital;
    // deaths, by Gompertz-weighted thinning among the living
    const dc = this.deathCand;
    if (dc.total > 0) {
      const n = r.poisson(((this.aliveCount * V.deathsPerThousand) / 1000) * (len / YEAR));
      for (let e = 0; e < n; e++) {
        const i = dc.idx[search(dc.cum, r.next() * dc.total)]!;
        const d = day + r.int(len);
        if (P.death[i]! <= d || P.birth[i]! > d) continue;
        P.death[i] = d;
        this.deaths++;
        this.aliveCount--;
        this.funeral(i, d);
      }
    }
    // births to women 20-42 of the district
    if (this.mothers.length === 0) return;
    const nb = r.poisson(((this.aliveCount * V.birthsPerThousand) / 1000) * (len / YEAR));
    for (let e = 0; e < nb; e++) {
      if (this.nextSlot >= this.d.personStart + this.d.personCap) break;
      const m = this.mothers[r.int(this.mothers.length)]!;
      const d = day + r.int(len);
      if (P.death[m]! <= d) continue;
      this.birth(m, d);
    }
  }

  private birth(m: number, day: number): void {
    const P = this.w.persons;
    const T = this.s.population.traits;
    const r = this.rngVital;
    const i = this.nextSlot++;
    const male = r.next() < (this.s.population.maleShare.byAge[0]?.[2] ?? 0.5);
    P.birth[i] = day;
    P.death[i] = ALIVE;
    P.sex[i] = male ? 1 : 0;
    P.district[i] = this.d.index;
    P.village[i] = P.village[m]!;
    P.household[i] = P.household[m]!;
    P.hukou[i] = P.hukou[m]!;
    P.education[i] = 0;
    P.income[i] = 0;
    P.occupation[i] = OCC.child;
    P.roles[i] = 0;
    P.consent[i] = 0;
    P.mother[i] = m;
    const father = P.spouse[m]!;
    P.father[i] = father;
    P.spouse[i] = -1;
    P.employer[i] = -1;
    P.driver[i] = 0;
    P.seq[i] = this.counter.take(day, male);
    P.tTraffic[i] = propensity(r, T.traffic.shape, T.traffic.cap);
    P.tFinance[i] = propensity(r, T.finance.shape, T.finance.cap);
    P.tCivic[i] = propensity(r, T.civic.shape, T.civic.cap);
    P.tGrievance[i] = propensity(r, T.grievance.shape, T.grievance.cap);
    P.tCompliance[i] = propensity(r, T.compliance.shape, T.compliance.cap);
    P.tCustom[i] = propensity(r, T.custom.shape, T.custom.cap);
    this.youngestChild[m - this.d.personStart] = day;
    if (father >= 0) {
      const o = this.d.personStart;
      if (father >= o && father < o + this.d.personCap) this.youngestChild[father - o] = day;
      else {
        // cross-partition link: the father's district learns of the birth at the next epoch
        this.outbox.push(MSG_CHILD_BORN);
        this.outbox.push(father);
        this.outbox.push(day);
      }
    }
    this.births.push(i);
    this.aliveCount++;
  }

  private funeral(dead: number, day: number): void {
    const P = this.w.persons;
    if (!P.hukou[dead] || this.rngVital.next() >= this.s.behaviour.processes.funerals.lavish) return;
    // The family that holds the funeral: the surviving spouse, else a parent, in the same district.
    for (const kin of [P.spouse[dead]!, P.mother[dead]!, P.father[dead]!]) {
      if (
        kin >= this.d.personStart &&
        kin < this.nextSlot &&
        P.death[kin]! > day &&
        ageYears(P.birth[kin]!, day) >= 18
      ) {
        this.occur(kin, kin, this.m.funeral, Math.min(day + 3, this.epochEnd - 1), NaN, false);
        return;
      }
    }
  }
}

function firmWeight(f: CompiledFamily, F: World['firms'], j: number): number {
  let x = f.trait === 'finance' ? F.tFinance[j]! : f.trait === 'compliance' ? F.tCompliance[j]! : 1;
  if (f.mult.firmSize) x *= f.mult.firmSize[F.size[j]!] ?? 1;
  return x;
}

function staticWeight(f: CompiledFamily, P: World['persons'], i: number, meanIncome: number): number {
  const m = f.mult;
  let x = 1;
  switch (f.trait) {
    case 'traffic':
      x = P.tTraffic[i]!;
      break;
    case 'finance':
      x = P.tFinance[i]!;
      break;
    case 'civic':
      x = P.tCivic[i]!;
      break;
    case 'grievance':
      x = P.tGrievance[i]!;
      break;
    case 'compliance':
      x = P.tCompliance[i]!;
      break;
    case 'custom':
      x = P.tCustom[i]!;
      break;
  }
  if (P.sex[i]) x *= m.male ?? 1;
  else x *= m.female ?? 1;
  x *= P.hukou[i] ? (m.rural ?? 1) : (m.urban ?? 1);
  if (m.education) x *= m.education[P.education[i]!] ?? 1;
  const roles = P.roles[i]!;
  if (roles & ROLE_PARTY && m.party !== undefined) x *= m.party;
  if (roles & ROLE_STATE && m.statePersonnel !== undefined) x *= m.statePersonnel;
  if (roles & ROLE_CADRE && m.villageCadre !== undefined) x *= m.villageCadre;
  if (m.incomeElasticity) x *= Math.pow(Math.max(0.05, P.income[i]! / meanIncome), m.incomeElasticity);
  return x;
}

function search(cum: Float64Array, x: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function pickCriterion(r: Rng, criteria: Record<string, number>): string {
  const keys = Object.keys(criteria);
  return keys[drawCum(r, cumulative(keys.map((k) => criteria[k]!)))]!;
}

interface EventGrow {
  id: Grow<Float64Array>;
  subject: Grow<Int32Array>;
  type: Grow<Uint16Array>;
  day: Grow<Int32Array>;
  amount: Grow<Float64Array>;
  agency: Grow<Int32Array>;
  recorded: Grow<Uint8Array>;
  fabricated: Grow<Uint8Array>;
  recordId: string[];
}
function newEvents(): EventGrow {
  return {
    id: new Grow(Float64Array),
    subject: new Grow(Int32Array),
    type: new Grow(Uint16Array),
    day: new Grow(Int32Array),
    amount: new Grow(Float64Array),
    agency: new Grow(Int32Array),
    recorded: new Grow(Uint8Array),
    fabricated: new Grow(Uint8Array),
    recordId: [],
  };
}
function pushEvent(
  e: EventGrow,
  id: number,
  subject: number,
  type: number,
  day: number,
  amount: number,
  agency: number,
  recorded: number,
  fabricated: number,
  recordId: string,
): void {
  e.id.push(id);
  e.subject.push(subject);
  e.type.push(type);
  e.day.push(day);
  e.amount.push(amount);
  e.agency.push(agency);
  e.recorded.push(recorded);
  e.fabricated.push(fabricated);
  e.recordId.push(recordId);
}
function takeEvents(e: EventGrow): EventBuffers {
  return {
    id: e.id.take(),
    subject: e.subject.take(),
    type: e.type.take(),
    day: e.day.take(),
    amount: e.amount.take(),
    agency: Int16Array.from(e.agency.take()),
    recorded: e.recorded.take(),
    fabricated: e.fabricated.take(),
    recordId: e.recordId,
  };
}

interface AttemptGrow {
  subject: Grow<Int32Array>;
  action: Grow<Uint8Array>;
  day: Grow<Int32Array>;
  u: Grow<Float64Array>;
  delay: Grow<Int32Array>;
  eventId: Grow<Float64Array>;
}
function newAttempts(): AttemptGrow {
  return {
    subject: new Grow(Int32Array, 64),
    action: new Grow(Uint8Array, 64),
    day: new Grow(Int32Array, 64),
    u: new Grow(Float64Array, 64),
    delay: new Grow(Int32Array, 64),
    eventId: new Grow(Float64Array, 64),
  };
}
function pushAttempt(
  a: AttemptGrow,
  subject: number,
  action: number,
  day: number,
  u: number,
  delay: number,
  eventId: number,
): void {
  a.subject.push(subject);
  a.action.push(action);
  a.day.push(day);
  a.u.push(u);
  a.delay.push(delay);
  a.eventId.push(eventId);
}
function takeAttempts(a: AttemptGrow): Attempts {
  return {
    subject: a.subject.take(),
    action: a.action.take(),
    day: a.day.take(),
    u: a.u.take(),
    delay: a.delay.take(),
    eventId: a.eventId.take(),
  };
}
