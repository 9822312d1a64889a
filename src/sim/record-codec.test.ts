// Differential test of the record columns a worker sends: decoded, every record equals the object it was encoded
// from, field for field and in the same key order (what structured clone of the objects handed over before).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRecord, type CreditRecord } from '../core/types.js';
import { decodeRecords, encodeRecords } from './record-codec.js';

const text = fc.string({ unit: 'binary', maxLength: 12 });
const input = fc.record(
  {
    subject: fc.constantFrom('370102197001010017', '91370102MA0000001X', '370102200002029008'),
    kind: fc.constantFrom('tax_arrears', 'volunteering', 'court_judgment'),
    occurredAt: fc.constantFrom('2020-01-01', '2020-02-29', '2021-12-31'),
    reportedAt: fc.constantFrom('2020-01-03', '2020-03-02', '2022-01-04'),
    agency: text,
    basis: text,
    amount: fc.double({ noNaN: true }),
    severity: fc.constantFrom('minor', 'serious'),
    level: fc.constantFrom('county' as const, 'prefecture' as const),
    status: fc.constantFrom('original' as const, 'correction' as const, 'withdrawal' as const),
    supersedes: text,
  },
  { requiredKeys: ['subject', 'kind', 'occurredAt', 'reportedAt', 'agency', 'basis'] },
);

describe('record columns', () => {
  it('decode(encode(records)) gives the same records with the same key order', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 40 }), (inputs) => {
        const records: CreditRecord[] = inputs.map((i) => makeRecord(i));
        const subjects = Int32Array.from(records.map((_, k) => k));
        const back = decodeRecords(encodeRecords(records), subjects, (s) => records[s]!.subject);
        expect(back.length).toBe(records.length);
        back.forEach((r, k) => {
          expect(Object.keys(r)).toEqual(Object.keys(records[k]!));
          expect(r).toStrictEqual(records[k]);
        });
      }),
      { numRuns: 300 },
    );
  });
});
