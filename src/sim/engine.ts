// The simulation run: builds Meritown, steps it epoch by epoch across district partitions, streams recorded
// statements into the ledger and through the lists and municipal engines, feeds their state back to behaviour,
// collects monthly metrics and writes the run directory. The order of each epoch is written out in `runEpoch`.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { availableParallelism } from 'node:os';
import { shippedCalendar, type WorkingCalendar } from '../core/calendar.js';
import { loadCatalogue } from '../core/catalogue.js';
import { addMonths, addYears } from '../core/dates.js';
import { iso } from './days.js';
import { projectRoot } from '../core/paths.js';
import { makeRecord, type CreditRecord } from '../core/types.js';
import { Rng } from '../core/rng.js';
import { openLedger } from '../ledger/open.js';
import type { Ledger } from '../ledger/ledger.js';
import { GROUPS, MonthCounts, collectors, groupsOf, monthState } from './collectors.js';
import { MSG_LISTING_ENDED, type DistrictOutput, type EventBuffers } from './district.js';
import { firmUscc, residentId } from './ids.js';
import { ListsSeam, registerEntry } from './lists.js';
import { RecordMirror } from './mirror.js';
import { compileModel, type CompiledAgency, type Model } from './model.js';
import { HeapTrim } from './heap.js';
import { RunWriter } from './output.js';
import { prepareRunDir } from './run-dir.js';
import { InlineRunner, WorkerRunner, type DistrictRunner, type RunnerInit } from './runner.js';
import { loadScenario, resolvePolicyPath } from './scenario.js';
import { Scoring } from './scoring.js';
import { buildWorld, districtSeeds } from './setup.js';
import { allocSnapshot, snapshotBuffers, type Snapshot } from './snapshot.js';
import { transferWorld, type World } from './world.js';

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
}

export interface Manifest {
  scenario: string;
  scenarioDir: string;
  scenarioHash: string;
  overrides: Record<string, unknown>;
  seed: number;
  population: number;
  years: number;
  start: string;
  end: string;
  step: string;
  epoch: string;
  workers: number;
  versions: { mosaic: string; node: string; duckdb: string; catalogue: string };
  policies: { municipal: string[]; lists: string[]; scheme?: string };
  timings: Record<string, number>;
  counts: Record<string, number>;
  /** sha256 over the ordered record ids and over the events: equal digests = identical outputs. */
  digests: { records: string; events: string };
}

const YEAR = 365.2425;

export async function runSimulation(o: SimOptions): Promise<SimResult> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number) => (timings[name] = Math.round(performance.now() - since));
  const scenario = loadScenario(o.scenarioDir, { overrides: o.overrides });
  // Never delete what this run did not write: the directory must be new, empty, or a previous run (with force).
  const out = o.out ? prepareRunDir(o.out, o.force === true) : undefined;
  const D = scenario.scenario.defaults;
  const population = o.population ?? D.population;
  const years = o.years ?? D.years;
  const seed = o.seed ?? D.seed;
  const workers = Math.max(0, o.workers ?? D.workers);
  const stepDays = (o.step ?? D.step) === 'week' ? 7 : 1;
  const epochKind = o.epoch ?? D.epoch;
  const cat = loadCatalogue(resolvePolicyPath(scenario, scenario.scenario.policies.catalogue));
  const model = compileModel(scenario, cat);
  lap('load', t0);

  let t = performance.now();
  const built = buildWorld(scenario, { population, years, seed });
  const world = built.world;
  Object.assign(timings, {
    population: Math.round(built.timings.population),
    firms: Math.round(built.timings.firms),
    network: Math.round(built.timings.network),
  });
  const ids = subjectIds(world);
  lap('world', t);

  t = performance.now();
  const snap = allocSnapshot(world.persons.length + world.firms.length);
  const lists = new ListsSeam(
    resolvePolicyPath(scenario, scenario.scenario.policies.lists[0]!),
    cat,
    world,
    ids,
    model.consumption.actions,
  );
  const scoring =
    o.scoring === false
      ? undefined
      : new Scoring(
          resolvePolicyPath(scenario, scenario.scenario.policies.municipal[0]!),
          cat,
          world,
          scenario.responses.volunteerThreshold.window,
        );
  const mirror = new RecordMirror(cat, ids);
  const writer = out ? new RunWriter(out, ids) : undefined;
  const adapter = o.ledger ?? (out ? 'duckdb' : 'memory');
  const ledger = await openLedger(
    adapter === 'duckdb'
      ? // The district workers keep the cores busy; one database thread spends less on contention (measured on 2 cores).
        { adapter, file: join(out!, 'ledger.duckdb'), catalogue: cat, threads: 1 }
      : { adapter: 'memory', catalogue: cat },
  );
  // The register is written in the background like the records (the ledger serialises its writes).
  /** Time the ledger spent on the register and on appends (in the background, overlapping the step loop). */
  const ledgerMs = { register: 0, append: 0 };
  const timed = async (key: keyof typeof ledgerMs, f: () => Promise<unknown>): Promise<void> => {
    const t1 = performance.now();
    await f();
    ledgerMs[key] += performance.now() - t1;
  };
  // A failed write stops the run at the next epoch with the ledger's own error (it is not left unhandled).
  let ledgerFailure: { error: unknown } | undefined;
  // Two queues, records and register: a slow register load must not hold up the record batches behind it (the
  // DuckDB ledger gives the register its own connection, so the two also run concurrently in the database).
  const chains: Record<keyof typeof ledgerMs, Promise<void>> = {
    append: Promise.resolve(),
    register: Promise.resolve(),
  };
  const queueWrite = (key: keyof typeof ledgerMs, f: () => Promise<unknown>): void => {
    const next = chains[key].then(() => timed(key, f));
    next.catch((error: unknown) => (ledgerFailure ??= { error }));
    chains[key] = next;
  };
  const ledgerDone = (): Promise<unknown> => Promise.all([chains.append, chains.register]);
  // The main thread's heap is collected when it has grown to twice what survived the last collection: its epochs'
  // records, events and register text otherwise pile up as garbage (decision 0066; 1.5 cost seconds per 1M run).
  const heapTrim = new HeapTrim(MAIN_HEAP_FLOOR_MB * 2 ** 20, 2);
  // The register of the subjects existing at the start is written a slice per epoch (each generated only when the
  // register queue reaches it): queued all at once, its text and the record batches behind it sat in memory for
  // most of a 1M-resident run. Nothing in the run reads the register back; engines read the mirror and the index.
  const initial = initialSubjects(world);
  let registered = 0;
  const registerSlice = (born: number[] = []): void => {
    const slice = initial.subarray(registered, registered + REGISTER_SLICE);
    registered += slice.length;
    if (slice.length + born.length === 0) return;
    const subjects = Int32Array.from([...slice, ...born]);
    queueWrite('register', () => registerSubjects(ledger, world, ids, subjects, scoring?.schemeId));
  };
  registerSlice();
  lap('engines_setup', t);

  // Behaviour reads a published copy of the engine state: epoch k+1 runs while the main thread folds epoch k into the
  // engines, so it reads the state as of the end of epoch k-1 (a fixed one-epoch lag, the same with any number of
  // workers; docs/decisions/0052).
  const published = [allocSnapshot(snap.length), allocSnapshot(snap.length)];
  const publish = (k: number): void => {
    const b = published[k % 2]!;
    b.grade.set(snap.grade);
    b.score.set(snap.score);
    b.lists.set(snap.lists);
    b.flags.set(snap.flags);
  };
  const init: RunnerInit = {
    scenarioDir: scenario.dir,
    overrides: scenario.overrides,
    world: transferWorld(world),
    snapshots: published.map(snapshotBuffers),
    seeds: districtSeeds(seed, world.layout.districts.length),
    stepDays,
    defaulterBit: lists.defaulterBit,
  };
  t = performance.now();
  const runner: DistrictRunner =
    workers === 0 ? new InlineRunner(init, scenario, world, published) : new WorkerRunner(init, workers);
  const cal = shippedCalendar({ fallback: 'weekends' });
  const start = world.layout.startDay;
  const whole = Math.floor(years);
  const end = addYears(start, whole) + Math.round((years - whole) * YEAR);
  const main = new MainAgencies(model, cal, ids, new Rng(seed).fork('central-agencies'));
  const counts = new MonthCounts(model.eventTypes.length);
  const timeseries: [string, string, string, number][] = [];
  const recHash = createHash('sha256');
  const evHash = createHash('sha256');
  const epochs: [number, number][] = [];
  for (let from = start; from < end;) {
    const to = Math.min(end, epochKind === 'week' ? from + 7 : addMonths(monthStart(from), 1));
    epochs.push([from, to]);
    from = to;
  }
  /** Messages for each epoch, per district: what epoch k produces is delivered to epoch k+2 (the lag above). */
  const inbox: number[][][] = epochs.map(() => world.layout.districts.map(() => []));
  const send = (k: number, district: number, ...msg: number[]) => inbox[k]?.[district]!.push(...msg);
  const start_ = (k: number) => {
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
  let agentDays = 0;
  let recordsTotal = 0;
  let eventsTotal = 0;
  let fabricatedTotal = 0;
  let deniedTotal = 0;
  let births = 0;
  let deaths = 0;
  let engineMs = 0;
  let stepMs = 0;
  let ioMs = 0;
  const gs = new Int32Array(GROUPS.length);
  const takeEvents = async (e: EventBuffers): Promise<void> => {
    countEvents(world, e, counts, gs);
    eventsTotal += e.id.length;
    for (let k = 0; k < e.id.length; k++) if (e.fabricated[k]) fabricatedTotal++;
    for (const a of [e.id, e.subject, e.type, e.day, e.amount, e.recorded, e.fabricated])
      evHash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    evHash.update(e.recordId.join('|'));
    if (writer) await writer.writeEvents(e);
  };
  const districtOf = (s: number): number =>
    s < world.persons.length ? world.persons.district[s]! : world.firms.district[s - world.persons.length]!;

  try {
    let inflight = epochs.length ? start_(0) : undefined;
    for (let k = 0; k < epochs.length; k++) {
      if (ledgerFailure) throw ledgerFailure.error;
      const [from, to] = epochs[k]!;
      // ---- 1. districts live through the epoch (in parallel); the next epoch starts at once ----
      let ts = performance.now();
      const outputs = await inflight!;
      stepMs += performance.now() - ts;
      inflight = k + 1 < epochs.length ? start_(k + 1) : undefined;
      // ---- 2. merge in district order: births, events, records, cross-partition messages ----
      ts = performance.now();
      const batch: CreditRecord[] = [];
      const batchSubj: number[] = [];
      const born: number[] = [];
      for (const d of outputs) {
        agentDays += d.agentDays;
        deaths += d.deaths;
        counts.deaths += d.deaths;
        for (const b of d.births) {
          ids[b] = personId(world, b);
          lists.born(b);
        }
        births += d.births.length;
        counts.births += d.births.length;
        for (const b of d.births) born.push(b);
        for (let q = 0; q + 2 < d.outbox.length; q += 3)
          send(k + 2, districtOf(d.outbox[q + 1]!), d.outbox[q]!, d.outbox[q + 1]!, d.outbox[q + 2]!);
        await takeEvents(d.events);
        d.records.forEach((r, j) => {
          batch.push(r);
          batchSubj.push(d.recordSubject[j]!);
        });
      }
      // ---- 3. statements of central agencies: officer entries, receipts of refused purchases ----
      main.officerStatements(batch, batchSubj, world);
      for (const d of outputs) {
        const res = main.resolveAttempts(d, lists, world, counts, gs);
        deniedTotal += res.denied;
        await takeEvents(res.events);
      }
      main.flush(batch, batchSubj, to);
      ioMs += performance.now() - ts;
      ts = performance.now();
      // ---- 4. the ledger and the engines take in the epoch's statements ----
      for (let b = 0; b < batch.length; b++) {
        const r = batch[b]!;
        const s = batchSubj[b]!;
        lists.apply(r, s);
        mirror.append(r, s);
        if (s < world.persons.length) {
          const n = groupsOf(world, s, gs);
          for (let g = 0; g < n; g++) counts.records[gs[g]!]!++;
        } else counts.firmRecords++;
      }
      recordsTotal += batch.length;
      recHash.update(batch.map((r) => r.id).join('|'));
      engineMs += performance.now() - ts;
      // The ledger writes in the background (its appends are serialised): engines and behaviour read the mirror and
      // the decision index, never the ledger, so the next epoch need not wait for the database.
      if (batch.length) queueWrite('append', () => ledger.append(batch));
      // One register load per epoch: the epoch's births and the next slice of the initial register (a load has a
      // fixed cost of tens of milliseconds whatever its size).
      registerSlice(born);
      heapTrim.check();
      // ---- 5. engine state feeds back: list membership, reach of measures, expiries, scores ----
      ts = performance.now();
      const last = to - 1;
      const { expiries, sizes } = lists.refresh(snap, last, from, to);
      for (const e of expiries) {
        main.expiry(e.subject, e.kind, e.entry.termEnd!, e.entry.agency, e.entry.case);
        send(k + 2, districtOf(e.subject), MSG_LISTING_ENDED, e.subject, e.entry.termEnd!);
      }
      const monthEnd = epochKind === 'month' || iso(to - 1).slice(0, 7) !== iso(to).slice(0, 7) || to === end;
      if (scoring && monthEnd) scoring.rescore(mirror, last, snap);
      engineMs += performance.now() - ts;
      // ---- 6. collectors, monthly ----
      if (monthEnd) {
        const st = monthState(last, world, snap, counts, model.eventTypes, lists.listIds(), sizes);
        const rows: [string, string, number][] = [];
        for (const [name, fn] of Object.entries(collectors))
          for (const [g, v] of fn(st)) rows.push([name, g, v]);
        const date = iso(last);
        for (const [c, g, v] of rows) timeseries.push([date, c, g, v]);
        if (writer) await writer.writeTimeseries(last, rows);
        counts.reset();
      }
      o.onProgress?.({
        day: to,
        start,
        end,
        agentDays,
        records: recordsTotal,
        events: eventsTotal,
        elapsedMs: performance.now() - t0,
      });
    }
  } catch (e) {
    await runner.close();
    await ledgerDone().catch(() => undefined);
    throw e;
  }
  while (registered < initial.length) registerSlice();
  // Ask the workers what they decided but did not yet report, then let them go: their heaps are not needed while the
  // ledger finishes or the outputs are written.
  const unrecorded = [...(await runner.pending()), ...main.unreported()];
  await runner.close();
  const ts = performance.now();
  await ledgerDone();
  ioMs += performance.now() - ts;
  timings.ledger_wait_at_end = Math.round(performance.now() - ts);
  timings.ledger_register = Math.round(ledgerMs.register);
  timings.ledger_append = Math.round(ledgerMs.append);
  timings.step = Math.round(stepMs);
  timings.engine_updates = Math.round(engineMs);
  timings.merge_io = Math.round(ioMs);
  lap('simulate', t);

  t = performance.now();
  let written = { population: 0, firms: 0, events: eventsTotal };
  if (writer && out) {
    // Not overlapped with the population tables below: on 2 cores the export's threads and the main thread's CSV
    // formatting slowed each other down (10.7 s together vs 2.0 + 7.9 s in turn, decision 0066).
    await ledger.export('parquet', join(out, 'records.parquet'));
    written = await writer.finish({
      world,
      ids,
      eventTypes: model.eventTypes,
      eventKinds: model.eventKinds,
      eventSeverities: eventSeverities(model),
      agencyCodes: model.agencies.map((a) => a.code),
      unrecorded,
      threads: Math.max(1, Math.min(workers || 1, availableParallelism())),
    });
  }
  lap('write', t);
  timings.total = Math.round(performance.now() - t0);
  const ledgerCount = await ledger.count();
  const manifest: Manifest = {
    scenario: scenario.scenario.scenario,
    scenarioDir: relative(projectRoot(), scenario.dir) || scenario.dir,
    scenarioHash: scenario.hash,
    overrides: scenario.overrides,
    seed,
    population,
    years,
    start: iso(start),
    end: iso(end - 1),
    step: stepDays === 7 ? 'week' : 'day',
    epoch: epochKind,
    workers,
    versions: {
      mosaic: packageVersion(),
      node: process.version,
      duckdb: duckdbVersion(),
      catalogue: cat.version,
    },
    policies: {
      municipal: scenario.scenario.policies.municipal,
      lists: scenario.scenario.policies.lists,
      ...(scoring ? { scheme: scoring.schemeId } : {}),
    },
    timings,
    counts: {
      residentsInitial: population,
      residentsFinal: population + births - deaths,
      births,
      deaths,
      firms: world.firms.length,
      villages: world.layout.villages,
      households: world.layout.households,
      networkTies: world.net.col.length / 2,
      records: ledgerCount,
      recordsUnreportedAtEnd: unrecorded.length,
      events: eventsTotal,
      fabricated: fabricatedTotal,
      measuresApplied: deniedTotal,
      agentDays,
      populationRows: written.population,
    },
    digests: { records: recHash.digest('hex'), events: evHash.digest('hex') },
  };
  if (out) writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const result: SimResult = { manifest, world, lists, snapshot: snap, timeseries };
  if (o.keepLedger) result.ledger = ledger;
  else await ledger.close();
  return result;
}

function monthStart(day: number): number {
  const d = iso(day);
  return Math.round(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, 1) / 86_400_000);
}

function personId(w: World, i: number): string {
  const P = w.persons;
  return residentId(w.layout.districts[P.district[i]!]!.code, P.birth[i]!, P.seq[i]!);
}

/** Ids of every subject by simulation index: persons existing at the start, '' for birth slots, then firms. */
function subjectIds(w: World): string[] {
  const P = w.persons;
  const F = w.firms;
  const ids = new Array<string>(P.length + F.length).fill('');
  for (const d of w.layout.districts)
    for (let i = d.personStart; i < d.personStart + d.personInitial; i++) ids[i] = personId(w, i);
  for (let f = 0; f < F.length; f++)
    ids[P.length + f] = firmUscc(
      w.typePairs[F.sector[f]!]!,
      w.layout.districts[F.district[f]!]!.code,
      F.counter[f]!,
    );
  return ids;
}

const REGISTER_SLICE = 90_000;
/** Below this heap size the main thread never forces a collection (a 100k-resident run stays under it). */
const MAIN_HEAP_FLOOR_MB = 384;

/** Simulation indexes of the persons existing at the start (not the birth slots), then of the firms. */
function initialSubjects(w: World): Int32Array {
  const out: number[] = [];
  for (const d of w.layout.districts)
    for (let i = d.personStart; i < d.personStart + d.personInitial; i++) out.push(i);
  for (let f = 0; f < w.firms.length; f++) out.push(w.persons.length + f);
  return Int32Array.from(out);
}

async function registerSubjects(
  ledger: Ledger,
  w: World,
  ids: string[],
  subjects: Int32Array,
  scheme?: string,
): Promise<void> {
  // Batches are handed over without waiting for each to be stored: the ledger serialises them at once (so these
  // objects die young) and loads the queued ones together.
  const stored: Promise<void>[] = [];
  let batch = [];
  for (const i of subjects) {
    batch.push(registerEntry(w, ids, i, scheme));
    if (batch.length >= 10_000) {
      stored.push(ledger.putSubjects(batch));
      batch = [];
    }
  }
  if (batch.length) stored.push(ledger.putSubjects(batch));
  await Promise.all(stored);
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

function eventSeverities(m: Model): (string | undefined)[] {
  const out: (string | undefined)[] = new Array(m.eventTypes.length).fill(undefined);
  for (const f of m.families) for (const o of f.outcomes) out[o.eventType] = o.severity;
  for (const s of Object.values(m.stages)) out[s.eventType] = s.severity;
  for (const o of [...m.appraisal, ...m.stars.map((s) => s.outcome), m.starPenalty, m.funeral])
    out[o.eventType] = o.severity;
  m.consumption.eventTypes.forEach((t, a) => (out[t] = m.consumption.actions[a]));
  return out;
}

let pkgVersion: string | undefined;
function packageVersion(): string {
  if (!pkgVersion) {
    try {
      pkgVersion = (JSON.parse(readText(join(projectRoot(), 'package.json'))) as { version: string }).version;
    } catch {
      pkgVersion = 'unknown';
    }
  }
  return pkgVersion;
}
function duckdbVersion(): string {
  try {
    return (
      JSON.parse(readText(join(projectRoot(), 'node_modules', '@duckdb', 'node-api', 'package.json'))) as {
        version: string;
      }
    ).version;
  } catch {
    return 'unknown';
  }
}
function readText(p: string): string {
  return readFileSync(p, 'utf8');
}

/**
 * Agencies whose statements need the whole city or the engines, so they act on the main thread in a fixed order:
 * the credit office (officer entries), implementing agencies (refused purchases), the court (expiry statements).
 */
class MainAgencies {
  private readonly m: Model;
  private readonly cal: WorkingCalendar;
  private readonly ids: string[];
  private readonly seq: Int32Array;
  private readonly byCode: Map<string, CompiledAgency>;
  private pending: { r: CreditRecord; s: number; day: number }[] = [];
  private readonly firmOfficerListed = new Set<string>();
  private readonly rng: Rng;

  constructor(m: Model, cal: WorkingCalendar, ids: string[], rng: Rng) {
    this.rng = rng;
    this.m = m;
    this.cal = cal;
    this.ids = ids;
    this.seq = new Int32Array(m.agencies.length);
    this.byCode = new Map(m.agencies.map((a) => [a.code, a]));
  }

  private make(
    subject: number,
    kind: string,
    day: number,
    a: CompiledAgency,
    delay: number,
    basis?: string,
    severity?: string,
  ): string {
    const reported = this.cal.addWorkingDays(day, delay);
    const input: Parameters<typeof makeRecord>[0] = {
      subject: this.ids[subject]!,
      kind,
      occurredAt: iso(day),
      reportedAt: iso(reported),
      agency: a.code,
      basis: basis ?? `${a.basis}; ${a.docPrefix} [${iso(day).slice(0, 4)}] central-${++this.seq[a.index]!}`,
    };
    if (severity !== undefined) input.severity = severity;
    const r = makeRecord(input);
    this.pending.push({ r, s: subject, day: reported });
    return r.id;
  }

  private delay(a: CompiledAgency): number {
    return a.minDelay + this.rng.int(a.maxDelay - a.minDelay + 1);
  }

  /** The credit office enters a statement about a firm's legal representative when the firm is listed or performs. */
  officerStatements(batch: CreditRecord[], subj: number[], w: World): void {
    const S = this.m.stages;
    const listing = S['credit.listing']!;
    const deletion = S['credit.deletion']!;
    const P = w.persons.length;
    for (let k = 0; k < batch.length; k++) {
      const r = batch[k]!;
      const s = subj[k]!;
      if (s < P) continue;
      const rep = w.firms.legalRep[s - P]!;
      if (rep < 0) continue;
      const occurred = Math.round(Date.parse(r.occurredAt) / 86_400_000);
      if (r.kind === listing.kind) {
        const st = S['credit.officer_listed']!;
        const a = this.m.agencies[st.agency]!;
        this.firmOfficerListed.add(r.basis);
        this.make(rep, st.kind, occurred, a, this.delay(a), r.basis);
      } else if (
        r.kind === deletion.kind &&
        r.severity === deletion.severity &&
        this.firmOfficerListed.has(r.basis)
      ) {
        const st = S['credit.officer_performed']!;
        const a = this.m.agencies[st.agency]!;
        this.make(rep, st.kind, occurred, a, this.delay(a), r.basis);
      }
    }
  }

  /** Each attempt at a restricted action is decided by the lists engine; refusals become receipts and events. */
  resolveAttempts(
    d: DistrictOutput,
    lists: ListsSeam,
    w: World,
    c: MonthCounts,
    gs: Int32Array,
  ): { events: EventBuffers; denied: number } {
    const A = d.attempts;
    const C = this.m.consumption;
    let denied = 0;
    const ev = {
      id: [] as number[],
      subject: [] as number[],
      type: [] as number[],
      day: [] as number[],
      agency: [] as number[],
      recorded: [] as number[],
      recordId: [] as string[],
    };
    for (let k = 0; k < A.subject.length; k++) {
      const s = A.subject[k]!;
      const a = A.action[k]!;
      const day = A.day[k]!;
      // Attempts the engine allows happen unrecorded and are not events of interest.
      if (lists.decide(s, a, day) < 2) continue;
      const ag = this.m.agencies[C.agencies[a]!]!;
      const recorded = A.u[k]! < ag.coverage;
      let rid = '';
      if (recorded) {
        rid = this.make(
          s,
          this.m.eventKinds[C.eventTypes[a]!]!,
          day,
          ag,
          A.delay[k]!,
          undefined,
          C.actions[a],
        );
        denied++;
        if (s < w.persons.length) {
          const n = groupsOf(w, s, gs);
          for (let g = 0; g < n; g++) c.denied[gs[g]!]!++;
        }
      }
      ev.id.push(A.eventId[k]!);
      ev.subject.push(s);
      ev.type.push(C.eventTypes[a]!);
      ev.day.push(day);
      ev.agency.push(ag.index);
      ev.recorded.push(recorded ? 1 : 0);
      ev.recordId.push(rid);
    }
    return {
      denied,
      events: {
        id: Float64Array.from(ev.id),
        subject: Int32Array.from(ev.subject),
        type: Uint16Array.from(ev.type),
        day: Int32Array.from(ev.day),
        amount: new Float64Array(ev.id.length).fill(NaN),
        agency: Int16Array.from(ev.agency),
        recorded: Uint8Array.from(ev.recorded),
        fabricated: new Uint8Array(ev.id.length),
        recordId: ev.recordId,
      },
    };
  }

  /** The court records that a listing ended at its term (list definition's expiry kind), within its deadline. */
  expiry(
    subject: number,
    kind: string,
    termEnd: number,
    agencyCode: string,
    caseNo: string | undefined,
  ): void {
    const a = this.byCode.get(agencyCode) ?? this.m.agencies[this.m.stages['credit.listing']!.agency]!;
    this.make(subject, kind, termEnd, a, this.delay(a), caseNo);
  }

  /** Move statements whose report day falls before `to` into the batch. */
  flush(batch: CreditRecord[], subj: number[], to: number): void {
    const keep: typeof this.pending = [];
    for (const p of this.pending) {
      if (p.day < to) {
        batch.push(p.r);
        subj.push(p.s);
      } else keep.push(p);
    }
    this.pending = keep;
  }

  unreported(): string[] {
    return this.pending.map((p) => p.r.id);
  }
}
