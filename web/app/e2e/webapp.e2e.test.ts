// The web app end to end in real Chromium against a real `mosaic serve --demo`: portal search and entity pages
// (masked exactly as the API masks, countdowns as the API counts), "My record" as of a date, an objection filed,
// decided in the credit office console and seen corrected, the language switch on every page, and no request
// leaving the server.
/* eslint-disable @typescript-eslint/no-explicit-any -- API bodies are read loosely by the assertions */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { findUnmasked } from '../../../src/server/mask.js';
import { axeViolations, chromiumSuite } from './server.js';

const FIRM = '91371003YYYFFGJT08';
const DEFAULTER = '371003196105269470';
const RESIDENT = '371003197006309398';
const SHOP = '92371003YT9WQKL33L';
/** Name prefixes the portal search is crawled with (it finds names by their start): every sample firm, listed people. */
const PREFIXES = ['威海', '文登', '荣成', '杨某', '王某', '张某'];

chromiumSuite('web app in Chromium', ({ srv, browser }) => {
  const outside: string[] = [];
  const pageErrors: string[] = [];

  async function open(hash: string, lang: 'en' | 'zh' = 'en', width = 1280): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('request', (r) => {
      if (!r.url().startsWith(srv.url)) outside.push(r.url());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.addInitScript(`localStorage.setItem('mosaic.lang', '${lang}')`);
    await page.goto(`${srv.url}/${hash}`);
    return page;
  }
  const api = async (path: string, key?: string): Promise<any> => {
    const res = await fetch(srv.url + path, key ? { headers: { authorization: `Bearer ${key}` } } : {});
    return res.json();
  };
  const text = (page: Page) => page.locator('main').innerText();

  it('prints demo keys for residents, a firm and a credit office', () => {
    expect(Object.keys(srv.keys).sort()).toEqual([DEFAULTER, RESIDENT, FIRM, SHOP, 'credit_office'].sort());
  });

  it('searches a firm by name, opens its page with penalties and countdowns as the API gives them, masked', async () => {
    const page = await open('#/');
    await page.getByLabel('Name or USCC').fill('威海某某');
    await page.getByRole('button', { name: 'Search' }).click();
    const link = page.locator('table.results a').first();
    await expect.poll(() => link.count(), { timeout: 30_000 }).toBe(1);
    const body = await text(page);
    expect(body).toContain('913710********JT08');
    expect(body).not.toContain(FIRM);
    await link.click();
    await page.getByRole('heading', { name: 'Administrative penalties shown' }).waitFor({ timeout: 30_000 });
    const asOf = await page.locator('[data-asof]').getAttribute('data-asof');
    const ref = decodeURIComponent(/#\/entity\/([^?]+)/.exec(page.url())![1]!);
    const fromApi = await api(`/v1/portal/entities/${ref}?asOf=${asOf}`);
    const pen = fromApi.penalties[0];
    expect(pen.showUntil).toBeNull();
    const page1 = await text(page);
    expect(page1).toContain(pen.document);
    expect(page1).toContain(pen.basis);
    expect(page1).toContain(`until the conduct is corrected (maximum period ends ${pen.maximumEndsOn})`);
    expect(page1).toContain(fromApi.ruleVersions.dueProcess);
    expect(findUnmasked(page1)).toBeUndefined();
    // Its administrative licences (the other half of double publicity): the API's legal basis and countdown, and
    // the showing period said to be an assumption, since no source gives it.
    const lic = fromApi.licences;
    expect(lic.length).toBeGreaterThan(0);
    const licences = page.locator('section.licences');
    expect(await licences.locator('tbody tr').count()).toBe(lic.length);
    const licText = await licences.innerText();
    for (const l of lic) {
      expect(licText).toContain(l.document);
      expect(licText).toContain(l.basis);
      expect(licText).toContain(l.showUntil);
      expect(licText).toContain(`in ${l.daysLeft} days`);
      expect(licText).toContain('Administrative licensing decision');
    }
    expect(lic[0].assumption).toBe(true);
    expect(await licences.locator('p.assumption').innerText()).toBe(
      `Licences are shown for ${lic[0].showMonths} months from the decision. No source gives this period: it is an assumption [${lic[0].marker}].`,
    );
    expect(await axeViolations(page)).toEqual([]);
    // The same licences in Chinese.
    await page.locator('#lang').click();
    await page.getByRole('heading', { name: '公示中的行政许可' }).waitFor();
    const licZh = await licences.innerText();
    expect(licZh).toContain('行政许可决定');
    expect(licZh).toContain(`${lic[0].daysLeft}天后`);
    expect(licZh).toContain('系本系统的假设');
    await page.locator('#lang').click();
    await page.getByRole('heading', { name: 'Administrative licences shown' }).waitFor();
    // Search by the full USCC finds the same firm; the page still shows it masked.
    await page.goto(`${srv.url}/#/?q=${FIRM}`);
    await page.locator('table.results a').first().waitFor();
    expect(findUnmasked(await text(page))).toBeUndefined();
    await page.close();
  });

  it('shows a listed individual (masked) with the list entry, legal basis and the countdown in days', async () => {
    const page = await open('#/?q=杨某&asOf=2025-06-01');
    const link = page.locator('table.results a').first();
    await link.waitFor({ timeout: 30_000 });
    await link.click();
    await page
      .getByRole('heading', { name: 'List entries in force', exact: true })
      .waitFor({ timeout: 30_000 });
    const ref = decodeURIComponent(/#\/entity\/([^?]+)/.exec(page.url())![1]!);
    const fromApi = await api(`/v1/portal/entities/${ref}?asOf=2025-06-01`);
    const entry = fromApi.lists.find((e: any) => e.list === 'spc_defaulters');
    expect(entry.daysLeft).toBeGreaterThan(0);
    const body = await text(page);
    expect(body).toContain('List of dishonest judgment defaulters');
    expect(body).toContain(`in ${entry.daysLeft} days`);
    expect(body).toContain(entry.basis);
    expect(body).toContain(fromApi.entity.id);
    expect(body).not.toContain(DEFAULTER);
    expect(findUnmasked(body)).toBeUndefined();
    // The same page in Chinese.
    await page.locator('#lang').click();
    await page.getByRole('heading', { name: '有效的名单记录' }).waitFor();
    const zh = await text(page);
    expect(zh).toContain('失信被执行人名单');
    expect(zh).toContain(`${entry.daysLeft}天后`);
    await page.close();
  });

  it('crawls every public page (search, entities, lists and their entries) for unmasked identifiers', async () => {
    const page = await open('#/lists');
    await page.locator('table a').first().waitFor({ timeout: 30_000 });
    const lists = (await api('/v1/lists')).lists.map((l: any) => l.list);
    const hashes = [
      ...PREFIXES.map((q) => `#/?q=${q}&asOf=2025-06-01`),
      ...lists.map((l: string) => `#/lists/${l}?asOf=2025-06-01`),
    ];
    for (const q of PREFIXES)
      for (const r of (await api(`/v1/portal/search?q=${encodeURIComponent(q)}&asOf=2025-06-01`)).results)
        hashes.push(`#/entity/${r.ref}?asOf=2025-06-01`);
    // Every legal person's page by its USCC too (input, not output: the page must still show it masked), so the
    // licences of every sample firm are crawled.
    for (const f of [FIRM, SHOP, '91371082Y5GYPF8P9Q', '93371082YL3T6PQQ5C'])
      hashes.push(`#/entity/${f}?asOf=2025-09-01`, `#/entity/${f}?asOf=2026-03-01`);
    let rows = 0;
    let licenceRows = 0;
    const checked = new Set<string>();
    for (const hash of hashes) {
      // The page's CSP forbids string evaluation inside it, so wait on the DOM: the router marks each finished route.
      await page.evaluate('delete document.body.dataset.ready');
      await page.goto(`${srv.url}/${hash}`);
      await page.locator('body[data-ready]').waitFor({ state: 'attached', timeout: 30_000 });
      const body = await text(page);
      expect(body, hash).not.toContain('Error:');
      expect(findUnmasked(body), hash).toBeUndefined();
      expect(findUnmasked(await page.content()), hash).toBeUndefined();
      rows += await page.locator('tbody tr').count();
      licenceRows += await page.locator('section.licences tbody tr').count();
      // axe once per kind of page (search, list, entity): the pages of one kind share their markup.
      const kind = hash.split(/[/?]/)[1] ?? '';
      if (!checked.has(kind)) {
        checked.add(kind);
        expect(await axeViolations(page), hash).toEqual([]);
      }
    }
    expect(hashes.length).toBeGreaterThan(10);
    expect(rows).toBeGreaterThan(5);
    expect(licenceRows).toBeGreaterThanOrEqual(4);
    await page.close();
  });

  it('signs a resident in and reads every scheme as of a date: records, rule lines (en/zh), basis, lists, measures', async () => {
    const page = await open('#/me');
    await page.getByLabel('Your API key').fill(srv.keys[DEFAULTER]!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Every scheme’s view' }).waitFor({ timeout: 30_000 });
    await page.getByLabel('As of').fill('2025-01-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('[data-asof="2025-01-01"]').waitFor({ timeout: 30_000 });
    const rep = (await api(`/v1/subjects/${DEFAULTER}/report?asOf=2025-01-01`, srv.keys[DEFAULTER])).report;
    const s = rep.schemes[0];
    const section = page.locator(`section[data-scheme="${s.scheme}"]`);
    expect(await section.locator('.score').innerText()).toBe(String(s.score));
    expect(await section.locator('.grade').innerText()).toBe(s.grade);
    const counted = s.lines.filter((l: any) => l.rule);
    expect(counted.length).toBeGreaterThan(0);
    const en = await section.innerText();
    for (const l of counted) {
      expect(en).toContain(l.ruleEn);
      if (l.basis) expect(en).toContain(l.basis);
    }
    let body = await text(page);
    for (const l of rep.lists) expect(body).toContain(l.en);
    for (const m of rep.measures) expect(body).toContain(m.legalBasis);
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#lang').click();
    await page.getByRole('heading', { name: '各体系的评价' }).waitFor();
    const zh = await section.innerText();
    for (const l of counted) expect(zh).toContain(l.ruleZh);
    body = await text(page);
    for (const l of rep.lists) expect(body).toContain(l.zh);
    await page.close();
  });

  it('files an objection, the credit office upholds it in the console, and the resident sees the record withdrawn', async () => {
    const page = await open('#/me');
    await page.getByLabel('Your API key').fill(srv.keys[RESIDENT]!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const objectButtons = page.locator('table.records button[data-record]');
    await objectButtons.first().waitFor({ timeout: 30_000 });
    const record = (await objectButtons.first().getAttribute('data-record'))!;
    await objectButtons.first().click();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Your reasons').fill('The fine was paid and annulled on review.');
    await page.getByRole('button', { name: 'File the objection' }).click();
    const status = page.getByRole('status');
    await status.waitFor({ timeout: 30_000 });
    const id = /Objection (\S+) filed/.exec(await status.innerText())![1]!;
    const o = await api(`/v1/objections/${id}`, srv.keys[RESIDENT]);
    expect(await status.innerText()).toContain(o.due);
    expect(o.target).toEqual({ type: 'record', ref: record });
    await page
      .locator('table.objections tr', { hasText: id })
      .getByRole('button', { name: 'Follow' })
      .click();
    const followed = page.locator('section.followed');
    await followed.waitFor();
    expect(await followed.innerText()).toContain(o.basis);
    expect(await followed.locator('.status').innerText()).toBe('open');
    expect(await page.locator('table.records tr', { hasText: record }).innerText()).toContain(
      'Under objection',
    );

    // The credit office decides it.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${srv.url}/#/console`);
    await page.getByLabel('Your API key').fill(srv.keys.credit_office!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const row = page.locator('table.queue tr', { hasText: id });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.innerText()).toContain(o.due);
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('#lang').click();
    await page.getByRole('heading', { name: '信用办:异议处理队列' }).waitFor();
    await page.locator('#lang').click();
    await row.getByLabel('Outcome').selectOption('upheld');
    await row.getByLabel('Your reasons').fill('Annulled on administrative review.');
    await row.getByRole('button', { name: 'Decide' }).click();
    await page.getByRole('status').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('status').innerText()).toContain(`Objection ${id} decided: upheld`);
    expect(await page.locator('table.queue tr', { hasText: id }).count()).toBe(0);

    // The resident follows it to its outcome: upheld, and the record no longer in force.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${srv.url}/#/me`);
    await page.getByLabel('Your API key').fill(srv.keys[RESIDENT]!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const done = page.locator('table.objections tr', { hasText: id });
    await done.waitFor({ timeout: 30_000 });
    expect(await done.innerText()).toContain('upheld');
    expect(await page.locator('table.records tr', { hasText: record }).count()).toBe(0);
    const rep = await api(`/v1/subjects/${RESIDENT}/dueprocess`, srv.keys[RESIDENT]);
    expect(rep.records.find((r: any) => r.id === record).inForce).toBe(false);
    // Who looked: the credit office's reads are not in the resident's log unless they read the report; the
    // resident's own reads are.
    expect(await page.locator('main').innerText()).toContain('report.read');
    await page.close();
  });

  it('guides a reader through the systems (never one score) with sources, the live lists, and links into the app', async () => {
    const guide = JSON.parse(readFileSync(new URL('../guide/guide.json', import.meta.url), 'utf8'));
    const page = await open('#/guide');
    await page.getByRole('heading', { level: 1, name: 'How the credit systems really work' }).waitFor({
      timeout: 30_000,
    });
    expect(await page.locator('[data-asof]').count()).toBe(1);
    expect(await text(page)).toContain(guide.version);
    // The four kinds of system, each with its owner and a source link.
    const systems = page.locator('table.systems tbody tr');
    expect(await systems.count()).toBe(4);
    for (const [i, s] of guide.systems.entries()) {
      const row = systems.nth(i);
      expect(await row.innerText()).toContain(s.ownerEn);
      expect(await row.locator(`a[href="${s.source}"]`).count()).toBe(1);
    }
    // The lists as this server publishes them now, owner and legal basis.
    const lists = (await api('/v1/lists')).lists;
    const rows = page.locator('table.guide-lists tbody tr');
    expect(await rows.count()).toBe(lists.length);
    for (const [i, l] of lists.entries()) {
      expect(await rows.nth(i).innerText()).toContain(l.owner);
      expect(await rows.nth(i).innerText()).toContain(l.basis);
    }
    // The myths beside the findings, each with its source.
    const myths = page.locator('table.myths tbody tr');
    expect(await myths.count()).toBe(guide.myths.length);
    expect(await myths.first().innerText()).toContain(guide.myths[0].findingEn);
    expect(await axeViolations(page)).toEqual([]);
    // In Chinese, then a live example opens the app's own page.
    await page.locator('#lang').click();
    await page.getByRole('heading', { name: '流行说法与研究发现' }).waitFor();
    expect(await myths.first().innerText()).toContain(guide.myths[0].mythZh);
    await page.locator('#lang').click();
    await page.locator('table.systems a.live[href="#/lists"]').click();
    await page.getByRole('heading', { level: 1, name: 'Published lists' }).waitFor({ timeout: 30_000 });
    await page.close();
  });

  it('says on every page as of which date and which rule versions it shows', async () => {
    const pages: [string, string | undefined][] = [
      ['#/', undefined],
      ['#/?q=威海某某&asOf=2026-06-01', undefined],
      [`#/entity/${FIRM}?asOf=2026-06-01`, undefined],
      ['#/lists', undefined],
      ['#/lists/spc_defaulters?asOf=2025-06-01', undefined],
      ['#/guide', undefined],
      ['#/lab', undefined],
      ['#/me', srv.keys[RESIDENT]],
      ['#/console', srv.keys.credit_office],
      ['#/console/repairs', srv.keys.credit_office],
      ['#/console/lists', srv.keys.credit_office],
      ['#/console/kpis', srv.keys.credit_office],
    ];
    for (const [hash, key] of pages) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.addInitScript(`localStorage.setItem('mosaic.lang', 'en');
          ${key ? `sessionStorage.setItem('mosaic.key', '${key}');` : ''}`);
      await page.goto(`${srv.url}/${hash}`);
      const line = page.locator('main p.asof').first();
      await line.waitFor({ timeout: 30_000 });
      expect(await line.locator('[data-asof]').getAttribute('data-asof'), hash).toMatch(
        /^\d{4}-\d{2}-\d{2}$/,
      );
      // "Rule versions: name@version, …": at least one versioned rule set, never an empty list.
      expect(await line.innerText(), hash).toMatch(/Rule versions: .*\S+@\S+/);
      await page.close();
    }
  });

  it('switches language on every page and fetched nothing from outside the server', async () => {
    for (const [hash, en, zh] of [
      ['#/', 'Search the public credit portal', '信用信息公示查询'],
      ['#/lists', 'Published lists', '公示名单'],
      ['#/me', 'My record', '我的信用记录'],
      ['#/console', 'Credit office: objection queue', '信用办:异议处理队列'],
      ['#/guide', 'How the credit systems really work', '信用体系究竟如何运作'],
      ['#/lab', 'The lab: run Meritown with your own parameters', '实验室:用自己的参数运行梅里镇'],
    ] as const) {
      const page = await open(hash, 'en', 390);
      await page.getByRole('heading', { level: 1, name: en }).waitFor({ timeout: 30_000 });
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await page.locator('#lang').click();
      await page.getByRole('heading', { level: 1, name: zh }).waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      expect(await axeViolations(page), hash).toEqual([]);
      // Chinese text is drawn with a CJK font from the system, not a fallback box glyph.
      const width = Number(
        await page.evaluate(`(() => { const c = document.createElement('canvas').getContext('2d');
            c.font = '16px ' + getComputedStyle(document.documentElement).fontFamily;
            return c.measureText('信用').width; })()`),
      );
      expect(width).toBeGreaterThan(28); // two full-width ideographs at 16 px; a missing-glyph box is about half as wide
      // Nothing wider than the phone screen.
      expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
      await page.close();
    }
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
