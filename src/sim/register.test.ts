// The simulation's register lines for the DuckDB ledger equal the ledger's own serialisation of the register entries.
import { describe, expect, it } from 'vitest';
import { shipped } from '../core/paths.js';
import { subjectsCsv } from '../ledger/duckdb/duckdb-ledger.js';
import { registerEntry } from './lists.js';
import { RegisterLines, subjectIds } from './register.js';
import { loadScenario } from './scenario.js';
import { buildWorld } from './setup.js';

const scenario = loadScenario(shipped('scenarios', 'meritown'));
const { world } = buildWorld(scenario, { population: 3000, years: 1, seed: 11 });
const ids = subjectIds(world);
const subjects: number[] = [];
for (const d of world.layout.districts)
  for (let i = d.personStart; i < d.personStart + d.personInitial; i++) subjects.push(i);
for (let f = 0; f < world.firms.length; f++) subjects.push(world.persons.length + f);

describe('RegisterLines', () => {
  it.each([
    ['with a consent scheme', 'meritown_municipal'],
    ['without one', undefined],
  ])('gives the DuckDB ledger subjectsCsv of registerEntry, line for line (%s)', (_, scheme) => {
    const lines = new RegisterLines(world, ids, scheme);
    const mine = subjects.map((i) => lines.line(i)).join('\n') + '\n';
    expect(mine).toBe(subjectsCsv(subjects.map((i) => registerEntry(world, ids, i, scheme))));
    // the sample covers every shape of entry: parents, consents, roles, firms with and without representatives
    const entries = subjects.map((i) => registerEntry(world, ids, i, scheme));
    expect(entries.some((e) => e.parents?.length === 2)).toBe(true);
    expect(entries.some((e) => e.parents?.length === 1)).toBe(true);
    expect(entries.some((e) => e.roles.length > 0)).toBe(true);
    if (scheme) expect(entries.some((e) => e.consents)).toBe(true);
    expect(entries.some((e) => e.type === 'legal' && e.legalRepresentative)).toBe(true);
  });
});
