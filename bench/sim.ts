// Meritown benchmarks: 1M residents × 365 daily steps with every engine on, scaling in population and years, peak
// memory, and the same simple agent loop in Mosaic's columnar style and in Flocc (npm `flocc`), in one process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, Environment, utils } from 'flocc';
import { Rng } from '../src/core/rng.js';
import { shipped } from '../src/core/paths.js';
import { runSimulation, type Manifest } from '../src/sim/engine.js';
import type { BenchContext, BenchFigure, BenchModule } from './types.js';

interface Measured {
  manifest: Manifest;
  seconds: number;
  peakRss: number;
}

/** One full run (DuckDB ledger and every output, unless `persist` is false) with RSS sampled every 50 ms; the process RSS includes the workers. */
async function measured(
  population: number,
  years: number,
  workers: number,
  log: (s: string) => void,
  persist = true,
): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-bench-sim-'));
  (globalThis as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t = performance.now();
  try {
    const r = await runSimulation({
      scenarioDir: shipped('scenarios', 'meritown'),
      population,
      years,
      seed: 1,
      workers,
      // Without an output folder the run keeps its ledger in memory and writes no files.
      ...(persist ? { out: join(dir, 'run') } : {}),
    });
    const seconds = (performance.now() - t) / 1000;
    const m = r.manifest;
    log(
      `${population.toLocaleString('en')} residents × ${years} y, ${workers} workers${persist ? '' : ', memory ledger, no files'}: ${seconds.toFixed(1)} s total ` +
        `(setup ${((m.timings.load! + m.timings.world! + m.timings.engines_setup!) / 1000).toFixed(1)} s, step loop ${(m.timings.simulate! / 1000).toFixed(1)} s ` +
        `[districts ${(m.timings.step! / 1000).toFixed(1)}, engines ${(m.timings.engine_updates! / 1000).toFixed(1)}, merge+io ${(m.timings.merge_io! / 1000).toFixed(1)}], ` +
        `write ${(m.timings.write! / 1000).toFixed(1)} s), ${m.counts.records!.toLocaleString('en')} records, peak RSS ${(peak / 2 ** 30).toFixed(2)} GiB`,
    );
    return { manifest: m, seconds, peakRss: Math.max(peak, process.memoryUsage().rss) };
  } finally {
    clearInterval(timer);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The simple loop both sides run: each agent, each step, offends with probability p; its risk decays and jumps. */
function columnarLoop(n: number, steps: number, seed: number): { ms: number; offences: number } {
  const rng = new Rng(seed);
  const risk = new Float64Array(n).fill(0.01);
  const count = new Uint32Array(n);
  const t = performance.now();
  let offences = 0;
  for (let s = 0; s < steps; s++)
    for (let i = 0; i < n; i++) {
      const off = rng.next() < risk[i]!;
      risk[i] = risk[i]! * 0.99 + (off ? 0.05 : 0.0001);
      if (off) {
        count[i]!++;
        offences++;
      }
    }
  return { ms: performance.now() - t, offences };
}

function floccLoop(n: number, steps: number, seed: number): { ms: number; offences: number } {
  utils.seed(seed);
  const env = new Environment();
  for (let i = 0; i < n; i++) {
    const a = new Agent({ risk: 0.01, count: 0 });
    a.set('tick', (ag: Agent) => {
      const r = ag.get('risk') as number;
      const off = utils.uniform() < r;
      ag.set('risk', r * 0.99 + (off ? 0.05 : 0.0001));
      if (off) ag.increment('count');
    });
    env.addAgent(a);
  }
  const t = performance.now();
  env.tick({ count: steps });
  const ms = performance.now() - t;
  let offences = 0;
  for (const a of env.getAgents()) offences += a.get('count') as number;
  return { ms, offences };
}

export const simBench: BenchModule = {
  name: 'sim',
  async run(ctx: BenchContext): Promise<BenchFigure[]> {
    const s = ctx.scale;
    const size = (n: number) => Math.max(2000, Math.round(n * s));
    const figs: BenchFigure[] = [];
    // ---- scaling in population (the largest is the headline run) ----
    const sizes = [100_000, 300_000, 1_000_000].map(size);
    const runs: Measured[] = [];
    for (const n of sizes) runs.push(await measured(n, 1, 2, ctx.log));
    const big = runs[runs.length - 1]!;
    const steps = big.manifest.counts.agentDays!;
    figs.push({
      name: `Meritown ${sizes[2]!.toLocaleString('en')} residents × 365 daily steps, all engines, 2 workers (wall, incl. outputs)`,
      value: big.seconds,
      unit: 's',
      target: s >= 1 ? '≤ 60 s' : `≤ 60 s at scale 1 (this is scale ${s})`,
      note: `step loop ${(big.manifest.timings.simulate! / 1000).toFixed(1)} s, writing outputs ${(big.manifest.timings.write! / 1000).toFixed(1)} s`,
    });
    figs.push({
      name: 'Meritown agent-steps per second (resident-days ÷ wall seconds of the whole run)',
      value: steps / big.seconds,
      unit: 'agent-steps/s',
      target: '≥ 6M agent-steps/s',
    });
    const mem = await measured(sizes[2]!, 1, 2, ctx.log, false);
    figs.push({
      name: `Meritown ${sizes[2]!.toLocaleString('en')} × 365, lists and municipal engines on, in-memory ledger, no output files`,
      value: mem.seconds,
      unit: 's',
      note: `${(mem.manifest.counts.agentDays! / mem.seconds / 1e6).toFixed(2)}M agent-steps/s; the difference to the run above is the DuckDB ledger (register and appends) and the Parquet outputs`,
    });
    const perStep = runs.map((r) => (r.seconds * 1e9) / r.manifest.counts.agentDays!);
    figs.push({
      name: `Scaling in population (${sizes.map((n) => n.toLocaleString('en')).join(' / ')}): ns per agent-step`,
      value: perStep[2]!,
      unit: 'ns',
      note: `${perStep.map((x) => x.toFixed(0)).join(' / ')} ns; largest ÷ smallest = ${(perStep[2]! / perStep[0]!).toFixed(2)} (1.0 = linear, below 1 = fixed costs amortised)`,
    });
    // ---- scaling in years ----
    const two = await measured(sizes[0]!, 2, 2, ctx.log);
    figs.push({
      name: `Scaling in years (${sizes[0]!.toLocaleString('en')} residents, 1 vs 2 years): time ratio`,
      value: two.seconds / runs[0]!.seconds,
      unit: '×',
      target: '≤ 2 (linear or better)',
      note: `step loop alone ${(two.manifest.timings.simulate! / runs[0]!.manifest.timings.simulate!).toFixed(2)}×; setup and the run's fixed costs do not grow with the years`,
    });
    figs.push({
      name: `Peak memory, ${sizes[2]!.toLocaleString('en')} residents (process RSS incl. workers)`,
      value: big.peakRss / 2 ** 30,
      unit: 'GiB',
      target: s >= 1 ? '≤ 2 GB' : `≤ 2 GB at scale 1 (this is scale ${s})`,
    });
    // ---- the same simple loop in Mosaic style and in Flocc ----
    const n = Math.min(200_000, size(1_000_000));
    const T = 30;
    const mine = columnarLoop(n, T, 1);
    const theirs = floccLoop(n, T, 1);
    const mineRate = (n * T) / (mine.ms / 1000);
    const floccRate = (n * T) / (theirs.ms / 1000);
    ctx.log(
      `simple loop, ${n.toLocaleString('en')} agents × ${T} steps: columnar ${mine.ms.toFixed(0)} ms (${mine.offences} offences), Flocc ${theirs.ms.toFixed(0)} ms (${theirs.offences} offences)`,
    );
    figs.push({
      name: `Simple agent loop (${n.toLocaleString('en')} agents × ${T} steps): Mosaic typed arrays vs Flocc agents`,
      value: mineRate,
      unit: 'agent-steps/s',
      peer: { name: 'flocc 0.7', value: floccRate, unit: 'agent-steps/s' },
      ratio: mineRate / floccRate,
    });
    return figs;
  },
};
