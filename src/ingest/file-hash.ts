// The SHA-256 of a file's bytes, streamed (native hashing, far faster than parsing the file): ingest's receipt key.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

export async function fileSha256(file: string): Promise<{ hex: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  // One buffer read into again and again (hashing is done with it before the next read): a read stream's fresh 1 MiB
  // buffer per read was new memory each time, faulted in and unmapped again (0192).
  const buf = Buffer.allocUnsafeSlow(1 << 20);
  const fh = await open(file, 'r');
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, bytes);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      bytes += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return { hex: h.digest('hex'), bytes };
}
