// A subject's due-process report as of a day: its records (in force or superseded) with objection flags, its
// publications with countdowns, its objections and repairs. A pure function of records, statements and the day.
import type { WorkingCalendar } from '../core/calendar.js';
import { fromEpochDay, toEpochDay } from '../core/dates.js';
import type { CreditRecord } from '../core/types.js';
import { flagsByRecord, type Flag } from './flags.js';
import type { DueProcessPolicy } from './policy.js';
import { countdown, type Countdown } from './publication.js';
import type { DueProcessState } from './state.js';

export interface ReportRecord {
  id: string;
  kind: string;
  occurredAt: string;
  reportedAt: string;
  agency: string;
  basis: string;
  amount?: number;
  severity?: string;
  status: CreditRecord['status'];
  supersedes?: string;
  /** False once a later correction or withdrawal (reported by the as-of day) replaced it. */
  inForce: boolean;
  supersededBy?: string;
  /** Open objections against it: every report shows them while they are open. */
  flags: Flag[];
}

export interface ReportObjection {
  id: string;
  target: { type: string; ref: string };
  channel: string;
  body: string;
  filedOn: string;
  due: string;
  status: string;
  closedOn?: string;
  corrections: string[];
}

export interface ReportRepair {
  id: string;
  publication: string;
  regime: string;
  class: string;
  status: string;
  appliedOn: string;
  failed: { code: string; message: string }[];
}

export interface SubjectReport {
  subject: string;
  asOf: string;
  /** The rule versions behind every answer in the report. */
  ruleVersion: string;
  calendarVersion: string;
  records: ReportRecord[];
  publications: Countdown[];
  objections: ReportObjection[];
  repairs: ReportRepair[];
}

/** `records` are the subject's ledger statements known as of `asOf` (Ledger.readSubject(subject, asOf)). */
export function subjectReport(
  subject: string,
  records: readonly CreditRecord[],
  st: DueProcessState,
  asOf: string,
  policy: DueProcessPolicy,
  cal: WorkingCalendar,
): SubjectReport {
  const day = toEpochDay(asOf);
  const flags = flagsByRecord(st, policy);
  const replacedBy = new Map<string, string>();
  for (const r of records)
    if (r.supersedes !== undefined && r.reportedAt <= asOf) replacedBy.set(r.supersedes, r.id);
  const out: ReportRecord[] = records
    .filter((r) => r.reportedAt <= asOf && r.status !== 'withdrawal')
    .map((r) => {
      const by = replacedBy.get(r.id);
      return {
        id: r.id,
        kind: r.kind,
        occurredAt: r.occurredAt,
        reportedAt: r.reportedAt,
        agency: r.agency,
        basis: r.basis,
        ...(r.amount !== undefined ? { amount: r.amount } : {}),
        ...(r.severity !== undefined ? { severity: r.severity } : {}),
        status: r.status,
        ...(r.supersedes !== undefined ? { supersedes: r.supersedes } : {}),
        inForce: by === undefined,
        ...(by !== undefined ? { supersededBy: by } : {}),
        flags: flags.get(r.id) ?? [],
      };
    });
  const publications = [...st.publications.values()]
    .filter((p) => p.subject === subject && p.published <= day)
    .map((p) => countdown(p, day, policy, cal));
  const objections = [...st.objections.values()]
    .filter((o) => o.subject === subject)
    .map((o) => ({
      id: o.id,
      target: o.target,
      channel: o.channel,
      body: o.body,
      filedOn: fromEpochDay(o.received),
      due: fromEpochDay(o.due),
      status: o.status,
      ...(o.closed !== undefined ? { closedOn: fromEpochDay(o.closed) } : {}),
      corrections: o.corrections,
    }));
  const repairs = [...st.repairs.values()]
    .filter((r) => r.subject === subject)
    .map((r) => ({
      id: r.id,
      publication: r.publication,
      regime: r.regime,
      class: r.class,
      status: r.status,
      appliedOn: fromEpochDay(r.applied),
      failed: r.checks.filter((c) => !c.ok).map((c) => ({ code: c.code, message: c.message })),
    }));
  return {
    subject,
    asOf,
    ruleVersion: policy.version,
    calendarVersion: cal.version,
    records: out,
    publications,
    objections,
    repairs,
  };
}
