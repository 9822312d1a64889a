// The writer's note beside a DuckDB ledger file: who holds it and until when, so another process refused by
// DuckDB's file lock can say the ledger is busy and when to try again (issue 18; docs/decisions/0071).
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { MosaicError } from '../../core/errors.js';

export interface WriterNote {
  pid: number;
  /** The command line of the writing process. */
  command: string;
  /** ISO time the writer opened the ledger. */
  since: string;
  /** What it is doing now, e.g. 'ingest records.csv', and how far along (0–1). */
  activity?: string;
  fraction?: number;
  /** ISO time the activity is expected to end, extrapolated from its progress so far. */
  until?: string;
}

export const noteFile = (ledgerFile: string): string => `${ledgerFile}.writer.json`;

/** Write the note atomically (a reader never sees half of it). */
export function writeNote(ledgerFile: string, note: WriterNote): void {
  const file = noteFile(ledgerFile);
  try {
    writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(note) + '\n');
    renameSync(`${file}.${process.pid}.tmp`, file);
  } catch {
    // The note is a courtesy to other processes; failing to write it must not fail the write it describes.
  }
}

export function removeNote(ledgerFile: string): void {
  rmSync(noteFile(ledgerFile), { force: true });
}

export function readNote(ledgerFile: string): WriterNote | undefined {
  try {
    const v = JSON.parse(readFileSync(noteFile(ledgerFile), 'utf8')) as WriterNote;
    return typeof v.pid === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Tracks one activity's progress and turns it into an expected end time, rewriting the note at most twice a second. */
export class WriterStatus {
  private activity = '';
  private started = 0;
  private written = 0;

  constructor(
    private readonly ledgerFile: string,
    private readonly base: WriterNote,
    private readonly now: () => number = Date.now,
  ) {
    writeNote(ledgerFile, base);
  }

  progress(activity: string, done: number, total: number): void {
    const t = this.now();
    if (activity !== this.activity) {
      this.activity = activity;
      this.started = t;
      this.written = 0;
    }
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    if (t - this.written < 500 && fraction < 1) return;
    this.written = t;
    const note: WriterNote = { ...this.base, activity, fraction };
    const spent = t - this.started;
    if (fraction > 0 && spent > 0)
      note.until = new Date(t + (spent * (1 - fraction)) / fraction).toISOString();
    writeNote(this.ledgerFile, note);
  }

  idle(): void {
    this.activity = '';
    writeNote(this.ledgerFile, this.base);
  }
}

/**
 * The error for a ledger file whose lock another process holds: names the process and, from its note, what it is
 * doing and when it expects to be done. `message` is DuckDB's, which names the holder's PID.
 */
export function busyError(ledgerFile: string, message: string): MosaicError {
  const pid = Number(/PID (\d+)/.exec(message)?.[1] ?? NaN);
  const note = readNote(ledgerFile);
  // A note left by a writer that was killed names another process than the lock's holder: ignore it.
  const live = note && (Number.isNaN(pid) || note.pid === pid) ? note : undefined;
  const hhmm = (iso: string) => iso.replace('T', ' ').slice(0, 19) + ' UTC';
  let text = `${ledgerFile} is busy: another process holds it for writing`;
  if (live) {
    text += ` (pid ${live.pid}: ${live.command}, since ${hhmm(live.since)})`;
    if (live.activity) {
      text += `; it is running ${live.activity}`;
      if (live.fraction !== undefined) text += `, ${Math.floor(live.fraction * 100)}% done`;
      if (live.until) text += `, expected to finish around ${hhmm(live.until)}`;
    }
  } else if (!Number.isNaN(pid)) text += ` (pid ${pid})`;
  text +=
    '. DuckDB lets one process open a ledger file while it writes; try again when it is done, or use PostgreSQL ' +
    '(--ledger postgres) for concurrent readers and writers';
  return new MosaicError({ code: 'ledger.busy', message: text, location: { file: ledgerFile } });
}
