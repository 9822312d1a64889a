// The channel access log: one append-only, hash-chained entry per request decided, in memory or as a JSON-lines file.
// Replaying it rebuilds the budget ledger and the answer cache, so a CLI run picks up where the last one stopped.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { MosaicError, type Location } from '../core/errors.js';
import type { ChannelDecision } from './engine.js';

export interface LogEntry {
  seq: number;
  prev: string;
  hash: string;
  decision: ChannelDecision;
}

export interface ChannelLog {
  entries(): readonly LogEntry[];
  append(decision: ChannelDecision): LogEntry;
}

const GENESIS = '0'.repeat(64);
const hashOf = (seq: number, prev: string, decision: ChannelDecision) =>
  createHash('sha256')
    .update(JSON.stringify([seq, prev, decision]))
    .digest('hex');

export class MemoryChannelLog implements ChannelLog {
  private readonly list: LogEntry[] = [];
  entries(): readonly LogEntry[] {
    return this.list;
  }
  /** Add an entry already chained (see `restore`). */
  push(e: LogEntry): void {
    this.list.push(e);
  }
  append(decision: ChannelDecision): LogEntry {
    const prev = this.list.at(-1)?.hash ?? GENESIS;
    const seq = this.list.length + 1;
    const e = { seq, prev, hash: hashOf(seq, prev, decision), decision };
    this.list.push(e);
    return e;
  }
}

/** Append entries read back from storage, refusing the first one that does not chain to the one before it. */
export function restore(
  log: MemoryChannelLog,
  entries: readonly LogEntry[],
  where: (i: number) => Location,
): void {
  entries.forEach((e, i) => {
    const prev = log.entries().at(-1)?.hash ?? GENESIS;
    if (e.seq !== log.entries().length + 1 || e.prev !== prev || e.hash !== hashOf(e.seq, e.prev, e.decision))
      throw new MosaicError({
        code: 'channel_log.broken_chain',
        message: 'the entry does not chain to the one before it: the log was edited',
        location: where(i),
      });
    log.push(e);
  });
}

/** A JSON-lines log file; its chain is verified on open, and a broken chain is refused with the line at fault. */
export class FileChannelLog extends MemoryChannelLog {
  constructor(private readonly file: string) {
    super();
    if (!existsSync(file)) return;
    const lines: number[] = [];
    const entries: LogEntry[] = [];
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        try {
          entries.push(JSON.parse(line) as LogEntry);
          lines.push(i + 1);
        } catch {
          throw new MosaicError({
            code: 'channel_log.syntax',
            message: 'not JSON',
            location: { file, line: i + 1 },
          });
        }
      });
    restore(this, entries, (i) => ({ file, line: lines[i]! }));
  }
  override append(decision: ChannelDecision): LogEntry {
    const e = super.append(decision);
    appendFileSync(this.file, JSON.stringify(e) + '\n');
    return e;
  }
}
