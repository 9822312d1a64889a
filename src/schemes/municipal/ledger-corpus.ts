// Runs a pack's corpus through a real ledger, the way the CLI reads subjects: append, read back as of the date, scan.
import type { Catalogue } from '../../core/catalogue.js';
import { toEpochDay } from '../../core/dates.js';
import type { Ledger } from '../../ledger/ledger.js';
import { compileScheme } from './compile.js';
import { checkCase, loadCases, sameOutcome, type Outcome } from './corpus.js';
import { evaluateSubject } from './interpreter.js';
import { subjectColumnsFor, subjectFacts } from './subjects.js';
import { GRADE_CODES, GRADE_NONE, SCORE_STATUSES, type SchemePack } from './types.js';

/**
 * For each case: a fresh ledger from `open`, the subject and records appended through its validation, then the
 * interpreter on readSubject(id, asOf) and the fast evaluator on scan(). Returns one line per case.
 */
export async function runCorpusViaLedger(
  packDir: string,
  pack: SchemePack,
  catalogue: Catalogue,
  open: () => Promise<Ledger>,
): Promise<{ passed: number; failed: number; lines: string[] }> {
  const { cases } = loadCases(packDir, pack);
  const compiled = compileScheme(pack, catalogue);
  const lines: string[] = [];
  let passed = 0;
  for (const c of cases) {
    const ledger = await open();
    try {
      await ledger.putSubjects([c.subject]);
      if (c.records.length) await ledger.append(c.records);
      const subject = (await ledger.getSubject(c.subject.id)) ?? c.subject;
      const records = await ledger.readSubject(c.subject.id, c.asOf);
      const ev = evaluateSubject(pack, subjectFacts(subject, pack), records, c.asOf);
      const interp: Outcome = { status: ev.status, frozen: ev.frozen };
      if (ev.score !== undefined) interp.score = ev.score;
      if (ev.grade !== undefined) interp.grade = ev.grade;
      const cols = await ledger.scan();
      const ids = cols.subjects.includes(c.subject.id) ? cols.subjects : [...cols.subjects, c.subject.id];
      const subj = subjectColumnsFor(ids, (id) => (id === subject.id ? subject : undefined), pack);
      const t = compiled.scoreAll(cols, subj, toEpochDay(c.asOf));
      const s = ids.indexOf(c.subject.id);
      const fast: Outcome = { status: SCORE_STATUSES[t.status[s]!]!, frozen: t.frozen[s] === 1 };
      if (t.status[s] === 0) {
        fast.score = t.score[s]!;
        fast.grade = t.grade[s] === GRADE_NONE ? undefined : GRADE_CODES[t.grade[s]!];
      }
      const problems = [
        ...checkCase(
          c,
          interp,
          ev.lines.map((l) => l.key),
        ).map((p) => `ledger+interpreter: ${p}`),
        ...checkCase(c, fast).map((p) => `ledger+fast: ${p}`),
      ];
      if (!sameOutcome(interp, fast)) problems.push('engines disagree on ledger input');
      if (problems.length) lines.push(`FAIL ${c.name}: ${problems.join('; ')}`);
      else {
        passed++;
        lines.push(`ok   ${c.name}`);
      }
    } catch (err) {
      lines.push(`FAIL ${c.name}: ${(err as Error).message.split('\n')[0]}`);
    } finally {
      await ledger.close();
    }
  }
  return { passed, failed: cases.length - passed, lines };
}
