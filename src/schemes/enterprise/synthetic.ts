// Synthetic firms: register entries, tax years and dated tax and market-regulation events drawn from a latent
// compliance level. Rates are assumptions for demos and tests.
import { fromEpochDay, toEpochDay } from '../../core/dates.js';
import { Rng } from '../../core/rng.js';
import { FIRM_EVENT_KINDS, type FirmLine } from './data.js';

export interface SyntheticFirm {
  id: string;
  name: string;
  established?: string;
}

export function syntheticFirmData(
  firms: readonly SyntheticFirm[],
  seed: number | string,
  until: string,
): FirmLine[] {
  const rng = new Rng(seed);
  const end = toEpochDay(until);
  const lastYear = Number(until.slice(0, 4));
  const lines: FirmLine[] = [];
  for (const f of firms) {
    const r = rng.fork(f.id);
    const compliance = r.next();
    const established = f.established ?? fromEpochDay(end - 30 - r.int(12 * 365));
    lines.push({ type: 'firm', id: f.id, name: f.name, established });
    const y0 = Number(established.slice(0, 4));
    for (let y = y0; y <= lastYear; y++) {
      const dormant = r.next() < 0.05;
      lines.push({
        type: 'tax_year',
        firm: f.id,
        year: y,
        operating_income: dormant ? 0 : Math.round(Math.exp(r.normal(13, 1.5))),
        books_ok: r.next() < 0.9 + 0.1 * compliance,
        zero_vat_consecutive: dormant ? 12 : r.next() < 0.1 ? 1 + r.int(4) : 0,
        zero_vat_total: dormant ? 12 : r.next() < 0.1 ? 1 + r.int(7) : 0,
      });
    }
    const start = toEpochDay(established);
    const span = end - start;
    const rate = (k: string): number => {
      const base: Record<string, number> = {
        late_filing: 0.8,
        late_payment: 0.5,
        invoice_irregularity: 0.15,
        tax_arrears: 0.1,
        evasion_penalty: 0.02,
        false_declaration_for_preference: 0.004,
        export_refund_fraud: 0.001,
        abnormal_household: 0.004,
        annual_report_late: 0.15,
        annual_report_missing: 0.05,
        permit_revoked: 0.01,
        penalty: 0.15,
        abnormal_listed: 0.04,
        serious_listed: 0.005,
      };
      return (base[k] ?? 0) * (1.6 - 1.5 * compliance);
    };
    for (const kind of FIRM_EVENT_KINDS) {
      if (kind === 'abnormal_removed' || kind === 'serious_removed') continue;
      const n = r.poisson((rate(kind) * span) / 365);
      for (let k = 0; k < n; k++) {
        const day = start + r.int(Math.max(1, span));
        lines.push({ type: 'event', firm: f.id, date: fromEpochDay(day), kind });
        // Most firms on a list are restored within a year after correcting (DOMAIN §7.5) [U on the share].
        if ((kind === 'abnormal_listed' || kind === 'serious_listed') && r.next() < 0.6) {
          const out = day + 30 + r.int(330);
          if (out <= end)
            lines.push({
              type: 'event',
              firm: f.id,
              date: fromEpochDay(out),
              kind: kind === 'abnormal_listed' ? 'abnormal_removed' : 'serious_removed',
            });
        }
      }
    }
  }
  return lines;
}
