// Counts by index: they leave by name, summed into what the district already holds, in the order a Map would have
// summed them; a count added to even by 0 leaves; draining starts the next epoch from zero.
import { describe, expect, it } from 'vitest';
import { Counts } from './counts.js';

describe('Counts', () => {
  it('drains sums by name into the tally map and starts again from zero', () => {
    const c = new Counts(['a', 'b', 'zero', 'never']);
    c.add(0);
    c.add(0, 2);
    c.add(1, 0.1);
    c.add(1, 0.2);
    c.add(2, 0);
    const into = new Map<string, number>([['a', 10]]);
    c.drain(into);
    expect(into.get('a')).toBe(13);
    // the same float sum a Map of running totals gives (0 + 0.1 + 0.2)
    expect(into.get('b')).toBe(0 + 0.1 + 0.2);
    expect(into.has('zero')).toBe(true);
    expect(into.get('zero')).toBe(0);
    expect(into.has('never')).toBe(false);
    const next = new Map<string, number>();
    c.add(1, 5);
    c.drain(next);
    expect([...next]).toEqual([['b', 5]]);
  });

  it('clear drops what was added without draining it', () => {
    const c = new Counts(['a']);
    c.add(0, 7);
    c.clear();
    const into = new Map<string, number>();
    c.drain(into);
    expect(into.size).toBe(0);
  });
});
