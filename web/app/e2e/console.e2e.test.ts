// The credit office console and the due-process parts of "My record" end to end in real Chromium against a real
// `mosaic serve --demo`: a repair applied for by the snack shop, forwarded and granted in the console and gone from
// the portal; evidence attached to an objection (and a forged file refused with its code); list management; the KPI
// dashboard against the API; the language switch and axe-core on every console section at phone width.
/* eslint-disable @typescript-eslint/no-explicit-any -- API bodies are read loosely by the assertions */
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { findUnmasked } from '../../../src/server/mask.js';
import { axeViolations, chromiumSuite } from './server.js';

const SHOP = '92371003YT9WQKL33L';
const DEFAULTER = '371003196105269470';
const FIRM = '91371003YYYFFGJT08';

chromiumSuite('credit office console in Chromium', ({ srv, browser }) => {
  const outside: string[] = [];
  const pageErrors: string[] = [];

  async function signedIn(hash: string, key: string, width = 1280, lang: 'en' | 'zh' = 'en'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('request', (r) => {
      if (!r.url().startsWith(srv.url)) outside.push(r.url());
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.addInitScript(`localStorage.setItem('mosaic.lang', '${lang}')`);
    await page.goto(`${srv.url}/${hash}`);
    await page.getByLabel(lang === 'en' ? 'Your API key' : '您的接口密钥').fill(key);
    await page.getByRole('button', { name: lang === 'en' ? 'Sign in' : '登录' }).click();
    await page.locator('body[data-ready]').waitFor({ state: 'attached', timeout: 30_000 });
    return page;
  }
  const api = async (path: string, key?: string): Promise<any> => {
    const res = await fetch(srv.url + path, key ? { headers: { authorization: `Bearer ${key}` } } : {});
    return res.json();
  };
  const office = () => srv.keys.credit_office!;

  it('the snack shop applies for repair; the office forwards and grants it; the penalty leaves the portal', async () => {
    const before = await api(`/v1/subjects/${SHOP}/dueprocess`, srv.keys[SHOP]);
    const [pub] = before.publications;
    expect(pub).toMatchObject({ shown: true, repairableFrom: '2026-12-01' });
    const page = await signedIn('#/me', srv.keys[SHOP]!);
    const row = page.locator('table.publications tr', { hasText: pub.publication });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.innerText()).toContain(pub.basis);
    expect(await row.innerText()).toContain(pub.repairableFrom);
    await row.getByRole('button', { name: /Apply for repair/ }).click();
    const form = page.getByRole('form', { name: `Repair of publication ${pub.publication}` });
    await form.waitFor();
    const cond = await api(`/v1/publications/${pub.publication}/conditions`, srv.keys[SHOP]);
    for (const c of cond.conditions) expect(await form.innerText()).toContain(c.en);
    expect(await axeViolations(page)).toEqual([]);
    // A check with nothing declared names every unmet fact condition, as the server checks them.
    await form.getByRole('button', { name: 'Check only' }).click();
    const checks = form.locator('table.checks');
    await checks.waitFor({ timeout: 30_000 });
    const facts = cond.conditions.filter((c: any) => c.fact);
    expect(await checks.locator('tbody tr').count()).toBe(cond.conditions.length);
    for (const c of facts) expect(await checks.locator('tr', { hasText: c.code }).innerText()).toContain('✗');
    expect(await form.getByRole('status').innerText()).toContain('not eligible');
    // Declare them all, attach a statement, and apply.
    for (const c of facts) await form.getByLabel(new RegExp(c.en.slice(0, 20))).check();
    await form.getByLabel(/^Evidence/).setInputFiles({
      name: 'payment-receipt.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Fine paid in full on 2026-10-01, receipt 3710-88.\n'),
    });
    await form.getByRole('button', { name: 'Apply for repair' }).click();
    const status = page.getByRole('status');
    await status.filter({ hasText: 'Repair application' }).waitFor({ timeout: 30_000 });
    const id = /Repair application (\S+): applied/.exec(await status.innerText())![1]!;
    expect(await page.locator('table.my-repairs tr', { hasText: id }).innerText()).toContain('applied');
    await page.close();

    // The credit office works the repair queue: forward, then decide.
    const con = await signedIn('#/console/repairs', office());
    const qrow = con.locator('table.repairs tr', { hasText: id });
    await qrow.waitFor({ timeout: 30_000 });
    const q = (await api('/v1/repairs', office())).repairs.find((r: any) => r.id === id);
    expect(await qrow.innerText()).toContain(q.next.due);
    expect(q.next.step).toBe('forward');
    expect(await axeViolations(con)).toEqual([]);
    await qrow.getByRole('button', { name: `Forward ${id}` }).click();
    await con
      .getByRole('status')
      .filter({ hasText: `Application ${id} forwarded` })
      .waitFor({ timeout: 30_000 });
    const drow = con.locator('table.repairs tr', { hasText: id });
    await drow.getByLabel('Outcome').selectOption('granted');
    await drow.getByLabel('Your reasons').fill('Fine paid; commitment signed.');
    await drow.getByRole('button', { name: 'Decide' }).click();
    await con
      .getByRole('status')
      .filter({ hasText: `Application ${id} decided: granted` })
      .waitFor({ timeout: 30_000 });
    expect(await con.locator('table.repairs tr', { hasText: id }).count()).toBe(0);
    // Under "include closed" it is still listed, granted.
    await con.getByRole('link', { name: 'Include closed' }).click();
    await con
      .locator('table.repairs tr', { hasText: id })
      .filter({ hasText: 'granted' })
      .waitFor({ timeout: 30_000 });
    await con.close();

    // The portal no longer shows the penalty.
    const s = await api(`/v1/portal/search?q=${encodeURIComponent('文登区某某小吃')}`);
    const e = await api(`/v1/portal/entities/${s.results[0].ref}`);
    expect(e.penalties).toEqual([]);
    const after = await api(`/v1/subjects/${SHOP}/dueprocess`, srv.keys[SHOP]);
    expect(after.publications[0].shown).toBe(false);
  });

  it('attaches evidence to an objection, shows it on the followed objection, and refuses a forged file with its code', async () => {
    const page = await signedIn('#/me', srv.keys[DEFAULTER]!);
    const objectButtons = page.locator('table.records button[data-record]');
    await objectButtons.first().waitFor({ timeout: 30_000 });
    await objectButtons.first().click();
    await page.getByLabel('Your reasons').fill('Paid in full; see the court receipt.');
    // A "PNG" that is text: the server checks the leading bytes and refuses it with a stable code.
    await page.getByLabel(/^Evidence/).setInputFiles({
      name: 'receipt.png',
      mimeType: 'image/png',
      buffer: Buffer.from('not really a png'),
    });
    await page.getByRole('button', { name: 'File the objection' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.innerText()).toContain('evidence.type_mismatch');
    expect((await api(`/v1/subjects/${DEFAULTER}/dueprocess`, srv.keys[DEFAULTER])).objections).toEqual([]);
    // What was typed is still there after the error.
    expect(await page.getByLabel('Your reasons').inputValue()).toBe('Paid in full; see the court receipt.');
    // A real PDF goes through.
    await page.getByLabel(/^Evidence/).setInputFiles({
      name: 'receipt.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n'),
    });
    await page.getByRole('button', { name: 'File the objection' }).click();
    const status = page.getByRole('status').filter({ hasText: 'filed' });
    await status.waitFor({ timeout: 30_000 });
    const id = /Objection (\S+) filed/.exec(await status.innerText())![1]!;
    const o = await api(`/v1/objections/${id}`, srv.keys[DEFAULTER]);
    expect(o.evidence).toEqual([expect.objectContaining({ name: 'receipt.pdf', type: 'application/pdf' })]);
    await page
      .locator('table.objections tr', { hasText: id })
      .getByRole('button', { name: 'Follow' })
      .click();
    const ev = page.locator('section.followed .evidence');
    await ev.waitFor();
    expect(await ev.innerText()).toContain('receipt.pdf');
    expect(await ev.innerText()).toContain(o.evidence[0].sha256.slice(0, 12));
    await page.close();
  });

  it('manages publications: countdowns as the API gives them, publish a record, mark conduct corrected, list counts', async () => {
    const page = await signedIn('#/console/lists', office());
    const table = page.locator('table.publications');
    await table.waitFor({ timeout: 30_000 });
    const asOf = await page.locator('[data-asof]').getAttribute('data-asof');
    const pubs = await api(`/v1/publications?asOf=${asOf}`, office());
    const firm = pubs.publications.find((p: any) => p.subject === FIRM);
    const frow = table.locator('tr', { hasText: firm.id });
    expect(await frow.innerText()).toContain(firm.countdown.basis);
    expect(await frow.innerText()).toContain(
      `until the conduct is corrected (maximum period ends ${firm.countdown.maximumEndsOn})`,
    );
    // The list counts are the API's.
    for (const l of (await api('/v1/lists')).lists) {
      const n = (await api(`/v1/lists/${l.list}/entries?asOf=${asOf}`, office())).count;
      expect(await page.locator('tr', { hasText: l.en }).last().innerText()).toContain(String(n));
    }
    expect(await axeViolations(page)).toEqual([]);
    // Publish one of the defaulter's records under the regime in force, then mark the conduct corrected.
    const rec = (await api(`/v1/subjects/${DEFAULTER}/dueprocess`, office())).records.find(
      (r: any) => r.inForce,
    );
    const form = page.getByRole('form', { name: 'Publish a stored record' });
    await form.getByLabel('Subject').fill(DEFAULTER);
    await form.getByLabel('Record').fill(rec.id);
    await form.getByLabel(/Publication family/).selectOption('ndrc_penalty/general');
    await form.getByRole('button', { name: 'Publish' }).click();
    const status = page.getByRole('status').filter({ hasText: 'Published' });
    await status.waitFor({ timeout: 30_000 });
    const id = /Published (\S+)\./.exec(await status.innerText())![1]!;
    const row = page.locator('table.publications tr', { hasText: id });
    await row.waitFor();
    expect(await row.innerText()).toContain(rec.id);
    await row.getByRole('button', { name: `Mark corrected ${id}` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Publication ${id}: conduct corrected` })
      .waitFor({ timeout: 30_000 });
    const now = (await api(`/v1/publications?asOf=${asOf}&status=all`, office())).publications.find(
      (p: any) => p.id === id,
    );
    const after = page.locator('table.publications tr', { hasText: id });
    expect(now.corrected).toBe(asOf);
    if (now.countdown.shown) {
      expect(await after.innerText()).toContain(`in ${now.countdown.daysLeft} days`);
      // Corrected once: the action is not offered again.
      expect(await after.getByRole('button', { name: `Mark corrected ${id}` }).count()).toBe(0);
    } else expect(await after.count()).toBe(0);
    // A bad record id is answered with a coded error, shown to the officer.
    await form.getByLabel('Subject').fill(DEFAULTER);
    await form.getByLabel('Record').fill('r_missing');
    await form.getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('alert').waitFor({ timeout: 30_000 });
    expect(await page.getByRole('alert').innerText()).toMatch(/Error: [a-z_]+\.[a-z_]+/);
    await page.close();
  });

  it('draws the KPI dashboard from the API: timeliness, open and overdue objections, volumes by agency', async () => {
    const page = await signedIn('#/console/kpis', office());
    await page
      .getByRole('heading', { name: 'Timeliness of the answering bodies' })
      .waitFor({ timeout: 30_000 });
    await page.getByLabel('From').fill('2020-01-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('[data-asof]').waitFor();
    await page.waitForURL(/from=2020-01-01/);
    await page.locator('body[data-ready]').waitFor({ state: 'attached' });
    const asOf = await page.locator('[data-asof]').getAttribute('data-asof');
    const k = await api(`/v1/office/kpis?asOf=${asOf}&from=2020-01-01`, office());
    expect(await page.locator('[data-kpi="open"]').innerText()).toBe(String(k.objections.open));
    expect(await page.locator('[data-kpi="overdue"]').innerText()).toBe(String(k.objections.overdue));
    expect(k.objections.open).toBeGreaterThan(0); // the objection filed above
    expect(k.records.length).toBeGreaterThan(1);
    const vol = page.locator('table.volumes tbody tr');
    expect(await vol.count()).toBe(k.records.length);
    for (const [i, r] of k.records.entries()) {
      const cells = await vol.nth(i).locator('td').allInnerTexts();
      expect(cells.slice(0, 2)).toEqual([r.agency, String(r.reported)]);
    }
    const tl = page.locator('table.timeliness tbody tr');
    expect(await tl.count()).toBe(k.timeliness.length);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('switches language on every console section at phone width, masked nowhere it should not be, nothing fetched outside', async () => {
    for (const [hash, en, zh] of [
      ['#/console', 'Credit office: objection queue', '信用办:异议处理队列'],
      ['#/console/repairs', 'Credit office: repair applications', '信用办:信用修复申请'],
      ['#/console/lists', 'Credit office: list management', '信用办:名单与公示管理'],
      ['#/console/kpis', 'Credit office: KPI dashboard', '信用办:考核指标'],
    ] as const) {
      const page = await signedIn(hash, office(), 390);
      await page.getByRole('heading', { level: 1, name: en }).waitFor({ timeout: 30_000 });
      expect(await page.locator('nav.tabs [aria-current="page"]').count(), hash).toBe(1);
      await page.locator('#lang').click();
      await page.getByRole('heading', { level: 1, name: zh }).waitFor();
      expect(await axeViolations(page), hash).toEqual([]);
      expect(Number(await page.evaluate('document.documentElement.scrollWidth')), hash).toBeLessThanOrEqual(
        390,
      );
      await page.close();
    }
    // The same sections for an auditor-less public visitor ask for a key and show nothing.
    const pub = await browser.newPage();
    await pub.goto(`${srv.url}/#/console/kpis`);
    await pub.getByLabel('Your API key').waitFor({ timeout: 30_000 });
    expect(findUnmasked(await pub.locator('main').innerText())).toBeUndefined();
    await pub.close();
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
