// `mosaic coproduction kpi|perks --run DIR`: a Meritown run seen as the state's KPI form sees its agencies (against
// their true coverage), and the credit-easy perks its residents take up by group, with what they cost.
import type { Command } from 'commander';
import { loadRun } from '../../audit/run.js';
import { shippedCalendar } from '../../core/calendar.js';
import { MosaicError } from '../../core/errors.js';
import '../../coproduction/pack-kind.js';
import { agencyReporting, loadKpiForm, scoreKpi, trueCoverage } from '../../coproduction/kpi.js';
import { loadPerks, takeUp, type TakeUpPerson } from '../../coproduction/perks.js';
import { out } from '../../ingest/session.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

interface KpiFlags {
  run: string;
  quota?: string;
  frontendProcessor: string;
  json?: boolean;
}
interface PerkFlags {
  run: string;
  seed: string;
  json?: boolean;
}

export function registerCoproductionCommands(program: Command): void {
  const co = program
    .command('coproduction')
    .description('The state and firms co-producing the system: agencies on the KPI form, credit-easy perks');
  co.command('kpi')
    .description('Each agency of a run scored on the Suzhou department KPI form, beside its true coverage')
    .requiredOption('--run <dir>', 'a Meritown run (mosaic sim run)')
    .option('--quota <n>', 'records a year asked of each agency (without it, volume is not measured)')
    .option(
      '--frontend-processor <yes|no>',
      "whether the city's vendor platform gave agencies a front-end processor",
      'yes',
    )
    .option('--json', 'print JSON')
    .action(async (f: KpiFlags) => {
      const quota = f.quota === undefined ? undefined : Number(f.quota);
      if (quota !== undefined && !(quota > 0))
        throw new MosaicError({ code: 'cli.bad_quota', message: '--quota must be a positive number' });
      if (!['yes', 'no'].includes(f.frontendProcessor))
        throw new MosaicError({ code: 'cli.bad_flag', message: '--frontend-processor is yes or no' });
      const run = await loadRun(f.run);
      const form = loadKpiForm();
      const years = Math.max(1 / 365, (Date.parse(run.to) - Date.parse(run.from)) / (365.25 * 86_400_000));
      const kinds = run.catalogue.kinds;
      const reporting = agencyReporting(run.records, {
        calendar: shippedCalendar({ fallback: 'weekends' }),
        quota: () => quota,
        years,
        limit: 7,
        frontendProcessor: f.frontendProcessor === 'yes',
        hasSeverities: (k) => (kinds[k]?.severities?.length ?? 0) > 0,
        isListKind: (k) => /^(court|samr|tax)\./.test(kinds[k]?.code ?? ''),
      });
      const truth = run.events ? trueCoverage(run.events) : new Map();
      const rows = reporting.map((r) => {
        const s = scoreKpi(form, r.metrics);
        const t = truth.get(r.agency);
        return {
          agency: r.agency,
          submitted: r.submitted,
          kpi: s.earned,
          of: s.measured,
          lines: s.lines,
          truth: t ?? null,
        };
      });
      if (f.json) return out(JSON.stringify(rows, null, 2));
      out(
        `${form.form} ${form.version}: items a ledger shows (${rows[0]?.of ?? 0} of ${form.total} points); the rest are not measured`,
      );
      out(
        'agency'.padEnd(40) +
          'records'.padStart(9) +
          'KPI'.padStart(11) +
          'true coverage'.padStart(15) +
          'invented'.padStart(10),
      );
      for (const r of rows)
        out(
          r.agency.padEnd(40) +
            String(r.submitted).padStart(9) +
            `${r.kpi.toFixed(1)}/${r.of}`.padStart(11) +
            (r.truth ? pct(r.truth.coverage) : '—').padStart(15) +
            (r.truth ? pct(r.truth.fabricated) : '—').padStart(10),
        );
    });

  co.command('perks')
    .description(
      'Credit-easy perks (信易+) taken up by a run’s residents in a year, by group, and their cost by payer',
    )
    .requiredOption('--run <dir>', 'a Meritown run (mosaic sim run)')
    .option('--seed <seed>', 'seed for who knows their grade and who takes a perk up', '1')
    .option('--json', 'print JSON')
    .action(async (f: PerkFlags) => {
      const run = await loadRun(f.run);
      const cat = loadPerks();
      const points = run.points[0];
      if (!points)
        throw new MosaicError({ code: 'coproduction.no_scheme', message: 'the run has no municipal scheme' });
      const attr = run.population.attributes.find((a) => a.name === cat.awareness.attribute);
      const listed = new Set<number>();
      if (run.lists)
        for (let i = 0; i < run.lists.entries.length; i++) listed.add(run.lists.entries.subject[i]!);
      const people: TakeUpPerson[] = run.population.ids.map((id, i) => ({
        id,
        group: attr ? (attr.labels[attr.codes[i]!] ?? 'unknown') : 'all',
        grade: points.scored[i] ? (points.grades[points.grade[i]!] ?? null) : null,
        score: points.scored[i] ? points.score[i]! : null,
        listed: listed.has(i),
      }));
      const r = takeUp(
        cat,
        people,
        (g) => cat.awareness.values[g] ?? cat.awareness.default,
        points.asOf,
        f.seed,
      );
      if (f.json) return out(JSON.stringify(r, null, 2));
      out(
        `${cat.catalogue} ${cat.version} on ${points.scheme} grades as of ${points.asOf}; awareness by ${cat.awareness.attribute} [${cat.awareness.marker}]`,
      );
      out(
        'group'.padEnd(12) +
          'people'.padStart(8) +
          'eligible'.padStart(10) +
          'aware'.padStart(8) +
          'users'.padStart(8) +
          'yuan/head'.padStart(11),
      );
      for (const g of r.groups)
        out(
          g.group.padEnd(12) +
            String(g.people).padStart(8) +
            String(g.eligible).padStart(10) +
            String(g.aware).padStart(8) +
            String(g.users).padStart(8) +
            g.valuePerHead.toFixed(2).padStart(11),
        );
      out(
        'cost a year by payer: ' +
          Object.entries(r.costByPayer)
            .map(([k, v]) => `${k} ${v.toFixed(0)} yuan`)
            .join(', '),
      );
    });
}
