// A module's named counts kept by number: hot loops add to a typed array by index, and the names join only when the
// epoch's counts leave the district (a Map keyed by string cost a hash lookup and, for fractions, a heap number per add).

export class Counts<K extends string> {
  private readonly v: Float64Array;
  /** A count that was added to, even by 0, leaves with the epoch (as a Map entry did once set). */
  private readonly touched: Uint8Array;
  private readonly names: readonly K[];

  constructor(names: readonly K[]) {
    this.names = names;
    this.v = new Float64Array(names.length);
    this.touched = new Uint8Array(names.length);
  }

  add(k: number, n = 1): void {
    this.v[k] += n;
    this.touched[k] = 1;
  }

  /** Add the counts into `into` by name and start again from zero. */
  drain(into: Map<string, number>): void {
    for (let k = 0; k < this.names.length; k++) {
      if (!this.touched[k]) continue;
      const name = this.names[k]!;
      into.set(name, (into.get(name) ?? 0) + this.v[k]!);
    }
    this.clear();
  }

  clear(): void {
    this.v.fill(0);
    this.touched.fill(0);
  }
}
