// Prints a credit report in the second-generation layout, headings in Chinese and English.
import type { CreditReport } from './report.js';
import { monthIndex } from './report.js';
import type { CreditReportPolicy } from './policy.js';

const MONTHS = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'];

export function renderCreditReport(r: CreditReport, policy: CreditReportPolicy): string {
  const L: string[] = [];
  const label = (list: { code: string; zh: string; en: string }[], c: string) => {
    const x = list.find((k) => k.code === c);
    return x ? `${x.zh} ${x.en}` : c;
  };
  L.push(`个人信用报告 Personal Credit Report — ${policy.owner}`);
  L.push(
    `报告时点 As of ${r.asOf}   还款记录 Repayment history ${r.firstMonth} … ${r.lastMonth}   (${r.report} ${r.version})`,
  );
  L.push('');
  L.push('一、个人基本信息 Identity');
  L.push(`  姓名 Name: ${r.name ?? '—'}    证件号码 ID: ${r.maskedSubject}`);
  L.push('');
  L.push('二、信息概要 Summary');
  for (const k of r.summary.byKind)
    L.push(
      `  ${label(policy.account_kinds, k.kind)}: ${k.accounts} accounts, ${k.open} open, balance ${k.balance.toFixed(0)}`,
    );
  L.push(
    `  有逾期记录的账户 Accounts with negative records (retained): ${r.summary.accountsWithNegative}; worst bucket: ${r.summary.worstBucket || '—'}`,
  );
  L.push(
    `  查询次数 Enquiries: last month ${r.summary.enquiries.last1m}, 6 months ${r.summary.enquiries.last6m}, 24 months ${r.summary.enquiries.last24m}`,
  );
  L.push('');
  L.push('三、信贷交易信息明细 Credit transactions');
  if (r.accounts.length === 0) L.push('  (none)');
  r.accounts.forEach((a, n) => {
    L.push(
      `  ${n + 1}. ${label(policy.account_kinds, a.kind)}${a.product ? ` (${a.product})` : ''} — ${a.institution}, opened ${a.opened}` +
        `${a.closed ? `, closed ${a.closed}` : ''}, ${a.kind === 'credit_card' ? 'limit' : 'amount'} ${a.amount} ${a.currency}` +
        `${a.guarantees ? `, guarantees ${a.guarantees}` : ''}`,
    );
    L.push(
      `     balance ${a.balance}, overdue ${a.overdue}, status ${a.status ?? '—'}${a.disputed ? '   【异议标注 disputed】' : ''}`,
    );
    L.push(`     最近5年还款记录 Repayment record, last ${a.grid.length} months:`);
    L.push(`       year  ${MONTHS.join(' ')}`);
    const start = monthIndex(r.firstMonth);
    const years = new Map<number, string[]>();
    a.grid.forEach((c, i) => {
      const mi = start + i;
      const y = Math.floor(mi / 12);
      if (!years.has(y)) years.set(y, new Array<string>(12).fill('  '));
      years.get(y)![mi % 12] = c === null ? ' ·' : c.padStart(2);
    });
    for (const [y, cells] of years) L.push(`       ${y}  ${cells.join(' ')}`);
  });
  L.push('');
  L.push('四、查询记录 Enquiries');
  if (r.enquiries.length === 0) L.push('  (none)');
  for (const e of r.enquiries)
    L.push(`  ${e.date}  ${e.institution}  ${label(policy.enquiry_reasons, e.reason)}`);
  L.push('');
  L.push('五、异议标注 Objections');
  if (r.objections.length === 0) L.push('  (none)');
  for (const o of r.objections)
    L.push(
      `  ${o.id}: account ${o.account}, filed ${o.filed}, answer due ${o.due} — ${
        o.state === 'resolved'
          ? `resolved (${o.outcome ?? '—'})`
          : o.state === 'open'
            ? 'open'
            : 'OPEN PAST THE DUTY'
      } — ${o.claim}`,
    );
  L.push('');
  L.push(
    `说明 Notes: N normal; 1–7 overdue in 30-day buckets; D guarantor repaid; Z repaid by assets; C settled; G ended;`,
  );
  L.push(
    `  # unknown; * nothing due; · not reported. Negative information is kept ${policy.negative_retention.years} years from`,
  );
  L.push(
    `  the end of the conduct (${policy.negative_retention.basis.split(' —')[0]}). 征信中心不评分 The CRC gives no score.`,
  );
  return L.join('\n');
}
