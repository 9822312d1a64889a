// Encoded records: a later part of a file appended in its own columns (appendParts) equals the same part copied.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../core/catalogue.js';
import { shipped } from '../core/paths.js';
import { appendParts, encodedParts, encodeRecords, type EncodedRecords } from './encoded.js';
import { syntheticRecords } from './synthetic.js';

const cat = loadCatalogue(shipped('src', 'ledger', 'testdata', 'catalogue.yaml'));

/** Every batch as its length, its rows (record, line, string codes) and its corrections' rows. */
function dump(e: EncodedRecords) {
  return {
    length: e.length,
    records: e.strings.records,
    subjects: e.strings.subjects,
    agencies: e.strings.agencies,
    bases: e.strings.bases,
    batches: e.batches.map((b) => ({
      length: b.length,
      supRow: b.supRow,
      rows: Array.from({ length: b.length }, (_, i) => [
        b.record(i, cat),
        b.line[i],
        b.subject[i],
        b.agency[i],
        b.basis[i],
      ]),
    })),
  };
}

describe('appendParts', () => {
  it('re-cuts a part in its own columns exactly as copying it would', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 1000 }),
        (before, after, size, seed) => {
          const records = syntheticRecords(cat, {
            records: before + after,
            subjects: 7,
            seed,
            correctionShare: 0.3,
          });
          const made = () => encodeRecords(cat, records.slice(0, before), size);
          // Cut at the same size: appended in place. Cut at another: copied row by row (the reference).
          const own = made();
          appendParts(own, encodedParts(encodeRecords(cat, records.slice(before), size)).parts, 1000);
          const copied = made();
          appendParts(copied, encodedParts(encodeRecords(cat, records.slice(before), size + 1)).parts, 1000);
          expect(dump(own)).toEqual(dump(copied));
          expect(own.batches.every((b, i) => b.length === size || i === own.batches.length - 1)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});
