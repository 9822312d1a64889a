// Differential test of the loan book's writer: the same bytes as the straightforward construction (an array and a
// join per row, String() per number), for any numbers, across the write buffer's boundary.
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { iso } from './days.js';
import { writeLoanBook } from './loan-book.js';
import { LOAN_COLUMNS, LOAN_KINDS, LOAN_ROW } from './processes/banks.js';

const dir = mkdtempSync(join(tmpdir(), 'loan-book-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function reference(rows: Float64Array, ids: readonly string[]): string {
  const out = [LOAN_COLUMNS.join(',')];
  for (let r = 0; r < rows.length / LOAN_ROW; r++) {
    const o = r * LOAN_ROW;
    const f: string[] = [LOAN_KINDS[rows[o]!]!, ids[rows[o + 1]!]!, iso(rows[o + 2]!), iso(rows[o + 3]!)];
    for (let j = o + 4; j < o + LOAN_ROW; j++) f.push(Number.isNaN(rows[j]!) ? '' : String(rows[j]));
    out.push(f.join(','));
  }
  return out.join('\n') + '\n';
}

const ids = ['370102197001010017', '37010219800202902X', 'ä-non-ascii-id', ''];
const row = fc.tuple(
  fc.integer({ min: 0, max: LOAN_KINDS.length - 1 }),
  fc.integer({ min: 0, max: ids.length - 1 }),
  fc.integer({ min: 17_000, max: 20_000 }),
  fc.integer({ min: 17_000, max: 20_000 }),
  fc.array(fc.oneof(fc.double(), fc.integer({ min: -5, max: 2_000 }), fc.constant(NaN), fc.constant(-0)), {
    minLength: LOAN_ROW - 4,
    maxLength: LOAN_ROW - 4,
  }),
);

describe('writeLoanBook', () => {
  it('writes the bytes of the reference construction', () => {
    let k = 0;
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (rs) => {
        const rows = Float64Array.from(rs.flatMap(([a, b, c, d, e]) => [a, b, c, d, ...e]));
        const file = join(dir, `l${k++}.csv`);
        expect(writeLoanBook(file, rows, ids)).toBe(rs.length);
        expect(readFileSync(file, 'utf8')).toBe(reference(rows, ids));
      }),
      { numRuns: 200 },
    );
  });

  it('writes a book larger than its buffer', () => {
    const n = 40_000;
    const rows = new Float64Array(n * LOAN_ROW);
    for (let r = 0; r < n; r++) {
      const o = r * LOAN_ROW;
      rows.set([r % 3, r % ids.length, 18_000 + (r % 500), 18_100 + (r % 700)], o);
      for (let j = 4; j < LOAN_ROW; j++) rows[o + j] = r % 7 === 0 ? NaN : (r * 1.37) / (j + 1);
    }
    const file = join(dir, 'big.csv');
    writeLoanBook(file, rows, ids);
    expect(readFileSync(file, 'utf8')).toBe(reference(rows, ids));
  });
});
