// What the process modules of one district share: the world, the compiled model, the published engine state, the
// named random streams, and the three verbs every process uses — occur (a true event an agency may record), stage (a
// step of a multi-step process, always recorded) and schedule (a timer on a later day) — plus the epoch's outputs.
import type { WorkingCalendar } from '../core/calendar.js';
import { Rng } from '../core/rng.js';
import { makeRecord, type CreditRecord } from '../core/types.js';
import {
  newAttempts,
  newEvents,
  pushEvent,
  type AttemptGrow,
  type EventGrow,
  type ListingAsk,
} from './buffers.js';
import { Grow } from './columns.js';
import { civil, iso } from './days.js';
import { SequenceCounter, firmUscc, residentId } from './ids.js';
import type { CompiledAgency, CompiledOutcome, Model, Stage } from './model.js';
import type { Scenario } from './scenario.js';
import type { Snapshot } from './snapshot.js';
import { ALIVE, ROLE_CADRE, ROLE_COLLECTOR, type DistrictLayout, type World } from './world.js';

export const YEAR = 365.2425;

/** Timers a process sets for a later day; each process handles its own kinds. */
export const Timer = {
  judgment: 1,
  perform: 2,
  list: 3,
  annualReportListing: 7,
  commitment: 8,
  starPenalty: 9,
} as const;
export type TimerKind = (typeof Timer)[keyof typeof Timer];
const TSHIFT = 2 ** 24;

/** The district's random streams, by name. Each process draws from the stream its name says (docs/decisions/0120). */
export interface Streams {
  /** Stochastic conduct: the thinning draws of the behaviour families. */
  conduct: Rng;
  /** Agencies' decisions to record, delays, fabrication. */
  recording: Rng;
  /** The multi-step processes: credit, petition commitments, appraisal, annual reports, consumption attempts. */
  processes: Rng;
  /** Births and deaths. */
  vital: Rng;
  /** How people respond to each other and to the systems (relational punishment, awareness, opinion). */
  society: Rng;
}

/** Ties a district's residents have lost to ostracism, kept beside the shared network (which is never mutated): one
 * byte per network edge of the district's rows, and per resident a mask of the kin ties cut (KIN_MOTHER…). */
export interface SeveredTies {
  /** Index of the district's first edge in the network's col array. */
  edgeBase: number;
  /** 1 where the edge (q − edgeBase) of a resident's row is cut. */
  edges: Uint8Array;
  /** Per resident (local index): KIN_* bits of the kin ties cut. */
  kin: Uint8Array;
}
/** Kin ties in the order residents' kin columns are walked (mother, father, spouse). */
export const KIN_BITS = [1, 2, 4] as const;

/** What ties do for a listed person, read by the credit process when it decides whether the debtor pays (set by the
 * relational module; absent when that module is off, so the credit process then draws exactly as before). */
export interface TieSupport {
  /** Ties pressing the listed person to pay (local person index). */
  pressing: Uint8Array;
  /** Ties helping the listed person (lending, vouching). */
  helping: Uint8Array;
}

/** What the trust module shares with other modules, by local person index (issue 17 §5): notices each resident saw
 * since the last month (counted by the platformNotices module), a factor on their untrustworthy conduct (read by the
 * conduct process, never above `conductMax`), and points added to their opinion experience (read by opinion). */
export interface TrustLinks {
  noticesSeen: Uint16Array;
  conduct: Float32Array;
  conductMax: number;
  support: Float32Array;
}

/** How hard each agency's office works its cases and its data entry, by agency index (set by the kpiReporting module;
 * absent when that module is off, so recording then draws exactly as before). */
export interface ReportingEffort {
  /** Factor on the agency's coverage of true events (capped at certainty). */
  coverage: Float64Array;
  /** The longest reporting delay in working days (the shortest stays the agency's). */
  maxDelay: Int32Array;
  /** Told of every record an agency submits, with its delay in working days (the office's own view of its work). */
  onRecord(agency: number, subject: number, delay: number): void;
}

export interface DistrictInit {
  district: DistrictLayout;
  seed: number;
  stepDays: number;
  /** Bit index of the defaulter list in Snapshot.lists. */
  defaulterBit: number;
}

export class DistrictContext {
  readonly d: DistrictLayout;
  readonly w: World;
  readonly m: Model;
  readonly s: Scenario;
  readonly cal: WorkingCalendar;
  readonly stepDays: number;
  readonly defaulterMask: number;
  readonly rng: Streams;
  /** The district's seed, for modules that fork a stream of their own (so switching them on moves no other draw). */
  readonly seed: number;
  /** The published engine state this epoch reads. */
  snap: Snapshot;
  /** The first free birth slot: persons of the district are [d.personStart, nextSlot). */
  nextSlot: number;
  /** Alive residents of the district (kept by the vital process). */
  aliveCount = 0;
  epochEnd = 0;
  readonly counter = new SequenceCounter();
  /** Mean of the urban and rural mean incomes: the reference for income-relative rates. */
  readonly meanIncome: number;
  /** Birth day of each resident's youngest child, wherever the child lives (local index). */
  readonly youngestChild: Int32Array;
  /** Residents of a household with a cadre or collector (recorded less often by quota agencies; local index). */
  readonly insider: Uint8Array;
  /** Records a village's recorder has collected since the last rating (by local village). */
  readonly collected: Int32Array;
  private eventSeq = 0;
  private caseSeq = 0;
  private readonly docSeq: Int32Array;
  private readonly timers = new Map<number, number[]>();
  private pending: { r: CreditRecord; subject: number; day: number }[] = [];
  private readonly ymd = new Int32Array(3);
  // outputs of the current epoch
  ev: EventGrow = newEvents();
  recs: CreditRecord[] = [];
  recSubj = new Grow(Int32Array);
  att: AttemptGrow = newAttempts();
  outbox = new Grow(Int32Array);
  births = new Grow(Int32Array);
  asks: ListingAsk[] = [];
  deaths = 0;
  /** Counts the society modules keep over the epoch (summed by the engine into SimResult.society). */
  society: Record<string, number> = {};
  /** Set by the relational module when it runs. */
  ties: TieSupport | undefined;
  /** Ties lost to ostracism; set by the relational module, absent = none is ever cut. */
  severed: SeveredTies | undefined;
  /** Whether each resident knows their grade (local index); set by the awareness module, absent = everyone knows. */
  aware: Uint8Array | undefined;
  /** Set by the kpiReporting module when it runs. */
  reporting: ReportingEffort | undefined;
  /** Whether each resident used a grade perk this month (local index); set by the perks module, absent when off. */
  perkUsed: Uint8Array | undefined;
  /** Generalised trust's reach into other modules; set by the trust module, absent when off (all draw as before). */
  trustLinks: TrustLinks | undefined;
  /** The opinion module's survey respondents of the epoch, SURVEY_ROW numbers each (society-schema.ts). */
  survey: number[] = [];

  constructor(
    world: World,
    model: Model,
    scenario: Scenario,
    snap: Snapshot,
    cal: WorkingCalendar,
    init: DistrictInit,
  ) {
    this.w = world;
    this.m = model;
    this.s = scenario;
    this.snap = snap;
    this.cal = cal;
    this.d = init.district;
    this.stepDays = init.stepDays;
    this.defaulterMask = init.defaulterBit >= 0 ? 1 << init.defaulterBit : 0;
    this.seed = init.seed;
    const root = new Rng(init.seed);
    this.rng = {
      conduct: root.fork('conduct'),
      recording: root.fork('recording'),
      processes: root.fork('processes'),
      vital: root.fork('vital'),
      society: root.fork('society'),
    };
    this.nextSlot = this.d.personStart + this.d.personInitial;
    this.meanIncome =
      (scenario.population.income.meanUrban.value + scenario.population.income.meanRural.value) / 2;
    this.docSeq = new Int32Array(model.agencies.length);
    this.collected = new Int32Array(this.d.villageCount);
    const n = this.d.personCap;
    this.youngestChild = new Int32Array(n).fill(-ALIVE);
    this.insider = new Uint8Array(n);
    this.initHouseholds();
  }

  private initHouseholds(): void {
    const P = this.w.persons;
    const o = this.d.personStart;
    const start = this.w.layout.startDay;
    const insiderHouseholds = new Set<number>();
    for (let i = o; i < o + this.d.personInitial; i++)
      if (P.roles[i]! & (ROLE_CADRE | ROLE_COLLECTOR)) insiderHouseholds.add(P.household[i]!);
    for (let i = o; i < o + this.d.personInitial; i++)
      if (insiderHouseholds.has(P.household[i]!)) this.insider[i - o] = 1;
    // Parents' links are global: a child in another district still counts.
    for (let c = 0; c < P.length; c++) {
      if (P.birth[c]! > start) continue;
      for (const parent of [P.mother[c]!, P.father[c]!])
        if (parent >= o && parent < o + this.d.personCap && P.birth[c]! > this.youngestChild[parent - o]!)
          this.youngestChild[parent - o] = P.birth[c]!;
    }
  }

  /** Reset the outputs for epoch [from, to) reading `snap`. */
  beginEpoch(to: number, snap: Snapshot): void {
    this.snap = snap;
    this.epochEnd = to;
    this.ev = newEvents();
    this.recs = [];
    this.recSubj = new Grow(Int32Array);
    this.att = newAttempts();
    this.outbox = new Grow(Int32Array);
    this.births = new Grow(Int32Array);
    this.asks = [];
    this.deaths = 0;
    this.society = {};
    this.survey = [];
  }

  /** Add `n` to one of the epoch's society counts. */
  tally(key: string, n = 1): void {
    this.society[key] = (this.society[key] ?? 0) + n;
  }

  /** (year, month 1-12, day of month) of `day`, in a buffer reused across calls. */
  civil(day: number): Int32Array {
    return civil(day, this.ymd);
  }

  /** Persons of defaulter list ties: network ties plus parents and spouse (as of the published state), less the
   * ties resident `i` of this district has lost to ostracism. */
  listedTies(i: number): number {
    const P = this.w.persons;
    const snapLists = this.snap.lists;
    const rowPtr = this.w.net.rowPtr;
    const col = this.w.net.col;
    const cut = this.severed;
    let n = 0;
    for (let q = rowPtr[i]!; q < rowPtr[i + 1]!; q++)
      if (snapLists[col[q]!]! & this.defaulterMask && !(cut && cut.edges[q - cut.edgeBase])) n++;
    const kinCut = cut ? cut.kin[i - this.d.personStart]! : 0;
    const kin = [P.mother[i]!, P.father[i]!, P.spouse[i]!];
    for (let t = 0; t < kin.length; t++)
      if (kin[t]! >= 0 && !(kinCut & KIN_BITS[t]!) && snapLists[kin[t]!]! & this.defaulterMask) n++;
    return n;
  }

  // ---------------------------------------------------------------- recording

  /**
   * A true event happens; the responsible agency records it or not. `person` is the person index for selective
   * recording (insiders) or -1 for firms.
   */
  occur(
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
    if (!certain && this.reporting) cov = Math.min(1, cov * this.reporting.coverage[a.index]!);
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
    const recorded = certain || this.rng.recording.next() < cov;
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

  /** A step of a multi-step process: always recorded by its agency. Court statements of one enforcement case share
   * its case number as basis (30-lists.yaml conventions). */
  stage(
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

  /** Ask the lists engine (on the main thread) to list `subject`: the court's listing decision. */
  askListing(subject: number, day: number, criterion: string, basis: string): void {
    this.asks.push({ subject, day, criterion, basis, eventIds: [this.nextEventId(), this.nextEventId()] });
  }

  /** A record with no true event behind it (a quota agency's fabrication). */
  fabricated(subject: number, o: CompiledOutcome, day: number, a: CompiledAgency): void {
    const rec = this.record(subject, o.kind, o.severity, o.level, o.unit ? 0 : NaN, day, a, undefined);
    const id = this.nextEventId();
    pushEvent(this.ev, id, subject, o.eventType, day, NaN, a.index, 1, 1, rec.id);
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
    const maxDelay = this.reporting ? this.reporting.maxDelay[a.index]! : a.maxDelay;
    const delay = a.minDelay + this.rng.recording.int(maxDelay - a.minDelay + 1);
    const reported = this.cal.addWorkingDays(day, delay);
    this.reporting?.onRecord(a.index, subject, delay);
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

  /** Move the records whose report day falls before `to` into the epoch's output. */
  flushPending(to: number): void {
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

  nextEventId(): number {
    return this.d.index * 2 ** 40 + ++this.eventSeq;
  }

  // ---------------------------------------------------------------- case numbers and timers

  nextCase(): number {
    return ++this.caseSeq;
  }

  caseNumber(day: number, kind: 'Min Chu' | 'Zhi'): string {
    return `(${iso(day).slice(0, 4)}) Meritown ${this.d.code} ${kind} No. ${this.nextCase()}`;
  }

  enforcementCase(n: number, day: number): string {
    return `(${iso(day).slice(0, 4)}) Meritown ${this.d.code} Zhi No. ${n}`;
  }

  schedule(day: number, type: TimerKind, local: number): void {
    const list = this.timers.get(day);
    if (list) list.push(type * TSHIFT + local);
    else this.timers.set(day, [type * TSHIFT + local]);
  }

  /** Take the timers due on `day`, in the order they were set, as (kind, local) pairs. */
  takeTimers(day: number, fire: (type: number, local: number) => void): void {
    const list = this.timers.get(day);
    if (!list) return;
    this.timers.delete(day);
    for (const code of list) fire(Math.floor(code / TSHIFT), code % TSHIFT);
  }
}
