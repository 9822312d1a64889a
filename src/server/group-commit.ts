// Group commit: writes that arrive while one is being stored are stored together in the next single write, so many
// concurrent requests cost one transaction rather than one each. Each caller still waits for its own write.
export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running = false;
  private drained: Promise<void> = Promise.resolve();

  /** `flush` stores a whole group at once and returns one result per item, in order. */
  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly maxGroup = 5000,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) this.drained = this.drain();
    });
  }

  /** Resolves once every item added so far has been flushed (or has failed). */
  async idle(): Promise<void> {
    while (this.running) await this.drained;
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length) {
      const group = this.queue.splice(0, this.maxGroup);
      try {
        const out = await this.flush(group.map((g) => g.item));
        group.forEach((g, i) => g.resolve(out[i]!));
      } catch (err) {
        for (const g of group) g.reject(err);
      }
    }
    this.running = false;
  }
}
