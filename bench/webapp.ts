// Benchmark: the portal's entity page with 1M subjects in PostgreSQL, timed as a reader sees it — largest contentful
// paint in headless Chromium (PerformanceObserver), from navigation to the entity's penalties and lists drawn. The
// peer, in the same run on the same server, is the guide page (same app and assets, no ledger read): the ratio is the
// ledger's share of the wait. Issue 14's target: usable (largest content drawn) in ≤ 1 s. The search page by a firm's
// name prefix is timed the same way (the search reads names through the ledger's index, decision 0097).
import { existsSync } from 'node:fs';
import { Rng } from '../src/core/rng.js';
import { DEFAULT_PG_URL, openLedger } from '../src/ledger/open.js';
import type { PostgresLedger } from '../src/ledger/postgres/postgres-ledger.js';
import { syntheticRecords, syntheticSubjectIds } from '../src/ledger/synthetic.js';
import { shippedListPolicy } from '../src/schemes/lists/policy.js';
import { buildServer } from '../src/server/app.js';
import { createContext } from '../src/server/context.js';
import { CHROMIUM, launchChromium } from './chromium.js';
import type { BenchFigure, BenchModule } from './types.js';

const pgUrl = process.env.MOSAIC_PG_URL ?? process.env.DATABASE_URL ?? DEFAULT_PG_URL;

/** Records the page's largest contentful paint (the last candidate before the app says it is ready). */
const LCP_OBSERVER = `
  window.__lcp = 0;
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lcp = e.startTime; })
    .observe({ type: 'largest-contentful-paint', buffered: true });`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const webappBench: BenchModule = {
  name: 'webapp',
  async run(bc) {
    if (!existsSync(CHROMIUM)) {
      bc.log(`webapp benchmark skipped: no Chromium at ${CHROMIUM}`);
      return [];
    }
    const nSubjects = Math.max(10_000, Math.round(1_000_000 * bc.scale));
    const nRecords = 2 * nSubjects;
    const schema = `i14_bench_portal_${process.pid}`;
    let ledger: PostgresLedger | undefined;
    const figures: BenchFigure[] = [];
    try {
      ledger = (await openLedger({ adapter: 'postgres', pgUrl, schema })) as PostgresLedger;
      const ids = syntheticSubjectIds(nSubjects);
      bc.log(`webapp: loading ${nSubjects} subjects and ${nRecords} records into PostgreSQL (bulk path)`);
      const natural = nSubjects - Math.round(nSubjects * 0.1);
      for (let off = 0; off < nSubjects; off += 200_000)
        await ledger.putSubjects(
          ids.slice(off, off + 200_000).map((id, i) => ({
            id,
            type: off + i < natural ? 'natural' : 'legal',
            jurisdiction: '371082',
            roles: [],
            // Firms get names, so the search by name prefix has something to find (names in the 某 convention).
            ...(off + i >= natural ? { name: `威海${off + i}某某有限公司` } : {}),
          })),
        );
      for (let off = 0; off < nRecords; off += 500_000)
        await ledger.append(
          syntheticRecords(shippedListPolicy().catalogue, {
            records: Math.min(500_000, nRecords - off),
            subjects: nSubjects,
            seed: 1000 + off, // the seeds the report benchmark loads (bench/server.ts)
          }),
        );
      const ctx = await createContext(ledger, { pgUrl });
      const { app } = await buildServer(ctx, { rateLimit: false });
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      const browser = await launchChromium();
      /** LCP of one page load in a fresh tab (a fresh tab keeps no app state between pages; the HTTP cache is shared). */
      const lcp = async (hash: string): Promise<number> => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        await page.addInitScript(`localStorage.setItem('mosaic.lang', 'en');${LCP_OBSERVER}`);
        await page.goto(`${url}/${hash}`);
        await page.locator('body[data-ready]').waitFor({ state: 'attached', timeout: 60_000 });
        if (hash.startsWith('#/entity/') && !(await page.locator('main h1').count()))
          throw new Error(`the entity page ${hash} drew no heading`);
        await page.waitForTimeout(100); // the paint after the last render is reported asynchronously
        const v = Number(await page.evaluate('window.__lcp'));
        await page.close();
        return v;
      };
      try {
        const rng = new Rng(14);
        // Legal persons come last (syntheticSubjectIds); a legal person's page opens by its USCC.
        const legal = nSubjects - natural;
        const picks = Array.from({ length: 5 }, () => ids[ids.length - 1 - rng.int(legal)]!);
        // The same entities by the opaque reference the portal's search links to (how a reader arrives).
        const refs: string[] = [];
        for (const id of picks) {
          const res = await fetch(`${url}/v1/portal/search?q=${id}`);
          const body = (await res.json()) as { results: { ref: string }[] };
          if (!body.results[0]) throw new Error(`the portal search did not find ${id}`);
          refs.push(body.results[0].ref);
        }
        await lcp('#/guide'); // warm the HTTP cache and the server's first-request work, outside the figures
        await lcp(`#/entity/${picks[0]}`);
        const byCode: number[] = [];
        const byRef: number[] = [];
        const guide: number[] = [];
        for (let i = 0; i < picks.length; i++) {
          byCode.push(await lcp(`#/entity/${picks[i]}`));
          byRef.push(await lcp(`#/entity/${refs[i]}`));
          guide.push(await lcp('#/guide'));
        }
        // The search page by the start of a firm's name: a prefix shared by about ten firms (the name's index with its
        // last digit left off), results drawn as a table.
        const search: number[] = [];
        for (const id of picks) {
          const n = ids.indexOf(id);
          search.push(await lcp(`#/?q=${encodeURIComponent(`威海${String(n).slice(0, -1)}`)}`));
        }
        const ms = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
        bc.log(`webapp: search page by name prefix ${ms(search)} ms`);
        bc.log(
          `webapp: entity by USCC ${ms(byCode)} ms; by search ref ${ms(byRef)} ms; guide ${ms(guide)} ms`,
        );
        const g = median(guide);
        for (const [how, xs] of [
          ['opened by USCC', byCode],
          ['opened by the search result reference', byRef],
        ] as const)
          figures.push({
            name: `Portal entity page ${how}, PostgreSQL, ${nSubjects} subjects / ${nRecords} records, largest contentful paint in headless Chromium`,
            value: median(xs),
            unit: 'ms (median of 5 entities)',
            peer: { name: 'guide page on the same server (no ledger read)', value: g, unit: 'ms' },
            ratio: median(xs) / g,
            target: '≤ 1000 ms',
            note: `max ${Math.max(...xs).toFixed(0)} ms`,
          });
        figures.push({
          name: `Portal search page by a firm's name prefix, PostgreSQL, ${nSubjects} subjects, largest contentful paint in headless Chromium`,
          value: median(search),
          unit: 'ms (median of 5 searches)',
          peer: { name: 'guide page on the same server (no ledger read)', value: g, unit: 'ms' },
          ratio: median(search) / g,
          target: '≤ 1000 ms',
          note: `max ${Math.max(...search).toFixed(0)} ms`,
        });
      } finally {
        await browser.close();
        await app.close();
        await ctx.close();
      }
    } catch (err) {
      bc.log(`webapp benchmark skipped: ${(err as Error).message}`);
    } finally {
      await ledger?.dropSchema().catch(() => undefined);
      await ledger?.close().catch(() => undefined);
    }
    return figures;
  },
};
