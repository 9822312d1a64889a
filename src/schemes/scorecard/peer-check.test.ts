// The same bins on the same data through pandas, statsmodels and scikit-learn (Debian python3 packages) agree
// with Mosaic's WoE, IV, coefficients and AUC to the tolerances. CI installs the packages and sets
// MOSAIC_REQUIRE_PYTHON_PEERS=1 so that a missing peer fails instead of skipping.
import { describe, expect, it } from 'vitest';
import { loadScorecardConfig } from './config.js';
import { fitScorecard } from './fit.js';
import { peersAvailable, runPeerCheck } from './peer-check.js';
import { compileScorecard } from './score.js';
import { columnsFor } from './dataset.js';
import { syntheticLoans, withEmployerType } from './synthetic.js';

const available = peersAvailable();
const required = process.env.MOSAIC_REQUIRE_PYTHON_PEERS === '1';

describe('scorecard against pandas / statsmodels / scikit-learn', () => {
  it.runIf(available || required)(
    'agrees within 1e-9 (WoE, IV, AUC) and 1e-6 (coefficients)',
    () => {
      expect(available, '/usr/bin/python3 cannot import pandas, statsmodels and sklearn').toBe(true);
      const d = syntheticLoans(30000, 5);
      const { model } = fitScorecard(d, loadScorecardConfig(), {
        name: 't',
        version: '1',
        target: 'default',
      });
      const c = compileScorecard(model);
      const scores = c.scoreColumns(c.names.map((nm) => d.columns[d.names.indexOf(nm)]!));
      const r = runPeerCheck(d, model, scores);
      expect(r.max_woe_diff).toBeLessThan(1e-9);
      expect(r.max_iv_diff).toBeLessThan(1e-9);
      expect(r.max_coef_diff).toBeLessThan(1e-6);
      expect(r.auc_diff).toBeLessThan(1e-9);
    },
    60_000,
  );
  it.runIf(available || required)(
    'agrees on a categorical variable: pandas maps the labels to the same groups and finds the same WoE and IV',
    () => {
      const d = withEmployerType(syntheticLoans(30000, 6));
      const { model } = fitScorecard(d, loadScorecardConfig(), {
        name: 't',
        version: '1',
        target: 'default',
      });
      expect(model.variables.some((v) => v.categories)).toBe(true);
      const scores = compileScorecard(model).scoreColumns(columnsFor(d, model.variables));
      const r = runPeerCheck(d, model, scores);
      expect(r.variables.find((v) => v.name === 'employer_type')!.woe_diff).toBeLessThan(1e-9);
      expect(r.max_woe_diff).toBeLessThan(1e-9);
      expect(r.max_iv_diff).toBeLessThan(1e-9);
      expect(r.max_coef_diff).toBeLessThan(1e-6);
      expect(r.auc_diff).toBeLessThan(1e-9);
    },
    60_000,
  );
  it.skipIf(available || required)(
    'skipped: /usr/bin/python3 lacks pandas, statsmodels or sklearn (apt-get install python3-pandas python3-statsmodels python3-sklearn)',
    () => {},
  );
});
