// Differential: the counterfactual search with its shortcuts (outcomes kept by content, plain options added up;
// decision 0162) gives exactly the plans, numbering and flags of the search that rescores every node, on subjects of
// a benchmark-shaped synthetic ledger, for every shipped points scheme and several targets and dates.
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../core/catalogue.js';
import { shipped } from '../core/paths.js';
import { Rng } from '../core/rng.js';
import type { CreditRecord } from '../core/types.js';
import { syntheticRecords, syntheticSubjectIds } from '../ledger/synthetic.js';
import { loadSchemePack } from '../schemes/municipal/load.js';
import { counterfactuals } from './counterfactual.js';
import { factsFromRegister } from './engines.js';

const catalogue = loadCatalogue(defaultCataloguePath());
const packs = ['rongcheng-points/2021', 'weihai-haibei/2020', 'wendeng-points/2020'].map((f) =>
  loadSchemePack(shipped('policies', ...f.split('/')), catalogue),
);

describe('counterfactual search: shortcuts change no answer', () => {
  it('same result as rescoring every node, on 1,500 subject × scheme × target searches', () => {
    // The benchmark's shape (10 records a subject over a large population gives long searches).
    const nSubjects = 30_000;
    const ids = syntheticSubjectIds(nSubjects);
    const bySubject = new Map<string, CreditRecord[]>();
    const wanted = new Set<string>();
    const rng = new Rng(5);
    while (wanted.size < 250) wanted.add(ids[rng.int(nSubjects)]!);
    for (const r of syntheticRecords(catalogue, { records: nSubjects * 10, subjects: nSubjects, seed: 1000 }))
      if (wanted.has(r.subject)) bySubject.set(r.subject, [...(bySubject.get(r.subject) ?? []), r]);
    let searched = 0;
    let plans = 0;
    let differ = 0;
    for (const [n, id] of [...wanted].entries()) {
      const records = bySubject.get(id) ?? [];
      const subject = {
        id,
        type: (ids.indexOf(id) < nSubjects * 0.9 ? 'natural' : 'legal') as 'natural' | 'legal',
        jurisdiction: '371082',
        roles: [],
      };
      for (const pack of packs) {
        const facts = factsFromRegister(pack, [id], () => subject)(0);
        const asOf = ['2025-06-01', '2024-01-31', '2022-09-15'][n % 3]!;
        for (const target of ['A', 'AA']) {
          const fast = counterfactuals(pack, facts, records, asOf, target, { all: n % 2 === 0 });
          const ref = counterfactuals(pack, facts, records, asOf, target, {
            all: n % 2 === 0,
            rescoreEveryNode: true,
          });
          if (JSON.stringify(fast) !== JSON.stringify(ref)) differ++;
          expect(fast).toEqual(ref);
          if (!ref.alreadyThere && ref.current.status === 'scored') searched++;
          plans += ref.plans.length;
        }
      }
    }
    expect(differ).toBe(0);
    expect(searched).toBeGreaterThan(300);
    expect(plans).toBeGreaterThan(300);
  }, 300_000);
});
