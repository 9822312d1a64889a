// Figures of the society modules (relational punishment and greying; opinion and awareness): each a measurement of
// a finished run's society counts. As with every figure, they read outcomes and cannot set one.
import type { SimResult } from '../sim/engine.js';
import type { Figure } from './figures.js';

const CLOSE = ['family', 'friend'];
const DISTANT = ['neighbour', 'colleague', 'business'];

function count(r: SimResult, key: string): number {
  return r.society[key] ?? 0;
}

/** Share of the ties of `kinds` who learned of a listing and applied the label (pressed or ostracised). */
function reach(r: SimResult, kinds: string[]): number {
  let learned = 0;
  let applied = 0;
  for (const k of kinds) {
    learned += count(r, `relational.${k}.learned`);
    applied += count(r, `relational.${k}.pressed`) + count(r, `relational.${k}.ostracised`);
  }
  return learned > 0 ? applied / learned : NaN;
}

export const SOCIETY_FIGURES: Record<string, Figure> = {
  label_reach: {
    label: 'Share of the ties who learned of a listing and applied the label (pressed or shunned)',
    unit: 'share',
    measure: (r) => reach(r, [...CLOSE, ...DISTANT]),
  },
  label_reach_close: {
    label: 'Label applied, among family and friends who learned of the listing',
    unit: 'share',
    measure: (r) => reach(r, CLOSE),
  },
  label_reach_distant: {
    label: 'Label applied, among neighbours, colleagues and business partners who learned of the listing',
    unit: 'share',
    measure: (r) => reach(r, DISTANT),
  },
  greying_gap_pp: {
    label: 'Label applied by distant ties minus by close ties',
    unit: 'percentage points',
    measure: (r) => 100 * (reach(r, DISTANT) - reach(r, CLOSE)),
  },
  ostracising_ties_per_listing: {
    label: 'Ties who shunned the listed person, per listing',
    unit: 'ties',
    measure: (r) => {
      const n = count(r, 'relational.listed');
      let o = 0;
      for (const k of [...CLOSE, ...DISTANT]) o += count(r, `relational.${k}.ostracised`);
      return n > 0 ? o / n : NaN;
    },
  },
  paid_under_pressure_share: {
    label: 'Listed residents who paid while at least one tie pressed them, share of those who paid',
    unit: 'share',
    measure: (r) => {
      const paid = count(r, 'relational.paid');
      return paid > 0 ? count(r, 'relational.paid_pressed') / paid : NaN;
    },
  },
};
