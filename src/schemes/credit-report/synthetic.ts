// Synthetic CRC data for a set of fictional residents: accounts with Markov repayment histories, enquiries, a few
// scripted stories (an old cleared arrears run, a guarantor who paid, a corrected and an unanswered objection).
// Every rate here is an assumption for demos and tests; none is a measured figure.
import { Rng } from '../../core/rng.js';
import type { CreditLine } from './data.js';
import { monthIndex, monthOf } from './report.js';

export interface SyntheticPerson {
  id: string;
  name?: string;
  hukou?: 'urban' | 'rural';
  sex?: 'M' | 'F';
  /** Propensity to fall behind, 0..1 (default drawn). */
  risk?: number;
}

const BANKS = ['某商业银行威海分行', '某农村商业银行荣成支行', '某股份制银行烟台分行', '某消费金融公司'];

/** Monthly status chain: from normal, fall one bucket behind with `p`; from a bucket, cure, stay or deepen. */
function history(
  rng: Rng,
  amount: number,
  from: number,
  to: number,
  p: number,
  closeAt: number | undefined,
): { month: string; status: string; balance: number; overdue: number }[] {
  const out: { month: string; status: string; balance: number; overdue: number }[] = [];
  let bucket = 0;
  let balance = 1;
  for (let i = from; i <= to; i++) {
    if (closeAt !== undefined && i === closeAt) {
      out.push({ month: monthOf(i), status: 'C', balance: 0, overdue: 0 });
      break;
    }
    if (bucket === 0) bucket = rng.next() < p ? 1 : 0;
    else {
      const u = rng.next();
      bucket = u < 0.55 ? 0 : u < 0.75 ? bucket : Math.min(7, bucket + 1);
    }
    balance = Math.max(0, balance - 1 / 60);
    out.push({
      month: monthOf(i),
      status: bucket === 0 ? 'N' : String(bucket),
      balance: Math.round(balance * amount),
      overdue: bucket * 120,
    });
  }
  return out;
}

export function syntheticCreditData(
  people: readonly SyntheticPerson[],
  seed: number | string,
  until: string,
): CreditLine[] {
  const rng = new Rng(seed);
  const end = monthIndex(until);
  const lines: CreditLine[] = [];
  let acc = 0;
  for (const p of people) {
    const r = rng.fork(p.id);
    const risk = p.risk ?? r.next() * r.next() * 0.08;
    const person: CreditLine = { type: 'person', subject: p.id, name: p.name ?? '某某' };
    if (p.hukou) person.hukou = p.hukou;
    if (p.sex) person.sex = p.sex;
    lines.push(person);
    const nAcc = r.int(4);
    for (let k = 0; k < nAcc; k++) {
      const kind = r.pick(['loan', 'credit_card', 'loan'] as const);
      const start = end - 12 - r.int(96);
      const term = kind === 'loan' ? r.pick([12, 36, 60, 120]) : undefined;
      const closeAt = term !== undefined && start + term <= end ? start + term : undefined;
      const id = `A${String(++acc).padStart(6, '0')}`;
      const amount = kind === 'loan' ? 1000 * (5 + r.int(300)) : 1000 * (5 + r.int(50));
      const line: CreditLine = {
        type: 'account',
        id,
        subject: p.id,
        institution: r.pick(BANKS),
        kind,
        opened: `${monthOf(start)}-${String(1 + r.int(28)).padStart(2, '0')}`,
        amount,
        currency: 'CNY',
        months: history(r, amount, start, end, risk, closeAt),
      };
      if (kind === 'loan') line.product = r.pick(['个人消费贷款', '个人经营性贷款', '个人住房贷款']);
      if (closeAt !== undefined) line.closed = `${monthOf(closeAt)}-28`;
      lines.push(line);
    }
    const nEnq = r.poisson(1 + risk * 20);
    for (let k = 0; k < nEnq; k++) {
      const m = end - r.int(30);
      lines.push({
        type: 'enquiry',
        subject: p.id,
        date: `${monthOf(m)}-${String(1 + r.int(28)).padStart(2, '0')}`,
        institution: r.pick(BANKS),
        reason: r.pick(['loan_approval', 'card_approval', 'post_loan', 'self']),
      });
    }
  }
  return lines;
}

/**
 * Scripted stories on the first people, so the demo shows retention, a guarantee, and both kinds of objection.
 * `until` is the last reported month.
 */
export function creditStories(people: readonly SyntheticPerson[], until: string): CreditLine[] {
  const end = monthIndex(until);
  const out: CreditLine[] = [];
  const [a, b, c] = people;
  if (a) {
    // An arrears run cleared about 8 years before `until`: kept 5 years from the clearing month, then deleted.
    const start = end - 110;
    const months = [];
    for (let i = start; i <= end; i++) {
      const k = i - start;
      const status = k >= 10 && k < 13 ? String(k - 9) : 'N';
      months.push({
        month: monthOf(i),
        status,
        balance: 200000 - k * 1500,
        overdue: status === 'N' ? 0 : 3000 * (k - 9),
      });
    }
    out.push({
      type: 'account',
      id: 'S000001',
      subject: a.id,
      institution: BANKS[0]!,
      kind: 'loan',
      product: '个人住房贷款',
      opened: `${monthOf(start)}-15`,
      amount: 300000,
      currency: 'CNY',
      months,
    });
  }
  if (b) {
    // A consumer loan that fell behind; the guarantor (person c) paid; then an objection the lender corrected.
    const start = end - 30;
    const months = [];
    for (let i = start; i <= end - 10; i++) {
      const k = i - start;
      const status = k >= 12 && k < 15 ? String(k - 11) : k === 15 ? 'D' : k > 15 ? 'C' : 'N';
      months.push({
        month: monthOf(i),
        status,
        balance: k > 15 ? 0 : 50000 - k * 2000,
        overdue: /[1-7]/.test(status) ? 2000 * (k - 11) : 0,
      });
      if (status === 'C') break;
    }
    out.push({
      type: 'account',
      id: 'S000002',
      subject: b.id,
      institution: BANKS[3]!,
      kind: 'loan',
      product: '个人消费贷款',
      opened: `${monthOf(start)}-03`,
      closed: `${monthOf(start + 16)}-28`,
      amount: 50000,
      currency: 'CNY',
      months,
    });
    out.push({
      type: 'objection',
      id: 'O0001',
      subject: b.id,
      account: 'S000002',
      filed: `${monthOf(end - 6)}-05`,
      claim: 'the first overdue month was a bank transfer delay, not a missed payment',
      resolved: `${monthOf(end - 6)}-19`,
      outcome: 'corrected',
      corrections: [{ month: monthOf(start + 12), status: 'N' }],
    });
    if (c)
      out.push({
        type: 'account',
        id: 'S000003',
        subject: c.id,
        institution: BANKS[3]!,
        kind: 'guarantee',
        opened: `${monthOf(start)}-03`,
        amount: 50000,
        currency: 'CNY',
        guarantees: 'S000002',
        months: [],
      });
  }
  if (c) {
    // An objection filed a month before `until`, not answered: open past the 20-day duty.
    out.push({
      type: 'account',
      id: 'S000004',
      subject: c.id,
      institution: BANKS[1]!,
      kind: 'credit_card',
      opened: `${monthOf(end - 20)}-10`,
      amount: 20000,
      currency: 'CNY',
      months: Array.from({ length: 21 }, (_, k) => ({
        month: monthOf(end - 20 + k),
        status: k === 18 ? '1' : 'N',
        balance: 3000,
        overdue: k === 18 ? 500 : 0,
      })),
    });
    out.push({
      type: 'objection',
      id: 'O0002',
      subject: c.id,
      account: 'S000004',
      filed: `${monthOf(end - 1)}-02`,
      claim: 'the card was reported stolen before the disputed purchase',
    });
  }
  return out;
}
