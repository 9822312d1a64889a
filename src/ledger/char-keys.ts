// String → small integer keyed by characters, with the keys packed in one character pool: a lookup can be made
// from a range of a larger text (a CSV line) without slicing a string out of it (docs/decisions/0185).

/** Each slot: the key's hash, its index + 1 (0 = empty), its offset in the pool and its length: 16 bytes. */
const STRIDE = 4;

/** Hash of the UTF-16 code units text[start, end) (FNV-1a with a final avalanche: the same for a string and a range). */
export function hashRange(text: string, start: number, end: number): number {
  let h = 0x811c9dc5 ^ (end - start);
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return avalanche(h);
}

/** hashRange of code units already copied out of a text (CsvLineEncoder's view of a chunk, docs/decisions/0188). */
export function hashUnits(units: Uint16Array, start: number, end: number): number {
  let h = 0x811c9dc5 ^ (end - start);
  for (let i = start; i < end; i++) h = Math.imul(h ^ units[i]!, 0x01000193);
  return avalanche(h);
}

function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * An open-addressing table from strings to non-negative integers whose probe reads one slot line and then the key's
 * characters in a pool of code units, never a string object. A `Map.get` of a freshly sliced field hashes the new
 * string and then follows the entry to the stored key string: with ~100k distinct keys those are cache misses on
 * scattered heap objects, and the slice itself is garbage (0183 measured ≈ 1 µs per lookup). Keys are exact: equal
 * hashes are confirmed character by character.
 */
export class CharKeyMap {
  private slots: Int32Array;
  private mask: number;
  private used = 0;
  private pool = new Uint16Array(1 << 12);
  private poolLength = 0;

  constructor(capacity = 256) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.slots = new Int32Array(cap * STRIDE);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.used;
  }

  /** Value of s, or -1. */
  get(s: string): number {
    return this.getRange(s, 0, s.length);
  }

  /** Value of the key text[start, end), or -1. */
  getRange(text: string, start: number, end: number): number {
    const h = hashRange(text, start, end);
    const n = end - start;
    const sl = this.slots;
    const pool = this.pool;
    const mask = this.mask;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const o = p * STRIDE;
      const v = sl[o + 1]!;
      if (v === 0) return -1;
      if (sl[o] === h && sl[o + 3] === n) {
        const off = sl[o + 2]!;
        let i = 0;
        while (i < n && pool[off + i] === text.charCodeAt(start + i)) i++;
        if (i === n) return v - 1;
      }
    }
  }

  /** getRange over code units already copied out of a text (CsvLineEncoder's view of a chunk). */
  getUnits(units: Uint16Array, start: number, end: number): number {
    const h = hashUnits(units, start, end);
    const n = end - start;
    const sl = this.slots;
    const pool = this.pool;
    const mask = this.mask;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const o = p * STRIDE;
      const v = sl[o + 1]!;
      if (v === 0) return -1;
      if (sl[o] === h && sl[o + 3] === n) {
        const off = sl[o + 2]!;
        let i = 0;
        while (i < n && pool[off + i] === units[start + i]) i++;
        if (i === n) return v - 1;
      }
    }
  }

  /** Map s to ix ≥ 0. s must not be present yet (callers set after a failed get); there is no overwrite. */
  set(s: string, ix: number): void {
    if ((this.used + 1) * 4 > (this.mask + 1) * 3) this.grow();
    const n = s.length;
    if (this.poolLength + n > this.pool.length) {
      let size = this.pool.length * 2;
      while (size < this.poolLength + n) size *= 2;
      const pool = new Uint16Array(size);
      pool.set(this.pool.subarray(0, this.poolLength));
      this.pool = pool;
    }
    const off = this.poolLength;
    for (let i = 0; i < n; i++) this.pool[off + i] = s.charCodeAt(i);
    this.poolLength += n;
    this.place(hashRange(s, 0, n), ix + 1, off, n);
    this.used++;
  }

  private place(h: number, v: number, off: number, n: number): void {
    const sl = this.slots;
    const mask = this.mask;
    for (let p = h & mask; ; p = (p + 1) & mask) {
      const o = p * STRIDE;
      if (sl[o + 1] === 0) {
        sl[o] = h;
        sl[o + 1] = v;
        sl[o + 2] = off;
        sl[o + 3] = n;
        return;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    for (let o = 0; o < old.length; o += STRIDE)
      if (old[o + 1] !== 0) this.place(old[o]!, old[o + 1]!, old[o + 2]!, old[o + 3]!);
  }
}
