// The sweep: the same scorecard pipeline trained on labels of varying variety and clarity, judged against the
// label it was given and against the true outcome, for calibration and for stability across periods and draws.
import { MosaicError } from '../../core/errors.js';
import type { ScorecardConfig } from '../../schemes/scorecard/config.js';
import { fitScorecard } from '../../schemes/scorecard/fit.js';
import { compileScorecard, pdOfScore } from '../../schemes/scorecard/score.js';
import { auc, psi, quantileCuts } from '../../schemes/scorecard/validate.js';
import { simulate, type MechanismParams } from './mechanism.js';

export interface CellResult {
  families: number;
  circularity: number;
  labelNoise: number;
  coverage: number;
  density: number;
  seed: string;
  selected: number;
  /** AUC on the next period against the label the modeller has, and against the true outcome. */
  aucLabel: number;
  aucTruth: number;
  /** Expected calibration error against the true outcome (score deciles, weighted). */
  eceTruth: number;
  /** PSI of the score between the training and the next period. */
  psi: number;
}

export function runCell(p: MechanismParams, cfg: ScorecardConfig): CellResult {
  const [train, test] = simulate(p);
  const base = {
    families: p.families,
    circularity: p.circularity,
    labelNoise: p.labelNoise,
    coverage: p.coverage,
    density: p.density,
    seed: String(p.seed),
  };
  let model;
  try {
    model = fitScorecard(train.data, cfg, { name: 'ml-adoption', version: '1', target: 'label' }).model;
  } catch (e) {
    // No variable informative enough to pass selection (or one class only): the bank would have no model.
    if (
      e instanceof MosaicError &&
      ['scorecard.no_variable', 'scorecard.one_class', 'scorecard.singular'].includes(e.code)
    )
      return { ...base, selected: 0, aucLabel: 0.5, aucTruth: 0.5, eceTruth: NaN, psi: 0 };
    throw e;
  }
  const c = compileScorecard(model);
  const col = (d: typeof train) => c.names.map((nm) => d.data.columns[d.data.names.indexOf(nm)]!);
  const s1 = c.scoreColumns(col(train));
  const s2 = c.scoreColumns(col(test));
  return {
    ...base,
    selected: model.variables.length,
    aucLabel: auc(s2, test.label),
    aucTruth: auc(s2, test.truth),
    eceTruth: ece(model.scaling, s2, test.truth),
    psi: psi(s1, s2, cfg.psi).psi,
  };
}

function ece(scaling: Parameters<typeof pdOfScore>[0], s: Float64Array, y: Uint8Array): number {
  const cuts = quantileCuts(s, 10);
  const n = cuts.length + 1;
  const cnt = new Float64Array(n);
  const obs = new Float64Array(n);
  const pred = new Float64Array(n);
  for (let i = 0; i < s.length; i++) {
    let k = 0;
    while (k < cuts.length && cuts[k]! <= s[i]!) k++;
    cnt[k]++;
    obs[k]! += y[i]!;
    pred[k]! += pdOfScore(scaling, s[i]!);
  }
  let e = 0;
  for (let k = 0; k < n; k++) if (cnt[k]! > 0) e += Math.abs(obs[k]! - pred[k]!);
  return e / s.length;
}

export interface SweepSpec {
  people: number;
  seeds: number;
  families: number[];
  circularity: number[];
  labelNoise: number[];
  coverage: number;
  density: number;
  seed: string;
}

export function runSweep(
  spec: SweepSpec,
  cfg: ScorecardConfig,
  progress?: (done: number, total: number) => void,
): CellResult[] {
  const out: CellResult[] = [];
  const total = spec.families.length * spec.circularity.length * spec.labelNoise.length * spec.seeds;
  for (const families of spec.families)
    for (const circularity of spec.circularity)
      for (const labelNoise of spec.labelNoise)
        for (let k = 0; k < spec.seeds; k++) {
          out.push(
            runCell(
              {
                people: spec.people,
                families,
                circularity,
                labelNoise,
                coverage: spec.coverage,
                density: spec.density,
                seed: `${spec.seed}|${k}`,
              },
              cfg,
            ),
          );
          progress?.(out.length, total);
        }
  return out;
}

/** Mean and spread over seeds, one row per grid point. */
export function summarise(
  cells: CellResult[],
): (Omit<CellResult, 'seed'> & { aucTruthSd: number; seeds: number })[] {
  const groups = new Map<string, CellResult[]>();
  for (const c of cells) {
    const k = `${c.families}|${c.circularity}|${c.labelNoise}|${c.coverage}|${c.density}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  return [...groups.values()].map((g) => {
    const mean = (f: (c: CellResult) => number) => g.reduce((a, c) => a + f(c), 0) / g.length;
    const m = mean((c) => c.aucTruth);
    const sd = Math.sqrt(g.reduce((a, c) => a + (c.aucTruth - m) ** 2, 0) / Math.max(1, g.length - 1));
    const f = g[0]!;
    return {
      families: f.families,
      circularity: f.circularity,
      labelNoise: f.labelNoise,
      coverage: f.coverage,
      density: f.density,
      selected: mean((c) => c.selected),
      aucLabel: mean((c) => c.aucLabel),
      aucTruth: m,
      eceTruth: mean((c) => c.eceTruth),
      psi: mean((c) => c.psi),
      aucTruthSd: sd,
      seeds: g.length,
    };
  });
}
