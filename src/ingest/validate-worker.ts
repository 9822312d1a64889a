// Worker thread of parallel ingest (docs/decisions/0176): validates one byte range of a CSV file and posts what it
// found (typed arrays transferred, not copied). Loaded from dist/ (tests run sources; see parallel.ts workerScript).
import { parentPort, workerData } from 'node:worker_threads';
import type { RecordKind } from '../core/catalogue.js';
import { Catalogue } from '../core/catalogue-model.js';
import { MosaicError } from '../core/errors.js';
import { validateRange, type RangeJob } from './parallel.js';

const data = workerData as { kinds: RecordKind[]; version: string; job: RangeJob };
try {
  const { result, transfer } = await validateRange(new Catalogue(data.kinds, data.version), data.job);
  parentPort!.postMessage({ result }, transfer);
} catch (err) {
  if (err instanceof MosaicError) parentPort!.postMessage({ issues: err.issues });
  else parentPort!.postMessage({ error: (err as Error).stack ?? String(err) });
}
