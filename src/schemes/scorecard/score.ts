// Scoring with a saved scorecard: the reference scorer explains each line; the compiled scorer runs over columns.
import { binLabel, binOf } from './binning.js';
import type { ScorecardModel } from './model.js';

export interface ScoreLine {
  variable: string;
  value: number | null;
  bin: string;
  woe: number;
  points: number;
}

export interface ScoreExplanation {
  model: string;
  score: number;
  /** Probability of bad implied by the score under the model's scaling. */
  pd: number;
  startPoints: number;
  lines: ScoreLine[];
}

/** The reference: one record, every variable's bin and points spelled out. A null or absent value is missing. */
export function scoreRecord(
  m: Pick<ScorecardModel, 'id' | 'variables' | 'startPoints' | 'scaling'>,
  rec: Readonly<Record<string, number | null | undefined>>,
): ScoreExplanation {
  let score = m.startPoints;
  const lines: ScoreLine[] = [];
  for (const v of m.variables) {
    const raw = rec[v.name];
    const x = raw === null || raw === undefined ? NaN : raw;
    const k = binOf(v.edges, x);
    score += v.points[k]!;
    lines.push({
      variable: v.name,
      value: x === x ? x : null,
      bin: binLabel(v.edges, k),
      woe: v.woe[k]!,
      points: v.points[k]!,
    });
  }
  return { model: m.id, score, pd: pdOfScore(m.scaling, score), startPoints: m.startPoints, lines };
}

export function pdOfScore(s: ScorecardModel['scaling'], score: number): number {
  return 1 / (1 + Math.exp((score - s.offset) / s.factor));
}

export interface CompiledScorecard {
  names: string[];
  /** Columns in `names` order; NaN = missing. Adds the same points in the same order as scoreRecord. */
  scoreColumns(cols: readonly Float64Array[], out?: Float64Array): Float64Array;
}

/**
 * The fast path: per variable a linear scan over its few edges (branch-predictable, no search state), column by
 * column so each pass streams one array. Bins are ≤ max_bins, so the scan is as short as a binary search.
 */
export function compileScorecard(m: Pick<ScorecardModel, 'variables' | 'startPoints'>): CompiledScorecard {
  const edges = m.variables.map((v) => Float64Array.from(v.edges));
  const points = m.variables.map((v) => Float64Array.from(v.points));
  const start = m.startPoints;
  return {
    names: m.variables.map((v) => v.name),
    scoreColumns(cols, out) {
      const n = cols.length ? cols[0]!.length : 0;
      const s = out ?? new Float64Array(n);
      s.fill(start, 0, n);
      for (let j = 0; j < cols.length; j++) addVariable(cols[j]!, edges[j]!, points[j]!, s, n);
      return s;
    },
  };
}

function addVariable(x: Float64Array, e: Float64Array, p: Float64Array, s: Float64Array, n: number): void {
  const m = e.length;
  const miss = p[m + 1]!;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v !== v) {
      s[i]! += miss;
      continue;
    }
    let k = 0;
    while (k < m && e[k]! <= v) k++;
    s[i]! += p[k]!;
  }
}
