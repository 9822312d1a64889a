// Scorecard engine: monotonic binning, WoE/IV, the regression's score equations, scaling, validation statistics.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binCategorical, binOf, binVariable, groupColumn, woeIv } from './binning.js';
import { loadScorecardConfig } from './config.js';
import { fitScorecard } from './fit.js';
import { fitLogit } from './logistic.js';
import { compileScorecard, pdOfScore, scoreRecord } from './score.js';
import { columnsFor } from './dataset.js';
import { parseModel } from './model.js';
import { EMPLOYER_TYPES, syntheticLoans, withEmployerType } from './synthetic.js';
import { auc, calibrationByBand, calibrationByGroup, ks, psi } from './validate.js';

const cfg = loadScorecardConfig();

describe('binning', () => {
  it('binOf counts the edges at or below a value; NaN goes to the missing bin', () => {
    expect(binOf([1, 5], 0)).toBe(0);
    expect(binOf([1, 5], 1)).toBe(1);
    expect(binOf([1, 5], 4.9)).toBe(1);
    expect(binOf([1, 5], 5)).toBe(2);
    expect(binOf([1, 5], NaN)).toBe(3);
  });

  it('WoE and IV by hand', () => {
    const { woe, iv } = woeIv([60, 40], [10, 30]);
    expect(woe[0]).toBeCloseTo(Math.log(0.6 / 0.25), 12);
    expect(woe[1]).toBeCloseTo(Math.log(0.4 / 0.75), 12);
    expect(iv).toBeCloseTo((0.6 - 0.25) * Math.log(0.6 / 0.25) + (0.4 - 0.75) * Math.log(0.4 / 0.75), 12);
  });

  it('merged bins are monotonic in bad rate, large enough and never empty of goods or bads', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: -2, max: 2, noNaN: true }),
        (seed, slope) => {
          const n = 3000;
          const d = syntheticLoans(n, seed);
          const x = d.columns[2]!;
          const y = new Uint8Array(n);
          // A target whose rate moves with x by `slope`, plus noise, so both directions occur.
          for (let i = 0; i < n; i++)
            y[i] = Math.sin(i * 12.9898 + seed) * 0.5 + 0.5 < 0.15 + 0.2 * slope * (x[i]! - 0.35) ? 1 : 0;
          let bads = 0;
          for (const v of y) bads += v;
          fc.pre(bads > 20 && bads < n - 20);
          const b = binVariable('v', x, y, { prebins: 20, maxBins: 8, minBinShare: 0.05, trend: 'auto' });
          const m = b.edges.length + 1;
          expect(m).toBeLessThanOrEqual(8);
          for (let k = 1; k < b.edges.length; k++) expect(b.edges[k]!).toBeGreaterThan(b.edges[k - 1]!);
          const rates = b.goods.slice(0, m).map((g, k) => b.bads[k]! / (g + b.bads[k]!));
          for (let k = 1; k < m; k++) {
            if (b.trend === 'ascending') expect(rates[k]!).toBeGreaterThan(rates[k - 1]!);
            else expect(rates[k]!).toBeLessThan(rates[k - 1]!);
          }
          if (m > 1)
            for (let k = 0; k < m; k++) {
              expect(b.goods[k]! + b.bads[k]!).toBeGreaterThanOrEqual(0.05 * n);
              expect(b.goods[k]!).toBeGreaterThan(0);
              expect(b.bads[k]!).toBeGreaterThan(0);
            }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('logistic regression', () => {
  it('solves the score equations: the gradient vanishes at the fit', () => {
    const d = syntheticLoans(4000, 7);
    const k = 3;
    const x = new Float64Array(d.rows * k);
    const pick = [2, 5, 8].map((j) => d.columns[j]!);
    for (let i = 0; i < d.rows; i++) for (let j = 0; j < k; j++) x[i * k + j] = pick[j]![i]!;
    const f = fitLogit(x, d.target!, k);
    expect(f.converged).toBe(true);
    const g = new Float64Array(k + 1);
    for (let i = 0; i < d.rows; i++) {
      let eta = f.coefficients[0]!;
      for (let j = 0; j < k; j++) eta += f.coefficients[j + 1]! * x[i * k + j]!;
      const r = d.target![i]! - 1 / (1 + Math.exp(-eta));
      g[0]! += r;
      for (let j = 0; j < k; j++) g[j + 1]! += r * x[i * k + j]!;
    }
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-8);
    expect(f.coefficients[1]!).toBeGreaterThan(0);
  });

  it('refuses a design with two identical columns', () => {
    const n = 200;
    const x = new Float64Array(n * 2);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x[i * 2] = x[i * 2 + 1] = i % 7;
      y[i] = i % 3 === 0 ? 1 : 0;
    }
    expect(() => fitLogit(x, y, 2)).toThrow(/scorecard.singular/);
  });
});

describe('scorecard fit and scoring', () => {
  const d = syntheticLoans(20000, 3);
  const { model } = fitScorecard(d, cfg, { name: 't', version: '1', target: 'default' });

  it('selects the informative variables, drops noise and the collinear twin', () => {
    const names = model.variables.map((v) => v.name);
    expect(names).toContain('debt_to_income');
    for (const noise of ['noise_a', 'noise_b', 'noise_c']) expect(names).not.toContain(noise);
    expect(names.includes('worst_status_24m') && names.includes('overdue_months_24m')).toBe(false);
    expect(model.training.auc).toBeGreaterThan(0.7);
  });

  it('scaling: base odds at base points, doubling the odds adds pdo', () => {
    const s = model.scaling;
    expect(pdOfScore(s, s.basePoints)).toBeCloseTo(1 / (1 + s.baseOdds), 12);
    const p1 = pdOfScore(s, 600);
    const p2 = pdOfScore(s, 600 + s.pdo);
    expect((1 - p2) / p2 / ((1 - p1) / p1)).toBeCloseTo(2, 10);
  });

  it('the compiled scorer equals the reference on every record, missing values included', () => {
    const c = compileScorecard(model);
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: -10, max: 2e5, noNaN: true }),
            fc.constant(NaN),
            fc.integer({ min: 0, max: 40 }),
          ),
          {
            minLength: c.names.length,
            maxLength: c.names.length,
          },
        ),
        (vals) => {
          const cols = vals.map((v) => Float64Array.of(v));
          const fast = c.scoreColumns(cols)[0]!;
          const rec = Object.fromEntries(
            c.names.map((nm, j) => [nm, Number.isNaN(vals[j]!) ? null : vals[j]!]),
          );
          expect(fast).toBe(scoreRecord(model, rec).score);
        },
      ),
      { numRuns: 300 },
    );
    // And over the training data, edge values included.
    const cols = c.names.map((nm) => d.columns[d.names.indexOf(nm)]!);
    const s = c.scoreColumns(cols);
    for (let i = 0; i < 500; i++) {
      const rec = Object.fromEntries(c.names.map((nm, j) => [nm, cols[j]![i]!]));
      expect(s[i]).toBe(scoreRecord(model, rec).score);
    }
  });

  it('is reproducible: the same data and config give the same model id', () => {
    const again = fitScorecard(syntheticLoans(20000, 3), cfg, {
      name: 't',
      version: '1',
      target: 'default',
    }).model;
    expect(again.id).toBe(model.id);
  });
});

describe('validation statistics', () => {
  const brute = (s: number[], y: number[]) => {
    let w = 0;
    let p = 0;
    for (let i = 0; i < s.length; i++)
      for (let j = 0; j < s.length; j++)
        if (y[i] === 0 && y[j] === 1) {
          p++;
          if (s[i]! > s[j]!) w += 1;
          else if (s[i] === s[j]) w += 0.5;
        }
    return w / p;
  };

  it('AUC equals the pairwise definition with ties; KS equals the largest CDF gap', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.boolean()), { minLength: 2, maxLength: 60 }),
        (rows) => {
          const s = rows.map((r) => r[0]);
          const y = rows.map((r) => (r[1] ? 1 : 0));
          fc.pre(y.includes(0) && y.includes(1));
          expect(auc(Float64Array.from(s), Uint8Array.from(y))).toBeCloseTo(brute(s, y), 12);
          let best = 0;
          const B = y.filter((v) => v).length;
          const G = y.length - B;
          for (const t of s) {
            const fb = s.filter((v, i) => y[i] && v <= t).length / B;
            const fg = s.filter((v, i) => !y[i] && v <= t).length / G;
            best = Math.max(best, Math.abs(fb - fg));
          }
          expect(ks(Float64Array.from(s), Uint8Array.from(y))).toBeCloseTo(best, 12);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('PSI is zero for one distribution and flags a shifted one', () => {
    const a = Float64Array.from({ length: 5000 }, (_, i) => 500 + ((i * 7919) % 200));
    expect(psi(a, a, cfg.psi).psi).toBeCloseTo(0, 12);
    expect(psi(a, a, cfg.psi).status).toBe('stable');
    const shifted = a.map((v) => v + 60);
    expect(psi(a, shifted, cfg.psi).status).toBe('significant_shift');
  });

  it('calibration tables add up to the population, by band and by group', () => {
    const d = syntheticLoans(5000, 9);
    const { model } = fitScorecard(d, cfg, { name: 't', version: '1', target: 'default' });
    const c = compileScorecard(model);
    const s = c.scoreColumns(c.names.map((nm) => d.columns[d.names.indexOf(nm)]!));
    const bands = calibrationByBand(model, s, d.target!, 10);
    expect(bands.reduce((a, r) => a + r.n, 0)).toBe(5000);
    // Higher bands are safer: the observed bad rate of the top band is below that of the bottom one.
    expect(bands[bands.length - 1]!.observed).toBeLessThan(bands[0]!.observed);
    const groups = calibrationByGroup(model, s, d.target!, d.groups!.hukou!);
    expect(groups.map((g) => g.label)).toEqual(['rural', 'urban']);
    expect(groups.reduce((a, r) => a + r.bads, 0)).toBe(model.training.bads);
  });
});

describe('categorical variables', () => {
  const bcfg = { prebins: 20, maxBins: 8, minBinShare: 0.05, trend: 'auto' as const };
  const d = withEmployerType(syntheticLoans(20000, 7));
  const j = d.names.indexOf('employer_type');
  const labels = d.categories!.employer_type!;

  it('groups categories in bad-rate order; every bin is large enough and holds goods and bads', () => {
    const b = binCategorical('employer_type', d.columns[j]!, labels, d.target!, bcfg);
    const cats = b.categories!;
    // Every category seen lands in exactly one bin; the bins are fewer than the categories (rare ones merged).
    expect(cats.flat().sort()).toEqual([...labels].sort());
    expect(cats.length).toBeLessThan(labels.length);
    expect(cats.length).toBeLessThanOrEqual(bcfg.maxBins);
    const nonMissing = b.goods.slice(0, -1).reduce((a, x, k) => a + x + b.bads[k]!, 0);
    for (let k = 0; k < cats.length; k++) {
      expect(b.goods[k]! + b.bads[k]!).toBeGreaterThanOrEqual(bcfg.minBinShare * nonMissing);
      expect(b.goods[k]! > 0 && b.bads[k]! > 0).toBe(true);
    }
    // Rare categories (under 5 % of rows: student, military) never stand alone.
    for (const rare of ['student', 'military'])
      expect(cats.find((c) => c.includes(rare))!.length).toBeGreaterThan(1);
    // Bad rate, and so WoE, is monotonic over the bins in their order.
    for (let k = 1; k < cats.length; k++) expect(b.woe[k]!).toBeLessThan(b.woe[k - 1]!);
    // The riskiest and safest types of the generator end in the last and first bins.
    const riskiest = [...EMPLOYER_TYPES].sort((p, q) => q[2] - p[2])[0]![0];
    const safest = [...EMPLOYER_TYPES].sort((p, q) => p[2] - q[2])[0]![0];
    expect(cats[cats.length - 1]).toContain(riskiest);
    expect(cats[0]).toContain(safest);
    // WoE and IV are those of the grouped counts.
    const r = woeIv(b.goods, b.bads);
    expect(b.woe).toEqual(r.woe);
    expect(b.iv).toBe(r.iv);
    expect(b.iv).toBeGreaterThan(0.02);
  });

  it('does not depend on the order of rows or on how labels are coded', () => {
    const b1 = binCategorical('e', d.columns[j]!, labels, d.target!, bcfg);
    // Reverse the rows and the dictionary.
    const rev = [...labels].reverse();
    const n = d.rows;
    const x = new Float64Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const c = d.columns[j]![n - 1 - i]!;
      x[i] = c === c ? rev.indexOf(labels[c]!) : NaN;
      y[i] = d.target![n - 1 - i]!;
    }
    const b2 = binCategorical('e', x, rev, y, bcfg);
    expect(b2.categories).toEqual(b1.categories);
    expect(b2.woe).toEqual(b1.woe);
  });

  it('is fitted, saved, reloaded and scored: compiled and reference agree; an unseen category scores as missing', () => {
    const { model } = fitScorecard(d, cfg, { name: 'c', version: '1', target: 'default' });
    const v = model.variables.find((x) => x.name === 'employer_type');
    expect(v?.categories).toBeDefined();
    const m = parseModel(JSON.stringify(model));
    const c = compileScorecard(m);
    const s = c.scoreColumns(columnsFor(d, m.variables));
    for (let i = 0; i < 2000; i++) {
      const rec = Object.fromEntries(
        m.variables.map((mv) => {
          const x = d.columns[d.names.indexOf(mv.name)]![i]!;
          return [mv.name, mv.categories ? (x === x ? labels[x]! : null) : x];
        }),
      );
      expect(s[i]).toBe(scoreRecord(m, rec).score);
    }
    const base = Object.fromEntries(m.variables.map((mv) => [mv.name, null]));
    const missing = scoreRecord(m, base).score;
    expect(scoreRecord(m, { ...base, employer_type: 'astronaut' }).score).toBe(missing);
    expect(groupColumn(v!.categories!, ['astronaut'], Float64Array.of(0))[0]).toBeNaN();
    // A category's bin label names its group.
    const line = scoreRecord(m, { ...base, employer_type: 'farmer' }).lines.find(
      (l) => l.variable === 'employer_type',
    )!;
    expect(line.bin).toMatch(/farmer/);
  });

  it('a model whose category groups overlap is refused', () => {
    const { model } = fitScorecard(d, cfg, { name: 'c', version: '1', target: 'default' });
    const bad = structuredClone(model);
    const v = bad.variables.find((x) => x.categories)!;
    v.categories![0]!.push(v.categories![1]![0]!);
    expect(() => parseModel(JSON.stringify(bad))).toThrow(/scorecard.model_categories/);
  });
});
