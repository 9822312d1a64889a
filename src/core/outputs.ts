// Safe output paths: create directories without hanging, and never overwrite what a command did not create.
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MosaicError } from './errors.js';

/** Marker file naming the kind of output a directory holds and the entries the command created there. */
export const OUTPUT_MARKER = '.mosaic-output.json';

interface Marker {
  kind: string;
  created: string[];
}

const errnoText = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * `mkdir -p` that cannot hang and always fails with a code. Node's recursive mkdir loops forever on a path whose
 * parent refuses new entries without saying EEXIST (e.g. /proc/nope), so this walks up to the nearest existing
 * ancestor and creates each level itself.
 */
export function ensureDir(dir: string, what = 'directory'): string {
  const path = resolve(dir);
  const missing: string[] = [];
  let p = path;
  while (!existsSync(p)) {
    missing.push(p);
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  if (existsSync(p) && !statSync(p).isDirectory())
    throw new MosaicError({
      code: 'output.not_a_directory',
      message: `${what} ${path}: ${p} is a file, not a directory`,
      location: { file: p },
    });
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(m).isDirectory()) continue;
      throw new MosaicError({
        code: 'output.cannot_create',
        message: `cannot create ${what} ${path}: ${errnoText(e)} at ${m}`,
        location: { file: m },
      });
    }
  }
  return path;
}

function readMarker(dir: string): Marker | undefined {
  const f = join(dir, OUTPUT_MARKER);
  if (!existsSync(f)) return undefined;
  try {
    const m = JSON.parse(readFileSync(f, 'utf8')) as Marker;
    if (typeof m.kind === 'string' && Array.isArray(m.created)) return m;
  } catch {
    // An unreadable marker proves nothing: the directory is treated as someone else's.
  }
  return undefined;
}

export interface OutputDirOptions {
  /** What writes the directory, e.g. 'sim-run' or 'audit-report'. */
  kind: string;
  /** The entries (files or folders directly inside the directory) this kind of output consists of. */
  entries: readonly string[];
  /** Replace a previous output of the same kind. */
  force?: boolean;
  /** Recognises an output of this kind written before markers existed; its entries are then `entries`. */
  legacy?: (dir: string, names: readonly string[]) => boolean;
  /** The option naming the directory, for messages (default '--out'). */
  flag?: string;
}

/**
 * Get `dir` ready for a command's output: create it if missing; accept it empty; with `force`, remove the entries a
 * previous output of the same kind created (nothing else). Anything else is refused with a code, so no command
 * deletes or overwrites files it did not write.
 */
export function prepareOutputDir(dir: string, o: OutputDirOptions): string {
  const path = resolve(dir);
  const flag = o.flag ?? '--out';
  if (existsSync(path) && !lstatSync(path).isDirectory())
    throw new MosaicError({
      code: 'output.not_a_directory',
      message: `${flag} ${path} is a file; give a directory`,
      location: { file: path },
    });
  ensureDir(path, `${flag} directory`);
  const names = readdirSync(path);
  if (names.length) {
    const marker = readMarker(path);
    const previous =
      marker ?? (o.legacy?.(path, names) ? { kind: o.kind, created: [...o.entries] } : undefined);
    if (!previous)
      throw new MosaicError({
        code: 'output.not_empty',
        message: `${flag} ${path} already holds files that Mosaic did not write (${preview(names)}); choose an empty or new directory`,
        location: { file: path },
      });
    if (previous.kind !== o.kind)
      throw new MosaicError({
        code: 'output.other_kind',
        message: `${flag} ${path} holds a ${previous.kind} output, not a ${o.kind}; choose another directory`,
        location: { file: path },
      });
    if (!o.force)
      throw new MosaicError({
        code: 'output.exists',
        message: `${flag} ${path} holds a previous ${o.kind}; pass --force to replace it, or choose another directory`,
        location: { file: path },
      });
    // The kind's current entries count as its own too: a marker written by an older version lists fewer of them
    // (e.g. a run marked before `finance` joined the run's entries), and leaving those would keep stale data.
    for (const name of new Set([...previous.created, ...o.entries]))
      if (safeName(name)) rmSync(join(path, name), { recursive: true, force: true });
  }
  const marker: Marker = { kind: o.kind, created: [...o.entries] };
  writeFileSync(join(path, OUTPUT_MARKER), JSON.stringify(marker) + '\n');
  return path;
}

/** Entries are single names inside the directory: a marker that names '..' or a path must not reach outside it. */
const safeName = (n: string) =>
  typeof n === 'string' && n !== '' && n !== '.' && n !== '..' && !/[\\/]/.test(n);

function preview(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, … ${names.length} entries`;
}

/** File formats a command may replace with --force; anything else at the path is refused. */
export type OutputFileKind = 'parquet' | 'csv' | 'jsonl' | 'duckdb';

export interface OutputFileOptions {
  kind: OutputFileKind;
  force?: boolean;
  /** Files that are never written (the open ledger and its write-ahead log). */
  protect?: readonly string[];
  flag?: string;
  /** Accept an existing file without --force when this says it is the command's own previous output. */
  ownPrevious?: (file: string) => boolean;
}

/** Check that `file` may be written by a command producing `kind`; creates its directory. Returns the absolute path. */
export function prepareOutputFile(file: string, o: OutputFileOptions): string {
  const path = resolve(file);
  const flag = o.flag ?? '--out';
  for (const p of o.protect ?? [])
    if (samePath(path, p) || samePath(path, p + '.wal'))
      throw new MosaicError({
        code: 'output.is_ledger',
        message: `${flag} ${path} is the ledger's own database file; write the output elsewhere`,
        location: { file: path },
      });
  ensureDir(dirname(path), `${flag} directory`);
  if (!existsSync(path)) return path;
  if (statSync(path).isDirectory())
    throw new MosaicError({
      code: 'output.is_directory',
      message: `${flag} ${path} is a directory; give a file name`,
      location: { file: path },
    });
  if (!looksLike(path, o.kind))
    throw new MosaicError({
      code: 'output.other_kind',
      message: `${flag} ${path} exists and is not a ${o.kind} file; Mosaic will not overwrite it`,
      location: { file: path },
    });
  if (!o.force && !o.ownPrevious?.(path))
    throw new MosaicError({
      code: 'output.exists',
      message: `${flag} ${path} exists; pass --force to replace it`,
      location: { file: path },
    });
  return path;
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

function head(file: string, n: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** Sniff the first bytes: Parquet starts with PAR1, a DuckDB file has DUCK at byte 8, text files hold no NUL. */
export function looksLike(file: string, kind: OutputFileKind): boolean {
  const b = head(file, 4096);
  if (b.length === 0) return true;
  switch (kind) {
    case 'parquet':
      return b.subarray(0, 4).toString('latin1') === 'PAR1';
    case 'duckdb':
      return b.subarray(8, 12).toString('latin1') === 'DUCK';
    case 'csv':
    case 'jsonl':
      return !b.includes(0) && b.subarray(8, 12).toString('latin1') !== 'DUCK';
  }
}
