// Benchmark: a lab run of 20k residents × 2 years as a reader sees it — from the POST that starts the job to the
// disparity table drawn on the run's page in headless Chromium (the page follows the job's progress). The peer, in the
// same run, is the same work from the CLI (`sim run` then `audit --draws 200`, the two steps the lab's job runs), so the
// ratio is what the server, the job queue and the page add. Issue 14's target: result on screen in ≤ 15 s.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shipped } from '../src/core/paths.js';
import { openLedger } from '../src/ledger/open.js';
import { buildServer } from '../src/server/app.js';
import { createContext } from '../src/server/context.js';
import { CHROMIUM, launchChromium } from './chromium.js';
import type { BenchModule } from './types.js';

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
    c.on('error', reject);
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}: ${err}`))));
  });
}

export const labBench: BenchModule = {
  name: 'lab',
  async run(bc) {
    if (!existsSync(CHROMIUM)) {
      bc.log(`lab benchmark skipped: no Chromium at ${CHROMIUM}`);
      return [];
    }
    const population = Math.max(2000, Math.round(20_000 * bc.scale));
    const years = 2;
    const seed = 1;
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-bench-lab-'));
    const before = process.env.MOSAIC_LAB_DIR;
    process.env.MOSAIC_LAB_DIR = join(dir, 'lab'); // read when the context makes its lab
    const ledger = await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 });
    const ctx = await createContext(ledger);
    const { app } = await buildServer(ctx, { rateLimit: false });
    const browser = await launchChromium();
    try {
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.addInitScript(`localStorage.setItem('mosaic.lang', 'en');`);
      await page.goto(`${url}/#/lab`); // the app and the lab chunk loaded before the clock starts, as for a reader
      await page.locator('body[data-ready]').waitFor({ state: 'attached', timeout: 60_000 });
      bc.log(`lab: ${population} residents × ${years} years through the server, the page following the job`);
      const t0 = performance.now();
      const res = await fetch(`${url}/v1/lab/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ population, years, seed, set: {} }),
      });
      const job = (await res.json()) as { id?: string };
      if (!job.id) throw new Error(`the lab refused the run: ${JSON.stringify(job)}`);
      await page.goto(`${url}/#/lab/${job.id}`);
      await page.locator('[data-phase="done"], [data-phase="failed"]').waitFor({ timeout: 600_000 });
      if ((await page.locator('[data-phase]').getAttribute('data-phase')) !== 'done')
        throw new Error('the lab run failed');
      await page.locator('table.disparities tbody tr').first().waitFor({ timeout: 60_000 });
      const lab = (performance.now() - t0) / 1000;
      await page.close(); // nothing of the page runs beside the peer

      bc.log('lab: the same run and audit from the CLI');
      const bin = shipped('bin', 'mosaic.js');
      const out = join(dir, 'cli-run');
      const t1 = performance.now();
      await run([
        bin,
        'sim',
        'run',
        shipped('scenarios', 'meritown'),
        '--population',
        String(population),
        '--years',
        String(years),
        '--seed',
        String(seed),
        '--out',
        out,
        '--no-progress',
      ]);
      await run([bin, 'audit', out, '--force', '--draws', '200', '--seed', String(seed)]);
      const cli = (performance.now() - t1) / 1000;
      return [
        {
          name: `Lab run of ${population} residents × ${years} years, POST to the disparity table drawn in headless Chromium`,
          value: lab,
          unit: 's',
          peer: { name: 'the same sim run + audit --draws 200 from the CLI', value: cli, unit: 's' },
          ratio: lab / cli,
          target: '≤ 15 s',
        },
      ];
    } finally {
      await browser.close();
      await app.close();
      await ledger.close();
      if (before === undefined) delete process.env.MOSAIC_LAB_DIR;
      else process.env.MOSAIC_LAB_DIR = before;
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
