// Every page of the web app drawn at phone (390 px) and desktop (1280 px) width in real Chromium: each one finishes
// its route without an error, draws its content, fits the phone screen, and is saved as a screenshot (to
// MOSAIC_SCREENSHOTS when set, which is how the README's pictures are made; otherwise only checked).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { chromiumSuite } from './server.js';

const OUT = process.env.MOSAIC_SCREENSHOTS;

chromiumSuite('screenshots of every page', ({ srv, browser }) => {
  /** A small lab run scored by both packs, finished, so the lab's charts are drawn too. */
  async function labRun(): Promise<string> {
    const body = {
      population: 1000,
      years: 0.25,
      seed: 2,
      set: {},
      packs: [{ pack: 'meritown-2021' }, { pack: 'meritown-2021-weihai-bands' }],
    };
    const post = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
    let job = (await (await fetch(`${srv.url}/v1/lab/runs`, post)).json()) as { id: string; phase: string };
    const until = Date.now() + 240_000;
    while (job.phase !== 'done' && job.phase !== 'failed' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
      job = (await (await fetch(`${srv.url}/v1/lab/runs/${job.id}`)).json()) as typeof job;
    }
    expect(job.phase).toBe('done');
    return job.id;
  }

  it('draws every page at 390 px and 1280 px', async () => {
    const res = await fetch(`${srv.url}/v1/portal/search?q=${encodeURIComponent('威海某某建筑')}`);
    const search = (await res.json()) as { results: { ref: string }[] };
    const pages: [string, string, string | undefined][] = [
      ['portal-search', '#/?q=威海某某建筑', undefined],
      ['portal-entity', `#/entity/${search.results[0]!.ref}`, undefined],
      ['lists', '#/lists', undefined],
      ['list-entries', '#/lists/spc_defaulters?asOf=2025-06-01', undefined],
      ['my-record', '#/me', srv.keys['371003196105269470']],
      ['my-record-repair', '#/me', srv.keys['92371003YT9WQKL33L']],
      ['console', '#/console', srv.keys.credit_office],
      ['console-repairs', '#/console/repairs?status=all', srv.keys.credit_office],
      ['console-lists', '#/console/lists', srv.keys.credit_office],
      ['console-kpis', '#/console/kpis?from=2020-01-01', srv.keys.credit_office],
      ['guide', '#/guide', undefined],
      ['lab', '#/lab', undefined],
      ['lab-run', `#/lab/${await labRun()}`, undefined],
    ];
    if (OUT) mkdirSync(OUT, { recursive: true });
    for (const width of [390, 1280])
      for (const [name, hash, key] of pages) {
        const page = await browser.newPage({ viewport: { width, height: 800 } });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.addInitScript(`localStorage.setItem('mosaic.lang', '${width === 390 ? 'zh' : 'en'}');
            ${key ? `sessionStorage.setItem('mosaic.key', '${key}')` : ''}`);
        await page.goto(`${srv.url}/${hash}`);
        await page.locator('body[data-ready]').waitFor({ state: 'attached', timeout: 30_000 });
        const where = `${name} at ${width}`;
        const main = await page.locator('main').innerText();
        expect(main, where).not.toMatch(/^(Error|错误)[::]/m);
        expect(await page.locator('main [aria-busy]').count(), where).toBe(0);
        expect(await page.locator('main h1').count(), where).toBe(1);
        // A page draws its data: tables, or the empty-state line where there is nothing (a fresh queue), or its form.
        expect(await page.locator('main table, main .empty, main form').count(), where).toBeGreaterThan(0);
        const box = await page.locator('main').boundingBox();
        expect(box!.height, where).toBeGreaterThan(300);
        expect(
          Number(await page.evaluate('document.documentElement.scrollWidth')),
          where,
        ).toBeLessThanOrEqual(width);
        // Every chart drew: an SVG with marks, with a size (ECharts draws after the page is in place).
        const charts = await page.locator('[data-chart]').all();
        if (name === 'lab-run') expect(charts.length, where).toBeGreaterThan(1);
        if (charts.length)
          await page.waitForFunction(
            `[...document.querySelectorAll('[data-chart]')].every((c) => c.querySelector('svg path'))`,
            null,
            { timeout: 30_000 },
          );
        for (const c of charts) {
          const b = (await c.locator('svg').boundingBox())!;
          expect(b.width * b.height, where).toBeGreaterThan(100 * 100);
          expect(await c.locator('svg path').count(), where).toBeGreaterThan(3);
        }
        // The first chart with the table beside it, for the README.
        if (OUT && charts.length)
          writeFileSync(
            join(OUT, `${name}-figure-${width}.png`),
            await page.locator('.figure').first().screenshot(),
          );
        // Every meter (the KPI shares) is drawn with a size.
        for (const m of await page.locator('meter').all())
          expect((await m.boundingBox())!.width, where).toBeGreaterThan(0);
        const png = await page.screenshot({ fullPage: width === 390 });
        expect(png.length, where).toBeGreaterThan(10_000);
        if (OUT) writeFileSync(join(OUT, `${name}-${width}.png`), png);
        expect(errors, where).toEqual([]);
        await page.close();
      }
  }, 600_000);
});
