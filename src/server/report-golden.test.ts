// The credit report route's answers, byte for byte, against a golden taken before the report's speed work (decision
// 0162): every scheme's view, the counterfactual plans (with the numbered actions the search made), lists, measures,
// the due-process flags and the view block, for many subjects, dates, targets and roles, through the real app.
// MOSAIC_WRITE_GOLDEN=1 rewrites the golden (only when a change of content is intended and said so).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import type { Subject } from '../core/types.js';
import type { Ledger } from '../ledger/ledger.js';
import { openLedger } from '../ledger/open.js';
import { syntheticRecords, syntheticSubjectIds } from '../ledger/synthetic.js';
import { shippedListPolicy } from '../schemes/lists/policy.js';
import { buildServer, type ServerApp } from './app.js';
import { createContext, type ServerContext } from './context.js';
import { sampleRecords, sampleSubjects } from './server.contract.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'report-golden.json');
// Platforms whose scheme chains differ: Rongcheng, Wendeng, Huancui, the prefecture itself.
const PLACES = ['371082', '371003', '371002', '371000'];

interface World {
  ledger: Ledger;
  ctx: ServerContext;
  app: ServerApp;
  keys: Record<string, string>;
  ids: string[];
}

/** A DuckDB world: the sample scenario plus synthetic subjects spread over the platforms. */
async function world(nSubjects: number, nRecords: number, seed: number): Promise<World> {
  const ledger = await openLedger({ adapter: 'duckdb', file: ':memory:', threads: 1 });
  const ids = syntheticSubjectIds(nSubjects);
  const subjects: Subject[] = ids.map((id, i) => ({
    id,
    type: i < nSubjects * 0.9 ? 'natural' : 'legal',
    jurisdiction: PLACES[i % PLACES.length]!,
    roles: [],
  }));
  await ledger.putSubjects([...sampleSubjects(), ...subjects]);
  await ledger.append(sampleRecords());
  await ledger.append(
    syntheticRecords(shippedListPolicy().catalogue, { records: nRecords, subjects: nSubjects, seed }),
  );
  const ctx = await createContext(ledger, {});
  const { app } = await buildServer(ctx, { rateLimit: false });
  const keys: Record<string, string> = {};
  for (const [name, account] of [
    ['admin', { role: 'admin' }],
    ['auditor', { role: 'auditor' }],
    ['agency', { role: 'agency', agency: 'community', jurisdiction: '371082', kinds: ['community.'] }],
    ['prefecture', { role: 'credit_office', jurisdiction: '371000' }],
  ] as const) {
    const acc = await ctx.keys.createAccount({ name, ...account } as Parameters<
      ServerContext['keys']['createAccount']
    >[0]);
    keys[name] = (await ctx.keys.createKey(acc.id)).key;
  }
  return { ledger, ctx, app, keys, ids: [...sampleSubjects().map((s) => s.id), ...ids] };
}

/** Requests: every subject of the world once (varying date, target and role), seeded. */
function requests(w: World, seed: number): { url: string; role: string }[] {
  const rng = new Rng(seed);
  const dates = ['2025-06-01', '2024-12-31', '2023-03-15', '2021-07-01'];
  const targets = ['A', 'A', 'AA', 'B'];
  const roles = ['admin', 'auditor', 'agency', 'prefecture'];
  return w.ids.map((id) => {
    const q = `asOf=${dates[rng.int(dates.length)]}&target=${targets[rng.int(targets.length)]}&purpose=audit`;
    return { url: `/v1/subjects/${id}/report?${q}`, role: roles[rng.int(roles.length)]! };
  });
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);

describe('credit report route: same answers as the golden (decision 0162)', () => {
  const worlds: World[] = [];
  const got: Record<string, string> = {};
  let plans = 0;
  let searched = 0;

  beforeAll(async () => {
    // Many subjects with a few records each (the benchmark's shape), and few with many (long searches).
    worlds.push(await world(600, 6_000, 1000), await world(120, 6_000, 2000));
  }, 120_000);
  afterAll(async () => {
    for (const w of worlds) {
      await w.app.close();
      await w.ctx.close();
    }
  });

  it('answers every request exactly as before', async () => {
    for (const [i, w] of worlds.entries())
      for (const r of requests(w, 7 + i)) {
        const res = await w.app.inject({
          method: 'GET',
          url: r.url,
          headers: { authorization: `Bearer ${w.keys[r.role]}` },
        });
        got[`${i} ${r.role} ${r.url}`] = `${res.statusCode} ${sha(res.body)}`;
        if (res.statusCode === 200) {
          const body = JSON.parse(res.body) as {
            report: { schemes: { counterfactual: { plans: unknown[]; alreadyThere: boolean } }[] };
          };
          for (const s of body.report.schemes) {
            plans += s.counterfactual.plans.length;
            if (!s.counterfactual.alreadyThere) searched++;
          }
        }
      }
    if (process.env.MOSAIC_WRITE_GOLDEN === '1')
      writeFileSync(GOLDEN, JSON.stringify(got, null, 0).replace(/","/g, '",\n"') + '\n');
    const want = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, string>;
    // The golden exercises the search: many views below their target, many plans found.
    expect(searched).toBeGreaterThan(200);
    expect(plans).toBeGreaterThan(200);
    const differ = Object.keys(want).filter((k) => want[k] !== got[k]);
    expect(Object.keys(got).length).toBe(Object.keys(want).length);
    expect(differ.slice(0, 10)).toEqual([]);
  }, 300_000);
});
