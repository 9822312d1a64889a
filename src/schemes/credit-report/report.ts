// The personal credit report as of a date: the 60-month grid per account, summary, enquiries and disputes, with
// negative information past its 5-year retention left out and the 20-day objection duty tracked.
import { addYears, fromEpochDay, toEpochDay } from '../../core/dates.js';
import { maskId } from '../../core/identifiers.js';
import type { Account, CreditData } from './data.js';
import type { CreditReportPolicy } from './policy.js';

export const monthIndex = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
export const monthOf = (i: number): string =>
  `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
/** Epoch day of the last day of a month index. */
const monthEnd = (i: number): number => toEpochDay(`${monthOf(i + 1)}-01`) - 1;

export interface ObjectionView {
  id: string;
  account: string;
  claim: string;
  filed: string;
  /** Filed + the policy's days: the date by which the CRC or lender must answer in writing. */
  due: string;
  state: 'open' | 'open_overdue' | 'resolved';
  outcome?: 'corrected' | 'upheld';
}

export interface AccountView {
  id: string;
  institution: string;
  kind: string;
  product?: string;
  opened: string;
  closed?: string;
  amount: number;
  currency: string;
  guarantees?: string;
  balance: number;
  overdue: number;
  /** The latest reported status, or undefined before the first report. */
  status?: string;
  /** history_months cells, oldest first; null where nothing is reported or the information is deleted. */
  grid: (string | null)[];
  /** Retained negative months and the worst overdue bucket among them (0 = none). */
  negativeMonths: number;
  worstBucket: number;
  disputed: boolean;
}

export interface CreditReport {
  report: string;
  version: string;
  subject: string;
  maskedSubject: string;
  name?: string;
  asOf: string;
  /** The last month whose reports are complete at asOf. */
  lastMonth: string;
  firstMonth: string;
  accounts: AccountView[];
  summary: {
    byKind: { kind: string; accounts: number; open: number; balance: number }[];
    accountsWithNegative: number;
    worstBucket: number;
    enquiries: { last1m: number; last6m: number; last24m: number };
  };
  enquiries: { date: string; institution: string; reason: string }[];
  objections: ObjectionView[];
  /** For the audit, never printed: how much negative information retention removed. */
  explanation: {
    deletedNegativeMonths: number;
    deletedRuns: { account: string; from: string; to: string; clearedIn: string; deletedOn: string }[];
  };
}

const bucketOf = (p: CreditReportPolicy, s: string): number => {
  const c = p.status.get(s);
  if (!c?.negative) return 0;
  return /^[1-7]$/.test(s) ? Number(s) : 7;
};

export function buildCreditReport(
  subject: string,
  data: CreditData,
  policy: CreditReportPolicy,
  asOf: string,
): CreditReport {
  const asOfDay = toEpochDay(asOf);
  const [y, m, d] = asOf.split('-').map(Number) as [number, number, number];
  const thisMonth = y * 12 + m - 1;
  const last = monthEnd(thisMonth) === asOfDay ? thisMonth : thisMonth - 1;
  void d;
  const H = policy.history_months.value;
  const first = last - H + 1;
  const objections = data.objections.filter((o) => o.subject === subject && o.filed <= asOf);
  const objViews: ObjectionView[] = objections.map((o) => {
    const due = fromEpochDay(toEpochDay(o.filed) + policy.objection.days);
    const resolved = o.resolved !== undefined && o.resolved <= asOf;
    const v: ObjectionView = {
      id: o.id,
      account: o.account,
      claim: o.claim,
      filed: o.filed,
      due,
      state: resolved ? 'resolved' : asOf > due ? 'open_overdue' : 'open',
    };
    if (resolved && o.outcome) v.outcome = o.outcome;
    return v;
  });
  const explanation: CreditReport['explanation'] = { deletedNegativeMonths: 0, deletedRuns: [] };
  const accounts: AccountView[] = data.accounts
    .filter((a) => a.subject === subject && a.opened <= asOf)
    .sort((a, b) => (a.opened < b.opened ? -1 : a.opened > b.opened ? 1 : a.id < b.id ? -1 : 1))
    .map((a) => viewAccount(a, policy, asOf, asOfDay, first, last, objections, objViews, explanation));
  const byKind = policy.account_kinds.map((k) => {
    const acc = accounts.filter((a) => a.kind === k.code);
    return {
      kind: k.code,
      accounts: acc.length,
      open: acc.filter((a) => !a.closed || a.closed > asOf).length,
      balance: acc.reduce((s, a) => s + a.balance, 0),
    };
  });
  const enq = data.enquiries
    .filter((e) => e.subject === subject && e.date <= asOf)
    .sort((a, b) => (a.date > b.date ? -1 : a.date < b.date ? 1 : a.institution < b.institution ? -1 : 1));
  const within = (months: number) =>
    enq.filter((e) => monthIndex(e.date.slice(0, 7)) > thisMonth - months).length;
  const window = policy.enquiry_window_months.value;
  const person = data.persons.get(subject);
  const r: CreditReport = {
    report: policy.report,
    version: policy.version,
    subject,
    maskedSubject: maskId(subject),
    asOf,
    lastMonth: monthOf(last),
    firstMonth: monthOf(first),
    accounts,
    summary: {
      byKind,
      accountsWithNegative: accounts.filter((a) => a.negativeMonths > 0).length,
      worstBucket: Math.max(0, ...accounts.map((a) => a.worstBucket)),
      enquiries: { last1m: within(1), last6m: within(6), last24m: within(24) },
    },
    enquiries: enq
      .filter((e) => monthIndex(e.date.slice(0, 7)) > thisMonth - window)
      .map((e) => ({ date: e.date, institution: e.institution, reason: e.reason })),
    objections: objViews,
    explanation,
  };
  if (person) r.name = person.name;
  return r;
}

function viewAccount(
  a: Account,
  policy: CreditReportPolicy,
  asOf: string,
  asOfDay: number,
  first: number,
  last: number,
  objections: CreditData['objections'],
  objViews: ObjectionView[],
  explanation: CreditReport['explanation'],
): AccountView {
  // Corrections of objections resolved by the as-of date replace the lender's original statuses.
  const corrected = new Map<string, string>();
  for (const o of objections)
    if (o.account === a.id && o.resolved !== undefined && o.resolved <= asOf && o.outcome === 'corrected')
      for (const c of o.corrections ?? []) corrected.set(c.month, c.status);
  const entries = a.months
    .filter((e) => monthIndex(e.month) <= last)
    .map((e) => ({ ...e, status: corrected.get(e.month) ?? e.status, i: monthIndex(e.month) }));
  const deleted = new Set<number>();
  const years = policy.negative_retention.years;
  for (let k = 0; k < entries.length;) {
    if (!policy.status.get(entries[k]!.status)?.negative) {
      k++;
      continue;
    }
    let e = k;
    while (e + 1 < entries.length && policy.status.get(entries[e + 1]!.status)?.negative) e++;
    const cleared = entries[e + 1];
    // A run still open at the as-of date has not ended, so its retention has not started.
    if (cleared) {
      const end = monthEnd(cleared.i);
      const until = addYears(end, years);
      if (asOfDay > until) {
        for (let q = k; q <= e; q++) deleted.add(entries[q]!.i);
        explanation.deletedNegativeMonths += e - k + 1;
        explanation.deletedRuns.push({
          account: a.id,
          from: entries[k]!.month,
          to: entries[e]!.month,
          clearedIn: cleared.month,
          deletedOn: fromEpochDay(until + 1),
        });
      }
    }
    k = e + 1;
  }
  const grid: (string | null)[] = new Array<string | null>(last - first + 1).fill(null);
  let negativeMonths = 0;
  let worstBucket = 0;
  for (const e of entries) {
    if (deleted.has(e.i)) continue;
    if (e.i >= first) grid[e.i - first] = e.status;
    const b = bucketOf(policy, e.status);
    if (policy.status.get(e.status)?.negative) {
      negativeMonths++;
      worstBucket = Math.max(worstBucket, b);
    }
  }
  const latest = entries[entries.length - 1];
  const v: AccountView = {
    id: a.id,
    institution: a.institution,
    kind: a.kind,
    opened: a.opened,
    amount: a.amount,
    currency: a.currency,
    balance: latest?.balance ?? 0,
    overdue: latest?.overdue ?? 0,
    grid,
    negativeMonths,
    worstBucket,
    disputed: objViews.some((o) => o.account === a.id && o.state !== 'resolved'),
  };
  if (a.product) v.product = a.product;
  if (a.closed && a.closed <= asOf) v.closed = a.closed;
  if (a.guarantees) v.guarantees = a.guarantees;
  if (latest && !deleted.has(latest.i)) v.status = latest.status;
  return v;
}
