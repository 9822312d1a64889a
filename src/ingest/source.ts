// Streams the rows of a CSV (with header) or JSONL file as plain objects with line numbers, chunk by chunk.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { MosaicError, type Issue } from '../core/errors.js';
import { CsvParser, plainFields } from './csv.js';
import { UNSAFE_TEXT } from './row-checks.js';

export type SourceFormat = 'csv' | 'jsonl';

/** One input row: its fields as an object (CSV cells are strings, '' for empty), or the problems found reading it. */
export interface SourceRow {
  line: number;
  value?: Record<string, unknown>;
  /** CSV read with `raw`: the row's cells in header order instead of `value` (no object per row). */
  fields?: string[];
  /** Read-only: rows without problems share one empty list. */
  issues: Issue[];
  /**
   * CSV read with `raw`: true when no text of the file up to this row's chunk holds a character checkTextSafety
   * refuses, so no field of this row can (ingest then skips that per-field check; row-checks.ts). With `lazy` no
   * chunk is scanned: a plain line gets it from lineFields (its own text scanned), any other row is left false.
   */
  textSafe?: boolean;
  /**
   * CSV read with `lazy`: a plain line (no quote) handed out unsplit as text[start, end), `fields` not made and its
   * count not checked yet (lineFields does both when the line is not read in place; docs/decisions/0185).
   */
  text?: string;
  start?: number;
  end?: number;
}

/** Where a lazy CSV read hands its rows as it finds them (readRows' `inline`). */
export interface SourceInline {
  /** A plain line, text[start, end) on `line`, not split (a row of it would have `text`, `start` and `end`). */
  plain(text: string, start: number, end: number, line: number): void;
  /** Any other row after the header. */
  row(row: SourceRow): void;
}

/** The issues of every row without any (never pushed to: a row with problems gets its own list). */
export const NO_ISSUES: Issue[] = Object.freeze([]) as unknown as Issue[];

export function formatOf(file: string): SourceFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new MosaicError({
    code: 'ingest.unknown_format',
    message: `cannot tell the format of ${file} from its extension: use .csv (with a header row) or .jsonl`,
    location: { file },
  });
}

/**
 * The longest line a record file may hold, in characters. A credit record is a few hundred bytes; without a limit a
 * file with one huge line (a lost newline, a binary file) grows a string until V8 fails with "Invalid string length".
 */
export const MAX_LINE_CHARS = 1 << 20;

/**
 * Bytes per read. Not larger: a chunk's rows and records live until the chunk is done, and with 1 MiB chunks they
 * outlived young-generation collections and were promoted (measured: about a third more CPU for the same file).
 */
const READ_CHUNK = 1 << 16;

/** Bytes per read of a range (parallel ingest): handed on in READ_CHUNK pieces. */
const READ_BLOCK = READ_CHUNK * 16;

/**
 * Part of a CSV file read on its own (parallel ingest, docs/decisions/0176): bytes [start, end), `start` at a line
 * start. A range that starts past the header is given the header's names; one that ends before the file's end says
 * after reading whether its parser stopped between records (`endedAtRecord`) and how many lines it read.
 */
export interface ByteRange {
  start: number;
  end: number;
  header?: string[];
  /** The range runs to the file's end: its last record is flushed as a whole file's is. */
  endsFile?: boolean;
  endedAtRecord?: boolean;
  linesRead?: number;
}

/**
 * The bytes of [start, end) in buffers cut where the whole file's reads are cut (multiples of READ_CHUNK), so the
 * line-length check and an encoding error's byte see the same buffers either way. The first buffer of a range that
 * starts mid-read is reported at the offset of the read it is part of.
 */
async function* rangeBuffers(file: string, range: ByteRange): AsyncGenerator<[Buffer, number, number]> {
  const fh = await open(file, 'r');
  // Reads of READ_BLOCK bytes, the next one issued before the current one is handed out: each read is a round trip
  // through libuv's thread pool, and waiting for one per 64 KiB (no read-ahead, unlike a read stream) left the
  // parser idle on a loaded machine.
  // Two buffers, used in turn: a block is read into one while the other's pieces are handed out, and a piece is done
  // with (decoded) before the next is asked for. A fresh 1 MiB buffer per read was fresh memory each time (mapped,
  // faulted in and unmapped again: ≈ 1,200 times at 10M) and external memory the collector counted (0192).
  const buffers = [Buffer.allocUnsafeSlow(READ_BLOCK), Buffer.allocUnsafeSlow(READ_BLOCK)];
  let turn = 0;
  const read = async (at: number): Promise<Buffer> => {
    const to = Math.min(range.end, (Math.floor(at / READ_BLOCK) + 1) * READ_BLOCK);
    const buf = buffers[turn]!.subarray(0, to - at);
    turn ^= 1;
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, at + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === buf.length ? buf : buf.subarray(0, got);
  };
  let next: Promise<Buffer> | undefined;
  try {
    let at = range.start;
    next = at < range.end ? read(at) : undefined;
    while (next) {
      const block = await next;
      const blockEnd = at + block.length;
      next = block.length > 0 && blockEnd < range.end ? read(blockEnd) : undefined;
      // Handed out in the pieces a whole-file read is cut into.
      for (let p = 0; p < block.length;) {
        const abs = at + p;
        const to = Math.min(block.length, (Math.floor(abs / READ_CHUNK) + 1) * READ_CHUNK - at);
        yield [block.subarray(p, to), Math.floor(abs / READ_CHUNK) * READ_CHUNK, at + to];
        p = to;
      }
      at = blockEnd;
    }
  } finally {
    await next?.catch(() => undefined);
    await fh.close();
  }
}

/** The whole file's buffers with each one's start and end byte. */
async function* wholeFile(file: string): AsyncGenerator<[Buffer, number, number]> {
  let offset = 0;
  for await (const buf of createReadStream(file, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>) {
    yield [buf, offset, offset + buf.length];
    offset += buf.length;
  }
}

/** Raw text chunks of a file, decoded strictly as UTF-8; `onBytes` receives the byte count of each chunk. */
async function* textChunks(
  file: string,
  onBytes?: (n: number) => void,
  range?: ByteRange,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = range?.start ?? 0;
  /** Characters since the last newline: only the chunk's tail is looked at, so this costs nothing per row. */
  let lineChars = 0;
  try {
    for await (const [buf, readAt, endAt] of range ? rangeBuffers(file, range) : wholeFile(file)) {
      offset = readAt;
      const text = decoder.decode(buf, { stream: true });
      const nl = text.lastIndexOf('\n');
      lineChars = nl < 0 ? lineChars + text.length : text.length - nl - 1;
      if (lineChars > MAX_LINE_CHARS) await lineTooLong(file, endAt);
      offset = endAt;
      onBytes?.(buf.length);
      if (text) yield text;
    }
    const tail = decoder.decode();
    if (tail) yield tail;
  } catch (err) {
    if (err instanceof TypeError)
      throw new MosaicError({
        code: 'io.bad_encoding',
        message: `not valid UTF-8 (near byte ${offset})`,
        location: { file },
      });
    if (err instanceof MosaicError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new MosaicError({ code: 'io.read_failed', message: e.message, location: { file } });
  }
}

/** Fail with the number of the over-long line, counted on this error path only (the file is read again up to it). */
async function lineTooLong(file: string, upTo: number): Promise<never> {
  let line = 1;
  for await (const buf of createReadStream(file, { start: 0, end: upTo - 1 }) as AsyncIterable<Buffer>) {
    for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) line++;
  }
  throw new MosaicError({
    code: 'ingest.line_too_long',
    message: `a line longer than ${MAX_LINE_CHARS.toLocaleString('en')} characters: a record line is far shorter (is a newline missing, or is this not a CSV/JSONL file?)`,
    location: { file, line },
  });
}

/**
 * Rows of a file, yielded in batches (one per read chunk). CSV header problems abort with a MosaicError; problems
 * in a row are attached to that row so the caller can report them all. `onHeader` sees the CSV column names first
 * and may throw to stop.
 */
export async function* readRows(
  file: string,
  format: SourceFormat = formatOf(file),
  onBytes?: (n: number) => void,
  onHeader?: (names: string[]) => void,
  raw = false,
  /** CSV only: read just these bytes (parallel ingest). */
  range?: ByteRange,
  /** CSV with `raw` only: plain lines unsplit (SourceRow.text). */
  lazy = false,
  /**
   * CSV with `lazy` only: once the header is read, every row goes here as the parser finds it, in file order, a plain
   * line as its range of the chunk with no row made (docs/decisions/0192); the batches yielded (one a chunk) are then
   * empty.
   */
  inline?: SourceInline,
): AsyncGenerator<SourceRow[]> {
  if (format === 'csv')
    yield* csvRows(file, onBytes, onHeader, raw, range, raw && lazy, raw && lazy ? inline : undefined);
  else yield* jsonlRows(file, onBytes);
}

async function* csvRows(
  file: string,
  onBytes?: (n: number) => void,
  onHeader?: (names: string[]) => void,
  raw = false,
  range?: ByteRange,
  lazy = false,
  inline?: SourceInline,
): AsyncGenerator<SourceRow[]> {
  const parser = new CsvParser(true, lazy);
  let header: string[] | undefined;
  if (range?.header) {
    parser.continueAt();
    header = range.header;
    onHeader?.(header);
  }
  // Rows go inline only once the header is known (before, the first line is the header).
  const goInline = () => {
    if (inline)
      parser.inline = {
        plain: inline.plain,
        row: (r) => {
          for (const row of convert([r])) inline.row(row);
        },
      };
  };
  if (header) goInline();
  // Sticky: once a chunk holds an unsafe character, rows from then on are checked field by field.
  let safe = true;
  const convert = (rows: ReturnType<CsvParser['push']>): SourceRow[] => {
    const out: SourceRow[] = [];
    for (const r of rows) {
      if (!header) {
        if (r.error)
          throw new MosaicError({
            code: r.error.code,
            message: r.error.message,
            location: { file, line: r.line },
          });
        header = plainFields(r).map((f) => f.trim());
        onHeader?.(header);
        goInline();
        continue;
      }
      if (r.text !== undefined) {
        out.push({
          line: r.line,
          issues: NO_ISSUES,
          textSafe: safe,
          text: r.text,
          start: r.start,
          end: r.end,
        });
        continue;
      }
      const issues: Issue[] =
        r.error || r.fields.length !== header.length
          ? r.error
            ? [{ code: r.error.code, message: r.error.message, location: { file, line: r.line } }]
            : []
          : NO_ISSUES;
      if (r.fields.length !== header.length) {
        issues.push(fieldCountIssue(r.fields.length, header.length, file, r.line));
        out.push({ line: r.line, issues });
        continue;
      }
      if (raw) {
        out.push({ line: r.line, fields: r.fields, issues, textSafe: safe });
        continue;
      }
      out.push({ line: r.line, value: rowObject(header, r.fields), issues });
    }
    return out;
  };
  for await (const chunk of textChunks(file, onBytes, range)) {
    // One native scan of the chunk instead of one per field of every row (the text is all that rows are made of).
    // Not when lazy: the plain lines are read in place by CsvLineEncoder, whose split checks every character
    // itself, so the scan would be a second pass over them; a line it declines is scanned by lineFields, and the
    // few quoted rows are checked field by field (docs/decisions/0188).
    if (safe && raw) safe = !lazy && !UNSAFE_TEXT.test(chunk);
    const rows = convert(parser.push(chunk));
    if (rows.length || parser.inline) yield rows;
  }
  if (range && !range.endsFile) {
    range.linesRead = parser.linesEnded;
    range.endedAtRecord = parser.atRecordStart();
    // A range cut inside a record (a quoted field holding the cut's line end) is not read to an end: its rows
    // would be wrong, and the caller reads the file on one thread instead.
    if (!range.endedAtRecord) return;
  }
  const rows = convert(parser.end());
  if (rows.length) yield rows;
  if (!header && !range?.header)
    throw new MosaicError({
      code: 'csv.no_header',
      message: 'the file is empty: no header row',
      location: { file },
    });
}

/**
 * A lazy plain line's fields, as a row read without `lazy` has them: `row.fields` set, or (a count other than the
 * header's) `row.issues` set to the csv.field_count issue that row would carry. Returns whether it has fields.
 */
export function lineFields(row: SourceRow, header: readonly string[], file: string): boolean {
  const line = row.text!.slice(row.start, row.end);
  // A lazy read does not scan whole chunks (CsvLineEncoder checks the lines it reads): the line is scanned here.
  row.textSafe = !UNSAFE_TEXT.test(line);
  const fields = line.split(',');
  if (fields.length === header.length) {
    row.fields = fields;
    return true;
  }
  row.issues = [fieldCountIssue(fields.length, header.length, file, row.line)];
  return false;
}

function fieldCountIssue(fields: number, columns: number, file: string, line: number): Issue {
  return {
    code: 'csv.field_count',
    message: `${fields} fields where the header has ${columns}`,
    location: { file, line },
  };
}

/** A CSV row's cells as an object keyed by the header's column names. */
export function rowObject(header: readonly string[], fields: readonly string[]): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (let i = 0; i < header.length; i++) value[header[i]!] = fields[i];
  return value;
}

async function* jsonlRows(file: string, onBytes?: (n: number) => void): AsyncGenerator<SourceRow[]> {
  let rest = '';
  let line = 0;
  let first = true;
  const parseLine = (text: string, out: SourceRow[]) => {
    line++;
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (!text.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      out.push({
        line,
        issues: [{ code: 'jsonl.syntax', message: (err as Error).message, location: { file, line } }],
      });
      return;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      out.push({
        line,
        issues: [
          {
            code: 'jsonl.not_object',
            message: 'each line must hold one JSON object',
            location: { file, line },
          },
        ],
      });
    else out.push({ line, value: v as Record<string, unknown>, issues: [] });
  };
  for await (const chunk of textChunks(file, onBytes)) {
    const out: SourceRow[] = [];
    let at = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', at)) {
      parseLine(rest + chunk.slice(at, nl), out);
      rest = '';
      at = nl + 1;
    }
    rest += chunk.slice(at);
    if (out.length) yield out;
  }
  if (rest) {
    const out: SourceRow[] = [];
    parseLine(rest, out);
    if (out.length) yield out;
  }
}
