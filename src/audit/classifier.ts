// Confusion-matrix disparity for classifier-style tables (label, prediction): the metrics Aequitas and Fairlearn report.
import { MISSING, type Attribute } from './groups.js';

export interface ClassifierRow {
  group: string;
  n: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Predicted-positive rate (Aequitas pprev, Fairlearn selection_rate). */
  selectionRate: number;
  tpr: number;
  fpr: number;
  fnr: number;
  precision: number;
  /** Ratios to the reference group. */
  selectionRatio: number;
  tprRatio: number;
  fprRatio: number;
  fourFifthsFlag: boolean;
}

export interface ClassifierTable {
  attribute: string;
  reference: string;
  threshold: number;
  rows: ClassifierRow[];
  /** Fairlearn's demographic_parity_difference / _ratio (max − min, min ÷ max over groups). */
  demographicParityDifference: number;
  demographicParityRatio: number;
  /** Fairlearn's equalized_odds_difference: the larger of the TPR and FPR spreads. */
  equalizedOddsDifference: number;
}

/** Per-group confusion matrices in one pass over 0/1 label and prediction columns. */
export function classifierDisparity(
  attr: Attribute,
  label: Uint8Array,
  pred: Uint8Array,
  opts: { reference?: string; threshold?: number } = {},
): ClassifierTable {
  const G = attr.labels.length;
  const cm = new Float64Array(G * 4);
  const codes = attr.codes;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c === MISSING) continue;
    cm[c * 4 + (label[i]! << 1) + pred[i]!]++;
  }
  const tau = opts.threshold ?? 0.8;
  const present = [...Array(G).keys()].filter(
    (g) => cm[g * 4]! + cm[g * 4 + 1]! + cm[g * 4 + 2]! + cm[g * 4 + 3]! > 0,
  );
  let ref = opts.reference ? attr.labels.indexOf(opts.reference) : -1;
  const size = (g: number) => cm[g * 4]! + cm[g * 4 + 1]! + cm[g * 4 + 2]! + cm[g * 4 + 3]!;
  if (ref < 0 || !present.includes(ref))
    ref = present.reduce((a, b) => (size(b) > size(a) ? b : a), present[0] ?? 0);
  const base = present.map((g) => {
    const tn = cm[g * 4]!;
    const fp = cm[g * 4 + 1]!;
    const fn = cm[g * 4 + 2]!;
    const tp = cm[g * 4 + 3]!;
    const n = tn + fp + fn + tp;
    return {
      g,
      n,
      tp,
      fp,
      tn,
      fn,
      selectionRate: (tp + fp) / n,
      tpr: tp / (tp + fn),
      fpr: fp / (fp + tn),
      fnr: fn / (tp + fn),
      precision: tp / (tp + fp),
    };
  });
  const r = base.find((b) => b.g === ref)!;
  const rows: ClassifierRow[] = base.map((b) => ({
    group: attr.labels[b.g]!,
    n: b.n,
    tp: b.tp,
    fp: b.fp,
    tn: b.tn,
    fn: b.fn,
    selectionRate: b.selectionRate,
    tpr: b.tpr,
    fpr: b.fpr,
    fnr: b.fnr,
    precision: b.precision,
    selectionRatio: b.selectionRate / r.selectionRate,
    tprRatio: b.tpr / r.tpr,
    fprRatio: b.fpr / r.fpr,
    fourFifthsFlag: b.selectionRate / Math.max(...base.map((x) => x.selectionRate)) < tau,
  }));
  const spread = (f: (x: (typeof base)[number]) => number) => {
    const v = base.map(f).filter(Number.isFinite);
    return v.length ? Math.max(...v) - Math.min(...v) : NaN;
  };
  const sel = base.map((b) => b.selectionRate);
  return {
    attribute: attr.name,
    reference: attr.labels[ref] ?? '',
    threshold: tau,
    rows,
    demographicParityDifference: spread((b) => b.selectionRate),
    demographicParityRatio: sel.length ? Math.min(...sel) / Math.max(...sel) : NaN,
    equalizedOddsDifference: Math.max(
      spread((b) => b.tpr),
      spread((b) => b.fpr),
    ),
  };
}
