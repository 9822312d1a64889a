// Runs the districts of one epoch: inline on the main thread, or spread over worker threads by district. Either way
// the outputs come back in district order, so results do not depend on the number of workers.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { shippedCalendar } from '../core/calendar.js';
import { loadCatalogue } from '../core/catalogue.js';
import { MosaicError } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { DistrictSim, type DistrictOutput } from './district.js';
import { compileModel } from './model.js';
import { loadScenario, resolvePolicyPath, type Scenario } from './scenario.js';
import { receiveSnapshot, type Snapshot } from './snapshot.js';
import type { ColumnBuffers } from './columns.js';
import { receiveWorld, type World, type WorldTransfer } from './world.js';

export interface RunnerInit {
  scenarioDir: string;
  overrides: Record<string, unknown>;
  world: WorldTransfer;
  /** The two published snapshot buffers (epoch k reads buffer k mod 2). */
  snapshots: ColumnBuffers[];
  seeds: number[];
  stepDays: number;
  defaulterBit: number;
}

export interface DistrictRunner {
  run(from: number, to: number, inboxes: Int32Array[], snapshot: number): Promise<DistrictOutput[]>;
  /** Ids of records decided but not yet reported (their report day lies after the last epoch). */
  pending(): Promise<string[]>;
  close(): Promise<void>;
}

/** Build the district simulations of `districts` (used by the inline runner and inside each worker). */
export function makeDistricts(
  init: RunnerInit,
  districts: number[],
  scenario?: Scenario,
  world?: World,
  snaps?: Snapshot[],
): DistrictSim[] {
  const s = scenario ?? loadScenario(init.scenarioDir, { overrides: init.overrides });
  const cat = loadCatalogue(resolvePolicyPath(s, s.scenario.policies.catalogue));
  const model = compileModel(s, cat);
  const w = world ?? receiveWorld(init.world);
  const sn = snaps ?? init.snapshots.map(receiveSnapshot);
  const cal = shippedCalendar({ fallback: 'weekends' });
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
  constructor(init: RunnerInit, scenario: Scenario, world: World, snaps: Snapshot[]) {
    this.sims = makeDistricts(
      init,
      world.layout.districts.map((d) => d.index),
      scenario,
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
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = shipped('dist', 'src', 'sim', 'worker.js');
  if (existsSync(built)) return built;
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

export class WorkerRunner implements DistrictRunner {
  private readonly workers: Worker[] = [];
  private readonly assignment: number[][];
  private readonly ready: Promise<void>[];

  constructor(init: RunnerInit, workers: number) {
    const script = workerScript();
    this.assignment = assignDistricts(
      init.world.layout.districts.map((d) => d.personInitial),
      Math.min(workers, init.world.layout.districts.length),
    ).filter((a) => a.length > 0);
    this.ready = this.assignment.map((districts) => {
      const w = new Worker(script, { workerData: { init, districts } });
      this.workers.push(w);
      return new Promise<void>((resolve, reject) => {
        w.once('message', (m: { type: string; error?: string }) =>
          m.type === 'ready' ? resolve() : reject(new Error(m.error ?? 'worker failed to start')),
        );
        w.once('error', reject);
      });
    });
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

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
