// Registers the co-production folder (channel policies, platform measures, perks, KPI forms) with `mosaic policy
// lint`, so the shipped co-production data is checked with every other policy pack.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MosaicError, type Issue } from '../core/errors.js';
import { registerPackKind } from '../policy/registry.js';
import { loadKpiForm } from './kpi.js';
import { loadMeasureCatalogue } from './measures.js';
import { loadPerks } from './perks.js';
import { loadChannelPolicy } from './policy.js';

const yamls = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => join(dir, f))
    : [];

/** Every problem in a co-production folder, from every loader (each reports all of its own issues). */
export function lintCoproduction(dir: string): Issue[] {
  const issues: Issue[] = [];
  const tryLoad = (file: string, load: (f: string) => unknown) => {
    try {
      load(file);
    } catch (e) {
      if (!(e instanceof MosaicError)) throw e;
      issues.push(...e.issues);
    }
  };
  for (const f of yamls(join(dir, 'channels'))) tryLoad(f, loadChannelPolicy);
  for (const f of yamls(join(dir, 'kpi'))) tryLoad(f, loadKpiForm);
  if (existsSync(join(dir, 'platform-measures.yaml')))
    tryLoad(join(dir, 'platform-measures.yaml'), loadMeasureCatalogue);
  if (existsSync(join(dir, 'perks.yaml'))) tryLoad(join(dir, 'perks.yaml'), loadPerks);
  return issues;
}

registerPackKind({
  name: 'coproduction',
  describe: "firms' data-channel policies, platform measures on court lists, credit-easy perks, KPI forms",
  detect: (dir) => existsSync(join(dir, 'channels')) && existsSync(join(dir, 'platform-measures.yaml')),
  lint: lintCoproduction,
});
