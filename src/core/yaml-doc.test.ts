// parseYaml's values: strings come out in V8's one-byte form whenever their characters allow (decision 0160).
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { parseYaml } from './yaml-doc.js';

/** Bytes a string takes in V8's serialised form beyond its tag and length: its characters' width shows. */
const width = (s: string): number => (serialize(s).length - serialize('').length) / s.length;

describe('parseYaml', () => {
  it('keeps plain strings one byte a character in a text that holds Chinese', () => {
    const p = parseYaml(
      'title: 个人信用信息评价标准\nagencies:\n  - code: meritown.tax\n    basis: Tax Law; é\n',
      'x.yaml',
    );
    const v = p.value as { title: string; agencies: { code: string; basis: string }[] };
    expect(v.agencies[0]).toEqual({ code: 'meritown.tax', basis: 'Tax Law; é' });
    expect(v.title).toBe('个人信用信息评价标准');
    expect(width(v.agencies[0]!.code)).toBe(1);
    expect(width(v.agencies[0]!.basis)).toBe(1);
    expect(width(v.title)).toBe(2);
  });
});
