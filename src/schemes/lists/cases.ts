// The case corpus runner: YAML cases (subjects, statements, requests, decisions, duties) run through every engine.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { WorkingCalendar } from '../../core/calendar.js';
import { fromEpochDay, toEpochDay } from '../../core/dates.js';
import { MosaicError, type Issue } from '../../core/errors.js';
import { validateResidentId } from '../../core/identifiers.js';
import { makeRecord, type CreditRecord, type Subject } from '../../core/types.js';
import { readYaml, validateYaml } from '../../core/yaml-doc.js';
import { decideReference, type Decision } from './decide.js';
import { DecisionIndex } from './decision-index.js';
import { dutiesOf } from './duties.js';
import { entriesOf, statementsBySubject } from './lifecycle.js';
import type { ListPolicy } from './policy.js';
import { Register } from './register.js';
import {
  requestDeletion,
  requestExtension,
  requestListing,
  expiryRecord,
  type RequestOutcome,
} from './requests.js';

const Date_ = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const SubjectIn = z
  .object({
    id: z.string(),
    type: z.enum(['natural', 'legal']).optional(),
    name: z.string().optional(),
    birthDate: Date_.optional(),
    legalRepresentative: z.string().optional(),
    principal: z.string().optional(),
    actualController: z.string().optional(),
    directlyResponsible: z.array(z.string()).optional(),
    parents: z.array(z.string()).optional(),
  })
  .strict();
const RecordIn = z
  .object({
    label: z.string().optional(),
    subject: z.string(),
    kind: z.string(),
    occurredAt: Date_,
    reportedAt: Date_.optional(),
    agency: z.string().default('agency'),
    basis: z.string(),
    severity: z.string().optional(),
    amount: z.number().optional(),
    level: z
      .enum(['county', 'prefecture_dept', 'prefecture', 'province_dept', 'province', 'national'])
      .optional(),
    status: z.enum(['original', 'correction', 'withdrawal']).optional(),
    /** The label of an earlier record in the same case. */
    supersedes: z.string().optional(),
  })
  .strict();
const Request = z
  .object({
    op: z.enum(['list', 'extend', 'delete', 'expire']),
    list: z.string(),
    subject: z.string(),
    case: z.string(),
    date: Date_.optional(),
    reportedAt: Date_.optional(),
    agency: z.string().default('court'),
    criterion: z.string().optional(),
    facts: z.record(z.string(), z.boolean()).optional(),
    entity: z.string().optional(),
    months: z.number().optional(),
    ground: z.string().optional(),
  })
  .strict();
const ReasonExpect = z
  .object({
    list: z.string(),
    measure: z.string(),
    relation: z.string().optional(),
    listed: z.string().optional(),
    outcome: z.string().optional(),
    since: Date_.optional(),
    until: Date_.nullable().optional(),
  })
  .strict();
const Check = z.union([
  z
    .object({
      request: Request,
      expect: z.union([
        z.object({ ok: z.literal(true) }).strict(),
        z.object({ refused: z.array(z.string()).min(1) }).strict(),
      ]),
    })
    .strict(),
  z
    .object({
      decide: z.object({ subject: z.string(), action: z.string(), date: Date_ }).strict(),
      expect: z
        .object({
          outcome: z.enum(['allow', 'incentive', 'restrict', 'deny']),
          reasons: z.array(ReasonExpect).optional(),
          reason_count: z.number().optional(),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      entries: z.object({ subject: z.string(), known_as_of: Date_.optional() }).strict(),
      expect: z.array(
        z
          .object({
            list: z.string(),
            case: z.string().optional(),
            criterion: z.string().optional(),
            since: Date_,
            until: Date_.nullable(),
            end: z.enum(['term', 'deletion', 'withdrawal', 'correction']).optional(),
          })
          .strict(),
      ),
    })
    .strict(),
  z
    .object({
      listed: z
        .object({ subject: z.string(), list: z.string(), on: Date_, known_as_of: Date_.optional() })
        .strict(),
      expect: z.boolean(),
    })
    .strict(),
  z
    .object({
      duties: z.object({ subject: z.string(), as_of: Date_ }).strict(),
      expect: z.array(
        z
          .object({
            code: z.string(),
            due: Date_,
            status: z.enum(['done', 'late', 'open', 'overdue']),
            from: Date_.optional(),
          })
          .strict(),
      ),
    })
    .strict(),
]);
const Case = z
  .object({
    name: z.string().min(1),
    note: z.string().optional(),
    subjects: z.array(SubjectIn).default([]),
    records: z.array(RecordIn).default([]),
    checks: z.array(Check).min(1),
  })
  .strict();
const CaseFile = z
  .object({
    about: z.string(),
    aliases: z.record(z.string(), z.string()).default({}),
    subjects: z.array(SubjectIn).default([]),
    cases: z.array(Case).min(1),
  })
  .strict();
export type CaseFile = z.infer<typeof CaseFile>;

export interface CaseResult {
  file: string;
  name: string;
  checks: number;
  failures: string[];
}

/** Read every *.yaml case file in `dir`; throws MosaicError with located issues if any file is malformed. */
export function readCaseFiles(dir: string): { file: string; doc: CaseFile }[] {
  if (!existsSync(dir)) return [];
  const issues: Issue[] = [];
  const out: { file: string; doc: CaseFile }[] = [];
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.yaml'))
    .sort()) {
    const parsed = readYaml(join(dir, f));
    const res = validateYaml(parsed, CaseFile, 'cases');
    issues.push(...res.issues);
    if (res.value) out.push({ file: join(dir, f), doc: res.value });
  }
  if (issues.length) throw new MosaicError(issues);
  return out;
}

function subjectOf(s: z.infer<typeof SubjectIn>, alias: (x: string) => string): Subject {
  const id = alias(s.id);
  const type = s.type ?? (validateResidentId(id).ok ? 'natural' : 'legal');
  const out: Subject = {
    id,
    type,
    jurisdiction: type === 'natural' ? id.slice(0, 6) : id.slice(2, 8),
    roles: [],
  };
  if (s.name) out.name = s.name;
  if (s.birthDate) out.birthDate = s.birthDate;
  else if (type === 'natural') out.birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (s.legalRepresentative) out.legalRepresentative = alias(s.legalRepresentative);
  if (s.principal) out.principal = alias(s.principal);
  if (s.actualController) out.actualController = alias(s.actualController);
  if (s.directlyResponsible) out.directlyResponsible = s.directlyResponsible.map(alias);
  if (s.parents) out.parents = s.parents.map(alias);
  return out;
}

/** Build one case's world: register and records (labels resolved to ids). */
export function caseWorld(
  doc: CaseFile,
  c: z.infer<typeof Case>,
): { subjects: Subject[]; records: CreditRecord[]; alias: (x: string) => string } {
  const alias = (x: string) => doc.aliases[x] ?? x;
  const subjects = [...doc.subjects, ...c.subjects].map((s) => subjectOf(s, alias));
  const byLabel = new Map<string, string>();
  const records = c.records.map((r) => {
    const rec = makeRecord({
      subject: alias(r.subject),
      kind: r.kind,
      occurredAt: r.occurredAt,
      reportedAt: r.reportedAt ?? r.occurredAt,
      agency: r.agency,
      basis: r.basis,
      ...(r.severity !== undefined ? { severity: r.severity } : {}),
      ...(r.amount !== undefined ? { amount: r.amount } : {}),
      ...(r.level !== undefined ? { level: r.level } : {}),
      ...(r.status !== undefined ? { status: r.status } : {}),
      ...(r.supersedes !== undefined ? { supersedes: byLabel.get(r.supersedes) ?? r.supersedes } : {}),
    });
    if (r.label) byLabel.set(r.label, rec.id);
    return rec;
  });
  return { subjects, records, alias };
}

/** Compare the parts of a decision a case pins down. */
function diffDecision(
  d: Decision,
  exp: { outcome: string; reasons?: z.infer<typeof ReasonExpect>[]; reason_count?: number },
  alias: (x: string) => string,
  engine: string,
): string[] {
  const f: string[] = [];
  if (d.outcome !== exp.outcome) f.push(`${engine}: outcome ${d.outcome}, expected ${exp.outcome}`);
  if (exp.reason_count !== undefined && d.reasons.length !== exp.reason_count)
    f.push(`${engine}: ${d.reasons.length} reasons, expected ${exp.reason_count}`);
  for (const r of exp.reasons ?? []) {
    const hit = d.reasons.find(
      (x) =>
        x.list === r.list &&
        x.measure === r.measure &&
        (r.relation === undefined || x.relation === r.relation) &&
        (r.listed === undefined || x.listed === alias(r.listed)) &&
        (r.outcome === undefined || x.outcome === r.outcome) &&
        (r.since === undefined || x.since === r.since) &&
        (r.until === undefined || x.until === r.until),
    );
    if (!hit)
      f.push(
        `${engine}: no reason ${JSON.stringify(r)} among ${d.reasons.map((x) => `${x.list}/${x.measure}/${x.relation}/${x.since}..${x.until}`).join(', ') || 'none'}`,
      );
  }
  for (const x of d.reasons)
    if (x.outcome !== 'allow' && !x.legalBasis) f.push(`${engine}: reason ${x.measure} names no legal basis`);
  if (d.outcome !== 'allow' && !d.reasons.length) f.push(`${engine}: ${d.outcome} without a reason`);
  return f;
}

/**
 * Run every case in a corpus folder. Decisions run through both the reference interpreter and the decision index
 * (built incrementally with `apply`, and rebuilt from an in-memory scan when `columns` is given by the caller's test).
 */
export function runCases(policy: ListPolicy, calendar: WorkingCalendar, dir: string): CaseResult[] {
  const results: CaseResult[] = [];
  for (const { file, doc } of readCaseFiles(dir))
    for (const c of doc.cases) {
      const { subjects, records, alias } = caseWorld(doc, c);
      const register = new Register(subjects);
      const of = statementsBySubject(records);
      const index = new DecisionIndex(policy, subjects);
      for (const r of records) index.apply(r);
      const failures: string[] = [];
      c.checks.forEach((ch, i) => {
        const tag = `check ${i + 1}`;
        try {
          if ('request' in ch) {
            const q = ch.request;
            const subject = alias(q.subject);
            const base = {
              list: q.list,
              subject,
              case: q.case,
              agency: q.agency,
              ...(q.reportedAt ? { reportedAt: q.reportedAt } : {}),
            };
            let out: RequestOutcome;
            if (q.op === 'list')
              out = requestListing(policy, register, of(subject), {
                ...base,
                date: q.date!,
                ...(q.criterion !== undefined ? { criterion: q.criterion } : {}),
                ...(q.facts ? { facts: q.facts } : {}),
                ...(q.entity ? { entity: alias(q.entity) } : {}),
              });
            else if (q.op === 'extend')
              out = requestExtension(policy, of(subject), {
                ...base,
                date: q.date!,
                months: q.months ?? NaN,
                ...(q.ground ? { ground: q.ground } : {}),
              });
            else if (q.op === 'delete')
              out = requestDeletion(policy, of(subject), { ...base, date: q.date!, ground: q.ground ?? '' });
            else {
              const e = entriesOf(policy, of(subject)).entries.find(
                (x) => x.list === q.list && x.case === q.case,
              );
              out = e
                ? expiryRecord(policy, e, q.reportedAt ?? q.date!)
                : { ok: false, issues: [{ code: 'list.refused.not_listed', message: 'no entry' }] };
            }
            if ('ok' in ch.expect) {
              if (!out.ok)
                failures.push(`${tag}: refused ${out.issues.map((x) => x.code).join(', ')}, expected ok`);
            } else {
              const want = ch.expect.refused.map((x) => `list.refused.${x}`).sort();
              const got = out.ok ? [] : [...new Set(out.issues.map((x) => x.code))].sort();
              if (JSON.stringify(got) !== JSON.stringify(want))
                failures.push(`${tag}: refused [${got.join(', ')}], expected [${want.join(', ')}]`);
            }
          } else if ('decide' in ch) {
            const q = ch.decide;
            const subject = alias(q.subject);
            const ref = decideReference(policy, register, of, subject, q.action, toEpochDay(q.date));
            failures.push(...diffDecision(ref, ch.expect, alias, `${tag} reference`));
            const fast = index.decide(subject, q.action, q.date);
            failures.push(...diffDecision(fast, ch.expect, alias, `${tag} index`));
            if (JSON.stringify(fast) !== JSON.stringify(ref))
              failures.push(`${tag}: index and reference disagree`);
          } else if ('entries' in ch) {
            const q = ch.entries;
            const opts = q.known_as_of ? { knownAsOf: toEpochDay(q.known_as_of) } : {};
            const got = entriesOf(policy, of(alias(q.subject)), opts).entries.map((e) => ({
              list: e.list,
              ...(e.case !== undefined ? { case: e.case } : {}),
              ...(e.criterion !== undefined ? { criterion: e.criterion } : {}),
              since: fromEpochDay(e.since),
              until: e.until === null ? null : fromEpochDay(e.until),
              ...(e.end ? { end: e.end.cause } : {}),
            }));
            const want = ch.expect.map((w) => ({ ...w }));
            const norm = (xs: object[]) =>
              xs.map((x) => JSON.stringify(Object.fromEntries(Object.entries(x).sort())));
            const strip = got.map((g, j) => {
              const w = want[j] as Record<string, unknown> | undefined;
              return w ? Object.fromEntries(Object.entries(g).filter(([k]) => k in w)) : g;
            });
            if (JSON.stringify(norm(strip)) !== JSON.stringify(norm(want)))
              failures.push(`${tag}: entries ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
          } else if ('listed' in ch) {
            const q = ch.listed;
            const opts = q.known_as_of ? { knownAsOf: toEpochDay(q.known_as_of) } : {};
            const day = toEpochDay(q.on);
            const on = entriesOf(policy, of(alias(q.subject)), opts).entries.some(
              (e) => e.list === q.list && e.since <= day && (e.until === null || day < e.until),
            );
            if (on !== ch.expect)
              failures.push(`${tag}: listed on ${q.list} on ${q.on} is ${on}, expected ${ch.expect}`);
          } else {
            const q = ch.duties;
            const got = dutiesOf(policy, calendar, of(alias(q.subject)), toEpochDay(q.as_of)).map((d) => ({
              code: d.code,
              due: fromEpochDay(d.due),
              status: d.status,
              from: fromEpochDay(d.from),
            }));
            const want = ch.expect;
            const ok =
              got.length === want.length &&
              want.every(
                (w, j) =>
                  got[j]!.code === w.code &&
                  got[j]!.due === w.due &&
                  got[j]!.status === w.status &&
                  (w.from === undefined || got[j]!.from === w.from),
              );
            if (!ok) failures.push(`${tag}: duties ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
          }
        } catch (err) {
          failures.push(
            `${tag}: threw ${err instanceof MosaicError ? err.issues.map((x) => x.code).join(', ') : String(err)}`,
          );
        }
      });
      results.push({ file, name: c.name, checks: c.checks.length, failures });
    }
  return results;
}
