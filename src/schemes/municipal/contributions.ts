// What each rule line counts, read from the interpreter's explanation: the reference the fast evaluator's
// ContributionSink is proven equal to, and the audit's rule-contribution decomposition is built on.
import { toEpochDay } from '../../core/dates.js';
import type { CreditRecord } from '../../core/types.js';
import type { Evaluation } from './interpreter.js';
import { GRADE_RANK } from './semantics.js';
import type { SchemePack } from './types.js';

export interface Contribution {
  line: number;
  points: number;
  /** 0 or 1 + grade rank of a direct grading in force. */
  direct: number;
  record?: CreditRecord;
}

/** Rule-line ids in the numbering both engines use: pack.rules, then pack.direct, then pack.repairs. */
export function ruleLineIds(pack: SchemePack): string[] {
  return [...pack.rules.map((r) => r.id), ...pack.direct.map((r) => r.id), ...pack.repairs.map((r) => r.id)];
}

/**
 * What each rule line counts for one evaluated subject, from the interpreter's explanation. Per-record points lines
 * of an annual-cap group are followed by one adjustment row (capped − raw) on the same line; frozen bonuses by a
 * row that cancels them. So Σ points = score − base exactly (tested against the interpreter).
 */
export function contributionsOf(
  pack: SchemePack,
  ev: Evaluation,
  lineIndex: Map<string, number>,
): Contribution[] {
  const out: Contribution[] = [];
  const capGroupOf = new Map(pack.rules.map((r) => [r.id, r.capGroup]));
  const raw = new Map<string, number>();
  const at = (id: string | undefined) => lineIndex.get(id ?? '') ?? -1;
  for (const l of ev.lines) {
    if (l.type === 'points' && l.points) {
      const c: Contribution = { line: at(l.ruleId), points: l.points, direct: 0 };
      if (l.record) c.record = l.record;
      out.push(c);
      const g = capGroupOf.get(l.ruleId ?? '');
      if (g !== undefined && l.record) {
        const k = `${g}\u0000${new Date(toEpochDay(l.record.occurredAt) * 86_400_000).getUTCFullYear()}`;
        raw.set(k, (raw.get(k) ?? 0) + l.points);
      }
    } else if (l.type === 'cap' && l.points !== undefined) {
      const m = /^cap (.*) (\d{4}) /.exec(l.key);
      const k = m ? `${m[1]}\u0000${m[2]}` : '';
      out.push({ line: at(l.ruleId), points: l.points - (raw.get(k) ?? 0), direct: 0 });
    } else if (l.type === 'tier' && l.points) out.push({ line: at(l.ruleId), points: l.points, direct: 0 });
    else if (l.type === 'repair') {
      if (l.points) out.push({ line: at(l.ruleId), points: l.points, direct: 0 });
      else if (l.grade)
        out.push({
          line: at(l.ruleId),
          points: 0,
          direct: GRADE_RANK[l.grade as keyof typeof GRADE_RANK] + 1,
        });
    } else if (l.type === 'frozen') {
      // The key carries the amount frozen (unsigned when 0: a cap group whose records cancel out freezes nothing);
      // for an annual-cap group `points` holds only the group's first line.
      const m = /^frozen \S+ ([+-]?\d+)/.exec(l.key);
      const frozen = m ? Number(m[1]) : (l.points ?? 0);
      if (!frozen) continue;
      const c: Contribution = { line: at(l.ruleId), points: -frozen, direct: 0 };
      if (l.record) c.record = l.record;
      out.push(c);
    } else if (l.type === 'direct' && l.grade) {
      const c: Contribution = {
        line: at(l.ruleId),
        points: 0,
        direct: GRADE_RANK[l.grade as keyof typeof GRADE_RANK] + 1,
      };
      if (l.record) c.record = l.record;
      out.push(c);
    }
  }
  return out;
}
