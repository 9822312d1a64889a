// The city's procurement of its credit platform (issue 17 §4): vendors bid with modules, a price and training
// sessions; the city's rule (the most modules it can afford, the cheapest bid, or a directed award) picks one, and the
// chosen offer is the platform the kpiReporting module's offices report through. Without a procurement block the
// scenario's single `vendor` contract stands, as before.
import type { CoproductionFile } from './coproduction-schema.js';

/** The platform the offices get: the contract's modules, price and training, with the vendor block's per-session
 * gain and delay cut (properties of the technology, not of a bid). */
export interface Platform {
  vendor: string;
  modules: readonly string[];
  priceYuan: number;
  trainingSessions: number;
  /** Share of entries failing validation on this platform (0 without a procurement block: met by construction). */
  entryErrors: number;
  /** Index of the chosen bid in the procurement's vendor list; -1 for the plain `vendor` block or no award. */
  bid: number;
}

export function procure(P: CoproductionFile): Platform {
  const V = P.vendor;
  const Q = P.procurement;
  if (!Q || Q.rule === 'contract')
    return {
      vendor: V.name,
      modules: V.modules,
      priceYuan: V.budgetYuan.value,
      trainingSessions: V.trainingSessions.value,
      entryErrors: Q
        ? Q.entryErrors.value * (V.modules.includes('data_quality') ? 1 - Q.dataQualityCut.value : 1)
        : 0,
      bid: -1,
    };
  const bids = Q.vendors.map((v, i) => ({ v, i }));
  let pick: (typeof bids)[number] | undefined;
  if (Q.rule.startsWith('vendor:')) pick = bids.find((b) => b.v.id === Q.rule.slice('vendor:'.length));
  else {
    const affordable = bids.filter((b) => b.v.priceYuan.value <= Q.budgetYuan.value);
    const price = (b: (typeof bids)[number]) => b.v.priceYuan.value;
    const order =
      Q.rule === 'cheapest'
        ? (a: (typeof bids)[number], b: (typeof bids)[number]) => price(a) - price(b) || a.i - b.i
        : (a: (typeof bids)[number], b: (typeof bids)[number]) =>
            b.v.modules.length - a.v.modules.length ||
            b.v.trainingSessions.value - a.v.trainingSessions.value ||
            price(a) - price(b) ||
            a.i - b.i;
    pick = affordable.sort(order)[0];
  }
  // No affordable bid: no platform — manual upload, no training, no entry checks.
  const quality = pick?.v.modules.includes('data_quality') ?? false;
  const errors = Q.entryErrors.value * (quality ? 1 - Q.dataQualityCut.value : 1);
  if (!pick)
    return { vendor: 'none', modules: [], priceYuan: 0, trainingSessions: 0, entryErrors: errors, bid: -1 };
  return {
    vendor: pick.v.name,
    modules: pick.v.modules,
    priceYuan: pick.v.priceYuan.value,
    trainingSessions: pick.v.trainingSessions.value,
    entryErrors: errors,
    bid: pick.i,
  };
}
