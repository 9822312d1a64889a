// Receipts: the implementing agency's feedback to the list owner, one ledger statement per point-of-service decision.
import { makeRecord, type CreditRecord } from '../../core/types.js';
import type { Decision } from './decide.js';

const KIND = {
  allow: 'receipt.allowed',
  incentive: 'receipt.incentive',
  restrict: 'receipt.restricted',
  deny: 'receipt.denied',
} as const;

/**
 * The receipt statement for a decision: kind by outcome, severity = the action, basis = the instrument and measure
 * that decided it (the most severe reason), agency = the implementing agency unless given. One receipt per subject,
 * action, day and agency: deciding the same question twice on a day stores one statement (ids are content hashes).
 */
export function receiptFor(d: Decision, opts: { agency?: string; reportedAt?: string } = {}): CreditRecord {
  const top = d.reasons[0];
  return makeRecord({
    subject: d.subject,
    kind: KIND[d.outcome],
    occurredAt: d.date,
    reportedAt: opts.reportedAt ?? d.date,
    agency: opts.agency ?? top?.agency ?? 'point-of-service',
    basis: top
      ? `${top.instrument}; measure ${top.measure}; ${top.list}${top.case ? ` case ${top.case}` : ''}`
      : 'no measure applies',
    severity: d.action,
  });
}
