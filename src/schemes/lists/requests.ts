// Lifecycle requests (list, extend, delete, record expiry): checked against the list's rules; refusals are coded.
import { ageOn, fromEpochDay, isIsoDate, toEpochDay } from '../../core/dates.js';
import type { Issue } from '../../core/errors.js';
import { makeRecord, type CreditRecord, type IssuerLevel } from '../../core/types.js';
import { activeOn, entriesOf, spanEnd, type ListEntry, type ListStatement } from './lifecycle.js';
import type { ListPolicy } from './policy.js';
import { listTextOn } from './versions.js';
import type { Register } from './register.js';

/**
 * A request by a list owner to list a subject. Facts are what the owner asserts about the case (e.g. that a
 * guarantee was provided); `entity` names the legal person that is the party when the subject is its officer.
 */
export interface ListingRequest {
  list: string;
  subject: string;
  /** Case or decision number: becomes the statement's basis. */
  case: string;
  /** Decision date, YYYY-MM-DD. */
  date: string;
  /** Entry date; defaults to the decision date. */
  reportedAt?: string;
  agency: string;
  criterion?: string;
  level?: IssuerLevel;
  facts?: Record<string, boolean>;
  entity?: string;
}

export interface ExtensionRequest {
  list: string;
  subject: string;
  case: string;
  date: string;
  reportedAt?: string;
  agency: string;
  months: number;
  ground?: string;
}

export interface DeletionRequest {
  list: string;
  subject: string;
  case: string;
  /** The day the ground arose. */
  date: string;
  /** The day the owner deletes; the deadline is checked by `dutiesOf`. */
  reportedAt?: string;
  agency: string;
  ground: string;
}

/** Either the statement to append, or every reason it may not be made. */
export type RequestOutcome = { ok: true; record: CreditRecord } | { ok: false; issues: Issue[] };

const refuse = (code: string, message: string): Issue => ({ code: `list.refused.${code}`, message });

function dateIssues(date: string, reportedAt: string | undefined): Issue[] {
  const out: Issue[] = [];
  if (!isIsoDate(date)) out.push(refuse('bad_date', `date '${date}' is not YYYY-MM-DD`));
  if (reportedAt !== undefined && !isIsoDate(reportedAt))
    out.push(refuse('bad_date', `reportedAt '${reportedAt}' is not YYYY-MM-DD`));
  else if (reportedAt !== undefined && isIsoDate(date) && reportedAt < date)
    out.push(refuse('bad_date', 'reportedAt is earlier than the decision date'));
  return out;
}

/**
 * Check a listing request. `statements` are the subject's lifecycle statements (all lists: criteria such as E5 look
 * at other lists). Every refusal reason is reported, e.g. `list.refused.minor`, `list.refused.guarantee_provided`,
 * `list.refused.no_prior_warning`, `list.refused.criterion_unmet`, `list.refused.already_listed`.
 */
export function requestListing(
  policy: ListPolicy,
  register: Register,
  statements: readonly ListStatement[],
  req: ListingRequest,
): RequestOutcome {
  const list = policy.list(req.list);
  if (!list) return { ok: false, issues: [refuse('unknown_list', `no list ${req.list}`)] };
  const issues = dateIssues(req.date, req.reportedAt);
  if (issues.length) return { ok: false, issues };
  const day = toEpochDay(req.date);
  if (day < toEpochDay(list.in_force))
    issues.push(refuse('not_in_force', `${list.list} is in force from ${list.in_force}`));
  const type = register.typeOf(req.subject);
  if (!list.subjects.includes(type))
    issues.push(refuse('subject_type', `${list.list} does not list ${type} persons`));
  const { entries } = entriesOf(policy, statements);

  // Entry criteria: those of the text in force on the decision day.
  const text = listTextOn(list, day);
  if (text.criteria?.length) {
    const c = text.criteria.find((x) => x.code === req.criterion);
    if (!c)
      issues.push(
        refuse('unknown_criterion', `criterion '${req.criterion ?? ''}' is not one of ${list.list}'s`),
      );
    else {
      if (c.requires_fact && req.facts?.[c.requires_fact] !== true)
        issues.push(
          refuse(
            'criterion_unmet',
            `${c.code} under the ${text.version} text needs the fact ${c.requires_fact}`,
          ),
        );
      if (c.requires_active && !activeOn(entries, day, c.requires_active).length)
        issues.push(
          refuse(
            'criterion_unmet',
            `${c.code} needs an entry on ${c.requires_active} in force on ${req.date}`,
          ),
        );
      for (const src of policy.lists)
        if (src.escalation?.to === list.list && src.escalation.ground === c.code) {
          const old = activeOn(entries, day, src.list).filter(
            (e) => spanEnd(e.listedOn, src.escalation!.after) <= day,
          );
          if (!old.length)
            issues.push(
              refuse('criterion_unmet', `${c.code} needs ${fmtSpan(src.escalation.after)} on ${src.list}`),
            );
        }
    }
  } else if (req.criterion !== undefined)
    issues.push(refuse('unknown_criterion', `${list.list} has no coded criteria`));

  // Who may not be listed.
  for (const ex of list.exclusions) {
    if (ex.from && day < toEpochDay(ex.from)) continue;
    let hit = false;
    if (ex.when === 'minor') {
      const b = register.birthDay(req.subject);
      hit = type === 'natural' && b !== undefined && ageOn(b, day) < 18;
    } else if (ex.when === 'fact') hit = req.facts?.[ex.fact!] === true;
    else if (ex.when === 'subject_type') hit = type === ex.subject_type;
    else if (ex.when === 'officer_of_party_entity')
      hit = req.entity !== undefined && register.isOfficerOf(req.subject, req.entity!);
    if (hit) issues.push(refuse(ex.code, `${ex.en} (${ex.basis} [${ex.marker}])`));
  }

  // Procedure: the enforcement notice must have warned of the risk in the same case.
  if (list.requires_prior_warning) {
    const warned = statements.some(
      (s) =>
        s.kind === list.kinds.warning &&
        s.status !== 'withdrawal' &&
        s.basis === req.case &&
        s.occurred <= day,
    );
    if (!warned)
      issues.push(
        refuse('no_prior_warning', `no ${list.kinds.warning} in case ${req.case} on or before ${req.date}`),
      );
  }
  if (activeOn(entries, day, list.list).some((e) => e.case === req.case))
    issues.push(refuse('already_listed', `already on ${list.list} in case ${req.case}`));
  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    record: makeRecord({
      subject: req.subject,
      kind: list.kinds.listing,
      occurredAt: req.date,
      reportedAt: req.reportedAt ?? req.date,
      agency: req.agency,
      basis: req.case,
      ...(req.criterion !== undefined ? { severity: req.criterion } : {}),
      ...(req.level !== undefined ? { level: req.level } : {}),
    }),
  };
}

function fmtSpan(s: { years?: number; months?: number }): string {
  return [s.years ? `${s.years} years` : '', s.months ? `${s.months} months` : ''].filter(Boolean).join(' ');
}

function entryInCase(
  policy: ListPolicy,
  statements: readonly ListStatement[],
  listId: string,
  kase: string,
  day: number,
): ListEntry | undefined {
  return activeOn(entriesOf(policy, statements).entries, day, listId).find((e) => e.case === kase);
}

/** Extend a listing's term: only while it runs, within the list's month limits. */
export function requestExtension(
  policy: ListPolicy,
  statements: readonly ListStatement[],
  req: ExtensionRequest,
): RequestOutcome {
  const list = policy.list(req.list);
  if (!list) return { ok: false, issues: [refuse('unknown_list', `no list ${req.list}`)] };
  const issues = dateIssues(req.date, req.reportedAt);
  if (issues.length) return { ok: false, issues };
  const ext = list.extension;
  if (!ext || !list.kinds.extension)
    return { ok: false, issues: [refuse('no_extension', `${list.list} has no extension rule`)] };
  const e = entryInCase(policy, statements, list.list, req.case, toEpochDay(req.date));
  if (!e) issues.push(refuse('not_listed', `no listing in force in case ${req.case} on ${req.date}`));
  else if (e.termEnd === null) issues.push(refuse('no_term', 'the listing has no fixed term to extend'));
  if (!(Number.isInteger(req.months) && req.months >= ext.min_months && req.months <= ext.max_months))
    issues.push(
      refuse('extension_out_of_range', `${req.months} months is outside ${ext.min_months}-${ext.max_months}`),
    );
  else if (e && e.extensions.reduce((n, x) => n + x.months, 0) + req.months > ext.total_max_months)
    issues.push(
      refuse('extension_total_exceeded', `extensions may total at most ${ext.total_max_months} months`),
    );
  const kind = policy.catalogue.get(list.kinds.extension);
  if (req.ground !== undefined && !(kind?.severities ?? []).includes(req.ground))
    issues.push(refuse('unknown_ground', `'${req.ground}' is not a ground for extension`));
  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    record: makeRecord({
      subject: req.subject,
      kind: list.kinds.extension,
      occurredAt: req.date,
      reportedAt: req.reportedAt ?? req.date,
      agency: req.agency,
      basis: req.case,
      amount: req.months,
      ...(req.ground !== undefined ? { severity: req.ground } : {}),
    }),
  };
}

/** Delete a listing on a ground of the list (performance, settlement, creditor's request, ...). */
export function requestDeletion(
  policy: ListPolicy,
  statements: readonly ListStatement[],
  req: DeletionRequest,
): RequestOutcome {
  const list = policy.list(req.list);
  if (!list) return { ok: false, issues: [refuse('unknown_list', `no list ${req.list}`)] };
  const issues = dateIssues(req.date, req.reportedAt);
  if (issues.length) return { ok: false, issues };
  const day = toEpochDay(req.date);
  if (!list.deletion.grounds.some((g) => g.code === req.ground))
    issues.push(refuse('unknown_ground', `'${req.ground}' is not a deletion ground of ${list.list}`));
  const e = entryInCase(policy, statements, list.list, req.case, day);
  if (!e) issues.push(refuse('not_listed', `no listing in force in case ${req.case} on ${req.date}`));
  const min = list.deletion.min_listed.find((m) => m.ground === req.ground);
  if (e && min && day < spanEnd(e.listedOn, min.span))
    issues.push(
      refuse(
        'too_early',
        `${req.ground} only after ${fmtSpan(min.span)} on the list (from ${fromEpochDay(spanEnd(e.listedOn, min.span))})`,
      ),
    );
  if (issues.length) return { ok: false, issues };
  return {
    ok: true,
    record: makeRecord({
      subject: req.subject,
      kind: list.kinds.deletion,
      occurredAt: req.date,
      reportedAt: req.reportedAt ?? req.date,
      agency: req.agency,
      basis: req.case,
      severity: req.ground,
    }),
  };
}

/** The statement recording deletion after a term ran out: dated the first day past the term. */
export function expiryRecord(
  policy: ListPolicy,
  entry: ListEntry,
  reportedAt: string,
  agency = entry.agency,
): RequestOutcome {
  const list = policy.list(entry.list);
  if (!list?.kinds.expiry)
    return { ok: false, issues: [refuse('no_expiry', `${entry.list} records no expiry`)] };
  if (entry.termEnd === null || entry.end?.cause !== 'term')
    return { ok: false, issues: [refuse('not_expired', 'the listing does not end by its term')] };
  if (entry.case === undefined)
    return { ok: false, issues: [refuse('unknown_case', 'the case number is needed')] };
  const occurredAt = fromEpochDay(entry.termEnd);
  if (reportedAt < occurredAt)
    return { ok: false, issues: [refuse('not_expired', `the term runs until ${occurredAt}`)] };
  return {
    ok: true,
    record: makeRecord({
      subject: entry.subject,
      kind: list.kinds.expiry.kind,
      occurredAt,
      reportedAt,
      agency,
      basis: entry.case,
      ...(list.kinds.expiry.severity !== undefined ? { severity: list.kinds.expiry.severity } : {}),
    }),
  };
}
