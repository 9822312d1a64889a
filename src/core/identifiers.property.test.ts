// Property tests: generated identifiers validate, and the check characters catch what their arithmetic guarantees.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateResidentId, generateUscc, FICTIONAL_ORG_PREFIX } from './identifiers-gen.js';
import {
  USCC_CHARSET,
  USCC_TYPE_PAIRS,
  parseResidentId,
  residentIdOk,
  residentIdVerdict,
  validateResidentId,
  validateSubjectId,
  validateUscc,
} from './identifiers.js';
import { fromEpochDay, toEpochDay } from './dates.js';
import { Rng } from './rng.js';

const CODE = /^[a-z_]+\.[a-z_]+$/;

// County-level codes: province 11–82, and the last four digits not all zero.
const addressCode = fc
  .integer({ min: 110_001, max: 829_999 })
  .filter((c) => c % 10_000 !== 0)
  .map(String);
const birthDate = fc
  .integer({ min: toEpochDay('1900-01-01'), max: toEpochDay('2026-12-31') })
  .map((d) => fromEpochDay(d));
const sex = fc.constantFrom('M' as const, 'F' as const);
const residentId = fc
  .record({ seed: fc.integer(), addressCode, birthDate, sex })
  .map(({ seed, ...spec }) => ({ spec, id: generateResidentId(new Rng(seed), spec) }));

const typePair = fc.constantFrom(...USCC_TYPE_PAIRS);
const division = fc.integer({ min: 0, max: 999_999 }).map((n) => String(n).padStart(6, '0'));
const uscc = fc
  .record({ seed: fc.integer(), typePair, divisionCode: division })
  .map(({ seed, ...spec }) => generateUscc(new Rng(seed), spec));

const RID_CHARS = '0123456789X';

describe('generated resident IDs', () => {
  it('always validate and encode the requested parts', () => {
    fc.assert(
      fc.property(residentId, ({ spec, id }) => {
        expect(validateResidentId(id)).toEqual({ ok: true });
        expect(validateSubjectId(id)).toEqual({ ok: true, type: 'natural' });
        const parts = parseResidentId(id);
        expect(parts.addressCode).toBe(spec.addressCode);
        expect(parts.birthDate).toBe(spec.birthDate);
        expect(parts.sex).toBe(spec.sex);
        expect(parts.sequence).toBeGreaterThanOrEqual(900);
        expect(parts.sequence).toBeLessThanOrEqual(995);
      }),
      { numRuns: 300 },
    );
  });

  it('are a function of the seed', () => {
    const spec = { addressCode: '371082', birthDate: '1980-05-17', sex: 'F' as const };
    expect(generateResidentId(new Rng(7), spec)).toBe(generateResidentId(new Rng(7), spec));
  });

  it('refuse impossible specs with coded errors', () => {
    expect(() =>
      generateResidentId(new Rng(1), { addressCode: '370000', birthDate: '1980-02-30', sex: 'M' }),
    ).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({ code: 'idgen.address_code' }),
          expect.objectContaining({ code: 'idgen.birth_date' }),
        ],
      }),
    );
  });

  // MOD 11-2: the weights 2^k mod 11 are units and every digit change is 1..9 (or to/from X, 1..10) mod 11, so
  // no single substitution leaves the weighted sum unchanged.
  it('reject every single-character substitution', () => {
    fc.assert(
      fc.property(residentId, ({ id }) => {
        for (let i = 0; i < 18; i++)
          for (const c of RID_CHARS) {
            if (c === id[i]) continue;
            const bad = id.slice(0, i) + c + id.slice(i + 1);
            const res = validateResidentId(bad);
            expect(res.ok, `${id} → ${bad}`).toBe(false);
          }
      }),
      { numRuns: 60 },
    );
  });

  // Swapping neighbours i, i+1 changes the sum by (a−b)(w_i − w_{i+1}) = (a−b)·w_{i+1} (w_i = 2·w_{i+1}), never 0
  // mod 11; the check character has weight 1 = 2^0 and fits the same pattern, so all adjacent swaps are caught.
  it('reject every transposition of two different adjacent characters', () => {
    fc.assert(
      fc.property(residentId, ({ id }) => {
        for (let i = 0; i < 17; i++) {
          if (id[i] === id[i + 1]) continue;
          const bad = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
          expect(validateResidentId(bad).ok, `${id} → ${bad}`).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('generated USCCs', () => {
  it('always validate, as legal persons, with the fictional body prefix', () => {
    fc.assert(
      fc.property(uscc, (code) => {
        expect(validateUscc(code)).toEqual({ ok: true });
        expect(validateSubjectId(code)).toEqual({ ok: true, type: 'legal' });
        expect(code[8]).toBe(FICTIONAL_ORG_PREFIX);
      }),
      { numRuns: 300 },
    );
  });

  // 31 is prime and every weight 3^k mod 31 is a unit, so a change of value d ∈ 1..30 at one position moves the
  // sum by d·w ≢ 0 (mod 31): MOD 31 alone catches every single substitution within the charset. Characters outside
  // the charset are caught by the charset check.
  it('reject every single-character substitution within the charset', () => {
    fc.assert(
      fc.property(uscc, (code) => {
        for (let i = 0; i < 18; i++)
          for (const c of USCC_CHARSET) {
            if (c === code[i]) continue;
            const bad = code.slice(0, i) + c + code.slice(i + 1);
            expect(validateUscc(bad).ok, `${code} → ${bad}`).toBe(false);
          }
      }),
      { numRuns: 40 },
    );
  });

  it('catch substitutions by the MOD 31 check alone (organisation-code check disabled)', () => {
    // Recompute only the final check: a substitution in positions 1–17 must always change it.
    const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    const sum = (s: string) => weights.reduce((acc, w, i) => acc + USCC_CHARSET.indexOf(s[i]!) * w, 0) % 31;
    fc.assert(
      fc.property(uscc, fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 30 }), (code, i, d) => {
        const v = (USCC_CHARSET.indexOf(code[i]!) + d) % 31;
        const bad = code.slice(0, i) + USCC_CHARSET[v] + code.slice(i + 1);
        expect(sum(bad)).not.toBe(sum(code));
      }),
      { numRuns: 500 },
    );
  });

  // Weights follow w_{i+1} = 3·w_i (mod 31), so a swap at i, i+1 moves the sum by (a−b)·w_i·(1−3) ≢ 0; positions
  // 17/18 have weights 28 and 1 (28 − 1 = 27 ≢ 0). Every adjacent transposition of different characters is caught.
  it('reject every transposition of two different adjacent characters', () => {
    fc.assert(
      fc.property(uscc, (code) => {
        for (let i = 0; i < 17; i++) {
          if (code[i] === code[i + 1]) continue;
          const bad = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
          expect(validateUscc(bad).ok, `${code} → ${bad}`).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuse unknown type pairs and malformed division codes', () => {
    expect(() => generateUscc(new Rng(1), { typePair: '99', divisionCode: '37108' })).toThrow(
      expect.objectContaining({
        issues: [
          expect.objectContaining({ code: 'idgen.type_pair' }),
          expect.objectContaining({ code: 'idgen.division' }),
        ],
      }),
    );
  });
});

describe('validation of arbitrary strings', () => {
  const anyString = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom(...'0123456789XABCDEFGHJKLMNPQRTUWXYIOSVZx -'),
      minLength: 16,
      maxLength: 20,
    }),
  );
  it('never throws and always gives a coded reason', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        for (const check of [validateResidentId, validateUscc, validateSubjectId]) {
          const res = check(s);
          if (!res.ok) {
            expect(res.code).toMatch(CODE);
            expect(res.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('residentIdOk (the allocation-free accept) against the reference check', () => {
  // Valid ids, and ids one or two characters away from valid: every branch of the reference (length, charset,
  // address, birth date incl. 29 February and year 1899/1900, sequence 000, check character).
  const nearValid = fc
    .record({
      id: residentId.map((x) => x.id),
      edits: fc.array(
        fc.record({
          at: fc.integer({ min: 0, max: 18 }),
          ch: fc.constantFrom(...'0123456789Xx /:'.split(''), '０', ''),
        }),
        { maxLength: 2 },
      ),
    })
    .map(({ id, edits }) => edits.reduce((s, e) => s.slice(0, e.at) + e.ch + s.slice(e.at + 1), id));
  const digits18 = fc
    .array(fc.constantFrom(...'0123456789X'.split('')), { minLength: 17, maxLength: 19 })
    .map((a) => a.join(''));
  const dated = fc
    .record({
      head: fc.constantFrom('110105', '371082', '900000', '120000', '010105'),
      year: fc.integer({ min: 1890, max: 2100 }),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      seq: fc.integer({ min: 0, max: 999 }),
      last: fc.constantFrom(...'0123456789X'.split('')),
    })
    .map(
      ({ head, year, month, day, seq, last }) =>
        `${head}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${String(seq).padStart(3, '0')}${last}`,
    );
  it('accepts exactly what the reference accepts', () => {
    let ok = 0;
    fc.assert(
      fc.property(fc.oneof(nearValid, digits18, dated, fc.string({ maxLength: 20 })), (id) => {
        const ref = residentIdVerdict(id).ok;
        expect(residentIdOk(id), id).toBe(ref);
        expect(validateResidentId(id).ok).toBe(ref);
        if (ref) ok++;
      }),
      { numRuns: 50_000, seed: 20261205 },
    );
    expect(ok).toBeGreaterThan(2_000);
  });
});
