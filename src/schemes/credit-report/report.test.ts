// Credit report: the 60-month grid, 5-year retention from the end of the conduct, the 20-day objection duty,
// corrections applying from their resolution, and prohibited data refused at ingest with a coded error.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MosaicError } from '../../core/errors.js';
import { parseCreditData, type CreditLine } from './data.js';
import { loadCreditReportPolicy } from './policy.js';
import { buildCreditReport, monthIndex, monthOf } from './report.js';
import { renderCreditReport } from './render.js';
import { creditStories, syntheticCreditData } from './synthetic.js';

const policy = loadCreditReportPolicy();
const A = '371082198207079437';
const B = '371082197305069211';
const C = '371082198902159949';
const people = [
  { id: A, name: '王某某' },
  { id: B, name: '李某' },
  { id: C, name: '张某某' },
];
const text = (lines: CreditLine[]) => lines.map((l) => JSON.stringify(l)).join('\n');
const data = parseCreditData(
  text([...syntheticCreditData(people, 1, '2026-10'), ...creditStories(people, '2026-10')]),
  policy,
);

function account(months: [string, string][]): CreditLine {
  return {
    type: 'account',
    id: 'X1',
    subject: A,
    institution: 'bank',
    kind: 'loan',
    opened: `${months[0]![0]}-01`,
    amount: 1000,
    currency: 'CNY',
    months: months.map(([month, status]) => ({ month, status, balance: 1, overdue: 0 })),
  };
}

describe('credit report', () => {
  it('covers 60 months ending with the last complete month', () => {
    const r = buildCreditReport(A, data, policy, '2026-11-15');
    expect(r.lastMonth).toBe('2026-10');
    expect(r.firstMonth).toBe('2021-11');
    for (const a of r.accounts) expect(a.grid).toHaveLength(60);
    expect(buildCreditReport(A, data, policy, '2026-11-30').lastMonth).toBe('2026-11');
  });

  it('keeps negative months 5 years from the month the arrears were cleared, then deletes them', () => {
    const d = parseCreditData(
      text([
        account([
          ['2015-01', 'N'],
          ['2015-02', '1'],
          ['2015-03', '2'],
          ['2015-04', 'N'],
          ['2015-05', 'N'],
        ]),
      ]),
      policy,
    );
    // Cleared in April 2015 (ends 2015-04-30): kept to 2020-04-30, deleted from 2020-05-01.
    const before = buildCreditReport(A, d, policy, '2020-04-30');
    expect(before.accounts[0]!.negativeMonths).toBe(2);
    expect(before.accounts[0]!.worstBucket).toBe(2);
    const after = buildCreditReport(A, d, policy, '2020-05-01');
    expect(after.accounts[0]!.negativeMonths).toBe(0);
    expect(after.explanation.deletedRuns).toEqual([
      { account: 'X1', from: '2015-02', to: '2015-03', clearedIn: '2015-04', deletedOn: '2020-05-01' },
    ]);
    expect(JSON.stringify(after.accounts)).not.toContain('"2"');
  });

  it('keeps an arrears run that has not ended, however old', () => {
    const d = parseCreditData(
      text([
        account([
          ['2010-01', 'N'],
          ['2010-02', '1'],
          ['2010-03', '2'],
          ['2010-04', '3'],
        ]),
      ]),
      policy,
    );
    expect(buildCreditReport(A, d, policy, '2026-01-01').accounts[0]!.worstBucket).toBe(3);
  });

  it('retention never shows a month the grid would not show and never hides a retained one (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('N', 'N', 'N', '1', '2', 'C'), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 0, max: 200 }),
        (sts, lag) => {
          const start = monthIndex('2012-01');
          const d = parseCreditData(text([account(sts.map((s, i) => [monthOf(start + i), s]))]), policy);
          const asOfMonth = start + sts.length + lag;
          const r = buildCreditReport(A, d, policy, `${monthOf(asOfMonth)}-15`);
          const shown = r.accounts[0]!.grid.filter((c) => c !== null).length;
          const inWindow = sts.filter((_, i) => start + i >= monthIndex(r.firstMonth)).length;
          expect(
            shown +
              r.explanation.deletedRuns
                .filter((x) => monthIndex(x.from) >= monthIndex(r.firstMonth))
                .reduce((s, x) => s + monthIndex(x.to) - monthIndex(x.from) + 1, 0),
          ).toBe(inWindow);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('tracks the 20-day objection duty and applies a correction from its resolution', () => {
    const c = buildCreditReport(C, data, policy, '2026-11-15');
    const o = c.objections.find((x) => x.id === 'O0002')!;
    expect(o.due).toBe('2026-09-22');
    expect(o.state).toBe('open_overdue');
    expect(c.accounts.find((a) => a.id === 'S000004')!.disputed).toBe(true);
    const early = buildCreditReport(C, data, policy, '2026-09-10');
    expect(early.objections.find((x) => x.id === 'O0002')!.state).toBe('open');

    const b = data.accounts.find((a) => a.id === 'S000002')!;
    const corrected = b.months[12]!.month;
    const filed = data.objections.find((x) => x.id === 'O0001')!;
    const during = buildCreditReport(B, data, policy, filed.filed);
    const after = buildCreditReport(B, data, policy, filed.resolved!);
    const cell = (r: typeof during) =>
      r.accounts.find((a) => a.id === 'S000002')!.grid[monthIndex(corrected) - monthIndex(r.firstMonth)];
    expect(cell(during)).toBe('1');
    expect(cell(after)).toBe('N');
    expect(during.accounts.find((a) => a.id === 'S000002')!.disputed).toBe(true);
  });

  it('refuses prohibited categories at any depth with a coded, located error, and keeps nothing', () => {
    const bad = [
      JSON.stringify({ type: 'person', subject: A, name: '王某某' }),
      JSON.stringify({ type: 'person', subject: B, name: '李某', religion: 'x' }),
      JSON.stringify({ type: 'person', subject: C, name: '张某某', extra: { 血型: 'A' } }),
    ].join('\n');
    try {
      parseCreditData(bad, policy, 'in.jsonl');
      expect.unreachable();
    } catch (e) {
      const issues = (e as MosaicError).issues;
      expect(issues.map((i) => i.code)).toEqual(['credit.prohibited_data', 'credit.prohibited_data']);
      expect(issues[0]!.location).toEqual({ file: 'in.jsonl', line: 2, path: ['religion'] });
      expect(issues[1]!.location!.path).toEqual(['extra', '血型']);
    }
  });

  it('refuses unknown statuses and bad identifiers', () => {
    const l = account([['2020-01', 'Q']]);
    expect(() => parseCreditData(text([l]), policy)).toThrow(/credit.unknown_status/);
    expect(() =>
      parseCreditData(JSON.stringify({ type: 'person', subject: '123', name: 'x' }), policy),
    ).toThrow(/credit.bad_subject/);
  });

  it('renders the second-generation sections and masks the identifier', () => {
    const t = renderCreditReport(buildCreditReport(B, data, policy, '2026-11-15'), policy);
    for (const h of [
      '一、个人基本信息',
      '二、信息概要',
      '三、信贷交易信息明细',
      '四、查询记录',
      '五、异议标注',
    ])
      expect(t).toContain(h);
    expect(t).toContain('371082********9211');
    expect(t).not.toContain(B);
  });
});
