// Opens the ledger the CLI's global options name (--ledger, --data-dir, --pg-url) for one command and closes it.
import type { Command } from 'commander';
import { formatIssue, MosaicError, type Issue } from '../core/errors.js';
import type { Ledger } from '../ledger/ledger.js';
import { openLedger } from '../ledger/open.js';

export interface GlobalOptions {
  ledger?: string;
  dataDir?: string;
  pgUrl?: string;
}

/** Run `fn` with the ledger chosen by the global options, closing it afterwards whatever happens. */
export async function withLedger<T>(cmd: Command, fn: (ledger: Ledger) => Promise<T>): Promise<T> {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  const ledger = await openLedger({ adapter: g.ledger, dataDir: g.dataDir, pgUrl: g.pgUrl });
  try {
    return await fn(ledger);
  } finally {
    await ledger.close();
  }
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

/** Standard output and error, one line at a time (tests spy on process.stdout/stderr.write). */
export const out = (line = ''): void => {
  watchPipe();
  process.stdout.write(line + '\n');
};
export const err = (line = ''): void => void process.stderr.write(line + '\n');

/** Print issues as `file:line: code: message`, one per line, on standard error. */
export function printIssues(issues: readonly Issue[]): void {
  for (const i of issues) err(formatIssue(i));
}

export function usageError(code: string, message: string): MosaicError {
  return new MosaicError({ code, message });
}
