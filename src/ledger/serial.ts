// One operation at a time on a connection: an append's transaction spans several awaits, and a read issued
// meanwhile on the same connection would otherwise run inside it.

export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(() => fn());
    // Keep the chain alive whatever this operation's outcome; the caller still sees its own rejection.
    this.tail = next.catch(() => undefined);
    return next;
  }
}
