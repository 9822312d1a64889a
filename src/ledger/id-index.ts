// Open-addressing hash indexes over 64-bit record ids (two u32 halves): id → row for the in-memory columns,
// and a plain id set for adapters whose rows live in a database.
// Ids are already uniform hashes, so `hi` picks the home slot directly (see docs/decisions/0013): RowIdIndex scales it
// to any slot count (fastrange), IdSet takes its high bits.

import { Growable } from './growable.js';

const MAX_LOAD = 0.75;
/** Slots per 4 KiB page: an exact RowIdIndex size is rounded up to whole pages (a partly used page costs the same). */
const PAGE_SLOTS = 1024;
const ROW_BITS = 27;
const ROW_MASK = (1 << ROW_BITS) - 1;
/** Largest row number a RowIdIndex can hold: slots pack (5-bit tag, row + 1) into one u32. */
export const MAX_INDEXED_ROWS = ROW_MASK - 1;

/**
 * Maps an id to its row in caller-owned id columns. A slot is a single u32: the row plus one in the low 27 bits
 * and five bits of `lo` as a tag, so a probe rarely has to read the (cache-cold) id columns to reject a slot.
 * 4 bytes per slot at a load between 0.375 and 0.75, or just under 0.75 when sized for a known count (`reserve`
 * with `exact`): the slot count need not be a power of two, since the home slot is `hi` scaled to it (fastrange),
 * so a ledger sized for a file's records touches ≈ 5.3 bytes of fresh memory a record, not up to 10.7
 * (docs/decisions/0182).
 */
export class RowIdIndex {
  /**
   * The slots live in a resizable buffer and grow in place: a doubling commits new pages instead of allocating a
   * second array, so a growing ledger touches each page of its index once (first touches of fresh memory are most of
   * a bulk append's cost, docs/decisions/0175).
   */
  private readonly store: Growable<Uint32Array>;
  private readonly slots: Uint32Array;
  /** Slot count (any size ≥ 2); `scale` = size / 2^32, so `hi * scale` is the home slot. */
  private size_: number;
  private scale: number;
  private count = 0;

  /**
   * `ids()` returns the current id columns (they may be reallocated as they grow). `dense`: the caller keeps exactly
   * rows [0, size) in the index (it appends rows in order and removes only the last), so a growth rebuilds from the
   * id columns, read in order, with no copy of the old slots; `remove` enforces it.
   */
  constructor(
    private readonly ids: () => { hi: Uint32Array; lo: Uint32Array },
    initialBits = 10,
    private readonly dense = false,
  ) {
    this.store = new Growable(Uint32Array, 2 ** (ROW_BITS + 1));
    this.store.growTo(1 << initialBits);
    this.slots = this.store.array;
    this.size_ = 1 << initialBits;
    this.scale = this.size_ / 2 ** 32;
  }

  /**
   * Home slot of an id: `hi` (uniform over 32 bits) scaled to the slot count. The product is a double: for slot
   * counts up to 2^28 it is within one rounding of hi × size / 2^32, always below size, and the same for the same hi,
   * which is all linear probing needs.
   */
  private home(hi: number): number {
    return Math.floor(hi * this.scale);
  }

  get size(): number {
    return this.count;
  }
  get byteLength(): number {
    return this.store.byteLength;
  }

  /** Row of the id, or -1. */
  find(hi: number, lo: number): number {
    const { hi: H, lo: L } = this.ids();
    const slots = this.slots;
    const size = this.size_;
    const tag = lo >>> ROW_BITS;
    let i = this.home(hi);
    for (;;) {
      const e = slots[i]!;
      if (e === 0) return -1;
      if (e >>> ROW_BITS === tag) {
        const row = (e & ROW_MASK) - 1;
        if (H[row] === hi && L[row] === lo) return row;
      }
      if (++i === size) i = 0;
    }
  }

  /** Add an id known to be absent. */
  insert(hi: number, lo: number, row: number): void {
    if (row > MAX_INDEXED_ROWS)
      throw new RangeError(`row ${row} exceeds the index limit ${MAX_INDEXED_ROWS}`);
    if (this.count + 1 > this.size_ * MAX_LOAD) this.reserve(this.count + 1);
    this.place(hi, (((lo >>> ROW_BITS) << ROW_BITS) | (row + 1)) >>> 0);
    this.count++;
  }

  /**
   * find, and when the id is absent, insert it at `row` in the empty slot the probe ended on: one walk of the probe
   * chain instead of two (an append's new record would otherwise pay the slot array's cache miss twice). Returns
   * the row already holding the id, or -1 when it was inserted.
   */
  findOrInsert(hi: number, lo: number, row: number): number {
    if (row > MAX_INDEXED_ROWS)
      throw new RangeError(`row ${row} exceeds the index limit ${MAX_INDEXED_ROWS}`);
    // Grow first, so the empty slot found below is still the right one.
    if (this.count + 1 > this.size_ * MAX_LOAD) this.reserve(this.count + 1);
    const { hi: H, lo: L } = this.ids();
    const slots = this.slots;
    const size = this.size_;
    const tag = lo >>> ROW_BITS;
    let i = this.home(hi);
    for (;;) {
      const e = slots[i]!;
      if (e === 0) break;
      if (e >>> ROW_BITS === tag) {
        const r = (e & ROW_MASK) - 1;
        if (H[r] === hi && L[r] === lo) return r;
      }
      if (++i === size) i = 0;
    }
    slots[i] = ((tag << ROW_BITS) | (row + 1)) >>> 0;
    this.count++;
    return -1;
  }

  /**
   * Size the slot array for `count` ids at once (one rehash for a batch instead of one per doubling). It at least
   * doubles, so batch after batch of a growing ledger rehashes O(log n) times; `exact` (a count known not to be
   * passed soon, e.g. a whole file's records) takes just the pages `count` needs at the load limit.
   */
  reserve(count: number, exact = false): void {
    if (count <= this.size_ * MAX_LOAD) return;
    const need = Math.ceil(Math.ceil(count / MAX_LOAD + 1) / PAGE_SLOTS) * PAGE_SLOTS;
    this.grow(Math.min(this.store.maxLength, exact ? need : Math.max(need, 2 * this.size_)));
  }

  private place(hi: number, entry: number): void {
    const slots = this.slots;
    const size = this.size_;
    let i = this.home(hi);
    while (slots[i] !== 0) if (++i === size) i = 0;
    slots[i] = entry;
  }

  private grow(size: number): void {
    const oldSize = this.size_;
    // Generic mode re-places the old entries, so they are copied out first; dense mode reads the id columns.
    const old = this.dense ? undefined : this.slots.slice(0, oldSize);
    this.store.growTo(size);
    this.slots.fill(0, 0, oldSize);
    this.size_ = size;
    this.scale = size / 2 ** 32;
    const { hi: H, lo: L } = this.ids();
    if (old) {
      for (let i = 0; i < old.length; i++) {
        const e = old[i]!;
        if (e !== 0) this.place(H[(e & ROW_MASK) - 1]!, e);
      }
      return;
    }
    for (let r = 0; r < this.count; r++)
      this.place(H[r]!, (((L[r]! >>> ROW_BITS) << ROW_BITS) | (r + 1)) >>> 0);
  }

  /** Remove an id (used to undo a failed batch). Backward-shift deletion keeps probe chains intact. */
  remove(hi: number, lo: number): boolean {
    const { hi: H, lo: L } = this.ids();
    const slots = this.slots;
    const size = this.size_;
    const tag = lo >>> ROW_BITS;
    let i = this.home(hi);
    for (;;) {
      const e = slots[i]!;
      if (e === 0) return false;
      if (e >>> ROW_BITS === tag) {
        const row = (e & ROW_MASK) - 1;
        if (H[row] === hi && L[row] === lo) {
          if (this.dense && row !== this.count - 1)
            throw new Error(`dense RowIdIndex: removing row ${row}, not the last (${this.count - 1})`);
          break;
        }
      }
      if (++i === size) i = 0;
    }
    let hole = i;
    let j = i;
    for (;;) {
      if (++j === size) j = 0;
      const e = slots[j]!;
      if (e === 0) break;
      const home = this.home(H[(e & ROW_MASK) - 1]!);
      // Move e back into the hole unless its home lies cyclically in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        slots[hole] = e;
        hole = j;
      }
    }
    slots[hole] = 0;
    this.count--;
    return true;
  }
}

/** A set of ids, each slot holding both halves (8 bytes per slot). Id (0, 0) is tracked by a flag. */
export class IdSet {
  private his: Uint32Array;
  private los: Uint32Array;
  private shift: number;
  private mask: number;
  private count = 0;
  private hasZero = false;

  constructor(initialBits = 10) {
    this.his = new Uint32Array(1 << initialBits);
    this.los = new Uint32Array(1 << initialBits);
    this.shift = 32 - initialBits;
    this.mask = (1 << initialBits) - 1;
  }

  get size(): number {
    return this.count + (this.hasZero ? 1 : 0);
  }
  get byteLength(): number {
    return this.his.byteLength * 2;
  }

  has(hi: number, lo: number): boolean {
    if ((hi | lo) === 0) return this.hasZero;
    const H = this.his;
    const L = this.los;
    let i = hi >>> this.shift;
    for (;;) {
      const h = H[i]!;
      const l = L[i]!;
      if ((h | l) === 0) return false;
      if (h === hi && l === lo) return true;
      i = (i + 1) & this.mask;
    }
  }

  /** Add; returns false if already present. */
  add(hi: number, lo: number): boolean {
    if ((hi | lo) === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      return true;
    }
    if (this.count + 1 > this.his.length * MAX_LOAD) this.grow();
    const H = this.his;
    const L = this.los;
    let i = hi >>> this.shift;
    for (;;) {
      const h = H[i]!;
      const l = L[i]!;
      if ((h | l) === 0) break;
      if (h === hi && l === lo) return false;
      i = (i + 1) & this.mask;
    }
    H[i] = hi;
    L[i] = lo;
    this.count++;
    return true;
  }

  private grow(): void {
    const oh = this.his;
    const ol = this.los;
    const bits = 32 - this.shift + 1;
    this.his = new Uint32Array(2 ** bits);
    this.los = new Uint32Array(2 ** bits);
    this.shift = 32 - bits;
    this.mask = 2 ** bits - 1;
    this.count = 0;
    for (let i = 0; i < oh.length; i++) if ((oh[i]! | ol[i]!) !== 0) this.add(oh[i]!, ol[i]!);
  }

  remove(hi: number, lo: number): boolean {
    if ((hi | lo) === 0) {
      const had = this.hasZero;
      this.hasZero = false;
      return had;
    }
    const H = this.his;
    const L = this.los;
    let i = hi >>> this.shift;
    for (;;) {
      const h = H[i]!;
      const l = L[i]!;
      if ((h | l) === 0) return false;
      if (h === hi && l === lo) break;
      i = (i + 1) & this.mask;
    }
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & this.mask;
      const h = H[j]!;
      const l = L[j]!;
      if ((h | l) === 0) break;
      const home = h >>> this.shift;
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        H[hole] = h;
        L[hole] = l;
        hole = j;
      }
    }
    H[hole] = 0;
    L[hole] = 0;
    this.count--;
    return true;
  }
}
