// The lab's routes: parameters checked against the scenario before anything runs, a small Meritown run and its audit
// as a background job with progress, the same parameters naming the same run, and the result (disparities with their
// bootstrap intervals, gaps decomposed into rule lines) read back after a restart from disk.
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON read loosely by the assertions */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUnmasked } from './mask.js';
import { LabRunner } from './lab.js';
import type { Harness } from './server.contract.js';
import { embeddedHarness } from './harness.testkit.js';

describe('lab routes', () => {
  let h: Harness;
  let dispose: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-lab-test-'));
  const params = { population: 1000, years: 0.25, seed: 7, set: {} };
  beforeAll(async () => {
    process.env.MOSAIC_LAB_DIR = dir;
    const e = await embeddedHarness();
    h = e;
    dispose = e.close;
  }, 120_000);
  afterAll(async () => {
    delete process.env.MOSAIC_LAB_DIR;
    await dispose?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses bad parameters with coded 4xx before running anything', async () => {
    const big = await h.call('POST', '/v1/lab/runs', undefined, { ...params, population: 1_000_000 });
    expect(big.status).toBe(400);
    expect(big.type).toContain('problem+json');
    const path = await h.call('POST', '/v1/lab/runs', undefined, { ...params, set: { 'nope.x': 1 } });
    expect(path.status).toBe(422);
    expect(path.json.code).toMatch(/^scenario\./);
    const missing = await h.call('GET', '/v1/lab/runs/lab0000000000000000');
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe('lab.not_found');
  });

  it('runs Meritown and its audit in the background, one run per parameter set, with the result drawn from the audit', async () => {
    const a = await h.call('POST', '/v1/lab/runs', undefined, params);
    expect(a.status, a.text).toBe(202);
    expect(['queued', 'simulating']).toContain(a.json.phase);
    // The same parameters name the same run (started once).
    const b = await h.call('POST', '/v1/lab/runs', undefined, { ...params });
    expect(b.json.id).toBe(a.json.id);
    let job: any = a.json;
    const until = Date.now() + 180_000;
    const seen = new Set<string>();
    while (job.phase !== 'done' && job.phase !== 'failed' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
      job = (await h.call('GET', `/v1/lab/runs/${a.json.id}`)).json;
      seen.add(job.phase);
    }
    expect(job.error).toBeUndefined();
    expect(job.phase).toBe('done');
    expect(seen.has('simulating') || seen.has('auditing')).toBe(true);
    const r = job.result;
    expect(r.subjects).toBeGreaterThan(900);
    expect(r.ruleVersions[0]).toMatch(/^meritown@[0-9a-f]{12}$/);
    expect(r.ruleVersions[1]).toContain('municipal@');
    expect(r.headlines.length).toBeGreaterThan(0);
    expect(r.headlines[0].zh).toMatch(/[\u4e00-\u9fff]/);
    expect(r.disparities.length).toBeGreaterThan(0);
    for (const d of r.disparities)
      for (const row of d.rows)
        if (row.rateInterval) {
          expect(row.rateInterval[0]).toBeLessThanOrEqual(row.rate + 1e-12);
          expect(row.rateInterval[1]).toBeGreaterThanOrEqual(row.rate - 1e-12);
        }
    expect(r.decompositions.some((d: any) => d.lines.length > 0)).toBe(true);
    expect(findUnmasked(job)).toBeUndefined();
    // A new runner on the same folder (a server restart) still has the finished run.
    const again = new LabRunner(dir).get(a.json.id);
    expect(again?.phase).toBe('done');
    expect(again?.params).toEqual(params);
  }, 240_000);

  it('lists the packs a run may be scored by, with their bands, lines and who the rules can reach', async () => {
    const r = await h.call('GET', '/v1/lab/packs');
    expect(r.status, r.text).toBe(200);
    const ids = r.json.packs.map((p: any) => p.id);
    expect(ids).toEqual(['meritown-2021', 'meritown-2021-weihai-bands']);
    const [own, weihai] = r.json.packs;
    // The Weihai sibling differs only in its bands: A starts at 1000 instead of 960.
    expect(own.bands.find((b: any) => b.grade === 'A').min).toBe(960);
    expect(weihai.bands.find((b: any) => b.grade === 'A').min).toBe(1000);
    expect(weihai.lines.length).toBe(own.lines.length);
    const rural = own.reach.groups.find((g: any) => g.group === 'rural');
    expect(rural.zh).toBe('农村户籍');
    expect(rural.lines).toBeGreaterThan(own.reach.groups.find((g: any) => g.group === 'everyone').lines);
  });

  it('refuses bad pack edits with the loader codes and the request location, before anything runs', async () => {
    const pack = await h.call('POST', '/v1/lab/runs', undefined, { ...params, packs: [{ pack: 'wendeng' }] });
    expect(pack.status).toBe(400);
    const gap = await h.call('POST', '/v1/lab/runs', undefined, {
      ...params,
      packs: [
        {
          pack: 'meritown-2021',
          bands: [
            { grade: 'AAA', min: 1100 },
            { grade: 'D', max: 900 },
          ],
        },
      ],
    });
    expect(gap.status, gap.text).toBe(422);
    expect(gap.type).toContain('problem+json');
    expect(gap.json.code).toBe('policy.bad_bands');
    expect(gap.json.issues[0].location.path).toEqual(['packs', 0, 'bands']);
    const line = await h.call('POST', '/v1/lab/runs', undefined, {
      ...params,
      packs: [{ pack: 'meritown-2021' }, { pack: 'meritown-2021', off: ['W9-99-99'] }],
    });
    expect(line.status).toBe(422);
    expect(line.json.code).toBe('lab.unknown_line');
    expect(line.json.issues[0].location.path).toEqual(['packs', 1, 'off']);
    const three = await h.call('POST', '/v1/lab/runs', undefined, {
      ...params,
      packs: [{ pack: 'meritown-2021' }, { pack: 'meritown-2021' }, { pack: 'meritown-2021' }],
    });
    expect(three.status).toBe(400);
  });

  it('scores the same run by two packs side by side, an edited one included, named by the packs and edits', async () => {
    const packs = (await h.call('GET', '/v1/lab/packs')).json.packs;
    const off = packs[0].lines
      .filter((l: any) => l.kind === 'points')
      .slice(0, 3)
      .map((l: any) => l.id);
    const two = {
      ...params,
      packs: [{ pack: 'meritown-2021' }, { pack: 'meritown-2021-weihai-bands', off }],
    };
    const a = await h.call('POST', '/v1/lab/runs', undefined, two);
    expect(a.status, a.text).toBe(202);
    // The packs and the edits are in the name; the order of the lines switched off is not.
    const b = await h.call('POST', '/v1/lab/runs', undefined, {
      ...two,
      packs: [{ pack: 'meritown-2021' }, { pack: 'meritown-2021-weihai-bands', off: [...off].reverse() }],
    });
    expect(b.json.id).toBe(a.json.id);
    const c = await h.call('POST', '/v1/lab/runs', undefined, {
      ...two,
      packs: [{ pack: 'meritown-2021' }, { pack: 'meritown-2021-weihai-bands' }],
    });
    expect(c.json.id).not.toBe(a.json.id);
    // Who the rules can reach, per pack: the edited pack has fewer lines.
    expect(a.json.reach).toHaveLength(2);
    expect(a.json.reach[1].lines).toBeLessThan(a.json.reach[0].lines);
    let job: any = a.json;
    const until = Date.now() + 400_000;
    while (job.phase !== 'done' && job.phase !== 'failed' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 500));
      job = (await h.call('GET', `/v1/lab/runs/${a.json.id}`)).json;
    }
    expect(job.error).toBeUndefined();
    expect(job.phase).toBe('done');
    expect(job.result.ruleVersions[2]).toBe('meritown-points@2021');
    expect(job.compare.ruleVersions[2]).toMatch(/^meritown-points-weihai-bands@lab-[0-9a-f]{12}$/);
    // Same scenario, seed and overrides: the same residents on both sides; only the scoring differs.
    expect(job.compare.subjects).toBe(job.result.subjects);
    expect(job.compare.disparities.length).toBeGreaterThan(0);
    expect(findUnmasked(job)).toBeUndefined();
  }, 420_000);
});
