// What the fast evaluator returns: the score table of every subject, and the optional per-rule-line contribution rows.

export interface ScoreTable {
  length: number;
  /** Points; 0 when not scored (see status). */
  score: Int32Array;
  /** Index into GRADE_CODES (AAA…D, DA, DB, DC); GRADE_NONE (255) when not scored. */
  grade: Uint8Array;
  /** Index into SCORE_STATUSES (0 = scored). */
  status: Uint8Array;
  /** 1 when bonuses were frozen by an interaction rule. */
  frozen: Uint8Array;
}

/** Kinds of contribution rows, in the order the interpreter's explanation lists them for one subject. */
export const CONTRIB = {
  /** A record's counted points (capped records too: their group's adjustment is a separate CAP row). */
  points: 0,
  /** An annual cap's adjustment (capped sum − raw sum) of one group and year, on its first record's rule. */
  cap: 1,
  tier: 2,
  /** A repair in force: its points, or its grade floor in `direct`. */
  repair: 3,
  /** A direct grading in force, on the record that causes it. */
  direct: 4,
  /** Cancels a frozen bonus: a record's points, a cap group's capped sum, a tier's or a repair's points. */
  frozen: 5,
  frozenCap: 6,
  frozenTier: 7,
  frozenRepair: 8,
} as const;

/**
 * What each rule line counts for each scored subject, one row per counted item, as growable typed arrays (no object
 * per row). Rule lines are numbered as the audit's players: pack.rules, then pack.direct, then pack.repairs. For
 * every scored subject Σ points = score − base exactly; rows of one subject are contiguous, subjects in ascending
 * order, rows within a subject in no particular order (see CONTRIB for the interpreter's order).
 */
export class ContributionSink {
  length = 0;
  /** Subject index (RecordColumns dictionary / SubjectColumns row). */
  subject = new Int32Array(1024);
  line = new Int32Array(1024);
  points = new Int32Array(1024);
  /** 0, or 1 + the GRADE_RANK of the direct grading (or repair floor) in force. */
  direct = new Uint8Array(1024);
  /** RecordColumns row the row comes from, or -1 (cap adjustments, tiers, repairs). */
  record = new Int32Array(1024);
  /** A CONTRIB code. */
  kind = new Uint8Array(1024);

  clear(): void {
    this.length = 0;
  }

  push(subject: number, line: number, points: number, direct: number, record: number, kind: number): void {
    const n = this.length;
    if (n === this.subject.length) this.grow();
    this.subject[n] = subject;
    this.line[n] = line;
    this.points[n] = points;
    this.direct[n] = direct;
    this.record[n] = record;
    this.kind[n] = kind;
    this.length = n + 1;
  }

  private grow(): void {
    const cap = this.subject.length * 2;
    const g = <T extends Int32Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.subject = g(this.subject, new Int32Array(cap));
    this.line = g(this.line, new Int32Array(cap));
    this.points = g(this.points, new Int32Array(cap));
    this.direct = g(this.direct, new Uint8Array(cap));
    this.record = g(this.record, new Int32Array(cap));
    this.kind = g(this.kind, new Uint8Array(cap));
  }
}
