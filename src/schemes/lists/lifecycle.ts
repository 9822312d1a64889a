// The reference interpreter of the listing lifecycle: from a subject's statements to list entries with their terms.
import { addMonths, addYears, toEpochDay } from '../../core/dates.js';
import type { CreditRecord, RecordStatus } from '../../core/types.js';
import type { ListPolicy } from './policy.js';
import type { ListDef, Span } from './schema.js';
import { listTextOn } from './versions.js';

/**
 * A lifecycle statement as the engines see it: a credit record with dates as epoch days. `basis` (the case number)
 * is undefined when the statement came from a columnar scan, which does not carry it; matching then falls back to
 * "the one open listing" and flags any ambiguity.
 */
export interface ListStatement {
  /** The record id, or '#<row>' for a row of a columnar scan. */
  ref: string;
  subject: string;
  kind: string;
  occurred: number;
  reported: number;
  agency: string;
  basis?: string;
  severity?: string;
  amount?: number;
  level?: string;
  status: RecordStatus;
  supersedes?: string;
}

export function statementOf(r: CreditRecord): ListStatement {
  const s: ListStatement = {
    ref: r.id,
    subject: r.subject,
    kind: r.kind,
    occurred: toEpochDay(r.occurredAt),
    reported: toEpochDay(r.reportedAt),
    agency: r.agency,
    basis: r.basis,
    status: r.status,
  };
  if (r.severity !== undefined) s.severity = r.severity;
  if (r.amount !== undefined) s.amount = r.amount;
  if (r.level !== undefined) s.level = r.level;
  if (r.supersedes !== undefined) s.supersedes = r.supersedes;
  return s;
}

/** Every record's lifecycle statement, grouped by subject: the `of` a reference decision reads (none: an empty list). */
export function statementsBySubject(records: Iterable<CreditRecord>): (id: string) => ListStatement[] {
  const stmts = new Map<string, ListStatement[]>();
  for (const r of records) {
    const a = stmts.get(r.subject);
    if (a) a.push(statementOf(r));
    else stmts.set(r.subject, [statementOf(r)]);
  }
  return (id) => stmts.get(id) ?? [];
}

export type EndCause = 'term' | 'deletion' | 'withdrawal' | 'correction';

/**
 * One stretch of time during which a subject is on a list under one listing statement. A correction of the listing
 * ends one entry and starts another (same `root`) on the correction's reported date.
 */
export interface ListEntry {
  list: string;
  subject: string;
  /** The listing statement in force during this entry. */
  ref: string;
  /** The first listing statement of its correction chain. */
  root: string;
  /** The case or decision number, when known. */
  case?: string;
  criterion?: string;
  agency: string;
  level?: string;
  /** Day of the listing decision. */
  listedOn: number;
  reportedOn: number;
  /** First day in force. */
  since: number;
  /** First day no longer in force; null while open. */
  until: number | null;
  /** First day past the term (with extensions); null when the listing has no fixed term. */
  termEnd: number | null;
  /** First day past the term as decided, before extensions. */
  baseTermEnd: number | null;
  extensions: { ref: string; months: number; occurred: number }[];
  end?: { cause: EndCause; day: number; ref?: string; ground?: string; reported?: number };
  published?: number;
}

/** Something in the statements that does not add up; engines skip it and say so. */
export interface Anomaly {
  code: string;
  ref: string;
  list: string;
  message: string;
}

export interface LifecycleResult {
  entries: ListEntry[];
  anomalies: Anomaly[];
}

export function spanEnd(from: number, span: Span): number {
  let d = from;
  if (span.years) d = addYears(d, span.years);
  if (span.months) d = addMonths(d, span.months);
  return d;
}

/** First day past the base term of a listing under `criterion`, or null for no fixed term. */
export function baseTermEnd(list: ListDef, listedOn: number, criterion: string | undefined): number | null {
  // The term is the one of the text in force on the decision day (the 2013 defaulter provisions set none).
  const text = listTextOn(list, listedOn);
  const c = criterion === undefined ? undefined : text.criteria?.find((x) => x.code === criterion);
  const term = c?.term ?? text.term;
  return term === 'none' ? null : spanEnd(listedOn, term);
}

const sameCase = (a: string | undefined, b: string | undefined): boolean =>
  a === undefined || b === undefined || a === b;

/**
 * Every list entry a subject's statements produce, on every list of the policy.
 *
 * Time has two axes. Effects run on occurredAt: a listing is in force from its decision day, a deletion ends it on
 * the day its ground arose, and a term runs from the decision day. Corrections and withdrawals take effect from their
 * own reportedAt (the ledger's supersession rule), so the statements in force change only at those days: between two
 * of them ("an epoch") the set is fixed and each listing's interval is plain arithmetic. `knownAsOf` drops statements
 * reported later, to answer "what did the record say on that day".
 */
export function entriesOf(
  policy: ListPolicy,
  statements: readonly ListStatement[],
  opts: { knownAsOf?: number } = {},
): LifecycleResult {
  const known =
    opts.knownAsOf === undefined ? statements : statements.filter((s) => s.reported <= opts.knownAsOf!);
  const byRef = new Map(known.map((s) => [s.ref, s]));
  // The earliest superseder of each statement, and the epoch boundaries.
  const supersededBy = new Map<string, ListStatement>();
  const bounds = new Set<number>();
  for (const s of known) {
    if (s.status === 'original' || s.supersedes === undefined) continue;
    bounds.add(s.reported);
    const prev = supersededBy.get(s.supersedes);
    if (!prev || s.reported < prev.reported || (s.reported === prev.reported && s.ref < prev.ref))
      supersededBy.set(s.supersedes, s);
  }
  const root = (s: ListStatement): string => {
    let cur = s;
    for (let i = 0; i < 64 && cur.supersedes !== undefined; i++) {
      const up = byRef.get(cur.supersedes);
      if (!up) break;
      cur = up;
    }
    return cur.ref;
  };
  const epochs = [-Infinity, ...[...bounds].sort((a, b) => a - b), Infinity];
  const entries: ListEntry[] = [];
  const anomalies: Anomaly[] = [];
  const anomalyKeys = new Set<string>();
  const flag = (a: Anomaly) => {
    const k = `${a.code}|${a.ref}`;
    if (!anomalyKeys.has(k)) {
      anomalyKeys.add(k);
      anomalies.push(a);
    }
  };

  policy.lists.forEach((list) => {
    const k = list.kinds;
    const mine = known.filter(
      (s) =>
        s.kind === k.listing ||
        s.kind === k.deletion ||
        s.kind === k.extension ||
        s.kind === k.publication ||
        (k.expiry !== undefined && s.kind === k.expiry.kind),
    );
    if (!mine.some((s) => s.kind === k.listing)) {
      for (const s of mine)
        if (s.status !== 'withdrawal' && s.kind !== k.publication)
          flag({
            code: 'list.anomaly.no_listing',
            ref: s.ref,
            list: list.list,
            message: `${s.kind} without a listing`,
          });
      return;
    }
    const pieces: ListEntry[] = [];
    for (let e = 0; e + 1 < epochs.length; e++) {
      const from = epochs[e]!;
      const to = epochs[e + 1]!;
      // Statements in force throughout [from, to).
      const inForce = mine.filter((s) => {
        if (s.status === 'withdrawal') return false;
        if (s.status === 'correction' && s.reported > from) return false;
        const sup = supersededBy.get(s.ref);
        return !sup || sup.reported >= to;
      });
      for (const p of epochPieces(list, inForce, flag)) {
        const since = Math.max(p.since, from);
        const until = p.until === null ? to : Math.min(p.until, to);
        if (since >= until) continue;
        const piece = {
          ...p,
          since,
          until: until === Infinity ? null : until,
          root: root(byRef.get(p.ref)!),
        };
        if (p.until === null || p.until > to) {
          // Cut by the epoch boundary; if the listing is superseded there, that is why it ends.
          const sup = supersededBy.get(p.ref);
          if (sup && sup.reported === to)
            piece.end = {
              cause: sup.status === 'withdrawal' ? 'withdrawal' : 'correction',
              day: to,
              ref: sup.ref,
            };
          else delete piece.end;
        }
        pieces.push(piece);
      }
    }
    // Join pieces of the same listing that meet at an epoch boundary.
    pieces.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : a.since - b.since));
    for (const p of pieces) {
      const last = entries[entries.length - 1];
      if (last && last.list === p.list && last.ref === p.ref && last.until === p.since) {
        last.until = p.until;
        last.termEnd = p.termEnd;
        last.extensions = p.extensions;
        if (p.end) last.end = p.end;
        else delete last.end;
        if (p.published !== undefined) last.published = p.published;
      } else entries.push(p);
    }
  });
  entries.sort((a, b) => a.since - b.since || (a.list < b.list ? -1 : a.list > b.list ? 1 : 0));
  return { entries, anomalies };
}

/** Intervals of every listing among a fixed set of statements of one list (no supersession inside). */
function epochPieces(list: ListDef, inForce: ListStatement[], flag: (a: Anomaly) => void): ListEntry[] {
  const k = list.kinds;
  const listings = inForce.filter((s) => s.kind === k.listing).sort(byOccurred);
  const entries: ListEntry[] = listings.map((s) => {
    const base = baseTermEnd(list, s.occurred, s.severity);
    const e: ListEntry = {
      list: list.list,
      subject: s.subject,
      ref: s.ref,
      root: s.ref,
      agency: s.agency,
      listedOn: s.occurred,
      reportedOn: s.reported,
      since: s.occurred,
      until: base,
      termEnd: base,
      baseTermEnd: base,
      extensions: [],
    };
    if (s.basis !== undefined) e.case = s.basis;
    if (s.severity !== undefined) e.criterion = s.severity;
    if (s.level !== undefined) e.level = s.level;
    if (base !== null) e.end = { cause: 'term', day: base };
    return e;
  });
  const caseOf = new Map(listings.map((s, i) => [entries[i]!, s.basis]));
  // Follow-up statements in date order, each matched to the latest open listing of its case on its day.
  const follow = inForce.filter((s) => s.kind !== k.listing).sort(byOccurred);
  const isExpiry = (s: ListStatement) =>
    k.expiry !== undefined &&
    s.kind === k.expiry.kind &&
    (k.expiry.severity === undefined || s.severity === k.expiry.severity);
  for (const s of follow) {
    const open = entries.filter(
      (e) =>
        e.listedOn <= s.occurred &&
        sameCase(caseOf.get(e), s.basis) &&
        (isExpiry(s) || s.kind === k.publication ? true : e.until === null || s.occurred < e.until),
    );
    if (!open.length) {
      flag({
        code: 'list.anomaly.unmatched',
        ref: s.ref,
        list: list.list,
        message: `${s.kind} on ${s.occurred} matches no listing in force${s.basis ? ` in case ${s.basis}` : ''}`,
      });
      continue;
    }
    // Without case numbers (a columnar scan) a statement is placed only when the subject has a single listing on
    // the list; otherwise the engine needs the full records (DecisionIndex.sync). A follow-up citing a wrong case
    // number on a single listing is only caught with case numbers (docs/decisions/0041).
    const caseUnknown = s.basis === undefined || open.some((e) => caseOf.get(e) === undefined);
    const owners = caseUnknown ? entries : open;
    if (owners.length > 1)
      flag({
        code: 'list.anomaly.ambiguous_case',
        ref: s.ref,
        list: list.list,
        message: `${s.kind} could belong to ${owners.length} listings; the case number is needed`,
      });
    const e = open[open.length - 1]!;
    if (s.kind === k.publication) {
      if (e.published === undefined) e.published = s.occurred;
    } else if (isExpiry(s) && e.termEnd !== null && s.occurred >= e.termEnd) {
      // The owner records the deletion that follows the term; the term itself has already ended the entry.
      if (s.occurred !== e.termEnd)
        flag({
          code: 'list.anomaly.expiry_date',
          ref: s.ref,
          list: list.list,
          message: `expiry dated ${s.occurred}, the term ends on ${e.termEnd}`,
        });
      if (e.end?.cause === 'term' && e.end.ref === undefined) {
        e.end = { cause: 'term', day: e.termEnd, ref: s.ref, reported: s.reported };
        if (s.severity !== undefined) e.end.ground = s.severity;
      } else if (e.end?.cause !== 'term')
        flag({
          code: 'list.anomaly.expiry_after_end',
          ref: s.ref,
          list: list.list,
          message: 'the entry had already ended',
        });
    } else if (isExpiry(s) && s.kind !== k.deletion) {
      flag({
        code: 'list.anomaly.expiry_date',
        ref: s.ref,
        list: list.list,
        message: `expiry dated ${s.occurred}, before the term ends${e.termEnd === null ? ' (no term)' : ` on ${e.termEnd}`}`,
      });
    } else if (s.kind === k.deletion) {
      if (isExpiry(s))
        flag({
          code: 'list.anomaly.expiry_date',
          ref: s.ref,
          list: list.list,
          message: `term-end removal dated ${s.occurred}, before the term ends${e.termEnd === null ? ' (no term)' : ` on ${e.termEnd}`}`,
        });
      e.until = s.occurred;
      e.end = { cause: 'deletion', day: s.occurred, ref: s.ref, reported: s.reported };
      if (s.severity !== undefined) e.end.ground = s.severity;
    } else if (s.kind === k.extension) {
      const ext = list.extension;
      const months = s.amount ?? NaN;
      const used = e.extensions.reduce((n, x) => n + x.months, 0);
      const why =
        !ext || e.termEnd === null
          ? 'the listing has no term to extend'
          : !(months >= ext.min_months && months <= ext.max_months)
            ? `${months} months is outside ${ext.min_months}-${ext.max_months}`
            : used + months > ext.total_max_months
              ? `extensions would total ${used + months} months, more than ${ext.total_max_months}`
              : e.end?.cause === 'deletion'
                ? 'the listing was already deleted'
                : undefined;
      if (why) {
        flag({ code: 'list.anomaly.extension_ignored', ref: s.ref, list: list.list, message: why });
        continue;
      }
      e.termEnd = addMonths(e.termEnd!, months);
      e.until = e.termEnd;
      e.end = { cause: 'term', day: e.termEnd };
      e.extensions.push({ ref: s.ref, months, occurred: s.occurred });
    }
  }
  return entries;
}

function byOccurred(a: ListStatement, b: ListStatement): number {
  return a.occurred - b.occurred || a.reported - b.reported || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);
}

/** Entries in force on `day`. */
export function activeOn(entries: readonly ListEntry[], day: number, list?: string): ListEntry[] {
  return entries.filter(
    (e) => (list === undefined || e.list === list) && e.since <= day && (e.until === null || day < e.until),
  );
}
