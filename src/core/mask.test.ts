// Masking free text: identifiers anywhere in it are masked; hashes, decimals and ordinary numbers are untouched.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateResidentId, generateUscc } from './identifiers-gen.js';
import { maskId } from './identifiers.js';
import { findIdentifiers, maskText } from './mask.js';
import { Rng } from './rng.js';

const rng = new Rng('mask');
const rid = generateResidentId(rng, { addressCode: '371082', birthDate: '1986-02-03', sex: 'F' });
const uscc = generateUscc(rng, { typePair: '91', divisionCode: '371082' });

describe('maskText', () => {
  it('masks identifiers typed into names, bases and agencies', () => {
    expect(maskText(`张三${rid}`)).toBe(`张三${maskId(rid)}`);
    expect(maskText(`(2025)鲁1082执1号 re ${rid}, ${uscc}.`)).toBe(
      `(2025)鲁1082执1号 re ${maskId(rid)}, ${maskId(uscc)}.`,
    );
    expect(maskText(rid.slice(0, 17) + 'x')).toBe(maskId(rid.slice(0, 17) + 'x'));
    expect(maskText('old ' + rid.slice(0, 6) + rid.slice(8, 17))).toBe(
      'old ' + maskId(rid.slice(0, 6) + rid.slice(8, 17)),
    );
  });

  it('leaves record ids, long decimals and counts alone', () => {
    const s = `0.30000000000000004 a1371082198602030000ff ${'9'.repeat(20)} 222,687`;
    expect(maskText(s)).toBe(s);
  });

  it('no generated identifier survives in any text around it', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer({ min: 0, max: 1 << 30 }), (a, b, seed) => {
        const r = new Rng(`m${seed}`);
        const id =
          seed % 2
            ? generateResidentId(r, { addressCode: '110101', birthDate: '1970-01-01', sex: 'M' })
            : generateUscc(r, { typePair: '91', divisionCode: '110101' });
        const text = maskText(`${a} ${id} ${b}`);
        expect(text).not.toContain(id);
        expect(findIdentifiers(text).filter((x) => x === id)).toEqual([]);
      }),
    );
  });
});
