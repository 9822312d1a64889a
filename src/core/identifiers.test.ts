// Worked examples from DOMAIN §7.1–7.2 for the identifier checks.
import { describe, expect, it } from 'vitest';
import {
  orgCodeCheckChar,
  validateResidentId,
  validateSubjectId,
  validateUscc,
  maskId,
} from './identifiers.js';

describe('resident ID (GB 11643)', () => {
  it('accepts the textbook sample 11010519491231002X', () => {
    expect(validateResidentId('11010519491231002X')).toEqual({ ok: true });
  });
  it('reports a wrong check character with a code', () => {
    expect(validateResidentId('110105194912310021')).toMatchObject({ ok: false, code: 'id.check_digit' });
  });
  it('reports an impossible birth date', () => {
    expect(validateResidentId('110105194902310020')).toMatchObject({ ok: false, code: 'id.birth_date' });
  });
});

describe('USCC (GB 32100)', () => {
  it('computes the organisation-code check of the worked example', () => {
    expect(orgCodeCheckChar('MA01B2C3')).toBe('4');
  });
  it('accepts the worked example 91110108MA01B2C344', () => {
    expect(validateUscc('91110108MA01B2C344')).toEqual({ ok: true });
    expect(validateSubjectId('91110108MA01B2C344')).toEqual({ ok: true, type: 'legal' });
  });
  it('rejects excluded letters with a charset code', () => {
    expect(validateUscc('91110108MA01B2C34I')).toMatchObject({ ok: false, code: 'uscc.charset' });
  });
  it('masks all but the first 6 and last 4 characters', () => {
    expect(maskId('11010519491231002X')).toBe('110105********002X');
  });
});

describe('identifier errors name the type the value looks like', () => {
  const good = '11010519491231002X';
  it.each([
    ['a lowercase x', '11010519491231002x', 'id.lowercase_x'],
    ['a leading space', ' ' + good, 'id.whitespace'],
    ['a zero-width space', '110105\u200b19491231002X', 'id.invisible_character'],
    ['full-width digits', '１１０１０５１９４９１２３１００２Ｘ', 'id.fullwidth'],
  ])('%s is a resident-ID problem, not uscc.charset', (_, id, code) => {
    const r = validateSubjectId(id);
    expect(r).toMatchObject({ ok: false, code });
    expect(r.ok ? '' : r.message).toContain(`written cleanly it is ${good}, which is valid`);
  });
  it('a near miss that is still wrong says what else is wrong', () => {
    const r = validateSubjectId('110105194912310021 ');
    expect(r.ok ? '' : r.message).toContain('check character should be X');
  });
});
