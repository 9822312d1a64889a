// Differential tests: the ingest fast path (RecordChecker, parseDay, recordIdHalves) against the reference checks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { levelCode, loadCatalogue } from '../core/catalogue.js';
import { toEpochDay } from '../core/dates.js';
import { recordId, RECORD_STATUSES, type CreditRecord } from '../core/types.js';
import { fixtureRecords, TEST_CATALOGUE } from './ledger.contract.js';
import { checkRecord, parseDay, RecordChecker } from './record-check.js';
import { formatRecordId, idOut, parseRecordId, recordIdHalves } from './record-id.js';
import { residentIdAt, syntheticRecords, usccAt } from './synthetic.js';

const cat = loadCatalogue(TEST_CATALOGUE);
const same = (a: number, b: number) => (Number.isNaN(a) ? Number.isNaN(b) : a === b);

describe('parseDay', () => {
  it('agrees with toEpochDay on date-shaped and arbitrary strings', () => {
    const digit = fc.constantFrom(...'0123456789');
    const dateLike = fc
      .tuple(
        fc.array(digit, { minLength: 4, maxLength: 4 }),
        fc.array(digit, { minLength: 2, maxLength: 2 }),
        fc.array(digit, { minLength: 2, maxLength: 2 }),
      )
      .map(([y, m, d]) => `${y.join('')}-${m.join('')}-${d.join('')}`);
    const real = fc
      .integer({ min: -720_000, max: 2_932_000 })
      .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.oneof(dateLike, real, fc.string({ maxLength: 12 })), (s) =>
        same(parseDay(s), toEpochDay(s)),
      ),
      { numRuns: 20_000 },
    );
  });

  it('handles the edges explicitly', () => {
    for (const s of [
      '0099-12-31',
      '0100-01-01',
      '1900-02-29',
      '2000-02-29',
      '2024-02-29',
      '2023-02-29',
      '1970-01-01',
      '2149-06-06',
      '2024-1-01',
      ' 2024-01-01',
      '2024-01-01\n',
      '２０２４-01-01',
    ])
      expect(same(parseDay(s), toEpochDay(s)), s).toBe(true);
  });
});

describe('record ids', () => {
  it('recordIdHalves is recordId without the hex', () => {
    for (const r of [
      ...fixtureRecords(),
      ...syntheticRecords(cat, { records: 2000, subjects: 200, seed: 7 }),
    ]) {
      recordIdHalves(r);
      expect(formatRecordId(idOut.hi, idOut.lo)).toBe(recordId(r));
    }
  });

  it('parses exactly the ids formatRecordId writes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (hi, lo) => {
          expect(parseRecordId(formatRecordId(hi, lo))).toBe(true);
          expect([idOut.hi, idOut.lo]).toEqual([hi, lo]);
        },
      ),
    );
    for (const bad of [
      '',
      'r',
      'R0123456789abcdef',
      'r0123456789ABCDEF',
      'r0123456789abcde',
      'r0123456789abcdefa',
      'r0123456789abcdeg',
    ])
      expect(parseRecordId(bad), bad).toBe(false);
  });
});

/** Records near the valid ones: each arbitrary mutation of one or two fields. */
function mutated(): fc.Arbitrary<unknown> {
  const base = [
    ...fixtureRecords(),
    ...syntheticRecords(cat, { records: 300, subjects: 40, seed: 3, correctionShare: 0.2 }),
  ];
  const fields = [
    'id',
    'subject',
    'kind',
    'occurredAt',
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
  const value = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.constant(''),
    fc.string({ maxLength: 20 }),
    fc.double(),
    fc.integer({ min: -5, max: 1e6 }),
    fc.constantFrom(...cat.kinds.map((k) => k.code), 'no.such', 'traffic.drunk_driving'),
    fc.constantFrom('warning', 'detention', 'listed', 'serious', 'bogus'),
    fc.constantFrom('county', 'national', 'village', ...RECORD_STATUSES),
    fc.constantFrom(
      '1969-12-31',
      '1970-01-01',
      '2149-06-06',
      '2149-06-07',
      '2024-02-30',
      '2024-02-29',
      '2023-01-01',
    ),
    fc.constantFrom(
      residentIdAt(5),
      usccAt(5),
      '110101199003070000',
      'r0123456789abcdef',
      'r0123456789ABCDEF',
    ),
    fc.constant([] as unknown),
  );
  const edit = fc.tuple(fc.constantFrom(...fields), value);
  return fc
    .tuple(fc.constantFrom(...base), fc.array(edit, { maxLength: 2 }), fc.boolean())
    .map(([r, edits, rehash]) => {
      const o: Record<string, unknown> = { ...r };
      for (const [f, v] of edits) {
        if (v === undefined) delete o[f];
        else o[f] = v;
      }
      // Half the time recompute the id so the mutation is judged on its own, not just as a bad id.
      if (rehash && typeof o.subject === 'string') {
        try {
          o.id = recordId(o as unknown as CreditRecord);
        } catch {
          /* leave the id as is */
        }
      }
      return o;
    });
}

describe('RecordChecker.ok', () => {
  it('answers exactly "checkRecord finds nothing", and encodes what it accepts', () => {
    const ck = new RecordChecker(cat);
    let accepted = 0;
    fc.assert(
      fc.property(mutated(), (r) => {
        ck.beginBatch();
        const ok = ck.ok(r as CreditRecord);
        const issues = checkRecord(r, cat);
        expect(ok, JSON.stringify({ r, issues })).toBe(issues.length === 0);
        if (ok) {
          accepted++;
          const rec = r as CreditRecord;
          expect(formatRecordId(ck.idHi, ck.idLo)).toBe(rec.id);
          expect(ck.kind).toBe(cat.index(rec.kind));
          expect(ck.occurred).toBe(toEpochDay(rec.occurredAt));
          expect(ck.reported).toBe(toEpochDay(rec.reportedAt));
          expect(same(ck.amount, rec.amount ?? NaN)).toBe(true);
          expect(ck.severity).toBe(cat.severityCode(ck.kind, rec.severity));
          expect(ck.level).toBe(levelCode(rec.level));
          expect(ck.status).toBe(RECORD_STATUSES.indexOf(rec.status));
          expect(ck.hasSupersedes).toBe(!!rec.supersedes);
          if (rec.supersedes) expect(formatRecordId(ck.supHi, ck.supLo)).toBe(rec.supersedes);
        }
      }),
      { numRuns: 20_000 },
    );
    // The generator must exercise both answers, or the property proves little.
    expect(accepted).toBeGreaterThan(1000);
    expect(accepted).toBeLessThan(19_000);
  });

  it('okWithoutId answers the same for the record with its id computed, and computes that id', () => {
    const ck = new RecordChecker(cat);
    let accepted = 0;
    fc.assert(
      fc.property(mutated(), (r) => {
        ck.beginBatch();
        const fields = { ...(r as Record<string, unknown>) };
        delete fields.id;
        const ok = ck.okWithoutId(fields as Omit<CreditRecord, 'id'>);
        let withId: unknown;
        try {
          withId = { ...fields, id: recordId(fields as unknown as CreditRecord) };
        } catch {
          withId = { ...fields, id: undefined };
        }
        expect(ok, JSON.stringify(fields)).toBe(checkRecord(withId, cat).length === 0);
        if (ok) {
          accepted++;
          expect(formatRecordId(ck.idHi, ck.idLo)).toBe((withId as CreditRecord).id);
        }
      }),
      { numRuns: 20_000 },
    );
    expect(accepted).toBeGreaterThan(1000);
  });

  it('seals a record it computed the id of: frozen, and trusted later without hashing again', () => {
    const ck = new RecordChecker(cat);
    const [r] = fixtureRecords();
    const fields = { ...r!, id: '' };
    expect(() => ck.seal(fields)).toThrow(/not the record/);
    expect(ck.okWithoutId(fields)).toBe(true);
    const sealed = ck.seal(fields);
    expect(sealed).toEqual(r);
    expect(Object.isFrozen(sealed)).toBe(true);
    expect(() => ((sealed as { basis: string }).basis = 'changed')).toThrow(TypeError);
    expect(new RecordChecker(cat).ok(sealed)).toBe(true);
    // Validation without an id computes none, and what it accepts cannot be sealed.
    const other = { ...r!, id: '', basis: 'x' };
    expect(ck.okWithoutId(other, false)).toBe(true);
    expect(() => ck.seal(other)).toThrow(/not the record/);
  });

  it('trusts a subject type only from the dictionary it is given', () => {
    const [r] = fixtureRecords();
    const legalView = new RecordChecker(cat, () => 2);
    // traffic.drunk_driving applies to natural persons only.
    expect(legalView.ok(r!)).toBe(false);
    expect(new RecordChecker(cat, () => 1).ok(r!)).toBe(true);
  });
});
