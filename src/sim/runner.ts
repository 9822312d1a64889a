// Runs the districts of one epoch: inline on the main thread, or spread over worker threads by district. Either way
// the outputs come back in district order, so results do not depend on the number of workers.
import { Worker } from 'node:worker_threads';
import { shippedCalendar, type WorkingCalendar } from '../core/calendar.js';
import { loadCatalogue } from '../core/catalogue.js';
import { MosaicError } from '../core/errors.js';
import { compiledWorker } from '../core/paths.js';
import { DistrictSim, type DistrictOutput } from './district.js';
import { compileModel, type Model } from './model.js';
import { resolvePolicyPath, type Scenario } from './scenario.js';
import { receiveSnapshot, type Snapshot } from './snapshot.js';
import type { ColumnBuffers } from './columns.js';
import { receiveWorld, type World, type WorldTransfer } from './world.js';

export interface RunnerInit {
  world: WorldTransfer;
  /** The two published snapshot buffers (epoch k reads buffer k mod 2). */
  snapshots: ColumnBuffers[];
  seeds: number[];
  stepDays: number;
  defaulterBit: number;
  /** Workers format their events as events.csv lines (the run writes outputs). */
  eventsCsv: boolean;
}

export interface DistrictRunner {
  run(from: number, to: number, inboxes: Int32Array[], snapshot: number): Promise<DistrictOutput[]>;
  /** Ids of records decided but not yet reported (their report day lies after the last epoch). */
  pending(): Promise<string[]>;
  /**
   * Write each district's population lines to `dir/population-NNN.csv` (output.ts writePopulationPart), in
   * parallel; the files in district order and the rows. Absent where the main thread would only do the same work.
   */
  population?(dir: string): Promise<{ files: string[]; rows: number }>;
  close(): Promise<void>;
}

/**
 * The scenario as a worker receives it: the loaded values without the parsed YAML documents, which are not
 * structured-cloneable and serve only to locate problems, all of which the main thread found (or not) already.
 * Cloning it costs milliseconds where parsing and checking the folder again cost each worker about half a second.
 */
export type WorkerScenario = Omit<Scenario, 'docs'>;

export function workerScenario(s: Scenario): WorkerScenario {
  const { docs: _docs, ...rest } = s;
  return rest;
}

/** What a district simulation needs beside the world: the scenario, its compiled model and the calendar. */
export interface DistrictBase {
  scenario: Scenario;
  model: Model;
  cal: WorkingCalendar;
}

/** Compile the model of a scenario the main thread has loaded and checked (inside a worker: its clone). */
export function districtBase(scenario: WorkerScenario): DistrictBase {
  // compileModel reads the documents only to place a problem; the main thread compiled the same values without one.
  const s = { ...scenario, docs: {} } as Scenario;
  const cat = loadCatalogue(resolvePolicyPath(s, s.scenario.policies.catalogue));
  return { scenario: s, model: compileModel(s, cat), cal: shippedCalendar({ fallback: 'weekends' }) };
}

/** Build the district simulations of `districts` (used by the inline runner and inside each worker). */
export function makeDistricts(
  base: DistrictBase,
  init: RunnerInit,
  districts: number[],
  world?: World,
  snaps?: Snapshot[],
): DistrictSim[] {
  const { scenario: s, model, cal } = base;
  const w = world ?? receiveWorld(init.world);
  const sn = snaps ?? init.snapshots.map(receiveSnapshot);
  return districts.map(
    (d) =>
      new DistrictSim(w, model, s, sn, cal, {
        district: w.layout.districts[d]!,
        seed: init.seeds[d]!,
        stepDays: init.stepDays,
        defaulterBit: init.defaulterBit,
      }),
  );
}

export class InlineRunner implements DistrictRunner {
  private readonly sims: DistrictSim[];
  constructor(init: RunnerInit, scenario: Scenario, model: Model, world: World, snaps: Snapshot[]) {
    this.sims = makeDistricts(
      { scenario, model, cal: shippedCalendar({ fallback: 'weekends' }) },
      init,
      world.layout.districts.map((d) => d.index),
      world,
      snaps,
    );
  }
  async run(from: number, to: number, inboxes: Int32Array[], snapshot: number): Promise<DistrictOutput[]> {
    return this.sims.map((s) => s.runEpoch(from, to, inboxes[s.d.index]!, snapshot));
  }
  async pending(): Promise<string[]> {
    return this.sims.flatMap((s) => s.pendingIds());
  }
  async close(): Promise<void> {}
}

/** The compiled worker script. Tests run from sources, so they use the build in dist/ (npm test builds first). */
export function workerScript(): string {
  const script = compiledWorker(import.meta.url, 'sim/worker.js');
  if (script) return script;
  throw new MosaicError({
    code: 'sim.worker_missing',
    message: 'worker threads need the compiled worker: run `npm run build` first',
  });
}

/**
 * Districts are dealt to workers largest first (longest-processing-time rule) so the epoch's slowest worker is as
 * quick as it can be; the assignment changes which thread computes a district, never what it computes.
 */
export function assignDistricts(sizes: number[], workers: number): number[][] {
  const order = sizes.map((n, i) => [n, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const load = new Array<number>(workers).fill(0);
  const out: number[][] = Array.from({ length: workers }, () => []);
  for (const [n, i] of order) {
    let best = 0;
    for (let w = 1; w < workers; w++) if (load[w]! < load[best]!) best = w;
    out[best]!.push(i);
    load[best]! += n;
  }
  return out.map((a) => a.sort((x, y) => x - y));
}

/**
 * Worker threads spawned before the world exists: each loads its modules, the catalogue and the model while the main
 * thread builds the world (on 2 cores the second core is otherwise idle then), and builds its districts once `start`
 * hands it the world.
 */
export class WorkerRunner implements DistrictRunner {
  private workers: Worker[] = [];
  private assignment: number[][] = [];
  private ready: Promise<void>[] = [];
  /** Settles when every worker has booted (scenario and model in hand) or one has failed. */
  private readonly booted: Promise<void>[];

  constructor(scenario: Scenario, workers: number) {
    const script = workerScript();
    const data = { scenario: workerScenario(scenario) };
    for (let k = 0; k < Math.max(1, workers); k++)
      this.workers.push(new Worker(script, { workerData: data }));
    this.booted = this.workers.map((w) => this.answer(w, 'booted'));
    // A failure before `start` is reported by `start`'s caller awaiting `ready`, never left unhandled.
    for (const b of this.booted) b.catch(() => undefined);
  }

  /** The next message of `w`, which must be of `type` (anything else, or a thread error, rejects). */
  private answer(w: Worker, type: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      w.once('error', onError);
      w.once('message', (m: { type: string; error?: string }) => {
        w.off('error', onError);
        if (m.type === type) resolve();
        else reject(new Error(m.error ?? 'worker failed to start'));
      });
    });
  }

  /** Deal the districts to the workers and hand each the world; workers left without a district are let go. */
  start(init: RunnerInit): void {
    const assignment = assignDistricts(
      init.world.layout.districts.map((d) => d.personInitial),
      Math.min(this.workers.length, init.world.layout.districts.length),
    );
    const keep: Worker[] = [];
    this.ready = [];
    assignment.forEach((districts, k) => {
      const w = this.workers[k]!;
      if (!districts.length) return;
      keep.push(w);
      this.assignment.push(districts);
      this.ready.push(
        this.booted[k]!.then(() => {
          const r = this.answer(w, 'ready');
          w.postMessage({ type: 'init', init, districts });
          return r;
        }),
      );
    });
    for (const w of this.workers) if (!keep.includes(w)) void w.terminate();
    this.workers = keep;
    for (const r of this.ready) r.catch(() => undefined);
  }

  async run(from: number, to: number, inboxes: Int32Array[], snapshot: number): Promise<DistrictOutput[]> {
    await Promise.all(this.ready);
    const parts = await Promise.all(
      this.workers.map(
        (w, k) =>
          new Promise<DistrictOutput[]>((resolve, reject) => {
            const onError = (e: Error) => reject(e);
            w.once('error', onError);
            w.once(
              'message',
              (m: { type: string; outputs?: DistrictOutput[]; error?: string; issues?: unknown }) => {
                w.off('error', onError);
                if (m.type === 'epoch') resolve(m.outputs!);
                else
                  reject(
                    m.issues ? new MosaicError(m.issues as never) : new Error(m.error ?? 'worker error'),
                  );
              },
            );
            w.postMessage({
              type: 'epoch',
              from,
              to,
              snapshot,
              inboxes: this.assignment[k]!.map((d) => inboxes[d]!),
            });
          }),
      ),
    );
    return parts.flat().sort((a, b) => a.district - b.district);
  }

  async pending(): Promise<string[]> {
    const parts = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<{ district: number; ids: string[] }[]>((resolve, reject) => {
            w.once(
              'message',
              (m: { type: string; pending?: { district: number; ids: string[] }[]; error?: string }) =>
                m.type === 'pending' ? resolve(m.pending!) : reject(new Error(m.error ?? 'worker error')),
            );
            w.postMessage({ type: 'pending' });
          }),
      ),
    );
    return parts
      .flat()
      .sort((a, b) => a.district - b.district)
      .flatMap((p) => p.ids);
  }

  async population(dir: string): Promise<{ files: string[]; rows: number }> {
    const parts = await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<{ district: number; file: string; rows: number }[]>((resolve, reject) => {
            w.once(
              'message',
              (m: {
                type: string;
                parts?: { district: number; file: string; rows: number }[];
                error?: string;
              }) =>
                m.type === 'population' ? resolve(m.parts!) : reject(new Error(m.error ?? 'worker error')),
            );
            w.postMessage({ type: 'population', dir });
          }),
      ),
    );
    const all = parts.flat().sort((a, b) => a.district - b.district);
    return { files: all.map((p) => p.file), rows: all.reduce((n, p) => n + p.rows, 0) };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
