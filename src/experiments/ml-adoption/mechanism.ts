// The generative mechanism of the ML-adoption experiment. People have a latent, slowly drifting propensity; it
// drives true conduct in independent behaviour families and a true outcome; agencies record conduct with a
// coverage; the label a modeller trains on is the outcome, the rules' verdict over recorded conduct, or noise.
// Nothing here knows which domain it models: finance and municipal differ only in the parameters read from data.
import { Rng } from '../../core/rng.js';
import type { Dataset } from '../../schemes/scorecard/dataset.js';

export interface MechanismParams {
  people: number;
  /** Independent input families the modeller can use (data variety). */
  families: number;
  /** Share of true conduct that reaches the records, per family (1 = complete reporting). */
  coverage: number;
  /** Share of labels that are the rules' verdict over the recorded inputs instead of the outcome (circularity). */
  circularity: number;
  /** Share of labels replaced by a coin with the base rate (label noise). */
  labelNoise: number;
  /** Mean true events per family per period at zero propensity (how dense the data are). */
  density: number;
  seed: number | string;
}

/** Fixed assumptions of the mechanism, stated in the report. */
export const MECHANISM_ASSUMPTIONS = {
  baseRate: 0.08,
  /** Outcome log-odds per unit of latent propensity. */
  outcomeSlope: 1.2,
  /** Correlation of the latent propensity between consecutive periods. */
  persistence: 0.85,
  /** Log-rate slope of a family's true events per unit of propensity. */
  familySlopeRange: [0.3, 0.8] as [number, number],
  maxFamilies: 12,
};

export interface Period {
  data: Dataset;
  /** The true outcome of the following period (1 = the bad outcome happened). */
  truth: Uint8Array;
  /** The label the modeller has. */
  label: Uint8Array;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Two consecutive periods of the same population: train on the first, test on the second. */
export function simulate(p: MechanismParams): [Period, Period] {
  const A = MECHANISM_ASSUMPTIONS;
  const rng = new Rng(p.seed);
  // Family slopes are a property of the world, not of the draw of people: same for every cell of a sweep.
  const famRng = new Rng('ml-adoption-families');
  const slopes = Array.from(
    { length: A.maxFamilies },
    () => A.familySlopeRange[0] + famRng.next() * (A.familySlopeRange[1] - A.familySlopeRange[0]),
  );
  const n = p.people;
  const F = Math.min(p.families, A.maxFamilies);
  const alpha = Math.log(A.baseRate / (1 - A.baseRate));
  let latent = Float64Array.from({ length: n }, () => rng.normal());
  const periods: Period[] = [];
  for (let t = 0; t < 2; t++) {
    const cols = Array.from({ length: F }, () => new Float64Array(n));
    const next = new Float64Array(n);
    const truth = new Uint8Array(n);
    const nextRecorded = new Float64Array(n);
    const s = Math.sqrt(1 - A.persistence ** 2);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < F; f++) {
        const trueCount = rng.poisson(p.density * Math.exp(slopes[f]! * latent[i]!));
        let rec = 0;
        for (let k = 0; k < trueCount; k++) if (rng.next() < p.coverage) rec++;
        cols[f]![i] = rec;
      }
      next[i] = A.persistence * latent[i]! + s * rng.normal();
      truth[i] = rng.next() < sigmoid(alpha + A.outcomeSlope * next[i]!) ? 1 : 0;
      // What the rules will see next period: recorded conduct in the same families.
      let r = 0;
      for (let f = 0; f < F; f++) {
        const c = rng.poisson(p.density * Math.exp(slopes[f]! * next[i]!));
        for (let k = 0; k < c; k++) if (rng.next() < p.coverage) r++;
      }
      nextRecorded[i] = r;
    }
    // The rules' verdict: the top base-rate share of next period's recorded conduct is "untrustworthy".
    const sorted = Float64Array.from(nextRecorded).sort();
    const cut = sorted[Math.floor((1 - A.baseRate) * (n - 1))]!;
    const label = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const verdict = nextRecorded[i]! > cut || (nextRecorded[i] === cut && rng.next() < 0.5) ? 1 : 0;
      let l = rng.next() < p.circularity ? verdict : truth[i]!;
      if (rng.next() < p.labelNoise) l = rng.next() < A.baseRate ? 1 : 0;
      label[i] = l;
    }
    periods.push({
      data: { names: cols.map((_, f) => `family_${f + 1}`), columns: cols, target: label, rows: n },
      truth,
      label,
    });
    latent = next;
  }
  return [periods[0]!, periods[1]!];
}
