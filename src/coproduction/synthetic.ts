// Seeded synthetic data for the shipped channel policies: passengers' unpaid fares and upheld food-safety incidents
// in Weihai's counties. Invented for demos and tests; every figure here is made up.
import { generateUscc } from '../core/identifiers-gen.js';
import { Rng } from '../core/rng.js';
import type { Row } from './engine.js';

/** Weihai's four county-level areas (GB/T 2260 [U]) with assumed weights; Rushan is small so its cells suppress. */
export const WEIHAI_AREAS: readonly { code: string; weight: number }[] = [
  { code: '371002', weight: 0.45 },
  { code: '371003', weight: 0.25 },
  { code: '371082', weight: 0.28 },
  { code: '371083', weight: 0.02 },
];

export function syntheticChannelData(seed: string | number, passengers = 2000): Map<string, Row[]> {
  const rng = new Rng(`channels|${String(seed)}`);
  const weights = WEIHAI_AREAS.map((a) => a.weight);
  const debts: Row[] = [];
  for (let i = 0; i < passengers; i++) {
    const county = WEIHAI_AREAS[rng.weighted(weights)]!.code;
    // About one passenger in twelve leaves an unpaid fare; some leave several.
    if (!rng.bernoulli(1 / 12)) continue;
    const trips = 1 + rng.poisson(0.6);
    for (let t = 0; t < trips; t++)
      debts.push({
        passenger: `p${i}`,
        county,
        unpaid_yuan: 10 + rng.int(140),
        trip_routes: `route-${i}-${t}`,
      });
  }
  const incidents: Row[] = [];
  for (let i = 0; i < 40; i++) {
    const county = WEIHAI_AREAS[rng.weighted(weights)]!.code;
    incidents.push({
      incident: `inc-${i}`,
      county,
      merchant_uscc: generateUscc(rng, { typePair: '92', divisionCode: county }),
      date: `2025-0${1 + rng.int(9)}-1${rng.int(10)}`,
      category: rng.pick(['foreign object', 'spoiled food', 'food poisoning', 'unlicensed kitchen']),
      customer_id: `c${rng.int(100000)}`,
      customer_phone: `138${String(rng.int(1e8)).padStart(8, '0')}`,
      delivery_address: `address ${rng.int(1000)}`,
    });
  }
  return new Map([
    ['passenger_bad_debts', debts],
    ['food_incidents', incidents],
  ]);
}
