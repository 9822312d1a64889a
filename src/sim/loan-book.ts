// The lenders' loan book of a run (rows from the banks module, processes/banks.ts) written as RUN/bank-loans.csv:
// one line per loan lent, default and full repayment, with resident ids and ISO dates, streamed in chunks.
import { closeSync, openSync, writeSync } from 'node:fs';
import { iso } from './days.js';
import { LOAN_COLUMNS, LOAN_KINDS, LOAN_ROW } from './processes/banks.js';

/** Rows written per chunk: the file is never held whole as one string. */
const CHUNK = 20_000;

/** Write `rows` (LOAN_ROW numbers each) to `file`; `ids[person]` names the borrower. Returns the row count. */
export function writeLoanBook(file: string, rows: Float64Array, ids: readonly string[]): number {
  const n = rows.length / LOAN_ROW;
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, LOAN_COLUMNS.join(',') + '\n');
    for (let a = 0; a < n; a += CHUNK) {
      const lines: string[] = [];
      for (let r = a; r < Math.min(n, a + CHUNK); r++) {
        const o = r * LOAN_ROW;
        const f: string[] = [LOAN_KINDS[rows[o]!]!, ids[rows[o + 1]!]!, iso(rows[o + 2]!), iso(rows[o + 3]!)];
        for (let j = o + 4; j < o + LOAN_ROW; j++) f.push(Number.isNaN(rows[j]!) ? '' : String(rows[j]));
        lines.push(f.join(','));
      }
      writeSync(fd, lines.join('\n') + '\n');
    }
  } finally {
    closeSync(fd);
  }
  return n;
}
