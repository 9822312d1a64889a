// The synthetic generator: valid fictional identifiers, valid records, and the same output for the same seed.
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../core/catalogue.js';
import { validateResidentId, validateUscc } from '../core/identifiers.js';
import { TEST_CATALOGUE } from './ledger.contract.js';
import { checkRecord } from './record-check.js';
import { residentIdAt, syntheticRecords, syntheticSubjectIds, usccAt } from './synthetic.js';

const cat = loadCatalogue(TEST_CATALOGUE);

describe('synthetic ledgers', () => {
  it('generates distinct valid fictional identifiers', () => {
    const ids = [0, 1, 7, 8, 767, 768, 9_999, 123_456, 999_999, 15_359_999].map(residentIdAt);
    for (const id of ids) {
      expect(validateResidentId(id), id).toEqual({ ok: true });
      expect(Number(id.slice(14, 17))).toBeGreaterThanOrEqual(900);
    }
    for (const i of [0, 1, 8, 99_999]) expect(validateUscc(usccAt(i)), usccAt(i)).toEqual({ ok: true });
    const many = syntheticSubjectIds(200_000);
    expect(new Set(many).size).toBe(many.length);
  });

  it('generates records that pass the ledger check, all distinct, deterministically', () => {
    const opts = { records: 5000, subjects: 300, seed: 9, correctionShare: 0.05 };
    const a = syntheticRecords(cat, opts);
    expect(a.every((r) => checkRecord(r, cat).length === 0)).toBe(true);
    expect(new Set(a.map((r) => r.id)).size).toBe(a.length);
    expect(a.filter((r) => r.status !== 'original').length).toBeGreaterThan(100);
    expect(syntheticRecords(cat, opts)).toEqual(a);
    expect(syntheticRecords(cat, { ...opts, seed: 10 })).not.toEqual(a);
  });
});
