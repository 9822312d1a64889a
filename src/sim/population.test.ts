// The generated population: census-like marginals, consistent kin, valid unique IDs, deterministic by seed.
import { describe, expect, it } from 'vitest';
import { validateResidentId, validateUscc } from '../core/identifiers.js';
import { shipped } from '../core/paths.js';
import { firmUscc, residentId } from './ids.js';
import { loadScenario } from './scenario.js';
import { buildWorld } from './setup.js';
import { ROLE_CADRE, ROLE_COLLECTOR, ROLE_PARTY, ROLE_STATE, ageYears, NOT_BORN } from './world.js';

const scenario = loadScenario(shipped('scenarios', 'meritown'));
const N = 30_000;
const { world } = buildWorld(scenario, { population: N, years: 3, seed: 7 });
const P = world.persons;
const start = world.layout.startDay;
const people: number[] = [];
for (const d of world.layout.districts)
  for (let i = d.personStart; i < d.personStart + d.personInitial; i++) people.push(i);

describe('generatePopulation', () => {
  it('creates exactly N residents and leaves birth slots empty', () => {
    expect(people.length).toBe(N);
    const d0 = world.layout.districts[0]!;
    expect(d0.personCap).toBeGreaterThan(d0.personInitial);
    expect(P.birth[d0.personStart + d0.personInitial]).toBe(NOT_BORN);
  });

  it('follows the census age bands and sex ratio', () => {
    const share = (lo: number, hi: number) =>
      people.filter((i) => {
        const a = ageYears(P.birth[i]!, start);
        return a >= lo && a <= hi;
      }).length / N;
    expect(share(0, 14)).toBeCloseTo(0.1795, 1);
    expect(share(60, 120)).toBeCloseTo(0.187, 1);
    expect(Math.abs(share(0, 14) - 0.1795)).toBeLessThan(0.01);
    expect(Math.abs(share(65, 120) - 0.135)).toBeLessThan(0.01);
    const male = people.filter((i) => P.sex[i] === 1).length / N;
    expect(Math.abs(male - 0.5124)).toBeLessThan(0.01);
  });

  it('builds households near the census mean size and consistent kin', () => {
    const hh = new Map<number, number>();
    for (const i of people) hh.set(P.household[i]!, (hh.get(P.household[i]!) ?? 0) + 1);
    const mean = N / hh.size;
    // The census mean (2.62) counts family households only; singles in dormitories push ours a little lower.
    expect(Math.abs(mean - scenario.population.households.meanSize.value)).toBeLessThan(0.25);
    for (const i of people) {
      expect(P.household[i]).toBeGreaterThanOrEqual(0);
      const m = P.mother[i]!;
      if (m >= 0) {
        expect(P.sex[m]).toBe(0);
        expect((P.birth[i]! - P.birth[m]!) / 365.2425).toBeGreaterThan(18);
      }
      const s = P.spouse[i]!;
      if (s >= 0) expect(P.spouse[s]).toBe(i);
      const f = P.father[i]!;
      if (f >= 0) expect(P.sex[f]).toBe(1);
      if (P.hukou[i] === 1) expect(P.village[i]).toBeGreaterThanOrEqual(0);
    }
    const minorsWithMother = people.filter(
      (i) => ageYears(P.birth[i]!, start) < 18 && P.mother[i]! >= 0,
    ).length;
    const minors = people.filter((i) => ageYears(P.birth[i]!, start) < 18).length;
    expect(minorsWithMother / minors).toBeGreaterThan(0.8);
  });

  it('calibrates Party membership exactly and places cadres and collectors in villages', () => {
    const party = people.filter((i) => P.roles[i]! & ROLE_PARTY).length / N;
    expect(Math.abs(party - 0.0703)).toBeLessThan(0.006);
    const partyFemale = people.filter((i) => P.roles[i]! & ROLE_PARTY && P.sex[i] === 0).length / (party * N);
    expect(Math.abs(partyFemale - 0.304)).toBeLessThan(0.08);
    for (const i of people)
      if (P.roles[i]! & (ROLE_CADRE | ROLE_COLLECTOR)) expect(P.village[i]).toBeGreaterThanOrEqual(0);
    expect(people.some((i) => P.roles[i]! & ROLE_STATE)).toBe(true);
    for (const i of people) if (ageYears(P.birth[i]!, start) < 18) expect(P.consent[i]).toBe(0);
  });

  it('gives every resident a valid unique resident ID and every firm a valid USCC with officers', () => {
    const ids = new Set<string>();
    for (const i of people) {
      const d = world.layout.districts[P.district[i]!]!;
      const id = residentId(d.code, P.birth[i]!, P.seq[i]!);
      expect(validateResidentId(id).ok).toBe(true);
      expect(Number(id[16]) % 2).toBe(P.sex[i]);
      ids.add(id);
    }
    expect(ids.size).toBe(N);
    const F = world.firms;
    const usccs = new Set<string>();
    for (let f = 0; f < F.length; f++) {
      const d = world.layout.districts[F.district[f]!]!;
      const u = firmUscc(world.typePairs[F.sector[f]!]!, d.code, F.counter[f]!);
      expect(validateUscc(u).ok).toBe(true);
      usccs.add(u);
      expect(F.legalRep[f]).toBeGreaterThanOrEqual(0);
      expect(ageYears(P.birth[F.legalRep[f]!]!, start)).toBeGreaterThanOrEqual(25);
    }
    expect(usccs.size).toBe(F.length);
    expect(F.length).toBeGreaterThan(N * 0.03);
  });

  it('builds a symmetric network without self-ties', () => {
    const { rowPtr, col } = world.net;
    let edges = 0;
    let selfTies = 0;
    let asymmetric = 0;
    for (let i = 0; i < P.length; i++)
      for (let k = rowPtr[i]!; k < rowPtr[i + 1]!; k++) {
        const j = col[k]!;
        if (j === i) selfTies++;
        edges++;
        let found = false;
        for (let q = rowPtr[j]!; q < rowPtr[j + 1]! && !found; q++) if (col[q] === i) found = true;
        if (!found) asymmetric++;
      }
    expect(selfTies).toBe(0);
    expect(asymmetric).toBe(0);
    expect(edges / N).toBeGreaterThan(5);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const again = buildWorld(scenario, { population: N, years: 3, seed: 7 }).world;
    expect(Buffer.from(again.persons.birth.buffer).equals(Buffer.from(P.birth.buffer))).toBe(true);
    expect(Buffer.from(again.net.col.buffer).equals(Buffer.from(world.net.col.buffer))).toBe(true);
    const other = buildWorld(scenario, { population: N, years: 3, seed: 8 }).world;
    expect(Buffer.from(other.persons.birth.buffer).equals(Buffer.from(P.birth.buffer))).toBe(false);
  });
});
