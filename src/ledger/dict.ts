// String dictionaries for columnar storage: each distinct string gets a dense index; rollback truncates.
import type { SubjectTypeCode } from './record-check.js';

export class Dict {
  readonly strings: string[] = [];
  private readonly map = new Map<string, number>();

  /** `limit`: how many entries the index column can address (65,536 for a Uint16 column). */
  constructor(readonly limit = 2 ** 32) {}

  get size(): number {
    return this.strings.length;
  }

  /** Index of s, or -1. */
  get(s: string): number {
    return this.map.get(s) ?? -1;
  }

  /** Index of s, adding it if new; -1 if the dictionary is full. */
  add(s: string): number {
    let ix = this.map.get(s);
    if (ix === undefined) {
      ix = this.strings.length;
      if (ix >= this.limit) return -1;
      this.map.set(s, ix);
      this.strings.push(s);
    }
    return ix;
  }

  /** Forget every entry from `size` on (undo of a failed batch). */
  truncate(size: number): void {
    for (let i = size; i < this.strings.length; i++) this.map.delete(this.strings[i]!);
    this.strings.length = size;
  }
}

/**
 * The subject dictionary also remembers each subject's type, so a subject id is validated only once. Entries added
 * without a type (loaded from a file, which stores only the ids) are type 0, "not validated yet": the checker then
 * validates the id once more and the adapter records the type it found.
 */
export class SubjectDict extends Dict {
  private types = new Uint8Array(1024);
  /** Index found by the last `typeOf` call (-1 if unknown): lets the caller skip a second lookup. */
  lastIndex = -1;

  typeOf(s: string): SubjectTypeCode {
    const ix = this.get(s);
    this.lastIndex = ix;
    return ix < 0 ? 0 : (this.types[ix] as SubjectTypeCode);
  }

  override add(s: string): number {
    const ix = super.add(s);
    // Every index the dictionary hands out has a type slot, however the entry arrived.
    if (ix >= this.types.length) {
      const t = new Uint8Array(Math.max(ix + 1, this.types.length * 2));
      t.set(this.types);
      this.types = t;
    }
    return ix;
  }

  addTyped(s: string, type: SubjectTypeCode): number {
    const ix = this.add(s);
    if (ix >= 0) this.types[ix] = type;
    return ix;
  }

  override truncate(size: number): void {
    // A later entry may reuse these indexes: it must not inherit a type it was never checked for.
    this.types.fill(0, size, Math.max(size, this.size));
    super.truncate(size);
  }

  get byteLength(): number {
    return this.types.byteLength;
  }
}
