// Builds Meritown's world from a scenario and a seed: residents, firms and the network, in that order, each from its
// own fork of the run's Rng so a change in one stage never shifts the random stream of another.
import { toEpochDay } from '../core/dates.js';
import { Rng } from '../core/rng.js';
import { generateFirms } from './firms.js';
import { generateNetwork } from './network.js';
import { generatePopulation } from './population.js';
import { propensity } from './random.js';
import type { Scenario } from './scenario.js';
import type { World } from './world.js';

export interface SetupOptions {
  population: number;
  years: number;
  seed: number;
}

export interface BuiltWorld {
  world: World;
  /** Per district: the next free ID sequence index is kept by the district simulation from here on. */
  timings: { population: number; firms: number; network: number };
}

export function buildWorld(s: Scenario, o: SetupOptions): BuiltWorld {
  const root = new Rng(o.seed);
  const rPop = root.fork('population');
  const rFirms = root.fork('firms');
  const rNet = root.fork('network');
  const startDay = toEpochDay(s.scenario.start);
  let t = performance.now();
  const pop = generatePopulation(rPop, s.scenario.city, s.population, o.population, startDay, o.years);
  const tPop = performance.now() - t;
  t = performance.now();
  const T = s.population.traits;
  const firms = generateFirms(
    rFirms,
    s.firms,
    pop.persons,
    pop.districts,
    startDay,
    T.compliance,
    T.finance,
    propensity,
  );
  const tFirms = performance.now() - t;
  t = performance.now();
  const net = generateNetwork(rNet, s.population.network, pop.persons, firms.firms, pop.districts, startDay);
  const tNet = performance.now() - t;
  const world: World = {
    layout: {
      startDay,
      persons: pop.persons.length,
      firms: firms.firms.length,
      villages: pop.villages,
      households: pop.households,
      districts: pop.districts,
    },
    persons: pop.persons,
    firms: firms.firms,
    net,
    sectorNames: firms.sectorNames,
    sizeNames: firms.sizeNames,
    typePairs: firms.typePairs,
  };
  return { world, timings: { population: tPop, firms: tFirms, network: tNet } };
}

/** The seed each district's simulation starts from: drawn in district order from one fork, so it does not depend on
 * which worker runs the district. */
export function districtSeeds(seed: number, districts: number): number[] {
  const r = new Rng(seed).fork('districts');
  return Array.from({ length: districts }, () => r.nextU32());
}
