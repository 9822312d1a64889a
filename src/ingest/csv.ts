// A small streaming RFC 4180 CSV parser and writer: quoted fields, doubled quotes, CRLF/LF, line numbers for errors.

export interface CsvRow {
  /** 1-based physical line on which the record starts. */
  line: number;
  fields: string[];
  /** Set when the record is malformed; the fields are then a best-effort reading. */
  error?: { code: string; message: string };
  /**
   * A lazy parser's plain line (no quote, no lone CR): `fields` is empty and the line is text[start, end), to be
   * split on commas by whoever needs its fields (plainFields), or read in place (docs/decisions/0185).
   */
  text?: string;
  start?: number;
  end?: number;
}

/** Where a lazy parser hands its records as it finds them (CsvParser.inline). */
export interface CsvInline {
  /** A plain line: text[start, end), on `line`. */
  plain(text: string, start: number, end: number, line: number): void;
  row(row: CsvRow): void;
}

/** The fields of a lazy plain line: what a parser that is not lazy gives as `fields`. */
export function plainFields(row: CsvRow): string[] {
  return row.text === undefined ? row.fields : row.text.slice(row.start, row.end).split(',');
}

/** The `fields` of every lazy plain line (never written to). */
const NO_FIELDS: string[] = Object.freeze([]) as unknown as string[];

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

const enum S {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: either the closing quote or the first of a doubled pair. */
  QuoteInQuoted,
  /** After a closing quote and something that was neither a comma nor a line end. */
  AfterClose,
}

/**
 * Push text in any chunking, get complete records back. Fully empty lines are skipped; a record holding one empty
 * field must be written as `""` (formatCsvRow does that), which keeps parse(format(rows)) equal to rows.
 */
export class CsvParser {
  private state = S.FieldStart;
  private field = '';
  private fields: string[] = [];
  private line = 1;
  private recordLine = 1;
  private quoted = false;
  private pendingCr = false;
  private error: CsvRow['error'];
  private started = false;
  /** Last character of the previous chunk, to see a CRLF split across chunks inside a quoted field. */
  private lastChar = -1;
  /**
   * Lazy only: when set, every record goes to it as the parser finds it, in file order, instead of into push's and
   * end's answers (which stay empty): a plain line as its range of the chunk, with no object made for it
   * (docs/decisions/0192), any other record as a row.
   */
  inline: CsvInline | undefined = undefined;

  /**
   * `plain` false: every character through the state machine (the reference the differential test compares with).
   * `lazy`: plain lines are handed out unsplit (CsvRow.text), so no string is made per field of a line read in place.
   */
  constructor(
    private readonly plain = true,
    private readonly lazy = false,
  ) {}

  push(chunk: string): CsvRow[] {
    const out: CsvRow[] = [];
    let i = 0;
    if (!this.started) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    if (this.pendingCr && chunk.length > i) {
      // A CR ended the previous chunk; a LF starting this one belongs to the same line end.
      this.pendingCr = false;
      if (chunk.charCodeAt(i) === LF) i++;
    }
    const n = chunk.length;
    while (i < n) {
      if (this.plain && this.state === S.FieldStart && this.fields.length === 0) {
        i = this.plainLines(chunk, i, out);
        if (i >= n) break;
      }
      i = this.machine(chunk, i, out);
    }
    if (n) this.lastChar = chunk.charCodeAt(n - 1);
    return out;
  }

  /**
   * The common case at a record's start, without the character loop: whole lines holding no quote and no lone CR
   * are split on commas natively (a differential test holds the result equal to the state machine's). Returns where
   * it stopped: the chunk's end, or the start of a line the state machine must read (a quote, a lone CR, no line end
   * yet in this chunk).
   */
  private plainLines(chunk: string, i: number, out: CsvRow[]): number {
    const n = chunk.length;
    let quote = chunk.indexOf('"', i);
    if (quote < 0) quote = n;
    let cr = chunk.indexOf('\r', i);
    if (cr < 0) cr = n;
    while (i < n) {
      const nl = chunk.indexOf('\n', i);
      if (nl < 0 || quote < nl) return i;
      let end = nl;
      if (cr < nl) {
        if (cr !== nl - 1) return i;
        end = cr;
        cr = chunk.indexOf('\r', nl + 1);
        if (cr < 0) cr = n;
      }
      // An empty line is a blank line, not a record (as endRecord decides).
      if (end > i) {
        if (!this.lazy) out.push({ line: this.line, fields: chunk.slice(i, end).split(',') });
        else if (this.inline !== undefined) this.inline.plain(chunk, i, end, this.line);
        else out.push({ line: this.line, fields: NO_FIELDS, text: chunk, start: i, end });
      }
      this.line++;
      this.recordLine = this.line;
      i = nl + 1;
    }
    return i;
  }

  /**
   * The state machine from chunk[i] up to the end of the first record that ends in this chunk (returns the index
   * after its line end) or to the chunk's end (the unfinished field's text is carried over; returns n).
   */
  private machine(chunk: string, i: number, out: CsvRow[]): number {
    const n = chunk.length;
    let start = i;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      switch (this.state) {
        case S.FieldStart:
          if (c === QUOTE) {
            this.state = S.Quoted;
            this.quoted = true;
            start = i + 1;
          } else if (c === COMMA) this.endField('');
          else if (c === LF || c === CR) {
            this.endField('');
            return this.endRecord(chunk, i, out) + 1;
          } else {
            this.state = S.Unquoted;
            start = i;
          }
          break;
        case S.Unquoted:
          if (c === COMMA) {
            this.endField(this.field + chunk.slice(start, i));
          } else if (c === LF || c === CR) {
            this.endField(this.field + chunk.slice(start, i));
            return this.endRecord(chunk, i, out) + 1;
          } else if (c === QUOTE) this.fail('csv.stray_quote', 'a quote inside an unquoted field');
          break;
        case S.Quoted:
          if (c === QUOTE) {
            this.field += chunk.slice(start, i);
            this.state = S.QuoteInQuoted;
          } else if (c === CR) this.line++;
          else if (c === LF && (i > 0 ? chunk.charCodeAt(i - 1) : this.lastChar) !== CR) this.line++;
          break;
        case S.QuoteInQuoted:
          if (c === QUOTE) {
            this.field += '"';
            this.state = S.Quoted;
            start = i + 1;
          } else if (c === COMMA) this.endField(this.field);
          else if (c === LF || c === CR) {
            this.endField(this.field);
            return this.endRecord(chunk, i, out) + 1;
          } else {
            this.fail('csv.stray_quote', 'text after the closing quote of a field');
            this.state = S.AfterClose;
            start = i;
          }
          break;
        case S.AfterClose:
          if (c === COMMA) this.endField(this.field + chunk.slice(start, i));
          else if (c === LF || c === CR) {
            this.endField(this.field + chunk.slice(start, i));
            return this.endRecord(chunk, i, out) + 1;
          }
          break;
      }
    }
    // Carry the unfinished field text over to the next chunk.
    if (this.state === S.Unquoted || this.state === S.Quoted || this.state === S.AfterClose) {
      this.field += chunk.slice(start, n);
    }
    return n;
  }

  /**
   * True between records: nothing of a record read, no CR waiting for its LF. Text cut here parses the same as two
   * texts, the second read by a parser that starts at a record (`continueAt`), as parallel ingest does.
   */
  atRecordStart(): boolean {
    return this.state === S.FieldStart && this.fields.length === 0 && !this.pendingCr;
  }

  /** Physical lines ended so far (the next record starts on line `linesEnded + 1`). */
  get linesEnded(): number {
    return this.line - 1;
  }

  /** Read text that starts in the middle of a file, at a record: no BOM is looked for (0176). */
  continueAt(): this {
    this.started = true;
    return this;
  }

  /** Flush the last record; reports an unterminated quoted field. */
  end(): CsvRow[] {
    const out: CsvRow[] = [];
    switch (this.state) {
      case S.FieldStart:
        if (this.fields.length) this.endField('');
        break;
      case S.Quoted:
        this.fail(
          'csv.unterminated_quote',
          `the quoted field opened on line ${this.recordLine} never closes`,
        );
        this.endField(this.field);
        break;
      default:
        this.endField(this.field);
    }
    if (this.fields.length) this.emit(out);
    return out;
  }

  private endField(value: string): void {
    this.fields.push(value);
    this.field = '';
    this.state = S.FieldStart;
  }

  /** Finish the record at a line end at chunk[i]; returns the index of the last character of the line end. */
  private endRecord(chunk: string, i: number, out: CsvRow[]): number {
    if (chunk.charCodeAt(i) === CR) {
      if (i + 1 < chunk.length) {
        if (chunk.charCodeAt(i + 1) === LF) i++;
      } else this.pendingCr = true;
    }
    // A line with nothing on it (one empty, unquoted field) is a blank line, not a record.
    const blank = this.fields.length === 1 && this.fields[0] === '' && !this.quoted;
    if (blank) this.reset();
    else this.emit(out);
    this.line++;
    this.recordLine = this.line;
    return i;
  }

  private emit(out: CsvRow[]): void {
    const row: CsvRow = { line: this.recordLine, fields: this.fields };
    if (this.error) row.error = this.error;
    this.reset();
    if (this.inline !== undefined && this.lazy) this.inline.row(row);
    else out.push(row);
  }

  private reset(): void {
    this.fields = [];
    this.quoted = false;
    this.error = undefined;
  }

  private fail(code: string, message: string): void {
    this.error ??= { code, message };
  }
}

// A leading U+FEFF is quoted so that it cannot be taken for a byte-order mark when it starts the file.
const NEEDS_QUOTES = /[",\r\n]|^\uFEFF/;

/** One record as CSV text, without the line end. Quotes only where needed, and a lone empty field as `""`. */
export function formatCsvRow(fields: readonly string[]): string {
  if (fields.length === 1 && fields[0] === '') return '""';
  let s = '';
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (i) s += ',';
    s += NEEDS_QUOTES.test(f) ? '"' + f.replaceAll('"', '""') + '"' : f;
  }
  return s;
}

/** Parse a whole string (tests and small inputs). */
export function parseCsv(text: string): CsvRow[] {
  const p = new CsvParser();
  return [...p.push(text), ...p.end()];
}
