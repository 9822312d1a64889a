// Differential test: the fast JSON row path accepts only rows rowToRecord accepts, and builds the same record.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../core/catalogue.js';
import { rowToRecord } from '../ingest/rows.js';
import { EncodedRecords } from '../ledger/encoded.js';
import { fixtureRecords, TEST_CATALOGUE } from '../ledger/ledger.contract.js';
import { residentIdAt, syntheticRecords, usccAt } from '../ledger/synthetic.js';
import { JsonRecordBuilder } from './json-rows.js';

const cat = loadCatalogue(TEST_CATALOGUE);
const base = [...fixtureRecords(), ...syntheticRecords(cat, { records: 200, subjects: 40, seed: 4 })];
const KEYS = [
  'id',
  'subject',
  'kind',
  'occurredAt',
  'occurred_at',
  'reportedAt',
  'agency',
  'basis',
  'amount',
  'severity',
  'level',
  'status',
  'supersedes',
  'extra',
];

describe('JsonRecordBuilder', () => {
  it('accepts only what rowToRecord accepts, with the same record', () => {
    const odd = fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        '12',
        'original',
        'correction',
        'withdrawal',
        'county',
        'court.defaulter_listed',
        '2024-02-29',
        '2024-02-30',
        '2149-06-07',
        residentIdAt(3),
        usccAt(3),
        null,
        -0,
        0,
        1e21,
        -5,
        0.1,
        true,
      ),
      fc.double(),
      fc.integer(),
      fc.string({ maxLength: 6 }),
    );
    const b = new JsonRecordBuilder(cat);
    // The same rows onto the bulk path's columns (decision 0168): the same verdict and record, and the columns hold it.
    const bulk = new JsonRecordBuilder(cat);
    const into = new EncodedRecords(4000);
    let fast = 0;
    fc.assert(
      fc.property(
        fc.nat(base.length - 1),
        fc.boolean(),
        fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.option(odd)), { maxLength: 3 }),
        (i, keepId, edits) => {
          const { id, ...rest } = base[i]!;
          const row: Record<string, unknown> = keepId ? { id, ...rest } : { ...rest };
          for (const [k, v] of edits)
            if (v === null) delete row[k];
            else row[k] = v;
          b.beginBatch();
          bulk.beginBatch();
          const got = b.build(row);
          const before = into.length;
          const got2 = bulk.build(row, into, before + 1);
          expect(got2).toEqual(got);
          expect(into.length).toBe(before + (got ? 1 : 0));
          if (got2) expect(into.batches[0]!.record(before, cat)).toEqual(got2);
          const ref = rowToRecord(row, { file: 'x', line: 1 }, cat, false);
          if (got) {
            fast++;
            expect(ref.issues).toEqual([]);
            expect(got).toEqual(ref.record);
            expect(Object.keys(got)).toEqual(Object.keys(ref.record!));
            expect(Object.isFrozen(got)).toBe(true);
          }
        },
      ),
      { numRuns: 3000, seed: 1212 },
    );
    expect(fast).toBeGreaterThan(500);
  });

  it('takes the fast path for every valid stored row', () => {
    const b = new JsonRecordBuilder(cat);
    b.beginBatch();
    for (const r of base) {
      const { id: _id, ...row } = r;
      expect(b.build(row)).toEqual(rowToRecord(row, { file: 'x', line: 1 }, cat, false).record);
    }
  });
});
