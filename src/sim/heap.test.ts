// HeapTrim collects once the heap outgrows its bound, and leaves small heaps alone.
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { HeapTrim } from './heap.js';

const garbage = (mb: number): number => {
  let n = 0;
  for (let i = 0; i < mb * 16; i++) n += new Array<number>(8192).fill(i).length;
  return n;
};

describe('HeapTrim', () => {
  it('never collects below its floor', () => {
    const trim = new HeapTrim(Number.MAX_SAFE_INTEGER);
    garbage(20);
    expect(trim.check()).toBe(false);
  });

  it('collects when the heap in use passes the floor, freeing the garbage, then waits for it to grow again', () => {
    const trim = new HeapTrim(1, 1.5);
    const keep = new Array<number>(4_000_000).fill(1); // live data, ≈ 32 MB
    garbage(64);
    const before = getHeapStatistics().used_heap_size;
    expect(trim.check()).toBe(true);
    const after = getHeapStatistics().used_heap_size;
    expect(after).toBeLessThan(before);
    expect(after).toBeGreaterThan(keep.length * 4);
    // Right after a collection the heap is at its live size, under 1.5 times it.
    expect(trim.check()).toBe(false);
  });
});
