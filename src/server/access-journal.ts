// The access log's write-ahead journal beside a DuckDB ledger file: hash-chained rows are appended to a file and made
// durable with fdatasync before the answer they log is sent; they are folded into the database table later, in large
// batches, and replayed from the file on the next open if a crash came first (docs/decisions/0158).
import {
  constants,
  close,
  closeSync,
  fdatasync,
  fsyncSync,
  open,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  write,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { AccessRow } from './access-log.js';

/** A segment is sealed (a new file started) once it holds this many bytes; sealed segments are deleted once folded. */
const SEGMENT_BYTES = 32 * 1024 * 1024;

/** The segment files of `base`, oldest first: `<base>.access-journal.<n>`. */
export function journalSegments(base: string): { n: number; path: string }[] {
  const dir = dirname(base);
  const prefix = `${basename(base)}.access-journal.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((f) => f.startsWith(prefix) && /^\d+$/.test(f.slice(prefix.length)))
    .map((f) => ({ n: Number(f.slice(prefix.length)), path: join(dir, f) }))
    .sort((a, b) => a.n - b.n);
}

/**
 * Every row the journal holds, in order. A line that does not parse ends its segment: only a write cut short by a
 * crash leaves one, and such a write was never acknowledged (the answer waits for fdatasync).
 */
export function readJournal(base: string): AccessRow[] {
  const out: AccessRow[] = [];
  for (const seg of journalSegments(base)) {
    const text = readFileSync(seg.path, 'utf8');
    for (const line of text.split('\n')) {
      if (!line) continue;
      let row: AccessRow;
      try {
        row = JSON.parse(line) as AccessRow;
      } catch {
        break;
      }
      if (typeof row?.seq !== 'number' || typeof row.hash !== 'string') break;
      out.push(row);
    }
  }
  return out;
}

/** Make a directory entry (a new segment's name) durable: without it an fdatasync'd file may vanish in a crash. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** O_DSYNC where the platform has it (Linux, macOS); elsewhere 0, and every write is followed by fdatasync. */
const DSYNC = (constants as { O_DSYNC?: number }).O_DSYNC ?? 0;

const writeAt = (fd: number, buf: Buffer, off: number) =>
  new Promise<number>((res, rej) =>
    write(fd, buf, off, buf.length - off, null, (e, n) => (e ? rej(e) : res(n))),
  );
const closeFd = (fd: number) => new Promise<void>((res, rej) => close(fd, (e) => (e ? rej(e) : res())));

interface Segment {
  n: number;
  path: string;
  fd: number;
  bytes: number;
  /** The last row written to it (0 while empty). */
  lastSeq: number;
}

/** The writing side: one open segment at a time; callers serialize `write` (the access log's group commit does). */
export class AccessJournal {
  private current: Segment | undefined;
  /** Sealed segments not yet deleted, with their last row. */
  private readonly sealed: { path: string; lastSeq: number }[] = [];
  private next: number;
  /** After a failed write the file's tail is unknown: refuse further writes rather than chain after garbage. */
  private broken: Error | undefined;

  constructor(
    private readonly base: string,
    /** Segments already on disk whose rows are all in the table (deleted by the first `folded`). */
    stale: readonly { n: number; path: string }[],
  ) {
    for (const s of stale) this.sealed.push({ path: s.path, lastSeq: 0 });
    this.next = (stale.at(-1)?.n ?? 0) + 1;
  }

  /** Append the rows and return once they are on disk (write, then fdatasync, both on libuv's pool). */
  async write(rows: readonly AccessRow[], text: string): Promise<void> {
    if (this.broken) throw this.broken;
    try {
      if (!this.current || this.current.bytes >= SEGMENT_BYTES) await this.rotate();
      const seg = this.current!;
      const buf = Buffer.from(text, 'utf8');
      // The segment is opened O_DSYNC: each write returns once its bytes (and the size that reaches them) are on
      // disk, as write + fdatasync would, in one libuv request instead of two. The callback API, not FileHandle:
      // no promise machinery per group.
      let off = 0;
      while (off < buf.length) off += await writeAt(seg.fd, buf, off);
      if (!DSYNC) await new Promise<void>((res, rej) => fdatasync(seg.fd, (e) => (e ? rej(e) : res())));
      seg.bytes += buf.length;
      seg.lastSeq = rows.at(-1)?.seq ?? seg.lastSeq;
    } catch (err) {
      this.broken = err as Error;
      throw err;
    }
  }

  private async rotate(): Promise<void> {
    if (this.current) {
      await closeFd(this.current.fd);
      this.sealed.push({ path: this.current.path, lastSeq: this.current.lastSeq });
    }
    const n = this.next++;
    const path = `${this.base}.access-journal.${n}`;
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | DSYNC;
    const fd = await new Promise<number>((res, rej) =>
      open(path, flags, 0o644, (e, fd) => (e ? rej(e) : res(fd))),
    );
    syncDir(dirname(path));
    this.current = { n, path, fd, bytes: 0, lastSeq: 0 };
  }

  /** Rows up to `seq` are committed to the table: delete the sealed segments that hold nothing newer. */
  folded(seq: number): void {
    while (this.sealed.length && this.sealed[0]!.lastSeq <= seq) {
      const s = this.sealed.shift()!;
      try {
        unlinkSync(s.path);
      } catch {
        // already gone; a segment left behind is replayed idempotently (by sequence number) on the next open
      }
    }
  }

  /** Close the open segment; with `allFolded`, every row is in the table and the journal's files can go. */
  async close(allFolded: boolean): Promise<void> {
    const cur = this.current;
    this.current = undefined;
    if (cur) {
      await closeFd(cur.fd);
      this.sealed.push({ path: cur.path, lastSeq: cur.lastSeq });
    }
    if (allFolded) this.folded(Number.MAX_SAFE_INTEGER);
    this.broken = new Error('the access-log journal is closed');
  }
}
