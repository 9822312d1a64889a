// String id → small integer for hot lookups by subject id: identifier-shaped ids packed into an open-addressing table
// with the key inline (one cache line per probe, no per-call allocation); any other string falls back to a Map.

/** Characters an inline key may hold: digits and upper-case ASCII letters (every Chinese identifier's alphabet). */
const MAX_INLINE = 18;
/** Each slot: three packed key words and the index + 1 (0 = empty): 16 bytes, four slots per cache line. */
const STRIDE = 4;

/**
 * A string → non-negative integer map tuned for lookups by subject id (the decision index's `indexOf`, the record
 * checker's subject memo, the ledgers' subject dictionaries; decision 0140). Resident IDs, USCCs and organisation
 * codes are at most 18 characters of [0-9A-Z]. Each character becomes a digit 1..36 (0 would be "no character")
 * and every six form one word in bijective base 37 (at most 37⁶ − 1 < 2³², kept as int32 bits), so three words
 * make a key that is unique per string and compares as three integers. The probe touches one slot array line and
 * never dereferences a stored string, where a `Map` reads its entry and then the key string. Other strings (lower
 * case, other scripts, longer than 18 characters, empty) go to an ordinary `Map`.
 */
export class PackedIdMap {
  private slots: Int32Array;
  /** Slot count: any size ≥ 16 (home = hash scaled to it), so `reserve` can take just the pages a count needs. */
  private cap: number;
  private used = 0;
  private readonly other = new Map<string, number>();
  // Packed words of the last `pack` call (fields, not a returned tuple, so lookups allocate nothing).
  private w0 = 0;
  private w1 = 0;
  private w2 = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.slots = new Int32Array(cap * STRIDE);
    this.cap = cap;
  }

  /** Pack s into w0..w2; false when s cannot be held inline. */
  private pack(s: string): boolean {
    const n = s.length;
    if (n === 0 || n > MAX_INLINE) return false;
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      let v: number;
      if (c >= 48 && c <= 57) v = c - 47;
      else if (c >= 65 && c <= 90) v = c - 54;
      else return false;
      // Bijective base 37 per word of six characters: distinct strings give distinct words (exact below 2⁵³).
      if (i < 6) w0 = w0 * 37 + v;
      else if (i < 12) w1 = w1 * 37 + v;
      else w2 = w2 * 37 + v;
    }
    this.w0 = w0 | 0;
    this.w1 = w1 | 0;
    this.w2 = w2 | 0;
    return true;
  }

  /**
   * Home slot of the packed key: murmur-style mixing of the three words, scaled to the slot count (fastrange: the
   * double product is within one rounding of hash × slots / 2^32, always below the slot count, and the same for
   * the same key, which is all linear probing needs).
   */
  private home(): number {
    let h = Math.imul(this.w0 ^ 0x9e3779b9, 0x85ebca6b) ^ this.w1;
    h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35) ^ this.w2;
    h = Math.imul(h ^ (h >>> 13), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
    return Math.floor(((h ^ (h >>> 15)) >>> 0) * (this.cap / 4294967296));
  }

  /** Value of s, or -1. */
  get(s: string): number {
    if (!this.pack(s)) return this.other.get(s) ?? -1;
    return this.probe();
  }

  /** Value of the key packed in w0..w2, or -1 (the probe every reader shares). */
  private probe(): number {
    const sl = this.slots;
    const cap = this.cap;
    const { w0, w1, w2 } = this;
    for (let p = this.home(); ; p = p + 1 === cap ? 0 : p + 1) {
      const o = p * STRIDE;
      const v = sl[o + 3]!;
      if (v === 0) return -1;
      if (sl[o] === w0 && sl[o + 1] === w1 && sl[o + 2] === w2) return v - 1;
    }
  }

  /**
   * Value of the key units[start, end) (code units already copied out of a text: CsvLineEncoder's view of a chunk,
   * docs/decisions/0185, 0188), or -1: `get` without making the key a string. A key that cannot be held inline
   * answers -1 even if present: callers take their slower path then, which asks `get` with the string.
   */
  getUnits(units: Uint16Array, start: number, end: number): number {
    const n = end - start;
    if (n <= 0 || n > MAX_INLINE) return -1;
    let w0 = 0;
    let w1 = 0;
    let w2 = 0;
    for (let i = 0; i < n; i++) {
      const c = units[start + i]!;
      let v: number;
      if (c >= 48 && c <= 57) v = c - 47;
      else if (c >= 65 && c <= 90) v = c - 54;
      else return -1;
      if (i < 6) w0 = w0 * 37 + v;
      else if (i < 12) w1 = w1 * 37 + v;
      else w2 = w2 * 37 + v;
    }
    this.w0 = w0 | 0;
    this.w1 = w1 | 0;
    this.w2 = w2 | 0;
    return this.probe();
  }

  /** Map s to ix ≥ 0. s must not be present yet (callers set after a failed get); there is no overwrite. */
  set(s: string, ix: number): void {
    if (!this.pack(s)) {
      this.other.set(s, ix);
      return;
    }
    this.growForOneMore();
    this.place(ix);
    this.used++;
  }

  /**
   * The value of s if present, else map s to ix and answer -1: one pack and one probe walk where `get` then `set`
   * packed the string twice and walked the chain twice (every subject of a file's first ingest is new).
   */
  getOrSet(s: string, ix: number): number {
    if (!this.pack(s)) {
      const v = this.other.get(s);
      if (v !== undefined) return v;
      this.other.set(s, ix);
      return -1;
    }
    // Grow first (as set does), so the empty slot the walk ends on is where the key goes.
    this.growForOneMore();
    const sl = this.slots;
    const cap = this.cap;
    const { w0, w1, w2 } = this;
    for (let p = this.home(); ; p = p + 1 === cap ? 0 : p + 1) {
      const o = p * STRIDE;
      const v = sl[o + 3]!;
      if (v === 0) {
        sl[o] = w0;
        sl[o + 1] = w1;
        sl[o + 2] = w2;
        sl[o + 3] = ix + 1;
        this.used++;
        return -1;
      }
      if (sl[o] === w0 && sl[o + 1] === w1 && sl[o + 2] === w2) return v - 1;
    }
  }

  /**
   * Make room for `count` keys in all with one rehash, instead of a doubling (a fresh table, every key placed again)
   * each time the map passes 3/4 full on the way there.
   */
  reserve(count: number): void {
    if (count * 4 <= this.cap * 3) return;
    // Just the 4 KiB pages (256 slots of 16 bytes) the count needs at 3/4 full: first touches of fresh memory are
    // most of a bulk append's cost (docs/decisions/0182).
    this.grow(Math.ceil((Math.ceil((count * 4) / 3) + 1) / 256) * 256);
  }

  /** Grow if one more key would pass 3/4 full, keeping the packed key's words (grow() re-places through them). */
  private growForOneMore(): void {
    if ((this.used + 1) * 4 <= this.cap * 3) return;
    const { w0, w1, w2 } = this;
    this.grow();
    this.w0 = w0;
    this.w1 = w1;
    this.w2 = w2;
  }

  private place(ix: number): void {
    const sl = this.slots;
    for (let p = this.home(); ; p = p + 1 === this.cap ? 0 : p + 1) {
      const o = p * STRIDE;
      if (sl[o + 3] === 0) {
        sl[o] = this.w0;
        sl[o + 1] = this.w1;
        sl[o + 2] = this.w2;
        sl[o + 3] = ix + 1;
        return;
      }
    }
  }

  private grow(cap = 2 * this.cap): void {
    const old = this.slots;
    this.cap = cap;
    this.slots = new Int32Array(cap * STRIDE);
    for (let o = 0; o < old.length; o += STRIDE) {
      const v = old[o + 3]!;
      if (v === 0) continue;
      this.w0 = old[o]!;
      this.w1 = old[o + 1]!;
      this.w2 = old[o + 2]!;
      this.place(v - 1);
    }
  }

  /** Forget every entry (keeps the capacity). */
  clear(): void {
    if (this.used > 0) this.slots.fill(0);
    this.used = 0;
    this.other.clear();
  }

  get size(): number {
    return this.used + this.other.size;
  }

  /** Slots of the inline table (keys it holds before growing: 3/4 of them). */
  get capacity(): number {
    return this.cap;
  }
}
