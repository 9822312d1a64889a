// Open-addressing hash indexes over 64-bit record ids (two u32 halves): id → row for the in-memory columns,
// and a plain id set for adapters whose rows live in a database.
// Ids are already uniform hashes, so `hi` picks the home slot directly (see docs/decisions/0013): RowIdIndex scales it
// to any slot count (fastrange), IdSet takes its high bits.

import { Growable } from './growable.js';

const MAX_LOAD = 0.75;
/** Slots per 4 KiB page: an exact RowIdIndex size is rounded up to whole pages (a partly used page costs the same). */
const PAGE_SLOTS = 1024;
/** Top bits of `hi` IdSet.addBatch sorts a batch by: 2^14 counters, each covering a few KiB of a 10M-id table. */
const SORT_BITS = 14;
/** Ids whose home slots insertSorted reads ahead of probing them: enough misses in flight, still in L1 after. */
const GATHER = 64;
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

  /** Whether `n` more ids fit without a growth. */
  hasRoom(n: number): boolean {
    return this.count + n <= this.size_ * MAX_LOAD;
  }

  /** Slot count (the array's length): callers choose the sorted walk by it. */
  get slotCount(): number {
    return this.size_;
  }

  /**
   * findOrInsert for ids [0, len) of a batch, id i at row `start + i`, visited in home-slot order (a stable counting
   * sort on the top bits of `hi`, which orders homes): a large slot array is walked from start to end instead of
   * missing the cache on every probe (docs/decisions/0186). Equal ids share a home and keep their batch order, so the
   * first occurrence is inserted and the later ones found, as in row order. `dup[i]` is set to 1 for an id already
   * present (stored, or earlier in the batch), else 0; returns how many. The batch's ids must already be in the id
   * columns at rows start + i. Needs room for `len` ids (`hasRoom`): no growth may happen mid-walk, since the rows
   * inserted are not yet [0, size) in order. A caller that drops duplicates relabels the kept rows with `moveRow`.
   */
  insertSorted(hi: Uint32Array, lo: Uint32Array, len: number, start: number, dup: Uint8Array): number {
    if (!this.hasRoom(len)) throw new RangeError(`insertSorted: no room for ${len} ids`);
    if (start + len - 1 > MAX_INDEXED_ROWS)
      throw new RangeError(`row ${start + len - 1} exceeds the index limit ${MAX_INDEXED_ROWS}`);
    const down = 32 - SORT_BITS;
    const counts = this.counts.fill(0);
    for (let i = 0; i < len; i++) counts[(hi[i]! >>> down) + 1]!++;
    for (let b = 1; b < counts.length; b++) counts[b]! += counts[b - 1]!;
    if (this.order.length < len) {
      this.order = new Uint32Array(len);
      this.sortedHi = new Uint32Array(len);
      this.sortedLo = new Uint32Array(len);
      this.homes = new Uint32Array(len);
    }
    const order = this.order;
    const sHi = this.sortedHi;
    const sLo = this.sortedLo;
    const homes = this.homes;
    const scale = this.scale;
    // The sort lays the batch out in walk order (position, halves, home slot), so the walk below reads its inputs in
    // sequence instead of through `order` into the batch's columns (0193).
    for (let i = 0; i < len; i++) {
      const h = hi[i]!;
      const k = counts[h >>> down]!++;
      order[k] = i;
      sHi[k] = h;
      sLo[k] = lo[i]!;
      homes[k] = Math.floor(h * scale);
    }
    let found = 0;
    const slots = this.slots;
    const size = this.size_;
    const { hi: H, lo: L } = this.ids();
    let touched = 0;
    for (let k0 = 0; k0 < len; k0 += GATHER) {
      const k1 = Math.min(len, k0 + GATHER);
      // Read each home slot of the next few ids first, in a loop with no branch on what it reads: the loads are
      // independent, so the core has many cache misses in flight at once, where the probe loop below (a branch on
      // each slot) mostly waits for one at a time. At 10M ids the slot array is 53 MB and nearly every home is a
      // miss (docs/decisions/0191).
      for (let k = k0; k < k1; k++) touched |= slots[homes[k]!]!;
      // findOrInsert's probe, inlined with the table's fields in locals (room was checked for the whole batch): a
      // call per id re-read them and re-checked the load limit (0193).
      for (let k = k0; k < k1; k++) {
        const h = sHi[k]!;
        const l = sLo[k]!;
        const tag = l >>> ROW_BITS;
        let s = homes[k]!;
        let d = 0;
        for (;;) {
          const e = slots[s]!;
          if (e === 0) break;
          if (e >>> ROW_BITS === tag) {
            const r = (e & ROW_MASK) - 1;
            if (H[r] === h && L[r] === l) {
              d = 1;
              break;
            }
          }
          if (++s === size) s = 0;
        }
        const i = order[k]!;
        if (d === 0) slots[s] = ((tag << ROW_BITS) | (start + i + 1)) >>> 0;
        else found++;
        dup[i] = d;
      }
    }
    this.count += len - found;
    this.sink = touched;
    return found;
  }

  /** Keeps insertSorted's gathering reads live (a value nothing needs). */
  private sink = 0;

  /** Scratch of insertSorted: batch positions in home-slot order, their ids' halves and home slots. */
  private order = new Uint32Array(0);
  private sortedHi = new Uint32Array(0);
  private sortedLo = new Uint32Array(0);
  private homes = new Uint32Array(0);
  private readonly counts = new Uint32Array((1 << SORT_BITS) + 1);

  /**
   * Relabel the id at row `from` as row `to` (after insertSorted, when dropped duplicates shift the rows kept). Found
   * by its row alone: the id columns may already have been compacted.
   */
  moveRow(hi: number, from: number, to: number): void {
    const slots = this.slots;
    const size = this.size_;
    let i = this.home(hi);
    for (;;) {
      const e = slots[i]!;
      if (e === 0) throw new Error(`RowIdIndex.moveRow: row ${from} not found`);
      if ((e & ROW_MASK) - 1 === from) {
        slots[i] = (((e >>> ROW_BITS) << ROW_BITS) | (to + 1)) >>> 0;
        return;
      }
      if (++i === size) i = 0;
    }
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

/**
 * A set of ids, each slot holding both halves side by side (8 bytes per slot, one array): a probe of a large set
 * touches one cache line, not one in each of two arrays (at 10M ids the set is 128 MiB and every probe of a new id
 * misses the cache; docs/decisions/0183). Id (0, 0) is tracked by a flag.
 */
export class IdSet {
  /** Slot i is (slots[2i], slots[2i + 1]) = (hi, lo); (0, 0) is empty. */
  private slots: Uint32Array;
  private shift: number;
  private mask: number;
  private count = 0;
  private hasZero = false;

  constructor(initialBits = 10) {
    this.slots = new Uint32Array(2 << initialBits);
    this.shift = 32 - initialBits;
    this.mask = (1 << initialBits) - 1;
  }

  get size(): number {
    return this.count + (this.hasZero ? 1 : 0);
  }
  get byteLength(): number {
    return this.slots.byteLength;
  }

  has(hi: number, lo: number): boolean {
    if ((hi | lo) === 0) return this.hasZero;
    const S = this.slots;
    let i = hi >>> this.shift;
    for (;;) {
      const h = S[2 * i]!;
      const l = S[2 * i + 1]!;
      if ((h | l) === 0) return false;
      if (h === hi && l === lo) return true;
      i = (i + 1) & this.mask;
    }
  }

  /**
   * Make room for `n` ids in all without a further growth: a caller that knows how many ids are coming (a file's
   * records, before its first batch is stored) pays one rebuild at the final size instead of one per doubling.
   */
  reserve(n: number): void {
    let bits = 32 - this.shift;
    while (n > 2 ** bits * MAX_LOAD && bits < 31) bits++;
    if (bits > 32 - this.shift) this.rebuild(bits);
  }

  /**
   * Add rows [0, n) of the id columns, as `add` row by row in that order would: `fresh[i]` is set to 1 for a row
   * whose id was added and 0 for one already present (before the batch or earlier in it); returns how many were added.
   * The rows are visited sorted by their home slot (a stable counting sort on the top bits of `hi`), so a batch walks
   * a large table from start to end instead of jumping across it: at 10M ids (128 MiB) a random probe is a cache and
   * TLB miss, a sorted one mostly a hit on a line or page the previous probe brought in (0183).
   */
  addBatch(hi: Uint32Array, lo: Uint32Array, n: number, fresh: Uint8Array): number {
    // Grown first, so no rebuild moves the slots while the sorted walk runs.
    this.reserve(this.count + n);
    const bits = Math.min(SORT_BITS, 32 - this.shift);
    const down = 32 - bits;
    const counts = new Uint32Array((1 << bits) + 1);
    for (let i = 0; i < n; i++) counts[(hi[i]! >>> down) + 1]!++;
    for (let b = 1; b < counts.length; b++) counts[b]! += counts[b - 1]!;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[counts[hi[i]! >>> down]!++] = i;
    let added = 0;
    const shift = this.shift;
    const S = this.slots;
    let touched = 0;
    for (let k0 = 0; k0 < n; k0 += GATHER) {
      const k1 = Math.min(n, k0 + GATHER);
      // The next few ids' home slots read first, with no branch on what is read, so their cache misses are in flight
      // together (RowIdIndex.insertSorted's read-ahead, 0191): at 10M ids the table is 128 MiB and a batch's sorted
      // homes are ≈ 500 bytes apart, a miss each, which `add`'s probe otherwise waits for one at a time (0192).
      for (let k = k0; k < k1; k++) touched |= S[2 * (hi[order[k]!]! >>> shift)]!;
      for (let k = k0; k < k1; k++) {
        const i = order[k]!;
        const ok = this.add(hi[i]!, lo[i]!);
        fresh[i] = ok ? 1 : 0;
        if (ok) added++;
      }
    }
    this.sink = touched;
    return added;
  }

  /** Keeps addBatch's gathering reads live (a value nothing needs). */
  private sink = 0;

  /** Add; returns false if already present. */
  add(hi: number, lo: number): boolean {
    if ((hi | lo) === 0) {
      if (this.hasZero) return false;
      this.hasZero = true;
      return true;
    }
    if (this.count + 1 > (this.mask + 1) * MAX_LOAD) this.rebuild(32 - this.shift + 1);
    const S = this.slots;
    let i = hi >>> this.shift;
    for (;;) {
      const h = S[2 * i]!;
      const l = S[2 * i + 1]!;
      if ((h | l) === 0) break;
      if (h === hi && l === lo) return false;
      i = (i + 1) & this.mask;
    }
    S[2 * i] = hi;
    S[2 * i + 1] = lo;
    this.count++;
    return true;
  }

  private rebuild(bits: number): void {
    const old = this.slots;
    this.slots = new Uint32Array(2 * 2 ** bits);
    this.shift = 32 - bits;
    this.mask = 2 ** bits - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) if ((old[i]! | old[i + 1]!) !== 0) this.add(old[i]!, old[i + 1]!);
  }

  remove(hi: number, lo: number): boolean {
    if ((hi | lo) === 0) {
      const had = this.hasZero;
      this.hasZero = false;
      return had;
    }
    const S = this.slots;
    let i = hi >>> this.shift;
    for (;;) {
      const h = S[2 * i]!;
      const l = S[2 * i + 1]!;
      if ((h | l) === 0) return false;
      if (h === hi && l === lo) break;
      i = (i + 1) & this.mask;
    }
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & this.mask;
      const h = S[2 * j]!;
      const l = S[2 * j + 1]!;
      if ((h | l) === 0) break;
      const home = h >>> this.shift;
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        S[2 * hole] = h;
        S[2 * hole + 1] = l;
        hole = j;
      }
    }
    S[2 * hole] = 0;
    S[2 * hole + 1] = 0;
    this.count--;
    return true;
  }
}
