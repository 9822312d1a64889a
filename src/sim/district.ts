// One district of Meritown living through an epoch: the epoch walks one ordered list of process modules (credit,
// annual reports, appraisal, vital events, conduct with petitioning, village collectors, consumption) over a shared
// district context, day by day. Touches only its own district's agents.
import type { WorkingCalendar } from '../core/calendar.js';
import type { CreditRecord } from '../core/types.js';
import { takeAttempts, takeEvents, type Attempts, type EventBuffers, type ListingAsk } from './buffers.js';
import { DistrictContext, type DistrictInit } from './district-context.js';
import type { Model } from './model.js';
import type { RecordColumnsMsg } from './record-codec.js';
import { AnnualReportsProcess } from './processes/annual-reports.js';
import { AppraisalProcess } from './processes/appraisal.js';
import { AwarenessProcess } from './processes/awareness.js';
import { ConductProcess } from './processes/conduct.js';
import { ConsumptionProcess } from './processes/consumption.js';
import { CreditProcess } from './processes/credit.js';
import { OpinionProcess } from './processes/opinion.js';
import { PerksProcess } from './processes/perks.js';
import { PetitioningProcess } from './processes/petitioning.js';
import { RelationalProcess } from './processes/relational.js';
import { BanksProcess } from './processes/banks.js';
import { KpiReportingProcess } from './processes/kpi-reporting.js';
import { FirmGradesProcess } from './processes/firm-grades.js';
import { PlatformNoticesProcess } from './processes/platform-notices.js';
import { DataChannelsProcess } from './processes/data-channels.js';
import { TrustProcess } from './processes/trust.js';
import { PlatformsProcess } from './processes/platforms.js';
import {
  DEFAULT_PROCESSES,
  PROCESS_NAMES,
  type DistrictProcess,
  type ProcessName,
} from './processes/process.js';
import { VillageCollectorsProcess } from './processes/village-collectors.js';
import { VitalProcess } from './processes/vital.js';
import type { Scenario } from './scenario.js';
import type { Snapshot } from './snapshot.js';
import type { DistrictLayout, World } from './world.js';

export type { Attempts, EventBuffers, ListingAsk } from './buffers.js';
export type { DistrictInit } from './district-context.js';
export { MSG_CHILD_BORN, MSG_LISTED, MSG_LISTING_ENDED, MSG_LISTING_REFUSED } from './messages.js';

export interface DistrictOutput {
  district: number;
  records: CreditRecord[];
  /** The records as columns when a worker sent them (record-codec.ts; `records` is then empty). */
  recordCols?: RecordColumnsMsg;
  /** Global subject index (persons first, then firms at persons.length + firm) of each record. */
  recordSubject: Int32Array;
  events: EventBuffers;
  /** The events' lines of events.csv, when a worker formatted them (output.ts eventsCsv); else the writer does. */
  eventsCsv?: Uint8Array;
  attempts: Attempts;
  /** The court's listing requests of the epoch, for the lists engine. */
  listingAsks: ListingAsk[];
  /** (type, target, day) triples for other partitions or main. */
  outbox: Int32Array;
  /** Persons born in the epoch: global indexes (main registers them). */
  births: Int32Array;
  deaths: number;
  /** Stepped agent-days (alive residents × days), for throughput. */
  agentDays: number;
  /** The society modules' counts of the epoch (relational responses, …); empty when none runs. */
  society: Record<string, number>;
  /** The opinion module's survey respondents of the epoch (SURVEY_ROW numbers each); empty when it does not run. */
  survey: number[];
  /** Counts of the epoch by modules that keep them (banks, platforms), for the manifest; empty otherwise. */
  tallies: [string, number][];
  /** The banks module's loan-book rows of the epoch (LOAN_ROW numbers each, processes/banks.ts); empty otherwise. */
  loans: Float64Array;
}

/**
 * The process modules in the order the epoch calls them. Within each hook kind the order is this list's; it fixes the
 * order of the draws on the shared streams, so it is part of the model (docs/decisions/0120).
 */
function buildProcesses(c: DistrictContext): DistrictProcess[] {
  const on = new Set<ProcessName>(c.s.scenario.processes ?? DEFAULT_PROCESSES);
  const petitioning = on.has('petitioning') ? new PetitioningProcess(c) : undefined;
  const make: Record<ProcessName, () => DistrictProcess | undefined> = {
    consumption: () => new ConsumptionProcess(c),
    credit: () => new CreditProcess(c),
    annualReports: () => new AnnualReportsProcess(c),
    appraisal: () => new AppraisalProcess(c),
    vital: () => new VitalProcess(c),
    conduct: () => new ConductProcess(c, petitioning),
    petitioning: () => petitioning,
    collectors: () => new VillageCollectorsProcess(c),
    relational: () => new RelationalProcess(c),
    awareness: () => new AwarenessProcess(c),
    perks: () => new PerksProcess(c),
    opinion: () => new OpinionProcess(c),
    banks: () => new BanksProcess(c),
    platforms: () => new PlatformsProcess(c),
    firmGrades: () => new FirmGradesProcess(c),
    kpiReporting: () => new KpiReportingProcess(c),
    platformNotices: () => new PlatformNoticesProcess(c),
    dataChannels: () => new DataChannelsProcess(c),
    trust: () => new TrustProcess(c),
  };
  return PROCESS_NAMES.filter((n) => on.has(n)).map((n) => make[n]()!);
}

export class DistrictSim {
  readonly d: DistrictLayout;
  private readonly c: DistrictContext;
  private readonly snaps: Snapshot[];
  private readonly procs: DistrictProcess[];
  private readonly timerOf = new Map<number, (day: number, local: number) => void>();
  private candYear = -1;

  constructor(
    world: World,
    model: Model,
    scenario: Scenario,
    snaps: Snapshot[],
    cal: WorkingCalendar,
    init: DistrictInit,
  ) {
    this.snaps = snaps;
    this.d = init.district;
    this.c = new DistrictContext(world, model, scenario, snaps[0]!, cal, init);
    this.procs = buildProcesses(this.c);
    for (const p of this.procs)
      for (const [kind, fire] of Object.entries(p.timers ?? {})) this.timerOf.set(Number(kind), fire);
  }

  /**
   * Simulate days [from, to). `inbox` holds (type, target, day) triples addressed to this district; `snapshot` picks the
   * published engine state to read (the main thread writes the other one meanwhile, see docs/decisions/0052).
   */
  runEpoch(from: number, to: number, inbox: Int32Array, snapshot = 0): DistrictOutput {
    const c = this.c;
    c.beginEpoch(to, this.snaps[snapshot]!);
    for (let k = 0; k + 2 < inbox.length; k += 3)
      for (const p of this.procs) p.receive?.(inbox[k]!, inbox[k + 1]!, inbox[k + 2]!);
    for (const p of this.procs) p.epochStart?.(from, to);
    let agentDays = 0;
    for (let day = from; day < to; day += c.stepDays) {
      const len = Math.min(c.stepDays, to - day);
      const ymd = c.civil(day);
      const year = ymd[0]!;
      const month = ymd[1]! - 1;
      if (year !== this.candYear) {
        this.candYear = year;
        for (const p of this.procs) p.yearStart?.(year, day);
      }
      for (let q = 0; q < len; q++) this.day(day + q);
      for (const p of this.procs) p.step?.(day, len, year, month);
      agentDays += c.aliveCount * len;
    }
    c.flushPending(to);
    const tallies = new Map<string, number>();
    for (const p of this.procs) p.tally?.(tallies);
    const lenders = this.procs.find((p) => p.takeLoans);
    return {
      district: this.d.index,
      records: c.recs,
      recordSubject: c.recSubj.take(),
      events: takeEvents(c.ev),
      attempts: takeAttempts(c.att),
      listingAsks: c.asks,
      outbox: c.outbox.take(),
      births: c.births.take(),
      deaths: c.deaths,
      agentDays,
      society: c.society,
      survey: c.survey,
      tallies: [...tallies],
      loans: lenders ? lenders.takeLoans!() : new Float64Array(0),
    };
  }

  private day(day: number): void {
    const c = this.c;
    const ymd = c.civil(day);
    const dom = ymd[2]!;
    const month = ymd[1]!;
    if (dom === 1) {
      for (const p of this.procs) p.monthly?.(day, month);
      const walkers = this.procs.filter((p) => p.firmMonthly);
      const F = c.w.firms;
      for (let k = 0; k < c.d.firmCount; k++) {
        if (F.founded[c.d.firmStart + k]! > day) continue;
        for (const p of walkers) p.firmMonthly!(k, day);
      }
      for (const p of this.procs) p.annual?.(day, month);
    }
    for (const p of this.procs) p.daily?.(day, month, dom);
    c.takeTimers(day, (type, local) => this.timerOf.get(type)!(day, local));
  }

  /** The register id of a subject (global index), as the main thread's ids hold it. */
  subjectId(subject: number): string {
    return this.c.subjectId(subject);
  }

  /** Records decided but whose report day has not come yet. */
  pendingIds(): string[] {
    return this.c.pendingIds();
  }
}
