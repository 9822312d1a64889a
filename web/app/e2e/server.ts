// Starts a real `mosaic serve --demo` (the built CLI, its own DuckDB file, port 0) for the end-to-end tests and reads
// the URL and the demo keys it prints; Chromium launched the way every UI test in Mosaic launches it; chromiumSuite
// wraps both around a test file's cases.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shipped } from '../../../src/core/paths.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface DemoServer {
  url: string;
  /** Demo keys by the subject they belong to, and 'credit_office'. */
  keys: Record<string, string>;
  stop(): Promise<void>;
}

export async function startDemoServer(): Promise<DemoServer> {
  const bin = shipped('bin', 'mosaic.js');
  if (!existsSync(shipped('dist', 'web', 'index.html')))
    throw new Error('the web app is not built (dist/web): run npm run build first');
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-web-e2e-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, '--data-dir', dir, 'serve', '--demo', '--port', '0', '--rate-limit', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let errText = '';
  child.stderr!.on('data', (b: Buffer) => (errText += b.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mosaic serve did not start: ${errText}`)), 90_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mosaic serve exited with ${code}: ${errText}`));
    });
  });
  const keys: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^\s+(subject|credit_office)\s+(mk_\S+)\s.*?(?:\[(\w{18})\])?$/.exec(line);
    if (m) keys[m[3] ?? m[1]!] = m[2]!;
  }
  return {
    url,
    keys,
    stop: async () => {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let axeSource: string | undefined;
/**
 * axe-core's serious and critical violations on the page as drawn. The source goes in through the DevTools protocol
 * (page.evaluate), which the page's content security policy does not govern, so the app's CSP stays as shipped.
 */
export async function axeViolations(page: {
  evaluate(expr: string): Promise<unknown>;
}): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // A hash navigation keeps the document, and axe with it.
  if ((await page.evaluate('typeof axe')) === 'undefined') await page.evaluate(axeSource);
  return (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.html) })))`)) as {
    id: string;
    impact: string;
    nodes: string[];
  }[];
}

/**
 * An object that stands for one made later (in beforeAll): a suite's cases can name `srv` and `browser` as plain
 * variables while the server and browser start only when the suite runs. Reading it too early says so.
 */
function late<T extends object>(name: string, get: () => T | undefined): T {
  return new Proxy({} as T, {
    get(_, k) {
      const v = get();
      if (!v)
        throw new Error(
          `${name} is not started yet (use it inside a test, not while the suite is collected)`,
        );
      const x: unknown = Reflect.get(v, k);
      return typeof x === 'function' ? (x as (...a: unknown[]) => unknown).bind(v) : x;
    },
  });
}

/**
 * A Chromium end-to-end suite: a demo server and a browser started before its cases and stopped after them. Skipped
 * without /usr/bin/chromium, except that MOSAIC_REQUIRE_CHROMIUM=1 makes it run (and fail) anyway, as CI sets.
 */
export function chromiumSuite(
  title: string,
  cases: (s: { srv: DemoServer; browser: Browser }) => void,
): void {
  const skip = !existsSync(CHROMIUM) && process.env.MOSAIC_REQUIRE_CHROMIUM !== '1';
  describe.skipIf(skip)(`${title} (skipped without ${CHROMIUM} unless MOSAIC_REQUIRE_CHROMIUM=1)`, () => {
    let srv: DemoServer | undefined;
    let browser: Browser | undefined;
    beforeAll(async () => {
      srv = await startDemoServer();
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await srv?.stop();
    });
    cases({ srv: late('the demo server', () => srv), browser: late('Chromium', () => browser) });
  });
}
