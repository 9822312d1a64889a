// The privacy-budget ledger: what each purpose may still spend in a period, in zCDP ρ. It stores what is left, never
// what is spent, and only subtracts a charge it has just checked fits, so no sequence of requests drives it negative.
import type { ChannelPolicy } from './policy.js';

export class BudgetLedger {
  private readonly left = new Map<string, number>();
  constructor(private readonly policy: ChannelPolicy) {}

  static key(dataset: string, purpose: string, period: string): string {
    return `${dataset}|${purpose}|${period}`;
  }

  /** The period a date falls in under the policy: `2025` or `2025-06`. */
  periodOf(date: string): string {
    return this.policy.budget.period === 'year' ? date.slice(0, 4) : date.slice(0, 7);
  }

  /** What the purpose's budget is per period (0 when it has none: nothing noised may be released for it). */
  allowance(purpose: string): number {
    return this.policy.budget.purposes.find((b) => b.purpose === purpose)?.rho ?? 0;
  }

  remaining(dataset: string, purpose: string, period: string): number {
    return this.left.get(BudgetLedger.key(dataset, purpose, period)) ?? this.allowance(purpose);
  }

  /** Spend `rho` if it fits; returns false (and spends nothing) when it does not. */
  trySpend(dataset: string, purpose: string, period: string, rho: number): boolean {
    if (!(rho >= 0) || !Number.isFinite(rho)) return false;
    const r = this.remaining(dataset, purpose, period);
    const after = r - rho;
    if (!(after >= 0)) return false;
    this.left.set(BudgetLedger.key(dataset, purpose, period), after);
    return true;
  }

  /** Every (dataset, purpose, period) touched so far with what is left, sorted. */
  entries(): { dataset: string; purpose: string; period: string; remaining: number }[] {
    return [...this.left.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, remaining]) => {
        const [dataset, purpose, period] = k.split('|') as [string, string, string];
        return { dataset, purpose, period, remaining };
      });
  }
}
