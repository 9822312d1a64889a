// Worker thread of ingest: the SHA-256 of a file (its receipt key), computed while the main thread stores the file.
import { parentPort, workerData } from 'node:worker_threads';
import { fileSha256 } from './file-hash.js';

const { file } = workerData as { file: string };
try {
  parentPort!.postMessage(await fileSha256(file));
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message });
}
