// An experiment's report: report.html (the not-fieldwork notice, the finding, the headline with its interval, the
// sweep, the plain statement and the assumptions table) and CSV files of the same numbers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIGURES } from './figures.js';
import { fmt, fmtPoint, type ExperimentResult } from './run.js';

export const NOT_FIELDWORK =
  'Meritown is a synthetic city built from published rules and stated assumptions. "Meritown" is also the pseudonym ' +
  'of a real field site in an ethnography; nothing here was observed there or anywhere: every figure is what the ' +
  'rules and the assumptions below imply.';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function csv(rows: (string | number)[][]): string {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

export function writeReport(r: ExperimentResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const e = r.experiment;
  const files: [string, string][] = [];
  const pointCols = Object.keys(e.sweep);
  files.push([
    'runs.csv',
    csv([
      [...pointCols, 'seed', 'figure', 'value'],
      ...r.points.flatMap((p) =>
        e.figures.flatMap((f) =>
          p.values[f]!.map((v, k) => [
            ...pointCols.map((c) => JSON.stringify(p.point[c])),
            r.seeds[k]!,
            f,
            v,
          ]),
        ),
      ),
    ]),
  ]);
  files.push([
    'summary.csv',
    csv([
      [...pointCols, 'figure', 'mean', 'ci95_lo', 'ci95_hi', 'seeds', 'verdict'],
      ...r.points.flatMap((p) =>
        e.figures.map((f) => {
          const s = p.summary[f]!;
          return [
            ...pointCols.map((c) => JSON.stringify(p.point[c])),
            f,
            s.mean,
            s.lo,
            s.hi,
            s.n,
            f === e.headline.figure ? p.verdict : '',
          ];
        }),
      ),
    ]),
  ]);
  files.push([
    'assumptions.csv',
    csv([
      ['path', 'value', 'swept', 'kind', 'marker', 'text'],
      ...r.assumptions.map((a) => [a.path, a.value, a.swept, a.kind, a.marker, a.text]),
    ]),
  ]);
  const headline = FIGURES[e.headline.figure]!;
  const sweepRows = r.points
    .map((p) => {
      const cells = e.figures
        .map((f) => {
          const s = p.summary[f]!;
          return `<td>${fmt(s.mean)} <small>[${fmt(s.lo)}, ${fmt(s.hi)}]</small></td>`;
        })
        .join('');
      return `<tr><td>${esc(fmtPoint(p.point))}</td>${cells}<td class="${p.verdict}">${p.verdict}</td></tr>`;
    })
    .join('\n');
  const assumed = r.assumptions.filter((a) => a.kind === 'assumption').length;
  const assumptionRows = r.assumptions
    .map(
      (a) =>
        `<tr${a.swept ? ' class="swept"' : ''}><td><code>${esc(a.path)}</code></td><td>${esc(a.value)}</td><td>${esc(a.swept)}</td><td>${a.kind}${a.marker ? ` [${esc(a.marker)}]` : ''}</td><td>${esc(a.text)}</td></tr>`,
    )
    .join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(e.title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
.notice{border:2px solid #b45309;background:#fffbeb;padding:.75rem 1rem}
table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
.unmeasured{color:#666}.holds{color:#166534}.fails{color:#991b1b}.indeterminate{color:#92400e}tr.swept{background:#eef2ff}small{color:#666}
</style></head><body>
<p class="notice"><strong>Not fieldwork.</strong> ${esc(NOT_FIELDWORK)}</p>
<h1>${esc(e.title)}</h1>
<p><strong>Finding tested:</strong> ${esc(e.finding)} <small>(${esc(e.source)})</small></p>
${e.inputs ? `<p><strong>Inputs, not findings:</strong> ${esc(e.inputs)}</p>` : ''}
${e.note ? `<p><strong>Mechanism and caveats:</strong> ${esc(e.note)}</p>` : ''}
<p>Run: <code>mosaic experiment run ${esc(e.experiment)}${r.size === 'quick' ? ' --quick' : ''}</code> — ${r.population.toLocaleString('en')} residents × ${r.years} years, seeds ${r.seeds.join(', ')}, ${r.points.length} sweep points, ${r.seconds.toFixed(0)} s.</p>
<h2>Headline</h2>
<p>${esc(headline.label)} (${esc(headline.unit)}), mean over seeds with 95 % interval, at the first sweep point:
<strong>${fmt(r.points[0]!.summary[e.headline.figure]!.mean)}</strong> [${fmt(r.points[0]!.summary[e.headline.figure]!.lo)}, ${fmt(r.points[0]!.summary[e.headline.figure]!.hi)}].</p>
<p><strong>${esc(r.statement)}</strong></p>
<h2>Sweep</h2>
<table><tr><th>point</th>${e.figures.map((f) => `<th>${esc(FIGURES[f]!.label)} <small>(${esc(FIGURES[f]!.unit)})</small></th>`).join('')}<th>headline</th></tr>
${sweepRows}
</table>
<h2>Assumptions</h2>
<p>Every number in the scenario with what covers it: ${r.assumptions.length} parameters, ${r.assumptions.length - assumed} with a source, ${assumed} assumptions. Swept parameters are highlighted; fixed overrides of this experiment: <code>${esc(JSON.stringify(e.set))}</code>.</p>
<table><tr><th>parameter</th><th>value</th><th>swept</th><th>provenance</th><th>source or assumption</th></tr>
${assumptionRows}
</table>
</body></html>
`;
  files.push(['report.html', html]);
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return files.map(([n]) => join(dir, n));
}
