// Differential test: the fast CSV row path accepts only rows rowToRecord accepts, and builds the same record.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../core/catalogue.js';
import { fixtureRecords, TEST_CATALOGUE } from '../ledger/ledger.contract.js';
import { RecordChecker } from '../ledger/record-check.js';
import { residentIdAt, syntheticRecords, usccAt } from '../ledger/synthetic.js';
import { CsvRecordBuilder } from './fast-rows.js';
import { rowToRecord } from './rows.js';
import { rowObject } from './source.js';

const cat = loadCatalogue(TEST_CATALOGUE);
const COLUMNS = [
  'id',
  'subject',
  'kind',
  'occurred_at',
  'reportedAt',
  'agency',
  'basis',
  'amount',
  'severity',
  'level',
  'status',
  'supersedes',
];
const base = [...fixtureRecords(), ...syntheticRecords(cat, { records: 200, subjects: 40, seed: 4 })];
const cellsOf = (r: Record<string, unknown>): string[] =>
  COLUMNS.map((c) => {
    const v = r[c === 'occurred_at' ? 'occurredAt' : c];
    return v === undefined ? '' : String(v);
  });

describe('CsvRecordBuilder', () => {
  it('accepts only what rowToRecord accepts, with the same record', () => {
    const odd = fc.constantFrom(
      '',
      ' ',
      '12',
      ' 12 ',
      '1e3',
      '-1',
      '0x10',
      'NaN',
      '.5',
      '5.',
      'original',
      'correction',
      'withdrawal',
      'county',
      'warning',
      'court.defaulter',
      'tax.arrears',
      '2024-02-29',
      '2024-02-30',
      '1969-12-31',
      '2149-06-07',
      residentIdAt(3),
      usccAt(3),
      residentIdAt(3).toLowerCase().replace(/.$/, 'x'),
      'r0123456789abcdef',
      'A',
      // What the ingest's own checks refuse (row-checks.ts): unsafe text, blank text, amounts the unit cannot hold,
      // dates after the report date.
      'a\u0000b',
      '\u202eabc',
      '\u001b[31m',
      '   ',
      '1.5',
      '12.345',
      '2000000',
      '2030-01-01',
    );
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...base),
        fc.array(fc.tuple(fc.integer({ min: 0, max: COLUMNS.length - 1 }), odd), { maxLength: 2 }),
        fc.subarray(COLUMNS.map((_, i) => i)),
        (r, edits, dropped) => {
          const cells = cellsOf(r as unknown as Record<string, unknown>);
          for (const [i, v] of edits) cells[i] = v;
          // Some files have no id, status or other optional column at all.
          const keep = COLUMNS.map((_, i) => i).filter((i) => !dropped.includes(i) || i === 1 || i === 2);
          const header = keep.map((i) => COLUMNS[i]!);
          const fields = keep.map((i) => cells[i]!);
          const checks = { reportDate: '2026-12-04' };
          const fast = new CsvRecordBuilder(header, new RecordChecker(cat), checks).build(fields);
          const ref = rowToRecord(rowObject(header, fields), { file: 'f.csv', line: 2 }, cat, true, checks);
          if (fast) {
            accepted++;
            expect(ref.issues).toEqual([]);
            expect(fast).toEqual(ref.record);
            expect(Object.keys(fast)).toEqual(Object.keys(ref.record!));
          }
        },
      ),
      { numRuns: 10_000 },
    );
    expect(accepted).toBeGreaterThan(500);
  });

  it('takes the fast path for ordinary valid rows', () => {
    const header = COLUMNS.filter((c) => c !== 'id');
    const ck = new RecordChecker(cat);
    for (const r of base) {
      const fields = cellsOf(r as unknown as Record<string, unknown>).slice(1);
      expect(new CsvRecordBuilder(header, ck).build(fields)).toEqual(r);
    }
  });
});
