// The simulation run as a pipeline of named steps: load the scenario and build Meritown (`prepare`), step it epoch by
// epoch across district partitions (`simulate`: each epoch merges the districts' outputs, lets the central agencies
// act, feeds the ledger and the engines and their state back to behaviour, and collects monthly metrics), write the
// outputs (`writeOutputs`) and the manifest (`finish`).
import { createHash, type Hash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { availableParallelism } from 'node:os';
import { shippedCalendar } from '../core/calendar.js';
import { loadCatalogue, type Catalogue } from '../core/catalogue.js';
import { addMonths, addYears } from '../core/dates.js';
import { iso } from './days.js';
import { projectRoot } from '../core/paths.js';
import type { CreditRecord } from '../core/types.js';
import { Rng } from '../core/rng.js';
import { openLedger } from '../ledger/open.js';
import type { Ledger } from '../ledger/ledger.js';
import { GROUPS, MonthCounts, collectors, groupsOf, monthState } from './collectors.js';
import { MSG_LISTING_ENDED, type DistrictOutput, type EventBuffers } from './district.js';
import { Grow } from './columns.js';
import { HeapTrim } from './heap.js';
import { writeLoanBook } from './loan-book.js';
import { LedgerQueue } from './ledger-queue.js';
import { ListsSeam, defaulterBit } from './lists.js';
import { loadListPolicy } from '../schemes/lists/policy.js';
import { MainAgencies } from './main-agencies.js';
import { duckdbVersion, eventSeverities, packageVersion, type Manifest } from './manifest.js';
import { RecordMirror } from './mirror.js';
import { compileModel, type Model } from './model.js';
import { RunWriter } from './output.js';
import { prepareRunDir } from './run-dir.js';
import { decodeRecords } from './record-codec.js';
import { RegisterFeed, personId, subjectIds } from './register.js';
import { InlineRunner, WorkerRunner, type DistrictRunner, type RunnerInit } from './runner.js';
import { loadScenario, resolvePolicyPath, type Scenario } from './scenario.js';
import { Scoring } from './scoring.js';
import { buildWorld, districtSeeds } from './setup.js';
import { allocSnapshot, snapshotBuffers, type Snapshot } from './snapshot.js';
import { transferWorld, type World } from './world.js';

export type { Manifest } from './manifest.js';

export interface SimOptions {
  scenarioDir: string;
  overrides?: Record<string, unknown>;
  population?: number;
  years?: number;
  seed?: number;
  /** 0 = run every district on the main thread. */
  workers?: number;
  step?: 'day' | 'week';
  epoch?: 'week' | 'month';
  /** The run directory; when absent nothing is written and the ledger is in memory. */
  out?: string;
  /** Ledger adapter for the run (default duckdb when `out` is set, else memory). */
  ledger?: 'duckdb' | 'memory';
  /** Turn the municipal rescoring off (faster, for experiments that do not need grades). */
  scoring?: boolean;
  onProgress?: (p: Progress) => void;
  /** Replace a previous run in `out` (only the entries a run writes are removed). */
  force?: boolean;
  /** Keep the ledger open and return it (tests inspect it); the caller must close it. */
  keepLedger?: boolean;
}

export interface Progress {
  day: number;
  start: number;
  end: number;
  agentDays: number;
  records: number;
  events: number;
  elapsedMs: number;
}

export interface SimResult {
  manifest: Manifest;
  world: World;
  ledger?: Ledger;
  lists: ListsSeam;
  snapshot: Snapshot;
  /** The collectors' rows (date, collector, group, value), also written to timeseries.csv. */
  timeseries: [string, string, string, number][];
  /** The society modules' counts over the run (e.g. `relational.family.learned`); empty when none runs. */
  society: Record<string, number>;
  /** The last wave of the opinion module's survey: SURVEY_ROW numbers per respondent; empty when it does not run. */
  survey: number[];
  /** The banks module's loan book (LOAN_ROW numbers per row, processes/banks.ts); empty when it does not run. */
  loans: Float64Array;
}

const YEAR = 365.2425;
/** Below this heap size the main thread never forces a collection (a 100k-resident run stays under it). */
const MAIN_HEAP_FLOOR_MB = 384;

export async function runSimulation(o: SimOptions): Promise<SimResult> {
  const run = await prepare(o);
  await simulate(run);
  const written = await writeOutputs(run);
  return finish(run, written);
}

/** Everything a run holds between its steps. */
interface Run {
  o: SimOptions;
  t0: number;
  timings: Record<string, number>;
  scenario: Scenario;
  cat: Catalogue;
  model: Model;
  population: number;
  years: number;
  seed: number;
  workers: number;
  stepDays: number;
  epochKind: 'week' | 'month';
  world: World;
  ids: string[];
  snap: Snapshot;
  /** The two snapshots behaviour reads (epoch k reads k mod 2), published by the main thread between epochs. */
  published: Snapshot[];
  /** The district runner, its workers spawned before the world was built (see prepare). */
  runner: DistrictRunner;
  lists: ListsSeam;
  scoring: Scoring | undefined;
  mirror: RecordMirror;
  out: string | undefined;
  writer: RunWriter | undefined;
  ledger: Ledger;
  queue: LedgerQueue;
  register: RegisterFeed;
  start: number;
  end: number;
  timeseries: [string, string, string, number][];
  society: Record<string, number>;
  survey: number[];
  recHash: Hash;
  evHash: Hash;
  /** Ids of records decided but never reported (their report day lies after the end). */
  unrecorded: string[];
  /** The lists engine's refusals of the court's listing requests, by reason code. */
  refusals: Map<string, number>;
  /** Counts kept by process modules (banks, platforms), summed over districts and epochs. */
  tallies: Map<string, number>;
  /** bank-loans.csv is written (while the workers write the population table, or with the other outputs). */
  loansWritten?: boolean;
  /** The population table's files when the district workers wrote it (else the writer formats it). */
  populationParts?: { files: string[]; rows: number };
  /** The banks module's loan-book rows, in district order within each epoch. */
  loans: Grow<Float64Array>;
  totals: {
    agentDays: number;
    records: number;
    events: number;
    fabricated: number;
    denied: number;
    births: number;
    deaths: number;
    listingsRefused: number;
  };
}

function lap(run: Pick<Run, 'timings'>, name: string, since: number): void {
  run.timings[name] = Math.round(performance.now() - since);
}

/** Load the scenario and the model, build the world, the engines, the ledger and the register feed. */
async function prepare(o: SimOptions): Promise<Run> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const scenario = loadScenario(o.scenarioDir, { overrides: o.overrides });
  // Never delete what this run did not write: the directory must be new, empty, or a previous run (with force).
  const out = o.out ? prepareRunDir(o.out, o.force === true) : undefined;
  const D = scenario.scenario.defaults;
  const workers = Math.max(0, o.workers ?? D.workers);
  const cat = loadCatalogue(resolvePolicyPath(scenario, scenario.scenario.policies.catalogue));
  const model = compileModel(scenario, cat);
  lap({ timings }, 'load', t0);
  // The workers boot (modules, catalogue, model) while this thread builds the world, and build their districts (the
  // banks' warm-up among them) while it sets up the engines: neither waits on the other until the first epoch.
  const pool = workers > 0 ? new WorkerRunner(scenario, workers) : undefined;
  try {
    return await prepareWorld(o, { t0, timings, scenario, out, workers, cat, model, pool });
  } catch (e) {
    await pool?.close();
    throw e;
  }
}

async function prepareWorld(
  o: SimOptions,
  p: Pick<Run, 't0' | 'timings' | 'scenario' | 'out' | 'workers' | 'cat' | 'model'> & {
    pool: WorkerRunner | undefined;
  },
): Promise<Run> {
  const { t0, timings, scenario, out, workers, cat, model, pool } = p;
  const D = scenario.scenario.defaults;
  const years = o.years ?? D.years;
  const seed = o.seed ?? D.seed;
  const population = o.population ?? D.population;
  const stepDays = (o.step ?? D.step) === 'week' ? 7 : 1;

  let t = performance.now();
  const built = buildWorld(scenario, { population, years, seed });
  const world = built.world;
  Object.assign(timings, {
    population: Math.round(built.timings.population),
    firms: Math.round(built.timings.firms),
    network: Math.round(built.timings.network),
  });
  lap({ timings }, 'world', t);

  t = performance.now();
  // Behaviour reads a published copy of the engine state: epoch k+1 runs while the main thread folds epoch k into the
  // engines, so it reads the state as of the end of epoch k-1 (a fixed one-epoch lag, the same with any number of
  // workers; docs/decisions/0052). Before the first epoch both copies are as blank as the engine state.
  const subjects = world.persons.length + world.firms.length;
  const published = [allocSnapshot(subjects), allocSnapshot(subjects)];
  const listsPath = resolvePolicyPath(scenario, scenario.scenario.policies.lists[0]!);
  const listPolicy = loadListPolicy(listsPath, cat);
  const init: RunnerInit = {
    world: transferWorld(world),
    snapshots: published.map(snapshotBuffers),
    seeds: districtSeeds(seed, world.layout.districts.length),
    stepDays,
    defaulterBit: defaulterBit(listPolicy),
    eventsCsv: out !== undefined,
  };
  // The workers build their districts (the banks' warm-up among them) while this thread sets up the engines.
  pool?.start(init);
  const ids = subjectIds(world);
  const snap = allocSnapshot(subjects);
  const lists = new ListsSeam(listsPath, cat, world, ids, model.consumption.actions, listPolicy);
  const runner: DistrictRunner = pool ?? new InlineRunner(init, scenario, model, world, published);
  const scoring =
    o.scoring === false
      ? undefined
      : new Scoring(
          resolvePolicyPath(scenario, scenario.scenario.policies.municipal[0]!),
          cat,
          world,
          scenario.responses.volunteerThreshold.window,
        );
  const adapter = o.ledger ?? (out ? 'duckdb' : 'memory');
  const ledger = await openLedger(
    adapter === 'duckdb'
      ? // The district workers keep the cores busy; one database thread spends less on contention (measured on 2 cores).
        { adapter, file: join(out!, 'ledger.duckdb'), catalogue: cat, threads: 1 }
      : { adapter: 'memory', catalogue: cat },
  );
  // The register and the records are written in the background (the ledger serialises its writes).
  const queue = new LedgerQueue(ledger);
  const register = new RegisterFeed(world, ids, queue, scoring?.schemeId);
  register.slice();
  lap({ timings }, 'engines_setup', t);

  const start = world.layout.startDay;
  const whole = Math.floor(years);
  return {
    o,
    t0,
    timings,
    scenario,
    cat,
    model,
    population,
    years,
    seed,
    workers,
    stepDays,
    epochKind: o.epoch ?? D.epoch,
    world,
    ids,
    snap,
    published,
    runner,
    lists,
    scoring,
    mirror: new RecordMirror(cat, ids),
    out,
    writer: out ? new RunWriter(out, ids) : undefined,
    ledger,
    queue,
    register,
    start,
    end: addYears(start, whole) + Math.round((years - whole) * YEAR),
    timeseries: [],
    society: {},
    survey: [],
    recHash: createHash('sha256'),
    evHash: createHash('sha256'),
    unrecorded: [],
    refusals: new Map(),
    tallies: new Map(),
    loans: new Grow(Float64Array, 16),
    totals: {
      agentDays: 0,
      records: 0,
      events: 0,
      fabricated: 0,
      denied: 0,
      births: 0,
      deaths: 0,
      listingsRefused: 0,
    },
  };
}

/** The epochs [from, to) of the run: weeks, or calendar months. */
function epochsOf(run: Run): [number, number][] {
  const epochs: [number, number][] = [];
  for (let from = run.start; from < run.end;) {
    const to = Math.min(run.end, run.epochKind === 'week' ? from + 7 : addMonths(monthStart(from), 1));
    epochs.push([from, to]);
    from = to;
  }
  return epochs;
}

/** Step the districts through every epoch, folding each into the ledger and the engines. */
async function simulate(run: Run): Promise<void> {
  const t = performance.now();
  const { world, lists, model, published, runner } = run;
  const publish = (k: number): void => {
    const b = published[k % 2]!;
    b.grade.set(run.snap.grade);
    b.score.set(run.snap.score);
    b.lists.set(run.snap.lists);
    b.flags.set(run.snap.flags);
  };
  const main = new MainAgencies(
    model,
    shippedCalendar({ fallback: 'weekends' }),
    run.ids,
    new Rng(run.seed).fork('central-agencies'),
  );
  const epochs = epochsOf(run);
  /** Messages for each epoch, per district: what epoch k produces is delivered to epoch k+2 (the lag above). */
  const inbox: number[][][] = epochs.map(() => world.layout.districts.map(() => []));
  const send = (k: number, district: number, ...msg: number[]) => inbox[k]?.[district]!.push(...msg);
  const districtOf = (s: number): number =>
    s < world.persons.length ? world.persons.district[s]! : world.firms.district[s - world.persons.length]!;
  const startEpoch = (k: number) => {
    publish(k);
    const p = runner.run(
      epochs[k]![0],
      epochs[k]![1],
      inbox[k]!.map((a) => Int32Array.from(a)),
      k % 2,
    );
    p.catch(() => undefined);
    return p;
  };
  const ms = { step: 0, engine: 0, io: 0 };
  const counts = new MonthCounts(model.eventTypes.length);
  const gs = new Int32Array(GROUPS.length);
  // The main thread's heap is collected when it has grown to twice what survived the last collection: its epochs'
  // records, events and register text otherwise pile up as garbage (decision 0066; 1.5 cost seconds per 1M run).
  const heapTrim = new HeapTrim(MAIN_HEAP_FLOOR_MB * 2 ** 20, 2);
  const takeEvents = (e: EventBuffers, text?: Uint8Array) => foldEvents(run, e, counts, gs, text);

  try {
    let inflight = epochs.length ? startEpoch(0) : undefined;
    for (let k = 0; k < epochs.length; k++) {
      run.queue.check();
      const [from, to] = epochs[k]!;
      // ---- 1. districts live through the epoch (in parallel); the next epoch starts at once ----
      let ts = performance.now();
      const outputs = await inflight!;
      ms.step += performance.now() - ts;
      inflight = k + 1 < epochs.length ? startEpoch(k + 1) : undefined;
      // ---- 2. merge in district order: births, events, records, cross-partition messages ----
      ts = performance.now();
      const { batch, batchSubj, born } = await mergeDistricts(run, outputs, counts, takeEvents, (d, msg) =>
        send(k + 2, districtOf(d), ...msg),
      );
      // ---- 3. statements of central agencies: officer entries, receipts of refused purchases ----
      main.officerStatements(batch, batchSubj, world);
      for (const d of outputs) {
        const res = main.resolveAttempts(d, lists, world, counts, gs);
        run.totals.denied += res.denied;
        await takeEvents(res.events);
      }
      main.flush(batch, batchSubj, to);
      ms.io += performance.now() - ts;
      // ---- 4. the ledger and the engines take in the epoch's statements ----
      ts = performance.now();
      feedEngines(run, batch, batchSubj, counts, gs);
      // The court's listing requests go to the lists engine once the epoch's statements (the warnings) are in it;
      // granted listings are recorded with the next epoch's statements.
      for (const d of outputs) {
        const res = main.resolveListings(d, lists, (s, msg, day) => send(k + 2, districtOf(s), msg, s, day));
        for (const [code, n] of res.refused) run.refusals.set(code, (run.refusals.get(code) ?? 0) + n);
        run.totals.listingsRefused += res.refusedRequests;
        await takeEvents(res.events);
      }
      ms.engine += performance.now() - ts;
      // The ledger writes in the background (its appends are serialised): engines and behaviour read the mirror and
      // the decision index, never the ledger, so the next epoch need not wait for the database.
      if (batch.length) run.queue.queue('append', () => run.ledger.append(batch));
      // One register load per epoch: the epoch's births and the next slice of the initial register (a load has a
      // fixed cost of tens of milliseconds whatever its size).
      run.register.slice(born);
      heapTrim.check();
      // ---- 5. engine state feeds back: list membership, reach of measures, expiries, scores ----
      ts = performance.now();
      const last = to - 1;
      const { expiries, sizes } = lists.refresh(run.snap, last, from, to);
      for (const e of expiries) {
        main.expiry(e.subject, e.kind, e.entry.termEnd!, e.entry.agency, e.entry.case);
        send(k + 2, districtOf(e.subject), MSG_LISTING_ENDED, e.subject, e.entry.termEnd!);
      }
      const monthEnd =
        run.epochKind === 'month' || iso(to - 1).slice(0, 7) !== iso(to).slice(0, 7) || to === run.end;
      if (run.scoring && monthEnd) run.scoring.rescore(run.mirror, last, run.snap);
      ms.engine += performance.now() - ts;
      // ---- 6. collectors, monthly ----
      if (monthEnd) await collectMonth(run, last, counts, sizes);
      run.o.onProgress?.({
        day: to,
        start: run.start,
        end: run.end,
        agentDays: run.totals.agentDays,
        records: run.totals.records,
        events: run.totals.events,
        elapsedMs: performance.now() - run.t0,
      });
    }
  } catch (e) {
    await runner.close();
    await run.queue.done().catch(() => undefined);
    throw e;
  }
  run.register.rest();
  // Ask the workers what they decided but did not yet report, then let them go: their heaps are not needed while the
  // ledger finishes or the outputs are written.
  try {
    run.unrecorded = [...(await runner.pending()), ...main.unreported()];
    // The workers write the population table, a file per district in parallel, before they go (decision 0157).
    if (run.writer && runner.population) {
      const ts = performance.now();
      const parts = runner.population(run.writer.scratch);
      parts.catch(() => undefined);
      // This thread writes the loan book meanwhile, rather than later with the second core idle.
      writeLoans(run);
      run.populationParts = await parts;
      run.timings.population_parts = Math.round(performance.now() - ts);
    }
  } catch (e) {
    // Live workers would keep the process from ending.
    await runner.close();
    await run.queue.done().catch(() => undefined);
    throw e;
  }
  await runner.close();
  const ts = performance.now();
  await run.queue.done();
  ms.io += performance.now() - ts;
  const T = run.timings;
  T.ledger_wait_at_end = Math.round(performance.now() - ts);
  T.ledger_register = Math.round(run.queue.ms.register);
  T.ledger_append = Math.round(run.queue.ms.append);
  T.step = Math.round(ms.step);
  T.engine_updates = Math.round(ms.engine);
  T.merge_io = Math.round(ms.io);
  lap(run, 'simulate', t);
}

/** Step 2 of an epoch: births, deaths, events and records of the districts, in district order. */
async function mergeDistricts(
  run: Run,
  outputs: DistrictOutput[],
  counts: MonthCounts,
  takeEvents: (e: EventBuffers, text?: Uint8Array) => Promise<void>,
  send: (subject: number, msg: number[]) => void,
): Promise<{ batch: CreditRecord[]; batchSubj: number[]; born: number[] }> {
  const batch: CreditRecord[] = [];
  const batchSubj: number[] = [];
  const born: number[] = [];
  const T = run.totals;
  // The id a worker named the subject with: the register's (a birth not merged yet is named as it is registered).
  const subjectOf = (s: number): string => run.ids[s] || personId(run.world, s);
  for (const d of outputs) {
    T.agentDays += d.agentDays;
    T.deaths += d.deaths;
    for (const [k, v] of Object.entries(d.society)) run.society[k] = (run.society[k] ?? 0) + v;
    // a new survey wave (a later day) replaces the last one
    if (d.survey.length && run.survey.length && d.survey[0]! > run.survey[0]!) run.survey = [];
    for (const x of d.survey) run.survey.push(x);
    for (const [k, v] of d.tallies) run.tallies.set(k, (run.tallies.get(k) ?? 0) + v);
    for (const x of d.loans) run.loans.push(x);
    counts.deaths += d.deaths;
    for (const b of d.births) {
      run.ids[b] = personId(run.world, b);
      run.lists.born(b);
    }
    T.births += d.births.length;
    counts.births += d.births.length;
    for (const b of d.births) born.push(b);
    for (let q = 0; q + 2 < d.outbox.length; q += 3)
      send(d.outbox[q + 1]!, [d.outbox[q]!, d.outbox[q + 1]!, d.outbox[q + 2]!]);
    await takeEvents(d.events, d.eventsCsv);
    const records = d.recordCols ? decodeRecords(d.recordCols, d.recordSubject, subjectOf) : d.records;
    records.forEach((r, j) => {
      batch.push(r);
      batchSubj.push(d.recordSubject[j]!);
    });
  }
  return { batch, batchSubj, born };
}

/** Count, hash and write one buffer of events (`text`: its lines, when a worker formatted them). */
async function foldEvents(
  run: Run,
  e: EventBuffers,
  counts: MonthCounts,
  gs: Int32Array,
  text?: Uint8Array,
): Promise<void> {
  countEvents(run.world, e, counts, gs);
  run.totals.events += e.id.length;
  for (let k = 0; k < e.id.length; k++) if (e.fabricated[k]) run.totals.fabricated++;
  for (const a of [e.id, e.subject, e.type, e.day, e.amount, e.recorded, e.fabricated])
    run.evHash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  run.evHash.update(e.recordId.join('|'));
  if (run.writer) await (text ? run.writer.writeEventLines(text, e.id.length) : run.writer.writeEvents(e));
}

/** Step 4 of an epoch: the lists engine and the record mirror take in the epoch's statements. */
function feedEngines(
  run: Run,
  batch: CreditRecord[],
  batchSubj: number[],
  counts: MonthCounts,
  gs: Int32Array,
): void {
  const P = run.world.persons.length;
  for (let b = 0; b < batch.length; b++) {
    const r = batch[b]!;
    const s = batchSubj[b]!;
    run.lists.apply(r, s);
    run.mirror.append(r, s);
    if (s < P) {
      const n = groupsOf(run.world, s, gs);
      const positive = run.cat.get(r.kind)?.polarity === 'positive';
      for (let g = 0; g < n; g++) {
        counts.records[gs[g]!]!++;
        if (positive) counts.positiveRecords[gs[g]!]!++;
      }
    } else counts.firmRecords++;
  }
  run.totals.records += batch.length;
  run.recHash.update(batch.map((r) => r.id).join('|'));
}

/** Step 6 of an epoch, at a month's end: the collectors' rows of the month. */
async function collectMonth(
  run: Run,
  last: number,
  counts: MonthCounts,
  sizes: Parameters<typeof monthState>[6],
): Promise<void> {
  const st = monthState(
    last,
    run.world,
    run.snap,
    counts,
    run.model.eventTypes,
    run.lists.listIds(),
    sizes,
    run.model.adultAge,
  );
  const rows: [string, string, number][] = [];
  for (const [name, fn] of Object.entries(collectors)) for (const [g, v] of fn(st)) rows.push([name, g, v]);
  const date = iso(last);
  for (const [c, g, v] of rows) run.timeseries.push([date, c, g, v]);
  if (run.writer) await run.writer.writeTimeseries(last, rows);
  counts.reset();
}

/** The run directory's tables: the ledger's records as Parquet, then the population, firm and event tables. */
async function writeOutputs(run: Run): Promise<{ population: number; firms: number; events: number }> {
  const t = performance.now();
  let written = { population: 0, firms: 0, events: run.totals.events };
  if (run.writer && run.out) {
    // Not overlapped with the population tables below: on 2 cores the export's threads and the main thread's CSV
    // formatting slowed each other down (10.7 s together vs 2.0 + 7.9 s in turn, decision 0066).
    await run.ledger.export('parquet', join(run.out, 'records.parquet'));
    written = await run.writer.finish({
      world: run.world,
      ids: run.ids,
      eventTypes: run.model.eventTypes,
      eventKinds: run.model.eventKinds,
      eventSeverities: eventSeverities(run.model),
      agencyCodes: run.model.agencies.map((a) => a.code),
      unrecorded: run.unrecorded,
      ...(run.populationParts ? { populationParts: run.populationParts } : {}),
      threads: Math.max(1, Math.min(run.workers || 1, availableParallelism())),
    });
    writeLoans(run);
  }
  lap(run, 'write', t);
  return written;
}

/** The banks module's loan book as bank-loans.csv, once (when the module ran and the run writes outputs). */
function writeLoans(run: Run): void {
  if (run.loansWritten || !run.out || !run.loans.length) return;
  writeLoanBook(join(run.out, 'bank-loans.csv'), run.loans.data.subarray(0, run.loans.length), run.ids);
  run.loansWritten = true;
}

/** The manifest, and the result handed back (the ledger closed unless the caller keeps it). */
async function finish(run: Run, written: { population: number }): Promise<SimResult> {
  const { scenario, world, totals: T } = run;
  run.timings.total = Math.round(performance.now() - run.t0);
  const ledgerCount = await run.ledger.count();
  const manifest: Manifest = {
    scenario: scenario.scenario.scenario,
    scenarioDir: relative(projectRoot(), scenario.dir) || scenario.dir,
    scenarioHash: scenario.hash,
    overrides: scenario.overrides,
    seed: run.seed,
    population: run.population,
    years: run.years,
    start: iso(run.start),
    end: iso(run.end - 1),
    step: run.stepDays === 7 ? 'week' : 'day',
    epoch: run.epochKind,
    workers: run.workers,
    versions: {
      mosaic: packageVersion(),
      node: process.version,
      duckdb: duckdbVersion(),
      catalogue: run.cat.version,
    },
    policies: {
      municipal: scenario.scenario.policies.municipal,
      lists: scenario.scenario.policies.lists,
      ...(run.scoring ? { scheme: run.scoring.schemeId } : {}),
    },
    timings: run.timings,
    counts: {
      residentsInitial: run.population,
      residentsFinal: run.population + T.births - T.deaths,
      births: T.births,
      deaths: T.deaths,
      firms: world.firms.length,
      villages: world.layout.villages,
      households: world.layout.households,
      networkTies: world.net.col.length / 2,
      records: ledgerCount,
      recordsUnreportedAtEnd: run.unrecorded.length,
      events: T.events,
      fabricated: T.fabricated,
      measuresApplied: T.denied,
      listingsRefused: T.listingsRefused,
      ...Object.fromEntries([...run.refusals].map(([code, n]) => [`listingsRefused.${code}`, n])),
      agentDays: T.agentDays,
      populationRows: written.population,
      ...Object.fromEntries([...run.tallies].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      // the society modules' counts (relational.*, awareness.*, perks.*): none when those modules are off
      ...Object.fromEntries(Object.entries(run.society).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    },
    digests: { records: run.recHash.digest('hex'), events: run.evHash.digest('hex') },
  };
  if (run.out) writeFileSync(join(run.out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const result: SimResult = {
    manifest,
    world,
    lists: run.lists,
    snapshot: run.snap,
    timeseries: run.timeseries,
    society: run.society,
    survey: run.survey,
    loans: run.loans.data.slice(0, run.loans.length),
  };
  if (run.o.keepLedger) result.ledger = run.ledger;
  else await run.ledger.close();
  return result;
}

function monthStart(day: number): number {
  const d = iso(day);
  return Math.round(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, 1) / 86_400_000);
}

function countEvents(w: World, e: EventBuffers, c: MonthCounts, gs: Int32Array): void {
  const G = GROUPS.length;
  const P = w.persons.length;
  for (let k = 0; k < e.id.length; k++) {
    const s = e.subject[k]!;
    const base = e.type[k]! * G;
    const n = s < P ? groupsOf(w, s, gs) : ((gs[0] = 0), 1);
    for (let g = 0; g < n; g++) {
      const x = base + gs[g]!;
      if (e.fabricated[k]) c.fabricated[x]!++;
      else {
        c.trueEvents[x]!++;
        if (e.recorded[k]) c.recordedEvents[x]!++;
      }
    }
  }
}
