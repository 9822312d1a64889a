// The SHA-256 of a file's bytes, streamed (native hashing, far faster than parsing the file): ingest's receipt key.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function fileSha256(file: string): Promise<{ hex: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const buf of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    h.update(buf);
    bytes += buf.length;
  }
  return { hex: h.digest('hex'), bytes };
}
