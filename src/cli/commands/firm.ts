// `mosaic firm tax-grade|risk-class|inspections`: the tax authority's grades and the market regulator's risk
// classes of firms, and the "double random" inspection draw they drive.
import type { Command } from 'commander';
import { isIsoDate } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { readFirmData } from '../../schemes/enterprise/data.js';
import { loadRiskPolicy, loadTaxPolicy } from '../../schemes/enterprise/policy.js';
import { drawInspections, riskClassAsOf } from '../../schemes/enterprise/risk.js';
import { taxGradeAsOf } from '../../schemes/enterprise/tax.js';
import { out } from '../../ingest/session.js';

const sampleFirms = () => shipped('scenarios', 'sample', 'finance', 'firms.jsonl');
const checkDate = (d: string) => {
  if (!isIsoDate(d))
    throw new MosaicError({ code: 'cli.bad_date', message: `--as-of ${d} is not a YYYY-MM-DD date` });
};

interface Flags {
  asOf: string;
  data?: string;
  firm?: string;
  json?: boolean;
}

export function registerFirmCommands(program: Command): void {
  const fm = program
    .command('firm')
    .description(
      "Firms' grades: tax credit grades (A/B/M/C/D) and market-regulation credit-risk classes (A–D)",
    );
  fm.command('tax-grade')
    .description(
      'The tax credit grade in force on a date (fixed each April; re-evaluations included), with reasons',
    )
    .requiredOption('--as-of <date>', 'YYYY-MM-DD')
    .option('--data <file>', 'firms JSONL (default: scenarios/sample/finance/firms.jsonl)')
    .option('--firm <uscc>', 'one firm only')
    .option('--json', 'print JSON')
    .action((f: Flags) => {
      checkDate(f.asOf);
      const p = loadTaxPolicy();
      const d = readFirmData(f.data ?? sampleFirms());
      const ids = f.firm ? [f.firm] : d.firms.map((x) => x.id);
      const rows = ids.map((id) => ({
        firm: id,
        name: d.byId.get(id)?.name,
        evaluation: taxGradeAsOf(p, d, id, f.asOf),
      }));
      if (f.json) return out(JSON.stringify(rows, null, 2));
      out(`${p.owner} — tax credit grades in force on ${f.asOf}`);
      for (const r of rows) {
        const e = r.evaluation;
        out(
          `  ${r.firm}  ${e ? `${e.grade}  (year ${e.year}, score ${e.score}, published ${e.publishedOn}${e.reEvaluatedOn ? `, re-evaluated ${e.reEvaluatedOn}` : ''})` : '—  (no published evaluation yet)'}`,
        );
        if (e && f.firm) for (const x of e.reasons) out(`      ${x}`);
      }
    });
  fm.command('risk-class')
    .description("The market regulator's credit-risk class of each firm as of a date, with reasons")
    .requiredOption('--as-of <date>', 'YYYY-MM-DD')
    .option('--data <file>', 'firms JSONL')
    .option('--firm <uscc>', 'one firm only')
    .option('--json', 'print JSON')
    .action((f: Flags) => {
      checkDate(f.asOf);
      const p = loadRiskPolicy();
      const d = readFirmData(f.data ?? sampleFirms());
      const ids = f.firm ? [f.firm] : d.firms.map((x) => x.id);
      const rows = ids.map((id) => riskClassAsOf(p, d, id, f.asOf));
      if (f.json) return out(JSON.stringify(rows, null, 2));
      out(`${p.owner} — credit-risk classes on ${f.asOf}`);
      for (const r of rows) {
        out(`  ${r.firm}  ${r.class}  (score ${r.score})`);
        if (f.firm) for (const x of r.reasons) out(`      ${x}`);
      }
    });
  fm.command('inspections')
    .description(
      'Draw firms for "double random, one public" spot checks: a share per risk class, two random inspectors each',
    )
    .requiredOption('--as-of <date>', 'YYYY-MM-DD')
    .requiredOption('--round <label>', 'label of the inspection round, e.g. 2026-Q4')
    .option('--seed <seed>', 'random seed', 'mosaic')
    .option('--inspectors <n>', 'size of the inspector pool', '20')
    .option('--data <file>', 'firms JSONL')
    .option('--json', 'print JSON')
    .action((f: Flags & { round: string; seed: string; inspectors: string }) => {
      checkDate(f.asOf);
      const p = loadRiskPolicy();
      const d = readFirmData(f.data ?? sampleFirms());
      const draw = drawInspections(
        p,
        d.firms.map((x) => riskClassAsOf(p, d, x.id, f.asOf)),
        f.seed,
        f.round,
        Number(f.inspectors),
      );
      if (f.json) return out(JSON.stringify(draw, null, 2));
      out(
        `round ${draw.round} (seed ${f.seed}); shares are assumptions (${p.inspections.marker}) keeping A < B < C < D`,
      );
      for (const [c, b] of Object.entries(draw.byClass))
        out(`  class ${c}: ${b.drawn} of ${b.firms} firms (share ${b.share})`);
      for (const x of draw.inspections) out(`  ${x.firm}  ${x.class}  ${x.inspectors.join(' + ')}`);
    });
}
