// The run's writes to the ledger, in the background: two serialised queues (records, register) so a slow register
// load does not hold up record batches; a failed write is kept and rethrown at the next epoch, never left unhandled.
import type { Ledger } from '../ledger/ledger.js';

export type QueueKey = 'append' | 'register';

export class LedgerQueue {
  /** Time the ledger spent on each queue (overlapping the step loop). */
  readonly ms: Record<QueueKey, number> = { register: 0, append: 0 };
  private failure: { error: unknown } | undefined;
  private readonly chains: Record<QueueKey, Promise<void>> = {
    append: Promise.resolve(),
    register: Promise.resolve(),
  };
  constructor(readonly ledger: Ledger) {}

  queue(key: QueueKey, f: () => Promise<unknown>): void {
    const next = this.chains[key].then(async () => {
      const t = performance.now();
      await f();
      this.ms[key] += performance.now() - t;
    });
    next.catch((error: unknown) => (this.failure ??= { error }));
    this.chains[key] = next;
  }

  /** Throw the first write failure, if any. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }

  done(): Promise<unknown> {
    return Promise.all([this.chains.append, this.chains.register]);
  }
}
