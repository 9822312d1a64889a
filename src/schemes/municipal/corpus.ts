// The case corpus: YAML cases (subject, records, as-of date, expected result) that every engine must pass exactly.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Catalogue } from '../../core/catalogue.js';
import { isIsoDate, toEpochDay } from '../../core/dates.js';
import type { Issue } from '../../core/errors.js';
import { generateResidentId, generateUscc } from '../../core/identifiers-gen.js';
import { Rng } from '../../core/rng.js';
import { ISSUER_LEVELS, makeRecord, ROLES, type CreditRecord, type Subject } from '../../core/types.js';
import { locate, readYaml, validateYaml } from '../../core/yaml-doc.js';
import { recordsToColumns } from './columns.js';
import { compileScheme as compileSchemeLazy, type CompiledScheme } from './compile.js';
import { evaluateSubject, type Evaluation } from './interpreter.js';
import { subjectColumnsFor, subjectFacts } from './subjects.js';
import { GRADE_CODES, GRADE_NONE, SCORE_STATUSES, type SchemePack } from './types.js';

const IsoDate = z.string().refine(isIsoDate, 'dates are YYYY-MM-DD');

const CaseRecordSchema = z
  .object({
    ref: z.string().optional(),
    kind: z.string(),
    occurredAt: IsoDate,
    reportedAt: IsoDate.optional(),
    amount: z.number().optional(),
    severity: z.string().optional(),
    level: z.enum(ISSUER_LEVELS as unknown as [string, ...string[]]).optional(),
    status: z.enum(['original', 'correction', 'withdrawal']).optional(),
    supersedes: z.string().optional(),
    agency: z.string().optional(),
    basis: z.string().optional(),
  })
  .strict();

const CaseSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    note: z.string().optional(),
    asOf: IsoDate,
    subject: z
      .object({
        id: z.string().optional(),
        type: z.enum(['natural', 'legal']).optional(),
        roles: z.array(z.enum(ROLES as unknown as [string, ...string[]])).optional(),
        birthDate: IsoDate.optional(),
        jurisdiction: z
          .string()
          .regex(/^\d{6}$/)
          .optional(),
        consents: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    records: z.array(CaseRecordSchema).default([]),
    expect: z
      .object({
        status: z.enum(SCORE_STATUSES).optional(),
        score: z.number().int().optional(),
        grade: z.enum(GRADE_CODES).optional(),
        frozen: z.boolean().optional(),
        /** Explanation keys that must appear. */
        lines: z.array(z.string()).optional(),
        /** Explanation keys that must not appear. */
        absent: z.array(z.string()).optional(),
      })
      .strict(),
  })
  .strict();

const CaseFileSchema = z.object({ cases: z.array(CaseSchema).min(1) }).strict();

export type CaseIn = z.infer<typeof CaseSchema>;

/** A case ready to run: the subject and records built, ids computed. */
export interface Case {
  name: string;
  file: string;
  note?: string;
  asOf: string;
  subject: Subject;
  records: CreditRecord[];
  expect: CaseIn['expect'];
}

export function casesDir(packDir: string): string {
  return join(packDir, 'cases');
}

/** Load every case file of a pack; issues are coded with file:line:column. */
export function loadCases(packDir: string, pack: SchemePack): { cases: Case[]; issues: Issue[] } {
  const dir = casesDir(packDir);
  const cases: Case[] = [];
  const issues: Issue[] = [];
  if (!existsSync(dir)) return { cases, issues };
  const names = new Set<string>();
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.yaml'))
    .sort()) {
    const parsed = readYaml(join(dir, f));
    const res = validateYaml(parsed, CaseFileSchema, 'case');
    issues.push(...res.issues);
    if (!res.value) continue;
    res.value.cases.forEach((c, i) => {
      if (names.has(c.name))
        issues.push({
          code: 'case.duplicate_name',
          message: `case ${c.name} is defined twice`,
          location: locate(parsed, ['cases', i, 'name']),
        });
      names.add(c.name);
      try {
        cases.push(buildCase(c, parsed.file, pack));
      } catch (err) {
        issues.push({
          code: 'case.invalid',
          message: (err as Error).message,
          location: locate(parsed, ['cases', i]),
        });
      }
    });
  }
  return { cases, issues };
}

function buildCase(c: CaseIn, file: string, pack: SchemePack): Case {
  const s = c.subject ?? {};
  const rng = new Rng(`case:${c.name}`);
  const type = s.type ?? 'natural';
  const jurisdiction = s.jurisdiction ?? pack.meta.jurisdiction.division.padEnd(6, '0');
  const birthDate = s.birthDate ?? '1980-06-15';
  const id =
    s.id ??
    (type === 'natural'
      ? generateResidentId(rng, { addressCode: jurisdiction, birthDate, sex: 'M' })
      : generateUscc(rng, { typePair: '91', divisionCode: jurisdiction }));
  const subject: Subject = { id, type, jurisdiction, roles: (s.roles ?? []) as Subject['roles'] };
  if (type === 'natural') subject.birthDate = birthDate;
  if (s.consents) subject.consents = s.consents;
  const byRef = new Map<string, string>();
  const records: CreditRecord[] = [];
  for (const r of c.records) {
    const input: Parameters<typeof makeRecord>[0] = {
      subject: id,
      kind: r.kind,
      occurredAt: r.occurredAt,
      reportedAt: r.reportedAt ?? r.occurredAt,
      agency: r.agency ?? 'corpus',
      basis: r.basis ?? `corpus ${c.name}`,
    };
    if (r.amount !== undefined) input.amount = r.amount;
    if (r.severity !== undefined) input.severity = r.severity;
    if (r.level !== undefined) input.level = r.level as CreditRecord['level'];
    if (r.status !== undefined) input.status = r.status;
    if (r.supersedes !== undefined) {
      const target = byRef.get(r.supersedes);
      if (!target) throw new Error(`record supersedes unknown ref '${r.supersedes}'`);
      input.supersedes = target;
    }
    const rec = makeRecord(input);
    if (r.ref !== undefined) byRef.set(r.ref, rec.id);
    records.push(rec);
  }
  const out: Case = { name: c.name, file, asOf: c.asOf, subject, records, expect: c.expect };
  if (c.note !== undefined) out.note = c.note;
  return out;
}

/** What every engine must reproduce for a case. */
export interface Outcome {
  status: string;
  score?: number;
  grade?: string;
  frozen: boolean;
}

export function outcomeOf(ev: Evaluation): Outcome {
  const o: Outcome = { status: ev.status, frozen: ev.frozen };
  if (ev.score !== undefined) o.score = ev.score;
  if (ev.grade !== undefined) o.grade = ev.grade;
  return o;
}

export function runInterpreter(pack: SchemePack, c: Case): Evaluation {
  return evaluateSubject(pack, subjectFacts(c.subject, pack), c.records, c.asOf);
}

export function runFast(compiled: CompiledScheme, catalogue: Catalogue, c: Case): Outcome {
  const cols = recordsToColumns(c.records, catalogue, [c.subject.id]);
  const subj = subjectColumnsFor([c.subject.id], () => c.subject, compiled.pack);
  const t = compiled.scoreAll(cols, subj, toEpochDay(c.asOf));
  const o: Outcome = { status: SCORE_STATUSES[t.status[0]!]!, frozen: t.frozen[0] === 1 };
  if (t.status[0] === 0) {
    o.score = t.score[0]!;
    o.grade = t.grade[0] === GRADE_NONE ? undefined : GRADE_CODES[t.grade[0]!];
  }
  return o;
}

/** Differences between a case's expectation and an outcome (plus the explanation keys when given). */
export function checkCase(c: Case, o: Outcome, keys?: string[]): string[] {
  const e = c.expect;
  const problems: string[] = [];
  const status = e.status ?? 'scored';
  if (o.status !== status) problems.push(`status ${o.status}, expected ${status}`);
  if (e.score !== undefined && o.score !== e.score) problems.push(`score ${o.score}, expected ${e.score}`);
  if (e.grade !== undefined && o.grade !== e.grade) problems.push(`grade ${o.grade}, expected ${e.grade}`);
  if (e.frozen !== undefined && o.frozen !== e.frozen)
    problems.push(`frozen ${o.frozen}, expected ${e.frozen}`);
  if (keys) {
    for (const k of e.lines ?? []) if (!keys.includes(k)) problems.push(`missing line '${k}'`);
    for (const k of e.absent ?? []) if (keys.includes(k)) problems.push(`unexpected line '${k}'`);
  }
  return problems;
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  return a.status === b.status && a.score === b.score && a.grade === b.grade && a.frozen === b.frozen;
}

export interface CaseResult {
  case: Case;
  interpreter: Outcome;
  fast: Outcome;
  /** Problems against the expectation (interpreter with explanation keys, then the fast evaluator). */
  problems: string[];
}

/**
 * Run a pack's corpus through the interpreter and the fast evaluator; both must meet every expectation and agree.
 * With `run: false` only the case files are loaded and checked.
 */
export function runCorpus(
  packDir: string,
  pack: SchemePack,
  catalogue: Catalogue,
  opts: { run?: boolean; compiled?: CompiledScheme } = {},
): { issues: Issue[]; results: CaseResult[]; result: { passed: number; failed: number; lines: string[] } } {
  const { cases, issues } = loadCases(packDir, pack);
  const results: CaseResult[] = [];
  const lines: string[] = [];
  let passed = 0;
  if (opts.run === false || issues.length)
    return { issues, results, result: { passed: 0, failed: 0, lines } };
  const compiled = opts.compiled ?? compileSchemeLazy(pack, catalogue);
  for (const c of cases) {
    const ev = runInterpreter(pack, c);
    const interp = outcomeOf(ev);
    const fast = runFast(compiled, catalogue, c);
    const problems = [
      ...checkCase(
        c,
        interp,
        ev.lines.map((l) => l.key),
      ).map((p) => `interpreter: ${p}`),
      ...checkCase(c, fast).map((p) => `fast: ${p}`),
    ];
    if (!sameOutcome(interp, fast))
      problems.push(`engines disagree: ${JSON.stringify(interp)} vs ${JSON.stringify(fast)}`);
    results.push({ case: c, interpreter: interp, fast, problems });
    if (problems.length) lines.push(`FAIL ${c.name} (${c.file}): ${problems.join('; ')}`);
    else {
      passed++;
      lines.push(`ok   ${c.name}`);
    }
  }
  return { issues, results, result: { passed, failed: cases.length - passed, lines } };
}
