// The scorecard pipeline as a bank runs it: bin every variable, select by IV, regress on WoE, scale to points.
import { MosaicError } from '../../core/errors.js';
import { binCategorical, binCodes, binVariable, type VariableBins } from './binning.js';
import type { ScorecardConfig } from './config.js';
import { columnsFor, datasetHash, type Dataset } from './dataset.js';
import { fitLogit } from './logistic.js';
import { MODEL_FORMAT, modelId, type ScorecardModel } from './model.js';
import { compileScorecard } from './score.js';
import { auc, ks } from './validate.js';

export interface FitOptions {
  name: string;
  version: string;
  target: string;
}

/** What the fit computed besides the model, for checks against a peer (bins, codes and the design used). */
export interface FitTrace {
  bins: VariableBins[];
  selected: VariableBins[];
  /** Row-major n × k WoE design of the selected variables. */
  design: Float64Array;
  codes: Uint8Array[];
  timings: Record<string, number>;
}

export function scalingOf(cfg: ScorecardConfig): ScorecardModel['scaling'] {
  const s = cfg.scaling;
  const factor = s.pdo / Math.LN2;
  return {
    basePoints: s.base_points,
    baseOdds: s.base_odds,
    pdo: s.pdo,
    factor,
    offset: s.base_points - factor * Math.log(s.base_odds),
    roundPoints: s.round_points,
  };
}

export function fitScorecard(
  data: Dataset,
  cfg: ScorecardConfig,
  opts: FitOptions,
): { model: ScorecardModel; trace: FitTrace } {
  const y = data.target;
  if (!y) throw new MosaicError({ code: 'scorecard.no_target', message: 'fitting needs a target column' });
  let bads = 0;
  for (let i = 0; i < y.length; i++) bads += y[i]!;
  if (bads === 0 || bads === y.length)
    throw new MosaicError({ code: 'scorecard.one_class', message: 'the target has only goods or only bads' });
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const bcfg = {
    prebins: cfg.binning.prebins,
    maxBins: cfg.binning.max_bins,
    minBinShare: cfg.binning.min_bin_share,
    trend: cfg.binning.trend,
  };
  const cats = data.categories ?? {};
  const bins = data.names.map((nm, j) =>
    cats[nm]
      ? binCategorical(nm, data.columns[j]!, cats[nm], y, bcfg)
      : binVariable(nm, data.columns[j]!, y, bcfg),
  );
  timings.binning = performance.now() - t0;

  // Selection by IV, highest first (ties by name, so the order never depends on input order); a candidate whose
  // WoE column is too correlated with a stronger one already chosen is dropped, as the regression cannot
  // separate them.
  t0 = performance.now();
  const n = data.rows;
  const rejected: ScorecardModel['rejected'] = [];
  const ranked = [...bins].sort((a, b) => b.iv - a.iv || (a.variable < b.variable ? -1 : 1));
  const selected: VariableBins[] = [];
  const woeCols: Float64Array[] = [];
  const codes: Uint8Array[] = [];
  for (const b of ranked) {
    if (b.iv < cfg.selection.min_iv) {
      rejected.push({ name: b.variable, iv: b.iv, reason: `IV below ${cfg.selection.min_iv}` });
      continue;
    }
    if (b.edges.length === 0) {
      rejected.push({ name: b.variable, iv: b.iv, reason: 'a single bin after merging' });
      continue;
    }
    if (selected.length >= cfg.selection.max_variables) {
      rejected.push({
        name: b.variable,
        iv: b.iv,
        reason: `beyond the ${cfg.selection.max_variables} strongest`,
      });
      continue;
    }
    const c = binCodes(b.edges, columnsFor(data, [{ name: b.variable, categories: b.categories }])[0]!);
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = b.woe[c[i]!]!;
    let clash = '';
    for (let j = 0; j < woeCols.length && !clash; j++) {
      const r = pearson(w, woeCols[j]!);
      if (Math.abs(r) > cfg.selection.max_correlation)
        clash = `WoE correlation ${r.toFixed(3)} with ${selected[j]!.variable}`;
    }
    if (clash) {
      rejected.push({ name: b.variable, iv: b.iv, reason: clash });
      continue;
    }
    selected.push(b);
    woeCols.push(w);
    codes.push(c);
  }
  if (selected.length === 0)
    throw new MosaicError({ code: 'scorecard.no_variable', message: 'no variable passes the IV selection' });
  timings.selection = performance.now() - t0;

  t0 = performance.now();
  const k = selected.length;
  const design = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    const w = woeCols[j]!;
    for (let i = 0; i < n; i++) design[i * k + j] = w[i]!;
  }
  timings.design = performance.now() - t0;
  t0 = performance.now();
  const fit = fitLogit(design, y, k);
  timings.regression = performance.now() - t0;

  const scaling = scalingOf(cfg);
  const rnd = (v: number) => (scaling.roundPoints ? Math.round(v) + 0 : v);
  const variables = selected.map((b, j) => {
    const beta = fit.coefficients[j + 1]!;
    const v = {
      name: b.variable,
      edges: b.edges,
      goods: b.goods,
      bads: b.bads,
      woe: b.woe,
      iv: b.iv,
      trend: b.trend,
      coefficient: beta,
      // ln(odds of good) = −(b0 + Σ βj·WoEj), so each bin adds −factor·βj·WoE points.
      points: b.woe.map((w) => rnd(-scaling.factor * beta * w)),
    };
    return b.categories ? { ...v, categories: b.categories } : v;
  });
  const draft: Omit<ScorecardModel, 'id'> = {
    format: MODEL_FORMAT,
    name: opts.name,
    version: opts.version,
    method: `${cfg.method}@${cfg.version}`,
    target: opts.target,
    training: {
      rows: n,
      bads,
      data: datasetHash(data),
      logLik: fit.logLik,
      iterations: fit.iterations,
      converged: fit.converged,
      interceptStandardError: fit.standardErrors[0]!,
      standardErrors: fit.standardErrors.slice(1),
      pValues: fit.pValues.slice(1),
      auc: 0,
      ks: 0,
    },
    scaling,
    intercept: fit.coefficients[0]!,
    startPoints: rnd(scaling.offset - scaling.factor * fit.coefficients[0]!),
    variables,
    rejected,
  };
  const scores = compileScorecard(draft).scoreColumns(columnsFor(data, variables));
  draft.training.auc = auc(scores, y);
  draft.training.ks = ks(scores, y);
  const model: ScorecardModel = { id: '', ...draft };
  model.id = modelId(model);
  return { model, trace: { bins, selected, design, codes, timings } };
}

function pearson(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i]!;
    sb += b[i]!;
  }
  const ma = sa / n;
  const mb = sb / n;
  let cab = 0;
  let caa = 0;
  let cbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    cab += da * db;
    caa += da * da;
    cbb += db * db;
  }
  return caa > 0 && cbb > 0 ? cab / Math.sqrt(caa * cbb) : 0;
}
