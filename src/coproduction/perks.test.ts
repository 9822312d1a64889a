// Credit-easy perks: console fields checked at load, eligibility with reasons, and seeded take-up that shows who
// benefits by group and what it costs each payer.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MosaicError } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { eligible, loadPerks, takeUp, valuePerUse, type TakeUpPerson } from './perks.js';

const cat = loadPerks();
const perk = (code: string) => cat.perks.find((p) => p.code === code)!;

describe('credit-easy perks', () => {
  it('checks the console fields each accounting mode needs', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'perks-')), 'p.yaml');
    writeFileSync(
      f,
      readFileSync(shipped('policies', 'coproduction', 'perks.yaml'), 'utf8')
        .replace('required_grade: AAA', 'required_grade: AAAA')
        .replace('discount_rate: 0.15\n    price_yuan: 30', 'discount_rate: 0.15'),
    );
    try {
      loadPerks(f);
      expect.unreachable();
    } catch (e) {
      expect((e as MosaicError).issues.map((i) => i.code).sort()).toEqual([
        'perks.discount_fields',
        'perks.unknown_grade',
      ]);
    }
  });

  it('every perk says which platform feature it copies, or that it copies none, and when it appeared', () => {
    for (const p of cat.perks) {
      expect(p.copies === null || p.copies.platform.length > 0).toBe(true);
      expect(p.appeared.source.length).toBeGreaterThan(0);
    }
    expect(cat.perks.filter((p) => p.copies).map((p) => p.code)).toContain('parking_pay_later');
  });

  it('decides eligibility by grade, score, dates and listing, with reasons', () => {
    const d = '2025-06-01';
    expect(
      eligible(cat, perk('resort_discount_aa'), { grade: 'AAA', score: 1060, listed: false }, d).ok,
    ).toBe(true);
    const b = eligible(cat, perk('resort_discount_aa'), { grade: 'A', score: 990, listed: false }, d);
    expect(b).toEqual({ ok: false, reasons: ['needs grade AA or better; has A'] });
    expect(
      eligible(cat, perk('sports_venue_discount'), { grade: 'AA', score: 1040, listed: true }, d).reasons,
    ).toContain('on a blacklist');
    const dated = { ...perk('sports_venue_discount'), start: '2026-01-01' };
    expect(eligible(cat, dated, { grade: 'AA', score: 1040, listed: false }, d).ok).toBe(false);
    expect(valuePerUse(perk('resort_discount_aaa'))).toBe(100);
  });

  it('take-up follows grades and knowing one’s grade: the better-graded, better-informed group gains more', () => {
    const people: TakeUpPerson[] = [];
    for (let i = 0; i < 2000; i++) {
      const urban = i % 2 === 0;
      const grade = urban ? (i % 4 === 0 ? 'AA' : 'A') : i % 8 === 1 ? 'AA' : 'B';
      people.push({ id: `p${i}`, group: urban ? 'urban' : 'rural', grade, score: null, listed: false });
    }
    const r = takeUp(cat, people, (g) => (g === 'urban' ? 0.6 : 0.3), '2025-06-01', 1);
    const [rural, urban] = r.groups;
    expect(rural!.group).toBe('rural');
    expect(urban!.eligible).toBe(1000);
    expect(rural!.eligible).toBe(250);
    expect(urban!.valuePerHead).toBeGreaterThan(rural!.valuePerHead * 2);
    expect(r.costByPayer.city! + r.costByPayer.merchant!).toBeCloseTo(
      r.groups.reduce((s, g) => s + g.value, 0),
      6,
    );
    // Nobody who does not know their grade takes anything up.
    const blind = takeUp(cat, people, () => 0, '2025-06-01', 1);
    expect(blind.groups.every((g) => g.users === 0 && g.aware === 0)).toBe(true);
    expect(takeUp(cat, people, (g) => (g === 'urban' ? 0.6 : 0.3), '2025-06-01', 1)).toEqual(r);
  });
});
