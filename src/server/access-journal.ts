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

/**
 * A segment's size: it is made this long and zero-filled (and that made durable) before its first row, and sealed (the
 * next one started) when a group no longer fits. Overwriting bytes that are already allocated and on disk leaves
 * ext4 and its peers no metadata to journal (no new block, no new file size), so each O_DSYNC write of a group is one
 * data write instead of a data write plus a journal commit (decision 0169). Sealed segments are deleted once folded.
 */
export const SEGMENT_BYTES = 8 * 1024 * 1024;
/** Start zero-filling the next segment once the open one is this full, so a rotation rarely waits for it. */
const PREPARE_AT = SEGMENT_BYTES / 2;
const ZEROS = Buffer.alloc(1024 * 1024);

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
    let text = readFileSync(seg.path, 'utf8');
    // The unwritten rest of a segment is zeros; no row holds a NUL (JSON escapes it), so the rows end at the first.
    const end = text.indexOf('\u0000');
    if (end >= 0) text = text.slice(0, end);
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

const writeAt = (fd: number, buf: Buffer, off: number, pos: number) =>
  new Promise<number>((res, rej) =>
    write(fd, buf, off, buf.length - off, pos, (e, n) => (e ? rej(e) : res(n))),
  );
const closeFd = (fd: number) => new Promise<void>((res, rej) => close(fd, (e) => (e ? rej(e) : res())));
const syncData = (fd: number) => new Promise<void>((res, rej) => fdatasync(fd, (e) => (e ? rej(e) : res())));

/**
 * Create segment `path`, zero-filled to SEGMENT_BYTES with its blocks and size durable, and its name durable in the
 * directory; opened O_DSYNC for the group writes that overwrite it (without O_APPEND: writes go at an offset).
 */
async function createSegment(path: string): Promise<number> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | DSYNC;
  const fd = await new Promise<number>((res, rej) =>
    open(path, flags, 0o644, (e, fd) => (e ? rej(e) : res(fd))),
  );
  try {
    // The fill goes through a plain descriptor: O_DSYNC on each 1 MiB would sync eight times instead of once.
    const plain = await new Promise<number>((res, rej) =>
      open(path, constants.O_WRONLY, (e, f) => (e ? rej(e) : res(f))),
    );
    try {
      for (let off = 0; off < SEGMENT_BYTES; off += ZEROS.length)
        await new Promise<void>((res, rej) =>
          write(plain, ZEROS, 0, Math.min(ZEROS.length, SEGMENT_BYTES - off), off, (e) =>
            e ? rej(e) : res(),
          ),
        );
      await syncData(plain);
    } finally {
      await closeFd(plain);
    }
    syncDir(dirname(path));
    return fd;
  } catch (err) {
    await closeFd(fd).catch(() => undefined);
    throw err;
  }
}

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

  /** Append the rows and return once they are on disk (one O_DSYNC write on libuv's pool). */
  async write(rows: readonly AccessRow[], text: string): Promise<void> {
    if (this.broken) throw this.broken;
    try {
      const buf = Buffer.from(text, 'utf8');
      if (!this.current || (this.current.bytes > 0 && this.current.bytes + buf.length > SEGMENT_BYTES))
        await this.rotate();
      const seg = this.current!;
      // The segment is opened O_DSYNC: each write returns once its bytes are on disk, as write + fdatasync would, in
      // one libuv request instead of two. The callback API, not FileHandle: no promise machinery per group. (A group
      // larger than a segment, never seen at 5,000 rows a group, grows the file: still correct, only slower.)
      let off = 0;
      while (off < buf.length) off += await writeAt(seg.fd, buf, off, seg.bytes + off);
      if (!DSYNC) await syncData(seg.fd);
      seg.bytes += buf.length;
      seg.lastSeq = rows.at(-1)?.seq ?? seg.lastSeq;
      if (seg.bytes >= PREPARE_AT && !this.spare) this.prepare();
    } catch (err) {
      this.broken = err as Error;
      throw err;
    }
  }

  /** The next segment, zero-filled in the background while the open one fills. */
  private spare: { n: number; path: string; fd: Promise<number> } | undefined;

  private prepare(): void {
    const n = this.next++;
    const path = `${this.base}.access-journal.${n}`;
    const fd = createSegment(path);
    fd.catch(() => undefined); // awaited (and its error thrown) by the rotation that takes it
    this.spare = { n, path, fd };
  }

  private async rotate(): Promise<void> {
    if (this.current) {
      await closeFd(this.current.fd);
      this.sealed.push({ path: this.current.path, lastSeq: this.current.lastSeq });
      this.current = undefined;
    }
    if (!this.spare) this.prepare();
    const { n, path, fd } = this.spare!;
    this.spare = undefined;
    this.current = { n, path, fd: await fd, bytes: 0, lastSeq: 0 };
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
    const spare = this.spare;
    this.spare = undefined;
    if (spare) {
      // Never written: an empty segment, deleted with the folded ones (or read as empty by the next open).
      await closeFd(await spare.fd).catch(() => undefined);
      this.sealed.push({ path: spare.path, lastSeq: 0 });
    }
    if (allFolded) this.folded(Number.MAX_SAFE_INTEGER);
    this.broken = new Error('the access-log journal is closed');
  }
}
