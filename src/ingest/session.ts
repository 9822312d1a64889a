// Opens the ledger the CLI's global options name (--ledger, --data-dir, --pg-url) for one command and closes it.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatIssue, MosaicError, type Issue } from '../core/errors.js';
import { maskId } from '../core/identifiers.js';
import { maskText } from '../core/mask.js';
import type { Ledger } from '../ledger/ledger.js';
import { openLedger } from '../ledger/open.js';

export interface GlobalOptions {
  ledger?: string;
  dataDir?: string;
  pgUrl?: string;
}

export interface WithLedgerOptions {
  /**
   * A command that only reads: the ledger must already exist. Opening a DuckDB file creates it, so without this a
   * typo in --data-dir would silently answer from a new, empty ledger.
   */
  mustExist?: boolean;
}

/** The DuckDB ledger file the global options name, or undefined for the server and memory adapters. */
export function ledgerFile(cmd: Command): string | undefined {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const adapter = g.ledger ?? process.env.MOSAIC_LEDGER ?? 'duckdb';
  return adapter === 'duckdb' ? resolve(g.dataDir ?? './data', 'mosaic.duckdb') : undefined;
}

/** Refuse a --data-dir that is a file, or (for read-only commands) one that holds no ledger. */
function checkDataDir(cmd: Command, mustExist: boolean): void {
  const file = ledgerFile(cmd);
  if (!file) return;
  const dir = resolve(cmd.optsWithGlobals<GlobalOptions>().dataDir ?? './data');
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new MosaicError({
      code: 'ledger.data_dir_not_directory',
      message: `--data-dir ${dir} is a file; give the directory that holds (or will hold) mosaic.duckdb`,
      location: { file: dir },
    });
  if (mustExist && !existsSync(file))
    throw new MosaicError({
      code: 'ledger.not_found',
      message: `no ledger at ${file}: ingest records first (mosaic ingest FILE), or pass the right --data-dir`,
      location: { file: join(dir, 'mosaic.duckdb') },
    });
}

/** Run `fn` with the ledger chosen by the global options, closing it afterwards whatever happens. */
export async function withLedger<T>(
  cmd: Command,
  fn: (ledger: Ledger) => Promise<T>,
  opts: WithLedgerOptions = {},
): Promise<T> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  checkDataDir(cmd, opts.mustExist === true);
  const ledger = await openLedger({ adapter: g.ledger, dataDir: g.dataDir, pgUrl: g.pgUrl });
  try {
    return await fn(ledger);
  } finally {
    await ledger.close();
  }
}

/**
 * `subject.not_found` unless the ledger knows `id` (a register entry or any record): an unknown subject must not be
 * scored as if it had a clean record.
 */
export async function assertSubjectKnown(ledger: Ledger, id: string, mask = false): Promise<void> {
  if (await ledger.getSubject(id)) return;
  if ((await ledger.readSubject(id)).length) return;
  throw new MosaicError({
    code: 'subject.not_found',
    message: `${mask ? maskId(id) : id} has no register entry and no records in the ledger`,
    location: { path: ['subject'] },
  });
}

let pipeWatched = false;
/** `mosaic demo | head` closes the pipe early: stop quietly instead of crashing on EPIPE. */
function watchPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
}

/** Applied to every line `out` prints while a masked view is being written (see `maskedOutput`). */
let outputFilter: ((line: string) => string) | undefined;

/**
 * Mask every line printed through `out` from now on: identifiers anywhere in the text (id columns, names, bases,
 * agencies, JSON) are masked, so a public view cannot leak one through a field nobody thought of. `main` turns it
 * off before each command.
 */
export function setOutputMasking(on: boolean): void {
  outputFilter = on ? maskText : undefined;
}

/** Run `fn` with masked output (see setOutputMasking), restoring the previous state afterwards. */
export async function maskedOutput<T>(on: boolean, fn: () => T | Promise<T>): Promise<T> {
  if (!on) return fn();
  const before = outputFilter;
  outputFilter = maskText;
  try {
    return await fn();
  } finally {
    outputFilter = before;
  }
}

/** Standard output and error, one line at a time (tests spy on process.stdout/stderr.write). */
export const out = (line = ''): void => {
  watchPipe();
  process.stdout.write((outputFilter ? outputFilter(line) : line) + '\n');
};
export const err = (line = ''): void => void process.stderr.write(line + '\n');

/** Print issues as `file:line: code: message`, one per line, on standard error. */
export function printIssues(issues: readonly Issue[]): void {
  for (const i of issues) err(formatIssue(i));
}

export function usageError(code: string, message: string): MosaicError {
  return new MosaicError({ code, message });
}
