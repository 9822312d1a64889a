// Scoring with a saved scorecard: the reference scorer explains each line; the compiled scorer runs over columns.
import { binLabel, binOf } from './binning.js';
import type { ScorecardModel } from './model.js';

export interface ScoreLine {
  variable: string;
  value: number | string | null;
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

/**
 * The reference: one record, every variable's bin and points spelled out. A null or absent value is missing; a
 * categorical variable takes its label (a category the model does not know scores as missing).
 */
export function scoreRecord(
  m: Pick<ScorecardModel, 'id' | 'variables' | 'startPoints' | 'scaling'>,
  rec: Readonly<Record<string, number | string | null | undefined>>,
): ScoreExplanation {
  let score = m.startPoints;
  const lines: ScoreLine[] = [];
  for (const v of m.variables) {
    const raw = rec[v.name];
    let k: number;
    if (v.categories) {
      const g = v.categories.findIndex((c) => c.includes(String(raw)));
      k = raw === null || raw === undefined || g < 0 ? v.edges.length + 1 : g;
    } else k = binOf(v.edges, raw === null || raw === undefined ? NaN : Number(raw));
    score += v.points[k]!;
    lines.push({
      variable: v.name,
      value: raw === null || raw === undefined || raw !== raw ? null : raw,
      bin: binLabel(v.edges, k, v.categories),
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
  /**
   * Columns in `names` order (as `columnsFor` gives them: a categorical variable as its group index); NaN =
   * missing. Adds the same points in the same order as scoreRecord.
   */
  scoreColumns(cols: readonly Float64Array[], out?: Float64Array): Float64Array;
}

/** A number as JavaScript source; models are validated as numbers on load, so nothing else reaches the code. */
const lit = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));

/**
 * The fast path: one loop over rows, generated for the model with its edges inlined as constants. The bin is the
 * count of edges at or below the value, summed from comparisons without branches (bins are few, so this beats a
 * search on random data). Points are added in model order from the start points, exactly as scoreRecord adds
 * them, so the sums are bit-identical.
 */
export function compileScorecard(m: Pick<ScorecardModel, 'variables' | 'startPoints'>): CompiledScorecard {
  for (const v of m.variables)
    if (![...v.edges, ...v.points, m.startPoints].every((x) => typeof x === 'number' && Number.isFinite(x)))
      throw new Error(`scorecard variable ${v.name} has a non-finite edge or points`);
  let body = `let s = ${lit(m.startPoints)}; let v = 0;\n`;
  m.variables.forEach((v, j) => {
    const cmp = ['0', ...v.edges.map((e) => `(v >= ${lit(e)})`)].join(' + ');
    body += `v = x${j}[i]; s += v !== v ? ${lit(v.points[v.edges.length + 1]!)} : p${j}[${cmp}];\n`;
  });
  const xs = m.variables.map((_, j) => `x${j}`);
  const ps = m.variables.map((_, j) => `p${j}`);
  const kernel = new Function(
    ...xs,
    ...ps,
    'out',
    'n',
    `for (let i = 0; i < n; i++) {\n${body} out[i] = s;\n}`,
  ) as (...a: (Float64Array | number)[]) => void;
  const points = m.variables.map((v) => Float64Array.from(v.points));
  return {
    names: m.variables.map((v) => v.name),
    scoreColumns(cols, out) {
      if (cols.length !== points.length)
        throw new Error(`expected ${points.length} columns, got ${cols.length}`);
      const n = cols.length ? cols[0]!.length : 0;
      const s = out ?? new Float64Array(n);
      if (points.length === 0) s.fill(m.startPoints, 0, n);
      else kernel(...cols, ...points, s, n);
      return s;
    },
  };
}
