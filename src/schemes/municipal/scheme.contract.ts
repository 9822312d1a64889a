// The one contract every points-scheme engine must pass: the shipped packs' case corpus, run through that engine.
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue, type Catalogue } from '../../core/catalogue.js';
import { shipped } from '../../core/paths.js';
import { findPacks } from '../../policy/registry.js';
import { checkCase, loadCases, type Case, type Outcome } from './corpus.js';
import { loadSchemePack } from './load.js';
import { POINTS_SCHEME_KIND } from './pack-kind.js';
import type { SchemePack } from './types.js';

/** An engine under test: the outcome for one case, and explanation keys if the engine explains. */
export interface SchemeEngine {
  name: string;
  prepare(pack: SchemePack, catalogue: Catalogue): (c: Case) => Outcome & { keys?: string[] };
}

export function shippedSchemePacks(): string[] {
  return findPacks(shipped('policies'))
    .filter((p) => p.kind.name === POINTS_SCHEME_KIND.name)
    .map((p) => p.dir);
}

export function schemeContract(engine: SchemeEngine): void {
  const catalogue = loadCatalogue(defaultCataloguePath());
  const dirs = shippedSchemePacks();

  describe(`points-scheme contract: ${engine.name}`, () => {
    it('finds the four shipped packs', () => {
      expect(dirs.map((d) => d.split('/policies/')[1])).toEqual([
        'rongcheng-points/2018',
        'rongcheng-points/2021',
        'weihai-haibei/2020',
        'wendeng-points/2020',
      ]);
    });

    for (const dir of dirs) {
      const pack = loadSchemePack(dir, catalogue);
      const { cases, issues } = loadCases(dir, pack);
      const run = engine.prepare(pack, catalogue);
      describe(pack.id, () => {
        it('has a valid case corpus', () => expect(issues).toEqual([]));
        for (const c of cases)
          it(c.name, () => {
            const o = run(c);
            expect(checkCase(c, o, o.keys)).toEqual([]);
          });
        it('gives the same answer twice (no hidden state between calls)', () => {
          const first = cases.map((c) => run(c));
          const again = cases.map((c) => run(c));
          expect(again.map(({ keys: _k, ...o }) => o)).toEqual(first.map(({ keys: _k, ...o }) => o));
        });
      });
    }
  });
}
