// The report end to end on the hand-made inputs: deterministic bytes, CSV = JSON numbers, and plots drawn in Chromium.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditInputs } from './audit.js';
import { columnsOf, smallCatalogue, smallPoints, smallPopulation } from './fixtures.js';
import { writeReport } from './report.js';
import { makeRecord } from '../core/types.js';
import { defaultCataloguePath, loadCatalogue } from '../core/catalogue.js';
import { shipped } from '../core/paths.js';
import { loadSchemePack } from '../schemes/municipal/load.js';
import { ruleReach } from './engines.js';

const CHROMIUM = '/usr/bin/chromium';

function inputs(): AuditInputs {
  const cat = smallCatalogue();
  const rec = (subject: string, kind: string, d: string, agency: string, extra = {}) =>
    makeRecord({ subject, kind, occurredAt: d, reportedAt: d, agency, basis: 'doc', ...extra });
  const records = [
    rec('u0', 'traffic.fine', '2023-03-01', 'police', { amount: 200 }),
    rec('u0', 'discipline.party', '2023-04-01', 'party', { severity: 'warning' }),
    rec('u1', 'discipline.party', '2023-05-01', 'party', { severity: 'warning' }),
    rec('r1', 'rural.straw_burning', '2023-06-01', 'village'),
    rec('r2', 'honour.volunteer_hours', '2023-12-20', 'village', { amount: 20, level: 'county' }),
  ];
  return {
    source: { fixture: 'small' },
    asOf: '2024-01-01',
    from: '2023-01-01',
    to: '2023-12-31',
    catalogue: cat,
    records: columnsOf(records, cat),
    population: smallPopulation(),
    points: [smallPoints()],
    missing: [{ engine: 'lists', reason: 'not part of this fixture' }],
  };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'mosaic-audit-'));
  dirs.push(d);
  return d;
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, pre: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p, `${pre}${f}/`);
      else out[pre + f] = readFileSync(p, 'latin1');
    }
  };
  walk(dir, '');
  return out;
}

describe('audit report', () => {
  it('is byte-identical for the same inputs and holds the headline figures', () => {
    const a = tmp();
    const b = tmp();
    const opts = { draws: 200, minGroupSize: 1 };
    writeReport(runAudit(inputs(), opts), a);
    writeReport(runAudit(inputs(), opts), b);
    const ta = tree(a);
    expect(Object.keys(ta)).toEqual(
      expect.arrayContaining([
        'index.html',
        'audit.json',
        'echarts.min.js',
        'report.js',
        'csv/disparity.csv',
      ]),
    );
    expect(tree(b)).toEqual(ta);
    const json = JSON.parse(ta['audit.json']!);
    const head = json.headlines.find((h: { key: string }) => h.key === 'small.below_A.rural_urban');
    expect(head.value).toBeCloseTo(0.6, 12);
    expect(head.detail[0]).toMatch(/^petition\.beijing .*: 60\.00 pp$/);
    const sp = json.headlines.find((h: { key: string }) => h.key === 'scrutiny.state_personnel');
    // 2023: state personnel u0, u1 have 3 records; the 8 others have 2 → 1.5 vs 0.25 a year → ×6
    expect(sp.value).toBeCloseTo(6, 12);
    // The CSV carries the same numbers as the JSON.
    const line = ta['csv/disparity.csv']!.split('\n').find((l) =>
      l.startsWith('small.below_A,binary,adverse,hukou,rural,'),
    );
    expect(line).toContain(',5,4,0.800000,');
    const html = ta['index.html']!;
    expect(html).not.toMatch(/http[s]?:\/\//);
    expect(html).toContain('Not audited: <b>lists</b>');
  });

  it('gives the mean-score gap its own interval, apart from the share gap beside it (issue 11 fix 11)', () => {
    const r = runAudit(inputs(), { draws: 200, minGroupSize: 1 });
    const h = r.headlines.find((x) => x.key === 'small.at_least_AA.rural_urban')!;
    const ciOf = (outcome: string) =>
      r.bootstrap
        .find((b) => b.outcome === outcome && b.attribute === 'hukou')!
        .groups.find((g) => g.group === 'rural')!.diff;
    expect(h.ci).toEqual(ciOf('small.at_least_AA'));
    expect(h.second!.ci).toEqual(ciOf('small.score'));
    expect(h.second!.ci).not.toEqual(h.ci);
    expect(h.en).toContain(
      `mean score gap ${h.second!.value.toFixed(2)} points (95 % CI ${h.second!.ci![0].toFixed(2)}`,
    );
  });

  it("puts the rule text's reach per group beside the simulated disparities, and in rule_reach.csv", () => {
    const inp = inputs();
    const pack = loadSchemePack(
      shipped('policies', 'wendeng-points', '2020'),
      loadCatalogue(defaultCataloguePath()),
    );
    inp.points[0]!.reach = ruleReach(pack);
    const d = tmp();
    writeReport(runAudit(inp, { draws: 50, minGroupSize: 1 }), d);
    const ta = tree(d);
    const html = ta['index.html']!;
    const at = html.indexOf('What the rule text itself sets up');
    expect(at).toBeGreaterThan(html.indexOf('id="disparity"'));
    expect(at).toBeLessThan(html.indexOf('id="decomposition"'));
    const rural = inp.points[0]!.reach.groups.find((g) => g.group === 'rural')!;
    expect(ta['csv/rule_reach.csv']).toContain(
      `small,rural,${rural.lines},${rural.only},${rural.maxDeduction},${rural.maxBonus},${rural.direct},`,
    );
  });

  const haveChromium = existsSync(CHROMIUM);
  const required = process.env.MOSAIC_REQUIRE_CHROMIUM === '1';
  it.skipIf(!haveChromium && !required)(
    'renders in Chromium with every plot drawn (skipped without /usr/bin/chromium unless MOSAIC_REQUIRE_CHROMIUM=1)',
    async () => {
      const { chromium } = await import('playwright-core');
      const dir = tmp();
      const page0 = writeReport(runAudit(inputs(), { draws: 100, minGroupSize: 1 }), dir);
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const requests: string[] = [];
        page.on('request', (r) => requests.push(r.url()));
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto('file://' + page0);
        await page.waitForFunction('window.mosaicCharts !== undefined');
        // Runs in the page (a string, since the project compiles without DOM types).
        const stats = (await page.evaluate(`(() => {
          const canvases = [...document.querySelectorAll('.chart canvas')];
          const inked = canvases.map((c) => {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
            return n / (c.width * c.height);
          });
          return {
            divs: document.querySelectorAll('.chart').length,
            charts: window.mosaicCharts.length,
            series: window.mosaicCharts.map((c) => c.getOption().series.reduce((a, s) => a + s.data.length, 0)),
            inked,
          };
        })()`)) as { divs: number; charts: number; series: number[]; inked: number[] };
        expect(errors).toEqual([]);
        expect(requests.every((u) => u.startsWith('file://'))).toBe(true);
        expect(stats.charts).toBe(stats.divs);
        expect(stats.charts).toBeGreaterThan(3);
        expect(stats.series.every((n) => n > 0)).toBe(true);
        expect(stats.inked.length).toBe(stats.charts);
        // A drawn chart inks a few per cent of its canvas (axes, labels, bars); a blank one inks nothing.
        expect(stats.inked.every((x) => x > 0.005)).toBe(true);
        const shot = await page.screenshot({ path: join(dir, 'screenshot.png'), fullPage: false });
        expect(shot.length).toBeGreaterThan(10_000);
      } finally {
        await browser.close();
      }
    },
  );
});
