// The ML-adoption mechanism: deterministic, domain-blind, and with the properties the sweep relies on; the report
// carries its sweep, domains and closing note.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScorecardConfig } from '../../schemes/scorecard/config.js';
import { financePoint, loadExperimentSpec, municipalPoint } from './domains.js';
import { simulate } from './mechanism.js';
import { writeExperimentReport } from './report.js';
import { runCell, runSweep, summarise } from './sweep.js';

const cfg = loadScorecardConfig();
const base = {
  people: 6000,
  families: 6,
  coverage: 0.9,
  circularity: 0,
  labelNoise: 0,
  density: 1,
  seed: 'test',
};
const dir = mkdtempSync(join(tmpdir(), 'issue-15-mla-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ml-adoption mechanism', { timeout: 60_000 }, () => {
  it('is deterministic', () => {
    expect(runCell(base, cfg)).toEqual(runCell(base, cfg));
  });

  it('a label equal to the truth, without noise, is the truth', () => {
    const [p] = simulate(base);
    expect(p.label).toEqual(p.truth);
    const [q] = simulate({ ...base, circularity: 1 });
    expect(q.label).not.toEqual(q.truth);
  });

  it('more independent families carry more information about the outcome', () => {
    const one = runCell({ ...base, families: 1 }, cfg);
    const many = runCell({ ...base, families: 12 }, cfg);
    expect(many.aucTruth).toBeGreaterThan(one.aucTruth);
  });

  it('without recorded conduct there is no model, and the AUC is chance', () => {
    const r = runCell({ ...base, coverage: 0 }, cfg);
    expect(r.selected).toBe(0);
    expect(r.aucTruth).toBe(0.5);
  });

  it('writes the report with the sweep, the domains and a closing note', async () => {
    const spec = loadExperimentSpec();
    const cells = runSweep(
      {
        people: 1500,
        seeds: 1,
        families: [1, 4],
        circularity: [0, 1],
        labelNoise: [0],
        coverage: 0.8,
        density: 1,
        seed: 's',
      },
      cfg,
    );
    const domains = [financePoint(spec), await municipalPoint(spec)].map((p) => ({
      point: p,
      result: summarise([
        runCell(
          {
            people: 1500,
            families: p.families,
            coverage: p.coverage,
            density: p.density,
            circularity: p.circularity,
            labelNoise: p.labelNoise,
            seed: 'd',
          },
          cfg,
        ),
      ])[0]!,
    }));
    const files = writeExperimentReport(
      {
        spec: { people: 1500, seeds: 1, seed: 's', coverage: 0.8, density: 1 },
        cells,
        grid: summarise(cells),
        domains,
      },
      dir,
    );
    for (const f of files) expect(existsSync(join(dir, f))).toBe(true);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('Closing note');
    expect(html).toContain('Finance point (10 families');
    expect(readFileSync(join(dir, 'sweep.csv'), 'utf8').trim().split('\n')).toHaveLength(5);
  });
});
