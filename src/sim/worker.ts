// Worker-thread entry: boots on the scenario as soon as it is spawned (catalogue, model), then owns a fixed set of
// districts for the whole run, handed over with the world, and simulates them epoch by epoch on request.
import { parentPort, workerData } from 'node:worker_threads';
import { MosaicError } from '../core/errors.js';
import { districtBase, makeDistricts, type RunnerInit, type WorkerScenario } from './runner.js';
import { receiveWorld } from './world.js';
import type { DistrictOutput, DistrictSim } from './district.js';
import { HeapTrim, collectNow } from './heap.js';
import { firmUscc, residentId } from './ids.js';
import { join } from 'node:path';
import { eventsCsv, writePopulationPart } from './output.js';
import { encodeRecords, recordBuffers } from './record-codec.js';
import type { World } from './world.js';

const { scenario } = workerData as { scenario: WorkerScenario };
const port = parentPort!;
const HEAP_FLOOR_MB = 64;

type Message =
  | { type: 'init'; init: RunnerInit; districts: number[] }
  | { type: 'pending' }
  | { type: 'population'; dir: string }
  | { type: 'epoch'; from: number; to: number; snapshot: number; inboxes: Int32Array[] };

try {
  const base = districtBase(scenario);
  let sims: DistrictSim[] = [];
  let formatEvents = false;
  let world: World | undefined;
  // While the main thread merges an epoch, a worker is idle: collecting then costs the run nothing.
  const trim = new HeapTrim(HEAP_FLOOR_MB * 2 ** 20, 1.5);
  port.on('message', (m: Message) => {
    if (m.type === 'init') {
      try {
        world = receiveWorld(m.init.world);
        sims = makeDistricts(base, m.init, m.districts, world);
        formatEvents = m.init.eventsCsv;
        port.postMessage({ type: 'ready' });
      } catch (e) {
        port.postMessage({ type: 'error', error: (e as Error).stack ?? String(e) });
      }
      return;
    }
    if (m.type === 'population') {
      try {
        const w = world!;
        const layouts = sims.map((s) => s.d);
        // The districts' state is not needed any more: it goes before the formatting, near the run's memory peak.
        sims = [];
        collectNow();
        const P = w.persons;
        const F = w.firms;
        const D = w.layout.districts;
        // The names the main thread's ids hold (DistrictContext.subjectId, register.ts subjectIds).
        const idOf = (j: number): string => {
          if (j < P.length) return residentId(D[P.district[j]!]!.code, P.birth[j]!, P.seq[j]!);
          const f = j - P.length;
          return firmUscc(w.typePairs[F.sector[f]!]!, D[F.district[f]!]!.code, F.counter[f]!);
        };
        const parts = layouts.map((d) => {
          const file = join(m.dir, `population-${String(d.index).padStart(3, '0')}.csv`);
          return { district: d.index, file, rows: writePopulationPart(file, w, d, idOf) };
        });
        port.postMessage({ type: 'population', parts });
      } catch (e) {
        port.postMessage({ type: 'error', error: (e as Error).stack ?? String(e) });
      }
      return;
    }
    if (m.type === 'pending') {
      port.postMessage({
        type: 'pending',
        pending: sims.map((s) => ({ district: s.d.index, ids: s.pendingIds() })),
      });
      return;
    }
    try {
      const outputs: DistrictOutput[] = sims.map((s, k) =>
        s.runEpoch(m.from, m.to, m.inboxes[k]!, m.snapshot),
      );
      const transfer: ArrayBuffer[] = [];
      // The main thread is the run's bottleneck and a worker idles while it merges: events are formatted here.
      if (formatEvents)
        outputs.forEach((o, k) => {
          o.eventsCsv = eventsCsv(o.events, (s) => sims[k]!.subjectId(s));
          transfer.push(o.eventsCsv.buffer as ArrayBuffer);
        });
      for (const o of outputs) {
        // Records cross as columns: structured clone of an object per record cost more than building them (0170).
        o.recordCols = encodeRecords(o.records);
        o.records = [];
        transfer.push(...recordBuffers(o.recordCols));
        transfer.push(
          o.recordSubject.buffer as ArrayBuffer,
          o.outbox.buffer as ArrayBuffer,
          o.births.buffer as ArrayBuffer,
          o.loans.buffer as ArrayBuffer,
        );
        for (const v of Object.values(o.events))
          if (ArrayBuffer.isView(v)) transfer.push(v.buffer as ArrayBuffer);
        for (const v of Object.values(o.attempts))
          transfer.push((v as ArrayBufferView).buffer as ArrayBuffer);
      }
      port.postMessage({ type: 'epoch', outputs }, transfer);
      trim.check();
    } catch (e) {
      port.postMessage({
        type: 'error',
        error: (e as Error).stack ?? String(e),
        issues: e instanceof MosaicError ? e.issues : undefined,
      });
    }
  });
  port.postMessage({ type: 'booted' });
} catch (e) {
  port.postMessage({ type: 'error', error: (e as Error).stack ?? String(e) });
}
