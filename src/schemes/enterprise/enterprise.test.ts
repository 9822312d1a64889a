// Firms' grades: tax bands, M, direct D, the bars on A, April fixing and re-evaluation; risk classes from points
// and lists; the inspection draw follows the class shares and is reproducible.
import { describe, expect, it } from 'vitest';
import { generateUscc } from '../../core/identifiers-gen.js';
import { Rng } from '../../core/rng.js';
import { parseFirmData, type FirmLine } from './data.js';
import { loadRiskPolicy, loadTaxPolicy } from './policy.js';
import { drawInspections, riskClassAsOf } from './risk.js';
import { syntheticFirmData } from './synthetic.js';
import { evaluateTax, taxGradeAsOf } from './tax.js';

const tax = loadTaxPolicy();
const risk = loadRiskPolicy();
const rng = new Rng('enterprise-test');
const F = generateUscc(rng, { typePair: '91', divisionCode: '371082' });
const data = (lines: FirmLine[]) => parseFirmData(lines.map((l) => JSON.stringify(l)).join('\n'));
const firm = (established = '2015-03-01'): FirmLine => ({ type: 'firm', id: F, name: '某公司', established });
const year = (y: number, extra: Partial<Extract<FirmLine, { type: 'tax_year' }>> = {}): FirmLine => ({
  type: 'tax_year',
  firm: F,
  year: y,
  operating_income: 1e6,
  books_ok: true,
  zero_vat_consecutive: 0,
  zero_vat_total: 0,
  ...extra,
});
const ev = (date: string, kind: Extract<FirmLine, { type: 'event' }>['kind']): FirmLine => ({
  type: 'event',
  firm: F,
  date,
  kind,
});

describe('tax grade', () => {
  it('bands: A ≥ 90, B 70–90, C 40–70, D < 40', () => {
    const lines = [firm(), year(2023), year(2024)];
    expect(evaluateTax(tax, data(lines), F, 2024).grade).toBe('A');
    expect(
      evaluateTax(
        tax,
        data([...lines, ev('2024-02-01', 'late_filing'), ev('2024-03-01', 'late_filing')]),
        F,
        2024,
      ),
    ).toMatchObject({ grade: 'A', score: 90 });
    expect(
      evaluateTax(
        tax,
        data([
          ...lines,
          ev('2024-02-01', 'late_filing'),
          ev('2024-03-01', 'late_filing'),
          ev('2024-04-01', 'late_filing'),
        ]),
        F,
        2024,
      ),
    ).toMatchObject({ grade: 'B', score: 85 });
    expect(evaluateTax(tax, data([...lines, ev('2024-02-01', 'evasion_penalty')]), F, 2024).grade).toBe('C');
    expect(
      evaluateTax(
        tax,
        data([
          ...lines,
          ev('2024-02-01', 'evasion_penalty'),
          ev('2024-03-01', 'tax_arrears'),
          ev('2024-03-09', 'tax_arrears'),
        ]),
        F,
        2024,
      ),
    ).toMatchObject({ grade: 'D', score: 38 });
  });

  it('direct D, M for new or dormant firms, and the bars on A', () => {
    expect(
      evaluateTax(tax, data([firm(), year(2024), ev('2024-05-01', 'export_refund_fraud')]), F, 2024).grade,
    ).toBe('D');
    expect(evaluateTax(tax, data([firm('2024-06-01'), year(2024)]), F, 2024).grade).toBe('M');
    expect(
      evaluateTax(tax, data([firm(), year(2023), year(2024, { operating_income: 0 })]), F, 2024).grade,
    ).toBe('M');
    expect(
      evaluateTax(tax, data([firm('2023-01-10'), year(2023), year(2024)]), F, 2024).reasons.join(),
    ).toMatch(/operating 2.0 < 3 years/);
    expect(
      evaluateTax(tax, data([firm(), year(2023), year(2024, { zero_vat_consecutive: 3 })]), F, 2024).grade,
    ).toBe('B');
    expect(evaluateTax(tax, data([firm(), year(2023), year(2024, { books_ok: false })]), F, 2024).grade).toBe(
      'B',
    );
    const prevD = evaluateTax(
      tax,
      data([firm(), year(2023), year(2024), ev('2023-05-01', 'abnormal_household')]),
      F,
      2024,
    );
    expect(prevD.grade).toBe('B');
    expect(prevD.reasons.join()).toMatch(/previous year's grade D/);
  });

  it('is fixed each April and a re-evaluation replaces it from the day it is decided', () => {
    const lines: FirmLine[] = [firm(), year(2023), year(2024), ev('2024-02-01', 'evasion_penalty')];
    lines.push({
      type: 're_evaluation',
      firm: F,
      year: 2024,
      filed: '2025-04-10',
      decided: '2025-05-20',
      struck: [{ date: '2024-02-01', kind: 'evasion_penalty' }],
    });
    const d = data(lines);
    expect(taxGradeAsOf(tax, d, F, '2025-03-31')!.year).toBe(2023);
    expect(taxGradeAsOf(tax, d, F, '2025-04-01')).toMatchObject({ year: 2024, grade: 'C' });
    expect(taxGradeAsOf(tax, d, F, '2025-05-20')).toMatchObject({
      year: 2024,
      grade: 'A',
      reEvaluatedOn: '2025-05-20',
    });
  });
});

describe('risk class and inspections', () => {
  it('classes from points and lists', () => {
    expect(riskClassAsOf(risk, data([firm()]), F, '2025-01-01').class).toBe('A');
    const abnormal = data([firm(), ev('2024-06-01', 'abnormal_listed')]);
    expect(riskClassAsOf(risk, abnormal, F, '2025-01-01').class).toBe('B');
    expect(
      riskClassAsOf(
        risk,
        data([firm(), ev('2024-06-01', 'abnormal_listed'), ev('2024-09-01', 'abnormal_removed')]),
        F,
        '2025-01-01',
      ).class,
    ).toBe('A');
    expect(
      riskClassAsOf(risk, data([firm(), ev('2024-06-01', 'serious_listed')]), F, '2025-01-01').class,
    ).toBe('D');
    // Penalties leave the 3-year window.
    const pen = data([
      firm(),
      ev('2021-06-01', 'penalty'),
      ev('2021-07-01', 'penalty'),
      ev('2021-08-01', 'permit_revoked'),
    ]);
    expect(riskClassAsOf(risk, pen, F, '2022-01-01').class).toBe('C');
    expect(riskClassAsOf(risk, pen, F, '2024-09-01').class).toBe('A');
  });

  it('draws each class at its share, riskier classes more, reproducibly', () => {
    const r = new Rng('firms');
    const firms = Array.from({ length: 2000 }, (_, i) => ({
      id: generateUscc(r, { typePair: '91', divisionCode: '371082' }),
      name: `F${i}`,
    }));
    const d = parseFirmData(
      syntheticFirmData(firms, 3, '2026-10-31')
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const classes = d.firms.map((f) => riskClassAsOf(risk, d, f.id, '2026-10-31'));
    const draw = drawInspections(risk, classes, 1, '2026-Q4', 40);
    for (const c of ['A', 'B', 'C', 'D'] as const)
      expect(draw.byClass[c].drawn).toBe(Math.ceil(risk.inspections.share[c] * draw.byClass[c].firms - 1e-9));
    expect(new Set(draw.inspections.map((x) => x.firm)).size).toBe(draw.inspections.length);
    for (const x of draw.inspections) expect(x.inspectors[0]).not.toBe(x.inspectors[1]);
    expect(drawInspections(risk, classes, 1, '2026-Q4', 40)).toEqual(draw);
    expect(drawInspections(risk, classes, 1, '2027-Q1', 40).inspections).not.toEqual(draw.inspections);
    expect(Object.values(draw.byClass).every((b) => b.firms > 0)).toBe(true);
  });
});
