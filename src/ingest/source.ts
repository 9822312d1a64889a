// Streams the rows of a CSV (with header) or JSONL file as plain objects with line numbers, chunk by chunk.
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { MosaicError, type Issue } from '../core/errors.js';
import { CsvParser } from './csv.js';
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
   * refuses, so no field of this row can (ingest then skips that per-field check; row-checks.ts).
   */
  textSafe?: boolean;
}

/** The issues of every row without any (never pushed to: a row with problems gets its own list). */
const NO_ISSUES: Issue[] = Object.freeze([]) as unknown as Issue[];

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

/** Raw text chunks of a file, decoded strictly as UTF-8; `onBytes` receives the byte count of each chunk. */
async function* textChunks(file: string, onBytes?: (n: number) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  /** Characters since the last newline: only the chunk's tail is looked at, so this costs nothing per row. */
  let lineChars = 0;
  try {
    for await (const buf of createReadStream(file, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>) {
      const text = decoder.decode(buf, { stream: true });
      const nl = text.lastIndexOf('\n');
      lineChars = nl < 0 ? lineChars + text.length : text.length - nl - 1;
      if (lineChars > MAX_LINE_CHARS) await lineTooLong(file, offset + buf.length);
      offset += buf.length;
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
): AsyncGenerator<SourceRow[]> {
  if (format === 'csv') yield* csvRows(file, onBytes, onHeader, raw);
  else yield* jsonlRows(file, onBytes);
}

async function* csvRows(
  file: string,
  onBytes?: (n: number) => void,
  onHeader?: (names: string[]) => void,
  raw = false,
): AsyncGenerator<SourceRow[]> {
  const parser = new CsvParser();
  let header: string[] | undefined;
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
        header = r.fields.map((f) => f.trim());
        onHeader?.(header);
        continue;
      }
      const issues: Issue[] =
        r.error || r.fields.length !== header.length
          ? r.error
            ? [{ code: r.error.code, message: r.error.message, location: { file, line: r.line } }]
            : []
          : NO_ISSUES;
      if (r.fields.length !== header.length) {
        issues.push({
          code: 'csv.field_count',
          message: `${r.fields.length} fields where the header has ${header.length}`,
          location: { file, line: r.line },
        });
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
  for await (const chunk of textChunks(file, onBytes)) {
    // One native scan of the chunk instead of one per field of every row (the text is all that rows are made of).
    if (safe && raw) safe = !UNSAFE_TEXT.test(chunk);
    const rows = convert(parser.push(chunk));
    if (rows.length) yield rows;
  }
  const rows = convert(parser.end());
  if (rows.length) yield rows;
  if (!header)
    throw new MosaicError({
      code: 'csv.no_header',
      message: 'the file is empty: no header row',
      location: { file },
    });
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
