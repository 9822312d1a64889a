// The lenders' loan book of a run (rows from the banks module, processes/banks.ts) written as RUN/bank-loans.csv:
// one line per loan lent, default and full repayment, with resident ids and ISO dates, streamed in chunks.
import { closeSync, openSync, writeSync } from 'node:fs';
import { iso } from './days.js';
import { LOAN_COLUMNS, LOAN_KINDS, LOAN_ROW } from './processes/banks.js';

/** Bytes encoded before each write: the file is never held whole. */
const BUFFER_BYTES = 1 << 20;

/** Decimal text of the small non-negative integers most features hold (counts, flags, scores), from a table. */
const SMALL = Array.from({ length: 1024 }, (_, i) => String(i));

/** A feature or score as the loan book writes it: '' for NaN, else its shortest round-trip decimal text. */
function num(x: number): string {
  if (x >= 0 && x < SMALL.length && x % 1 === 0 && !Object.is(x, -0)) return SMALL[x]!;
  return Number.isNaN(x) ? '' : String(x);
}

/** Write `rows` (LOAN_ROW numbers each) to `file`; `ids[person]` names the borrower. Returns the row count. */
export function writeLoanBook(file: string, rows: Float64Array, ids: readonly string[]): number {
  const n = rows.length / LOAN_ROW;
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, LOAN_COLUMNS.join(',') + '\n');
    // Lines are encoded one by one into a reused buffer, written when full: neither a chunk's text as one string
    // (a rope to flatten, then encode) nor an array and a join per row, which cost more than the fields themselves.
    const buf = Buffer.allocUnsafe(BUFFER_BYTES);
    let at = 0;
    for (let r = 0; r < n; r++) {
      const o = r * LOAN_ROW;
      let line = `${LOAN_KINDS[rows[o]!]!},${ids[rows[o + 1]!]!},${iso(rows[o + 2]!)},${iso(rows[o + 3]!)}`;
      for (let j = o + 4; j < o + LOAN_ROW; j++) line += ',' + num(rows[j]!);
      line += '\n';
      // A line is ASCII but may not be; 3 bytes per UTF-16 unit bound its UTF-8 length either way.
      if (at + line.length * 3 > buf.length) {
        writeSync(fd, buf, 0, at);
        at = 0;
      }
      if (line.length * 3 > buf.length) writeSync(fd, line);
      else at += buf.write(line, at, 'utf8');
    }
    if (at) writeSync(fd, buf, 0, at);
  } finally {
    closeSync(fd);
  }
  return n;
}
