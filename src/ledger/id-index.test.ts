// The id hash indexes against a Map under random inserts, removals and growth, with forced home-slot collisions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { IdSet, RowIdIndex } from './id-index.js';

type Op = ['add' | 'remove' | 'find', number, number];

/** Ids drawn from a small pool so that adds repeat and removes hit; hi values cluster to force collisions. */
const ops = fc.array(
  fc.tuple(
    fc.constantFrom<'add' | 'remove' | 'find'>('add', 'add', 'remove', 'find'),
    fc.oneof(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
    fc.integer({ min: 0, max: 40 }),
  ),
  { maxLength: 3000 },
) as fc.Arbitrary<Op[]>;

const key = (hi: number, lo: number) => `${hi}:${lo}`;

/** One operation on the set and on the reference, checking the set's answer against the reference's. */
function step(set: IdSet, ref: Set<string>, op: string, hi: number, lo: number): void {
  const k = key(hi, lo);
  if (op === 'add') {
    expect(set.add(hi, lo)).toBe(!ref.has(k));
    ref.add(k);
  } else if (op === 'remove') expect(set.remove(hi, lo)).toBe(ref.delete(k));
  else expect(set.has(hi, lo)).toBe(ref.has(k));
}

/** The set holds exactly the reference's ids. */
function holdsSame(set: IdSet, ref: Set<string>): void {
  expect(set.size).toBe(ref.size);
  for (const k of ref) {
    const [hi, lo] = k.split(':').map(Number);
    expect(set.has(hi!, lo!)).toBe(true);
  }
}

describe('IdSet', () => {
  it('behaves as a set of (hi, lo) pairs', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const set = new IdSet(2);
        const ref = new Set<string>();
        for (const [op, hi, lo] of list) step(set, ref, op, hi, lo);
        holdsSame(set, ref);
      }),
      { numRuns: 300 },
    );
  });
  it('keeps every id through reserve() at any point, and does not grow past a reserved size', () => {
    fc.assert(
      fc.property(ops, fc.array(fc.nat({ max: 5000 }), { maxLength: 4 }), (list, reserves) => {
        const set = new IdSet(2);
        const ref = new Set<string>();
        list.forEach(([op, hi, lo], at) => {
          // A reserve between ops, sized from the ids to come (as a file's record count is).
          if (reserves.length && at % Math.max(1, Math.floor(list.length / reserves.length)) === 0)
            set.reserve(ref.size + reserves[at % reserves.length]!);
          step(set, ref, op, hi, lo);
        });
        holdsSame(set, ref);
      }),
      { numRuns: 200 },
    );
    const set = new IdSet(2);
    set.reserve(10_000);
    const bytes = set.byteLength;
    for (let i = 1; i <= 10_000; i++) set.add(Math.imul(i, 2654435761) >>> 0, i);
    expect(set.byteLength).toBe(bytes);
    expect(set.size).toBe(10_000);
  });
});

describe('IdSet.addBatch', () => {
  it('adds a batch exactly as add() row by row would (fresh flags, count, membership)', () => {
    const id = fc.tuple(
      fc.oneof(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
      fc.integer({ min: 0, max: 40 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(id, { maxLength: 400 }), { maxLength: 6 }),
        fc.integer({ min: 2, max: 12 }),
        (batches, bits) => {
          const fast = new IdSet(bits);
          const ref = new IdSet(bits);
          for (const batch of batches) {
            const hi = Uint32Array.from(batch, (x) => x[0]);
            const lo = Uint32Array.from(batch, (x) => x[1]);
            // Stale flags must be overwritten: start from the opposite of what add() will answer.
            const fresh = new Uint8Array(batch.length + 3).fill(7);
            const added = fast.addBatch(hi, lo, batch.length, fresh);
            let want = 0;
            batch.forEach(([h, l], i) => {
              const ok = ref.add(h, l);
              expect(fresh[i]).toBe(ok ? 1 : 0);
              if (ok) want++;
            });
            expect(fresh[batch.length]).toBe(7);
            expect(added).toBe(want);
            expect(fast.size).toBe(ref.size);
            for (const [h, l] of batch) expect(fast.has(h, l)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('RowIdIndex', () => {
  it('maps ids to rows through growth and backward-shift removal', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const hiCol: number[] = [];
        const loCol: number[] = [];
        const cols = { hi: new Uint32Array(4096), lo: new Uint32Array(4096) };
        const index = new RowIdIndex(() => cols, 2);
        const ref = new Map<string, number>();
        for (const [op, hi, lo] of list) {
          const k = key(hi, lo);
          if (op === 'add') {
            if (ref.has(k)) {
              expect(index.find(hi, lo)).toBe(ref.get(k));
              // A present id is found, not inserted again.
              expect(index.findOrInsert(hi, lo, hiCol.length)).toBe(ref.get(k));
              continue;
            }
            // Exact sizes too: slot counts that are not powers of two (home = hi scaled to the size, 0182).
            if (hiCol.length % 7 === 3)
              index.reserve(ref.size + 5 + (hiCol.length % 300), hiCol.length % 2 === 1);
            const row = hiCol.length;
            hiCol.push(hi);
            loCol.push(lo);
            cols.hi[row] = hi;
            cols.lo[row] = lo;
            // Alternate the two ways in; findOrInsert of an absent id inserts it (and answers -1).
            if (row % 2 === 0) index.insert(hi, lo, row);
            else expect(index.findOrInsert(hi, lo, row)).toBe(-1);
            ref.set(k, row);
          } else if (op === 'remove') expect(index.remove(hi, lo)).toBe(ref.delete(k));
          else expect(index.find(hi, lo)).toBe(ref.get(k) ?? -1);
        }
        expect(index.size).toBe(ref.size);
        for (const [k, row] of ref) {
          const [hi, lo] = k.split(':').map(Number);
          expect(index.find(hi!, lo!)).toBe(row);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('dense: rows appended in order and removed from the top, through in-place growth from the id columns', () => {
    const step = fc.oneof(
      fc.tuple(
        fc.constant<'add'>('add'),
        fc.oneof(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
        fc.integer({ min: 0, max: 40 }),
      ),
      fc.tuple(fc.constant<'pop'>('pop'), fc.integer({ min: 1, max: 20 }), fc.constant(0)),
      fc.tuple(
        fc.constant<'reserve'>('reserve'),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 1 }),
      ),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 3000 }), fc.integer({ min: 1, max: 4 }), (list, bits) => {
        const cols = { hi: new Uint32Array(4096), lo: new Uint32Array(4096) };
        const index = new RowIdIndex(() => cols, bits, true);
        const ref = new Map<string, number>();
        let n = 0;
        for (const [op, a, b] of list) {
          if (op === 'add') {
            const k = key(a, b);
            // As the memory ledger does: the id goes into its row first, then one probe finds or inserts it.
            cols.hi[n] = a;
            cols.lo[n] = b;
            const got = index.findOrInsert(a, b, n);
            expect(got).toBe(ref.get(k) ?? -1);
            if (got < 0) ref.set(k, n++);
          } else if (op === 'pop') {
            for (let i = 0; i < a && n > 0; i++) {
              n--;
              expect(index.remove(cols.hi[n]!, cols.lo[n]!)).toBe(true);
              ref.delete(key(cols.hi[n]!, cols.lo[n]!));
            }
          } else index.reserve(a, b === 1);
        }
        expect(index.size).toBe(n);
        for (const [k, row] of ref) {
          const [hi, lo] = k.split(':').map(Number);
          expect(index.find(hi!, lo!)).toBe(row);
        }
        expect(index.find(1, 2 ** 31 + 5)).toBe(ref.get(key(1, 2 ** 31 + 5)) ?? -1);
      }),
      { numRuns: 300 },
    );
  });

  it('dense: refuses to remove a row that is not the last', () => {
    const cols = { hi: new Uint32Array([1, 2, 3]), lo: new Uint32Array([4, 5, 6]) };
    const index = new RowIdIndex(() => cols, 2, true);
    for (let r = 0; r < 3; r++) index.insert(cols.hi[r]!, cols.lo[r]!, r);
    expect(() => index.remove(2, 5)).toThrow(/not the last/);
    expect(index.remove(3, 6)).toBe(true);
    expect(index.remove(2, 5)).toBe(true);
  });

  it('sizes exactly for a known count: whole pages at the load limit, every home slot inside the table', () => {
    const n = 1_500_001;
    const pages = Math.ceil((Math.ceil(n / 0.75) + 1) / 1024);
    const cols = { hi: new Uint32Array(n), lo: new Uint32Array(n) };
    const index = new RowIdIndex(() => cols, 10, true);
    index.reserve(n, true);
    // ⌈(n / 0.75 + 1) / 1024⌉ pages of 1024 four-byte slots, not the 2^22 slots of the power of two above.
    expect(index.byteLength).toBe(4 * 1024 * pages);
    // The extreme his land inside the table (the last slot's home is size − 1, never size) and are found.
    const his = [0, 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1];
    let wrong = 0;
    for (let r = 0; r < n; r++) {
      cols.hi[r] = r < his.length ? his[r]! : Math.imul(r, 0x9e3779b1) >>> 0;
      cols.lo[r] = r;
      if (index.findOrInsert(cols.hi[r]!, cols.lo[r]!, r) !== -1) wrong++;
    }
    expect(wrong).toBe(0);
    expect(index.byteLength).toBe(4 * 1024 * pages);
    for (let r = 0; r < n; r += 997) if (index.find(cols.hi[r]!, cols.lo[r]!) !== r) wrong++;
    for (let r = n - 1; r >= n - 50; r--) if (!index.remove(cols.hi[r]!, cols.lo[r]!)) wrong++;
    for (let r = 0; r < his.length; r++) if (index.find(his[r]!, r) !== r) wrong++;
    expect(wrong).toBe(0);
    // Less than a doubling away: exact takes the pages needed, a plain reserve doubles (batch after batch of a
    // growing ledger must not rehash at every batch).
    const small = new RowIdIndex(() => cols, 10, true);
    small.reserve(3000);
    expect(small.byteLength).toBe(4 * 4096);
    small.reserve(4000, true);
    expect(small.byteLength).toBe(4 * 6144);
    small.reserve(4700);
    expect(small.byteLength).toBe(4 * 12288);
  });

  it('insertSorted finds and inserts a batch as findOrInsert in row order would; moveRow relabels the kept rows', () => {
    // Ids from a small pool (repeats within the batch and of stored ids), his clustered to share a sort bucket and a
    // home (the walk must keep equal ids in batch order), or spread over 32 bits (buckets across the table).
    const id = fc.tuple(
      fc.oneof(
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 2 ** 32 - 4, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      ),
      fc.integer({ min: 0, max: 40 }),
    );
    fc.assert(
      fc.property(
        fc.array(id, { maxLength: 400 }),
        fc.array(fc.array(id, { maxLength: 400 }), { maxLength: 4 }),
        fc.boolean(),
        (stored, batches, exact) => {
          const cols = { hi: new Uint32Array(4096), lo: new Uint32Array(4096) };
          const index = new RowIdIndex(() => cols, 2, true);
          const ref = new Map<string, number>();
          let n = 0;
          for (const [hi, lo] of stored) {
            cols.hi[n] = hi;
            cols.lo[n] = lo;
            if (index.findOrInsert(hi, lo, n) < 0) ref.set(key(hi, lo), n++);
          }
          for (const batch of batches) {
            const len = batch.length;
            const bHi = Uint32Array.from(batch, ([h]) => h);
            const bLo = Uint32Array.from(batch, ([, l]) => l);
            // As the memory ledger does: the batch's ids at rows n + i first, room for all of them, then the walk.
            cols.hi.set(bHi, n);
            cols.lo.set(bLo, n);
            index.reserve(n + len, exact);
            expect(index.hasRoom(len)).toBe(true);
            const dup = new Uint8Array(len).fill(7);
            const found = index.insertSorted(bHi, bLo, len, n, dup);
            // The reference: row order, the first occurrence kept.
            const want: number[] = [];
            const start = n;
            let kept = start;
            for (const [hi, lo] of batch) {
              const k = key(hi, lo);
              want.push(ref.has(k) ? 1 : 0);
              if (!ref.has(k)) ref.set(k, kept++);
            }
            expect([...dup]).toEqual(want);
            expect(found).toBe(want.filter((d) => d === 1).length);
            // Compaction as the memory ledger does it: kept ids move down to their rows, the index follows.
            for (let i = 0; i < len; i++) {
              if (dup[i]) continue;
              if (n !== start + i) {
                cols.hi[n] = bHi[i]!;
                cols.lo[n] = bLo[i]!;
                index.moveRow(bHi[i]!, start + i, n);
              }
              n++;
            }
            expect(n).toBe(kept);
          }
          expect(index.size).toBe(n);
          for (const [k, row] of ref) {
            const [hi, lo] = k.split(':').map(Number);
            expect(index.find(hi!, lo!)).toBe(row);
          }
          // Dense again: every row comes out from the top (a row left unrelabelled would not be the last).
          for (let r = n - 1; r >= 0; r--) expect(index.remove(cols.hi[r]!, cols.lo[r]!)).toBe(true);
          expect(index.size).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('insertSorted refuses a batch the slots have no room for', () => {
    const cols = { hi: new Uint32Array(2048), lo: new Uint32Array(2048) };
    const index = new RowIdIndex(() => cols, 10, true);
    expect(index.hasRoom(768)).toBe(true);
    expect(index.hasRoom(769)).toBe(false);
    expect(() => index.insertSorted(cols.hi, cols.lo, 769, 0, new Uint8Array(769))).toThrow(/no room/);
    expect(index.size).toBe(0);
  });

  it('holds a million random ids', () => {
    const n = 1_000_000;
    const rng = new Rng(11);
    const cols = { hi: new Uint32Array(n), lo: new Uint32Array(n) };
    for (let i = 0; i < n; i++) {
      cols.hi[i] = rng.nextU32();
      cols.lo[i] = rng.nextU32();
    }
    const index = new RowIdIndex(() => cols);
    for (let i = 0; i < n; i++) index.insert(cols.hi[i]!, cols.lo[i]!, i);
    for (let i = 0; i < n; i += 997) expect(index.find(cols.hi[i]!, cols.lo[i]!)).toBe(i);
    expect(index.find(cols.hi[0]!, cols.lo[0]! ^ 1)).toBe(-1);
    expect(index.byteLength).toBe(4 * 2 ** 21);
  });
});
