// String dictionaries for columnar storage: each distinct string gets a dense index; rollback truncates.
import { PackedIdMap } from './packed-ids.js';
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
    const ix = this.get(s);
    return ix < 0 ? this.append(s) : ix;
  }

  /** Add `s`, known to be absent; its index, or -1 if the dictionary is full. */
  protected append(s: string): number {
    const ix = this.strings.length;
    if (ix >= this.limit) return -1;
    this.put(s, ix);
    this.strings.push(s);
    return ix;
  }

  /** Record s → ix in the lookup structure (s is new). */
  protected put(s: string, ix: number): void {
    this.map.set(s, ix);
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
  /**
   * Subject ids are looked up once per record: packed inline (packed-ids.ts, 0140) instead of the base class's Map.
   * It has no delete, so a truncate (a failed batch) rebuilds it from the strings kept.
   */
  private ids = new PackedIdMap();
  /**
   * Entries [0, indexed) are in `ids`; [indexed, size) were appended by `appendNew` and are placed in the map on the
   * first lookup by string. A bulk append of a new population (1M subjects, each a probe of a 21 MB map) then leaves
   * the map to the first reader that needs it: scans and scoring never do (docs/decisions/0191).
   */
  private indexed = 0;

  /** Place the entries `appendNew` left out of the id map (every lookup by string calls this first). */
  private catchUp(): void {
    const strings = this.strings;
    if (this.indexed === strings.length) return;
    this.ids.reserve(strings.length);
    for (let i = this.indexed; i < strings.length; i++) this.ids.set(strings[i]!, i);
    this.indexed = strings.length;
  }

  /** Entries not yet in the id map (tests). */
  get unindexed(): number {
    return this.strings.length - this.indexed;
  }

  override get(s: string): number {
    this.catchUp();
    return this.ids.get(s);
  }

  protected override put(s: string, ix: number): void {
    this.catchUp();
    this.ids.set(s, ix);
    this.indexed = ix + 1;
  }

  /**
   * Add `s`, which the caller knows is absent (it holds every entry's string elsewhere, e.g. a file's string table
   * that made all of them), with its type, without a lookup; -1 if the dictionary is full. Its index is `size` before
   * the call. The id map learns it at the next lookup by string.
   */
  appendNew(s: string, type: SubjectTypeCode): number {
    const next = this.strings.length;
    if (next >= this.limit) return -1;
    this.strings.push(s);
    this.setType(next, type);
    return next;
  }
  /** The type of a new entry at `ix` (the type array grows by doubling). */
  private setType(ix: number, type: SubjectTypeCode): void {
    if (ix >= this.types.length) {
      const t = new Uint8Array(Math.max(ix + 1, this.types.length * 2));
      t.set(this.types);
      this.types = t;
    }
    this.types[ix] = type;
  }

  /** Index found by the last `typeOf` call (-1 if unknown): lets the caller skip a second lookup. */
  lastIndex = -1;

  typeOf(s: string): SubjectTypeCode {
    const ix = this.get(s);
    this.lastIndex = ix;
    return ix < 0 ? 0 : (this.types[ix] as SubjectTypeCode);
  }

  protected override append(s: string): number {
    const ix = super.append(s);
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

  /**
   * The index of `s`, added with `type` if it is unknown or known without a type (as the bulk paths need it). One
   * lookup: a new subject is placed directly (typeOf then addTyped looked it up twice more and packed it three
   * times; every subject of a file's first ingest is new, docs/decisions/0163).
   */
  intern(s: string, type: SubjectTypeCode): number {
    const next = this.strings.length;
    if (next >= this.limit) {
      const ix = this.get(s);
      if (ix >= 0 && this.types[ix] === 0) this.types[ix] = type;
      return ix;
    }
    // One pack and one probe walk: the id map places s at `next` if it is new (packed-ids.ts getOrSet).
    this.catchUp();
    const ix = this.ids.getOrSet(s, next);
    if (ix < 0) {
      this.strings.push(s);
      this.indexed = next + 1;
      this.setType(next, type);
      return next;
    }
    if (this.types[ix] === 0) this.types[ix] = type;
    return ix;
  }

  /** Make room for `count` subjects in all (one rehash of the id map instead of a doubling at each 3/4). */
  reserve(count: number): void {
    this.ids.reserve(count);
  }

  /** Slots of the id map (tests: what `reserve` sized). */
  get capacity(): number {
    return this.ids.capacity;
  }

  override truncate(size: number): void {
    if (size >= this.size) return;
    // A later entry may reuse these indexes: it must not inherit a type it was never checked for.
    this.types.fill(0, size, this.size);
    this.strings.length = size;
    const ids = new PackedIdMap(size);
    for (let i = 0; i < size; i++) ids.set(this.strings[i]!, i);
    this.ids = ids;
    this.indexed = size;
  }

  get byteLength(): number {
    return this.types.byteLength;
  }
}
