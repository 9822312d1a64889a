// The lab end to end in real Chromium against a real `mosaic serve --demo`: its code is fetched only when the lab
// is opened; a bad override is refused with the scenario's code; a small Meritown run goes to its result with live
// phases; the run's URL, opened in a fresh tab, shows the same result; both languages; axe-core.
/* eslint-disable @typescript-eslint/no-explicit-any -- API bodies are read loosely by the assertions */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { findUnmasked } from '../../../src/server/mask.js';
import { axeViolations, chromiumSuite } from './server.js';

chromiumSuite('the lab in Chromium', ({ srv, browser }) => {
  const outside: string[] = [];

  async function open(hash: string, scripts: string[]): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => {
      if (!r.url().startsWith(srv.url)) outside.push(r.url());
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await page.addInitScript(`localStorage.setItem('mosaic.lang', 'en')`);
    await page.goto(`${srv.url}/${hash}`);
    return page;
  }

  it('runs a small Meritown scenario to its disparities, shared by URL, code loaded only when the lab opens', async () => {
    const scripts: string[] = [];
    const page = await open('#/', scripts);
    await page.locator('body[data-ready]').waitFor({ state: 'attached', timeout: 30_000 });
    expect(scripts.some((s) => s.includes('/assets/lab-'))).toBe(false);
    await page.getByRole('link', { name: 'Lab' }).click();
    await page.getByRole('heading', { level: 1, name: /The lab/ }).waitFor({ timeout: 30_000 });
    expect(scripts.some((s) => s.includes('/assets/lab-'))).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel(/^Residents/).fill('1000');
    await page.getByLabel(/^Years/).fill('0.25');
    await page.getByLabel('Seed').fill('3');
    // An override the scenario does not have is refused before anything runs.
    await page.getByLabel(/^Scenario overrides/).fill('behaviour.nope.rate=1');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByRole('alert').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('alert').innerText()).toMatch(/Error: scenario\.[a-z_]+/);
    // What was typed survives the error.
    expect(await page.getByLabel(/^Residents/).inputValue()).toBe('1000');
    await page.getByLabel(/^Scenario overrides/).fill('');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(/#\/lab\/lab[0-9a-f]{16}$/, { timeout: 30_000 });
    const id = /#\/lab\/(lab[0-9a-f]{16})/.exec(page.url())![1]!;
    const phases = new Set<string>();
    const until = Date.now() + 240_000;
    let phase = '';
    while (phase !== 'done' && phase !== 'failed' && Date.now() < until) {
      phase = (await page.locator('[data-phase]').getAttribute('data-phase')) ?? '';
      phases.add(phase);
      await page.waitForTimeout(300);
    }
    expect(phase).toBe('done');
    expect(phases.size).toBeGreaterThan(1); // the page followed the run while it ran
    const job: any = await (await fetch(`${srv.url}/v1/lab/runs/${id}`)).json();
    expect(job.params).toEqual({
      population: 1000,
      years: 0.25,
      seed: 3,
      set: {},
      packs: [{ pack: 'meritown-2021' }],
    });
    const rows = job.result.disparities.reduce((n: number, d: any) => n + d.rows.length, 0);
    const table = page.locator('table.disparities tbody tr');
    await table.first().waitFor();
    expect(await table.count()).toBe(rows);
    const main = await page.locator('main').innerText();
    expect(main).toContain(job.result.headlines[0].en);
    expect(main).toContain('--population 1000 --years 0.25 --seed 3');
    expect(await page.locator('table.decomposition').count()).toBeGreaterThan(0);
    expect(findUnmasked(main)).toBeUndefined();
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#lang').click();
    await page.getByRole('heading', { name: '按群体的差异' }).waitFor();
    expect(await page.locator('main').innerText()).toContain(job.result.headlines[0].zh);
    await page.close();
    // The URL is the share: a fresh tab shows the same run, finished.
    const again = await open(`#/lab/${id}`, []);
    await again.locator('[data-phase="done"]').waitFor({ timeout: 30_000 });
    expect(await again.locator('table.disparities tbody tr').count()).toBe(rows);
    await again.close();
    expect(outside).toEqual([]);
  }, 300_000);

  it('scores one run by two packs side by side, an edited band table refused, lines switched off, every chart drawn beside its table', async () => {
    const page = await open('#/lab', []);
    await page.getByRole('heading', { level: 1, name: /The lab/ }).waitFor({ timeout: 30_000 });
    // Before any run: who the rules of each pack on offer can reach.
    expect(await page.locator('table.reach').count()).toBe(2);
    await page.getByLabel(/^Residents/).fill('1000');
    await page.getByLabel(/^Years/).fill('0.25');
    await page.getByLabel('Seed').fill('5');
    // Choosing a pack brings its band table: the Weihai sibling's A starts at 1000.
    await page.locator('select[name=pack1]').selectOption('meritown-2021-weihai-bands');
    expect(await page.getByLabel('Pack B A from').inputValue()).toBe('1000');
    expect(await page.getByLabel('Pack A A from').inputValue()).toBe('960');
    // A top band with a ceiling leaves scores above it without a grade: refused with the loader's code.
    await page.getByLabel('Pack A AAA to').fill('2000');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByRole('alert').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('alert').innerText()).toMatch(/Error: policy\.band_gap/);
    await page.getByLabel('Pack A AAA to').fill('');
    // Pack A: A from 980 instead of 960; pack B: two rule lines off.
    await page.getByLabel('Pack A A from').fill('980');
    await page.getByLabel('Pack A B to').fill('979');
    // Lines are switched off in a picker of the pack's own lines (id and title), by keyboard alone.
    const packsInfo: any = await (await fetch(`${srv.url}/v1/lab/packs`)).json();
    const bLines = packsInfo.packs.find((p: any) => p.id === 'meritown-2021-weihai-bands').lines;
    const picker = page.locator('details.lines-off[data-side=B]');
    // (closed, so counted as elements: a closed <details> hides its content from the accessibility tree)
    expect(await picker.locator('input[type=checkbox]').count()).toBe(bLines.length);
    await picker.locator('summary').focus();
    await page.keyboard.press('Enter'); // opens the <details>
    for (const id of ['W1-01-01', 'W1-01-02']) {
      const line = bLines.find((l: any) => l.id === id);
      const box = picker.getByRole('checkbox', { name: `${id} ${line.en}`, exact: true });
      await box.focus();
      await page.keyboard.press('Space');
      expect(await box.isChecked()).toBe(true);
    }
    expect(await picker.locator('summary').innerText()).toBe(
      `Rule lines switched off (2 of ${bLines.length})`,
    );
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Run' }).click();
    await page.waitForURL(/#\/lab\/lab[0-9a-f]{16}$/, { timeout: 30_000 });
    const id = /#\/lab\/(lab[0-9a-f]{16})/.exec(page.url())![1]!;
    await page.locator('[data-phase="done"], [data-phase="failed"]').waitFor({ timeout: 400_000 });
    expect(await page.locator('[data-phase]').getAttribute('data-phase')).toBe('done');
    const job: any = await (await fetch(`${srv.url}/v1/lab/runs/${id}`)).json();
    expect(job.params.packs[0].bands.find((b: any) => b.grade === 'A')).toEqual({
      grade: 'A',
      min: 980,
      max: 1029,
    });
    expect(job.params.packs[1]).toEqual({
      pack: 'meritown-2021-weihai-bands',
      off: ['W1-01-01', 'W1-01-02'],
    });
    // Both packs are named in the disparity tables, and each pack's reach is shown (the edited one with fewer lines).
    const head = await page.locator('table.disparities').first().locator('thead').innerText();
    expect(head).toContain(job.result.ruleVersions[2]);
    expect(head).toContain(job.compare.ruleVersions[2]);
    // The second pack's columns are filled (its outcomes are matched to the first pack's).
    const cells = (await page.locator('table.disparities tbody tr').first().innerText()).split('\t');
    expect(cells).toHaveLength(10);
    expect(cells[6]).toMatch(/^\d/);
    expect(await page.locator('table.reach').count()).toBe(2);
    expect(job.reach[1].lines).toBeLessThan(job.reach[0].lines);
    // Every chart drew (an SVG with marks in it), and each sits beside a table.
    const charts = page.locator('[data-chart]');
    const n = await charts.count();
    expect(n).toBe(
      job.result.disparities.length +
        [job.result, job.compare].reduce(
          (k: number, r: any) => k + r.decompositions.filter((d: any) => d.lines.length).length,
          0,
        ),
    );
    await page.waitForFunction(
      `[...document.querySelectorAll('[data-chart]')].every((c) => c.querySelector('svg path'))`,
      null,
      { timeout: 30_000 },
    );
    for (const c of await charts.all()) {
      expect((await c.boundingBox())!.width).toBeGreaterThan(100);
      expect(await c.locator('xpath=following-sibling::*[1]').locator('table').count()).toBe(1);
    }
    // The chart's labels follow the language.
    expect(await charts.first().locator('svg').textContent()).toContain('95%');
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#lang').click();
    await page.getByRole('heading', { name: '规则能影响到谁' }).waitFor();
    // The picker's titles follow the language too (the form is kept, so it carries both and shows one).
    const first = bLines.find((l: any) => l.id === 'W1-01-01');
    expect((await picker.locator('label', { hasText: 'W1-01-01' }).innerText()).trim()).toBe(
      `W1-01-01 ${first.zh}`,
    );
    expect(await picker.locator('summary').innerText()).toBe(`关闭的规则条目 (2/${bLines.length})`);
    await page.waitForFunction(`document.querySelector('[data-chart] svg')?.textContent?.includes('区间')`);
    await page.close();
    expect(outside).toEqual([]);
  }, 500_000);
});
