// recordIdHalves (fields hashed one by one, amounts written as digits) held equal to core recordId on random records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordId, type CreditRecord } from '../core/types.js';
import { formatRecordId, idOut, recordIdHalves, recordIdHalvesJoined } from './record-id.js';

type Fields = Omit<CreditRecord, 'id'>;

const text = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom('', '鲁2022〔54〕4127号', '320505市场监督管理局8', '2024-07-22', '\u001f'),
);
/** Amounts on the cent grid (the fast digit path), around its edges, and any double (the String() path). */
const amount = fc.oneof(
  fc.integer({ min: 0, max: 99_999_999_999 }).map((k) => k / 100),
  fc.integer({ min: 0, max: 2_000 }).map((k) => k / 100),
  fc.constantFrom(0, -0, 0.01, 0.1, 0.5, 1, 10, 100, 999_999_999.99, 1e9, 1e9 + 0.01, 1e21, 5e-7, 123.456),
  fc.double(),
);
const fields: fc.Arbitrary<Fields> = fc.record(
  {
    subject: text,
    kind: text,
    occurredAt: text,
    reportedAt: text,
    agency: text,
    basis: text,
    amount,
    severity: text,
    level: text as fc.Arbitrary<CreditRecord['level']>,
    status: text as fc.Arbitrary<CreditRecord['status']>,
    supersedes: text,
  },
  { requiredKeys: ['subject', 'kind', 'occurredAt', 'reportedAt', 'agency', 'basis', 'status'] },
);

function halves(r: Fields): string {
  recordIdHalves(r);
  return formatRecordId(idOut.hi, idOut.lo);
}

describe('recordIdHalves', () => {
  it('equals recordId on random records, optional fields present or not', () => {
    fc.assert(
      fc.property(fields, (r) => {
        expect(halves(r)).toBe(recordId(r));
      }),
      { numRuns: 5000 },
    );
  });

  it('writes every cent-grid amount as String() does', () => {
    // Each amount decides the id on its own: the same record with String(amount) hashed through the joined key.
    const base: Fields = {
      subject: '110101199001011237',
      kind: 'k',
      occurredAt: '2024-01-01',
      reportedAt: '2024-01-02',
      agency: 'a',
      basis: 'b',
      status: 'original',
    };
    for (let k = 0; k < 20_000; k++) {
      for (const a of [k / 100, k, (k * 104_729) / 100, 999_999_999.99 - k / 100]) {
        const r = { ...base, amount: a };
        recordIdHalvesJoined(r);
        const joined = formatRecordId(idOut.hi, idOut.lo);
        expect(halves(r), String(a)).toBe(joined);
      }
    }
  });

  it('falls back to the joined key for fields of other types, as Array.join converts them', () => {
    const odd = [
      { subject: 'x', kind: 'k', occurredAt: 'd', agency: 'a', basis: 'b', status: 's', amount: '12' },
      { subject: 'x', kind: 'k', occurredAt: 'd', agency: 'a', basis: 'b', status: 's', severity: null },
      { subject: 7, kind: 'k', occurredAt: 'd', agency: 'a', basis: 'b', status: 's' },
    ] as unknown as Fields[];
    for (const r of odd) expect(halves(r)).toBe(recordId(r));
  });
});
