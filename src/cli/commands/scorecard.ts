// `mosaic scorecard fit|score|validate|sample`: a bank's application scorecard, trained, saved and applied.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { formatCsvRow, parseCsv } from '../../ingest/csv.js';
import { loadScorecardConfig } from '../../schemes/scorecard/config.js';
import { columnsFor, readCsvDataset, type Dataset } from '../../schemes/scorecard/dataset.js';
import { fitScorecard } from '../../schemes/scorecard/fit.js';
import { binLabel } from '../../schemes/scorecard/binning.js';
import { loadModel, saveModel, type ScorecardModel } from '../../schemes/scorecard/model.js';
import { compileScorecard, pdOfScore, scoreRecord } from '../../schemes/scorecard/score.js';
import { syntheticLoans } from '../../schemes/scorecard/synthetic.js';
import {
  auc,
  calibrationByBand,
  calibrationByGroup,
  gini,
  ks,
  psi,
  type CalibrationRow,
} from '../../schemes/scorecard/validate.js';
import { out } from '../../ingest/session.js';

export const sampleLoans = (): string => shipped('scenarios', 'sample', 'finance', 'loans.csv');
export const sampleLoansLater = (): string => shipped('scenarios', 'sample', 'finance', 'loans-later.csv');
const GROUPS = ['hukou', 'sex', 'age_band'];

/** The CSV form of a dataset (id, variables, target, group labels), as `scorecard sample` writes it. */
export function datasetCsv(d: Dataset, target = 'default'): string {
  const groups = Object.keys(d.groups ?? {});
  const lines = [formatCsvRow(['id', ...d.names, target, ...groups])];
  for (let i = 0; i < d.rows; i++)
    lines.push(
      formatCsvRow([
        `L${i + 1}`,
        ...d.columns.map((c, j) => {
          const v = c[i]!;
          const labels = d.categories?.[d.names[j]!];
          return Number.isNaN(v) ? '' : labels ? labels[v]! : String(v);
        }),
        String(d.target![i]),
        ...groups.map((g) => d.groups![g]![i]!),
      ]),
    );
  return lines.join('\n') + '\n';
}

/** The model's categorical variables: a scoring CSV reads them as labels. */
const categoricalOf = (m: ScorecardModel): string[] =>
  m.variables.filter((v) => v.categories).map((v) => v.name);

/** The optional group-label columns this CSV has. */
function groupCols(file: string, wanted: string[]): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MosaicError({ code: 'io.read_failed', message: (e as Error).message, location: { file } });
  }
  const nl = text.indexOf('\n');
  const header = parseCsv(nl < 0 ? text : text.slice(0, nl))[0]?.fields ?? [];
  return wanted.filter((g) => header.includes(g));
}

function printCalibration(title: string, rows: CalibrationRow[]): void {
  out(title);
  out(
    `  ${'band/group'.padEnd(22)} ${'n'.padStart(8)} ${'bads'.padStart(7)} ${'observed'.padStart(9)} ${'predicted'.padStart(9)}`,
  );
  for (const r of rows)
    out(
      `  ${r.label.padEnd(22)} ${String(r.n).padStart(8)} ${String(r.bads).padStart(7)} ${r.observed.toFixed(4).padStart(9)} ${r.predicted.toFixed(4).padStart(9)}`,
    );
}

export function registerScorecardCommands(program: Command): void {
  const sc = program
    .command('scorecard')
    .description(
      "A bank's application scorecard: monotonic WoE binning, IV selection, logistic regression, points",
    );
  sc.command('sample')
    .description(
      'Write synthetic loan applications (20 variables, a default flag, hukou/sex/age band) as CSV',
    )
    .requiredOption('--out <file>', 'CSV file to write')
    .option('--rows <n>', 'number of applications', '10000')
    .option('--seed <seed>', 'random seed', 'loans')
    .action((f: { out: string; rows: string; seed: string }) => {
      const n = Number(f.rows);
      if (!Number.isInteger(n) || n < 1)
        throw new MosaicError({ code: 'cli.bad_rows', message: '--rows must be a positive integer' });
      writeFileSync(f.out, datasetCsv(syntheticLoans(n, f.seed)));
      out(`wrote ${n} applications to ${f.out}`);
    });
  sc.command('fit')
    .description('Fit a scorecard on a CSV of past loans and save it as a versioned JSON model')
    .option('--data <file>', 'training CSV (default: the shipped sample, scenarios/sample/finance/loans.csv)')
    .option('--target <column>', '0/1 outcome column (1 = default)', 'default')
    .option('--config <file>', 'method (default: policies/scorecard/bank-retail.yaml)')
    .option('--name <name>', 'model name', 'application-scorecard')
    .option('--model-version <v>', 'model version', '1')
    .option('--categorical <columns>', 'comma-separated columns whose values are categories (grouped by WoE)')
    .requiredOption('--out <file>', 'model JSON to write')
    .action(
      (f: {
        data?: string;
        categorical?: string;
        target: string;
        config?: string;
        name: string;
        modelVersion: string;
        out: string;
      }) => {
        const file = f.data ?? sampleLoans();
        const cats = f.categorical ? f.categorical.split(',').filter((x) => x !== '') : [];
        const d = readCsvDataset(file, f.target, groupCols(file, GROUPS), cats);
        const cfg = loadScorecardConfig(f.config);
        const { model, trace } = fitScorecard(d, cfg, {
          name: f.name,
          version: f.modelVersion,
          target: f.target,
        });
        saveModel(model, f.out);
        out(`model ${model.id} (${model.name} v${model.version}, ${model.method}) → ${f.out}`);
        out(
          `trained on ${model.training.rows} rows, ${model.training.bads} bads; AUC ${model.training.auc.toFixed(4)}, KS ${model.training.ks.toFixed(4)}, Gini ${gini(model.training.auc).toFixed(4)}`,
        );
        out(
          `scaling: ${model.scaling.basePoints} points at odds ${model.scaling.baseOdds}:1, ${model.scaling.pdo} points to double the odds; start ${model.startPoints}`,
        );
        out('points table:');
        for (const v of model.variables) {
          out(`  ${v.name}  IV ${v.iv.toFixed(4)}  coef ${v.coefficient.toFixed(4)}  (${v.trend} bad rate)`);
          v.points.forEach((p, k) =>
            out(
              `    ${binLabel(v.edges, k, v.categories).padEnd(24)} WoE ${v.woe[k]!.toFixed(4).padStart(8)}  points ${String(p).padStart(5)}`,
            ),
          );
        }
        for (const r of model.rejected) out(`  dropped ${r.name} (IV ${r.iv.toFixed(4)}): ${r.reason}`);
        out(
          `timings (ms): ${Object.entries(trace.timings)
            .map(([k, v]) => `${k} ${v.toFixed(0)}`)
            .join(', ')}`,
        );
      },
    );
  sc.command('score')
    .description('Score applications with a saved model; --row explains one application line by line')
    .requiredOption('--model <file>', 'model JSON')
    .option('--data <file>', 'applications CSV (default: the shipped sample)')
    .option('--out <file>', 'write id,score,pd as CSV')
    .option('--row <n>', 'explain the n-th application (1-based)')
    .action((f: { model: string; data?: string; out?: string; row?: string }) => {
      const m = loadModel(f.model);
      const file = f.data ?? sampleLoans();
      const d = readCsvDataset(file, undefined, groupCols(file, [...GROUPS, m.target]), categoricalOf(m));
      const c = compileScorecard(m);
      const s = c.scoreColumns(columnsFor(d, m.variables));
      if (f.row !== undefined) {
        const i = Number(f.row) - 1;
        if (!(i >= 0 && i < d.rows))
          throw new MosaicError({ code: 'cli.bad_row', message: `--row must be 1..${d.rows}` });
        // The record as read: a number, or a categorical variable's label (NaN = missing).
        const rec = Object.fromEntries(
          m.variables.map((v) => {
            const x = d.columns[d.names.indexOf(v.name)]![i]!;
            const labels = d.categories?.[v.name];
            return [v.name, labels && x === x ? labels[x]! : x];
          }),
        );
        const e = scoreRecord(m, rec);
        out(`application ${i + 1}: score ${e.score} (PD ${e.pd.toFixed(4)}), model ${m.id}`);
        out(`  start points ${e.startPoints}`);
        for (const l of e.lines)
          out(
            `  ${l.variable.padEnd(24)} ${String(l.value ?? 'missing').padStart(10)}  ${l.bin.padEnd(22)} ${String(l.points).padStart(5)}`,
          );
        return;
      }
      if (f.out) {
        const lines = ['id,score,pd'];
        for (let i = 0; i < d.rows; i++)
          lines.push(`${i + 1},${s[i]},${pdOfScore(m.scaling, s[i]!).toFixed(6)}`);
        writeFileSync(f.out, lines.join('\n') + '\n');
      }
      let sum = 0;
      for (const v of s) sum += v;
      out(
        `scored ${d.rows} applications with ${m.id}: mean score ${(sum / d.rows).toFixed(1)}${f.out ? ` → ${f.out}` : ''}`,
      );
    });
  sc.command('validate')
    .description('AUC, KS, Gini, calibration by score band and by group, and PSI against a baseline period')
    .requiredOption('--model <file>', 'model JSON')
    .option('--data <file>', 'labelled CSV of the period to validate (default: the shipped later sample)')
    .option('--baseline <file>', 'CSV of the base period for the PSI (default: the shipped training sample)')
    .option('--config <file>', 'method file with the band count and PSI thresholds')
    .option('--json', 'print JSON')
    .action((f: { model: string; data?: string; baseline?: string; config?: string; json?: boolean }) => {
      const m = loadModel(f.model);
      const cfg = loadScorecardConfig(f.config);
      const file = f.data ?? sampleLoansLater();
      const d = readCsvDataset(file, m.target, groupCols(file, GROUPS), categoricalOf(m));
      const c = compileScorecard(m);
      const s = c.scoreColumns(columnsFor(d, m.variables));
      const y = d.target!;
      const bfile = f.baseline ?? sampleLoans();
      const b = readCsvDataset(bfile, undefined, groupCols(bfile, [...GROUPS, m.target]), categoricalOf(m));
      const bs = c.scoreColumns(columnsFor(b, m.variables));
      const a = auc(s, y);
      const res = {
        model: m.id,
        rows: d.rows,
        auc: a,
        ks: ks(s, y),
        gini: gini(a),
        calibration: calibrationByBand(m, s, y, cfg.calibration.score_bands),
        byGroup: Object.fromEntries(
          Object.entries(d.groups ?? {}).map(([g, labels]) => [g, calibrationByGroup(m, s, y, labels)]),
        ),
        psi: psi(bs, s, cfg.psi),
      };
      if (f.json) return out(JSON.stringify(res, null, 2));
      out(
        `model ${m.id} on ${d.rows} applications: AUC ${a.toFixed(4)}, KS ${res.ks.toFixed(4)}, Gini ${res.gini.toFixed(4)}`,
      );
      printCalibration('calibration by score band:', res.calibration);
      for (const [g, rows] of Object.entries(res.byGroup)) printCalibration(`calibration by ${g}:`, rows);
      out(`PSI against ${bfile}: ${res.psi.psi.toFixed(4)} — ${res.psi.status}`);
    });
}
