// The due-process log: an append-only, idempotent store of statements, read as of a day. Memory and file adapters.
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { MosaicError } from '../core/errors.js';
import { statementId, type Draft, type Statement } from './statements.js';

export interface LogAppendResult {
  inserted: number;
  duplicates: number;
}

/** Statements in the order they were appended; a statement is never changed or removed. */
export interface DueProcessLog {
  readonly adapter: string;
  /**
   * Append a batch atomically: all of it or none. A statement whose id is already stored (or repeated in the batch)
   * is stored once, so retrying a write is safe.
   */
  append(statements: readonly Statement[]): Promise<LogAppendResult>;
  /** Statements with day <= asOf (all when omitted), in append order. */
  read(asOf?: string): Promise<Statement[]>;
  close(): Promise<void>;
}

/** Refuse statements whose id does not match their content: a stored id is a promise about the content. */
function checkIds(batch: readonly Statement[]): void {
  batch.forEach((s, i) => {
    const { id, ...rest } = s;
    if (statementId(rest as Draft) !== id)
      throw new MosaicError({
        code: 'dueprocess.bad_statement_id',
        message: `statement ${i} (${s.type}) has id ${id}, but its content hashes to ${statementId(rest as Draft)}`,
        location: { path: [i, 'id'] },
      });
  });
}

export class MemoryLog implements DueProcessLog {
  readonly adapter: string = 'memory';
  protected readonly rows: Statement[] = [];
  protected readonly ids = new Set<string>();

  async append(batch: readonly Statement[]): Promise<LogAppendResult> {
    checkIds(batch);
    const fresh = this.fresh(batch);
    this.commit(fresh);
    return { inserted: fresh.length, duplicates: batch.length - fresh.length };
  }

  protected fresh(batch: readonly Statement[]): Statement[] {
    const seen = new Set<string>();
    return batch.filter((s) => {
      if (this.ids.has(s.id) || seen.has(s.id)) return false;
      seen.add(s.id);
      return true;
    });
  }

  protected commit(fresh: readonly Statement[]): void {
    for (const s of fresh) {
      this.rows.push(s);
      this.ids.add(s.id);
    }
  }

  async read(asOf?: string): Promise<Statement[]> {
    return asOf === undefined ? [...this.rows] : this.rows.filter((s) => s.day <= asOf);
  }

  async close(): Promise<void> {}
}

/**
 * A JSON-lines file, one line per batch, flushed to disk before append returns. A last line torn by a crash was
 * never acknowledged and is ignored on open; every earlier line is intact, so nothing acknowledged is lost.
 */
export class FileLog extends MemoryLog {
  override readonly adapter = 'file';
  private fd: number;

  constructor(readonly file: string) {
    super();
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      const lines = text.split('\n');
      let good = 0; // bytes of the intact prefix
      lines.forEach((line, i) => {
        if (!line) return;
        let batch: Statement[];
        try {
          batch = JSON.parse(line) as Statement[];
        } catch {
          if (i === lines.length - 1) return; // torn tail: the write never completed
          throw new MosaicError({
            code: 'dueprocess.log_corrupt',
            message: `line ${i + 1} of the due-process log is not JSON`,
            location: { file, line: i + 1 },
          });
        }
        this.commit(this.fresh(batch));
        good += Buffer.byteLength(line, 'utf8') + 1;
      });
      // Cut a torn tail off, so the next batch starts on a line of its own and the file stays all intact lines.
      const size = Buffer.byteLength(text, 'utf8');
      if (good < size) truncateSync(file, good);
      else if (good > size) appendFileSync(file, '\n'); // a whole last batch that lost only its newline
    }
    this.fd = openSync(file, 'a');
  }

  override async append(batch: readonly Statement[]): Promise<LogAppendResult> {
    checkIds(batch);
    const fresh = this.fresh(batch);
    if (fresh.length) {
      writeSync(this.fd, JSON.stringify(fresh) + '\n');
      fsyncSync(this.fd);
      this.commit(fresh);
    }
    return { inserted: fresh.length, duplicates: batch.length - fresh.length };
  }

  override async close(): Promise<void> {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
