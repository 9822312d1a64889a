// Keeps a long run's heaps near their live size by collecting when they have grown well past it (decision 0066).
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/** V8's full collection, exposed at run time when Node was not started with --expose-gc. */
function fullGc(): () => void {
  if (!collect) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (g) collect = g;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  return collect;
}

/** One full collection now (a worker letting its districts' state go before its last job). */
export function collectNow(): void {
  fullGc()();
}

/**
 * V8 lets an old generation grow to several times its live size before a major collection when memory is plentiful
 * (with a 4 GB limit, up to four times). A 1M-resident run's heaps are mostly one epoch's garbage, so the process
 * held ≈ 300 MB more than it needed at its peak. `check()` after each epoch collects once the heap in use exceeds
 * `factor` times what survived the previous collection, and never below `floorBytes`: small runs never collect.
 */
export class HeapTrim {
  private live = 0;
  constructor(
    private readonly floorBytes: number,
    private readonly factor = 1.5,
  ) {}

  /** Collect if the heap has outgrown its bound; true if it did. */
  check(): boolean {
    const used = getHeapStatistics().used_heap_size;
    if (used < Math.max(this.floorBytes, this.live * this.factor)) return false;
    fullGc()();
    this.live = getHeapStatistics().used_heap_size;
    return true;
  }
}
