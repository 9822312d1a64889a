// Watches the benchmark process for stalls while a figure is measured: GC pauses by kind and event-loop delay, so a
// latency tail can be told apart from the server's own work.
import { PerformanceObserver, constants, monitorEventLoopDelay } from 'node:perf_hooks';

export interface PauseStats {
  count: number;
  maxMs: number;
  sumMs: number;
}

export interface Stalls {
  scavenge: PauseStats;
  major: PauseStats;
  loopP99Ms: number;
  loopMaxMs: number;
}

const round = (x: number) => Math.round(x * 10) / 10;

/** Starts watching; `stop()` ends it and returns what was seen meanwhile. */
export function watchStalls(): { stop(): Stalls } {
  const empty = (): PauseStats => ({ count: 0, maxMs: 0, sumMs: 0 });
  const seen = { scavenge: empty(), major: empty() };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind;
      // Incremental marking steps and weak-callback processing are left out: they run between, not as, pauses.
      const s =
        kind === constants.NODE_PERFORMANCE_GC_MINOR
          ? seen.scavenge
          : kind === constants.NODE_PERFORMANCE_GC_MAJOR
            ? seen.major
            : undefined;
      if (!s) continue;
      s.count++;
      s.sumMs += e.duration;
      s.maxMs = Math.max(s.maxMs, e.duration);
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  return {
    stop() {
      obs.disconnect();
      loop.disable();
      const fix = (s: PauseStats): PauseStats => ({
        count: s.count,
        maxMs: round(s.maxMs),
        sumMs: round(s.sumMs),
      });
      return {
        scavenge: fix(seen.scavenge),
        major: fix(seen.major),
        loopP99Ms: round(loop.percentile(99) / 1e6),
        loopMaxMs: round(loop.max / 1e6),
      };
    },
  };
}

/** One line for a figure's note. */
export function stallNote(s: Stalls): string {
  return `GC in the server process: ${s.scavenge.count} scavenges (max ${s.scavenge.maxMs} ms, total ${s.scavenge.sumMs} ms), ${s.major.count} major (max ${s.major.maxMs} ms); event-loop delay p99 ${s.loopP99Ms} ms, max ${s.loopMaxMs} ms`;
}
