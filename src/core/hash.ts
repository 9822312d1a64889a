// A fast, deterministic 64-bit string hash (two independent 32-bit lanes) used for record ids.
// Not cryptographic: ids only need to be stable and collision-resistant at ledger scale (see docs/decisions).

/** Hash a string to 64 bits, returned as [hi, lo] unsigned 32-bit halves. */
export function hash64(s: string): [number, number] {
  let h1 = 0x811c9dc5 ^ s.length;
  let h2 = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  // Final avalanche (murmur3 fmix32) on each lane, cross-mixed so the halves are not independent of each other.
  h1 ^= h2 >>> 13;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h1 = Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  h2 ^= h1;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b);
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  return [h1 >>> 0, h2 >>> 0];
}

const HEX = '0123456789abcdef';

export function hex32(n: number): string {
  let s = '';
  for (let i = 28; i >= 0; i -= 4) s += HEX[(n >>> i) & 15];
  return s;
}

/** Split a 16-hex-digit id body back into its [hi, lo] halves. */
export function parseHex64(hex: string): [number, number] {
  return [parseInt(hex.slice(0, 8), 16) >>> 0, parseInt(hex.slice(8, 16), 16) >>> 0];
}
