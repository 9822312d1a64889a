// Worker thread of ingest: the SHA-256 of a file (its receipt key), computed while the main thread stores the file.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { file } = workerData as { file: string };
try {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const buf of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    h.update(buf);
    bytes += buf.length;
  }
  parentPort!.postMessage({ hex: h.digest('hex'), bytes });
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message });
}
