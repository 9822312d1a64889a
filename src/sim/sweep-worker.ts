// Worker-thread entry of a sweep: runs one whole simulation (districts inline) and posts its manifest back.
import { parentPort, workerData } from 'node:worker_threads';
import { MosaicError } from '../core/errors.js';
import { runSimulation, type SimOptions } from './engine.js';

runSimulation(workerData as SimOptions).then(
  (r) => parentPort!.postMessage({ manifest: r.manifest }),
  (e: unknown) =>
    parentPort!.postMessage({
      error: (e as Error).stack ?? String(e),
      issues: e instanceof MosaicError ? e.issues : undefined,
    }),
);
