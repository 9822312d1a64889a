// `npm run bench`: runs every benchmark module in one process and prints each figure with its peer ratio.
import { cpus, totalmem } from 'node:os';
import type { BenchFigure, BenchModule } from './types.js';
import { benchModules } from './modules.js';

const args = process.argv.slice(2);
const scale = Number(
  args.find((a) => a.startsWith('--scale='))?.slice(8) ?? process.env.MOSAIC_BENCH_SCALE ?? 1,
);
const only = args.find((a) => a.startsWith('--only='))?.slice(7);

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e6) return (n / 1e6).toFixed(2) + 'M';
  if (Math.abs(n) >= 1e3) return (n / 1e3).toFixed(1) + 'k';
  return n.toFixed(n < 10 ? 3 : 1);
}

async function main(): Promise<void> {
  console.log(
    `Mosaic benchmarks — ${new Date().toISOString()} — ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, scale ${scale}`,
  );
  const rows: [string, BenchFigure][] = [];
  const mods: BenchModule[] = benchModules.filter((m) => !only || m.name.includes(only));
  for (const m of mods) {
    console.log(`\n## ${m.name}`);
    const figs = await m.run({ scale, log: (s) => console.log(`  … ${s}`) });
    for (const f of figs) {
      rows.push([m.name, f]);
      const peer = f.peer ? ` | peer ${f.peer.name}: ${fmt(f.peer.value)} ${f.peer.unit}` : '';
      const ratio = f.ratio !== undefined ? ` | ratio ${f.ratio.toFixed(f.ratio < 10 ? 2 : 0)}×` : '';
      const target = f.target ? ` | target ${f.target}` : '';
      console.log(
        `  ${f.name}: ${fmt(f.value)} ${f.unit}${peer}${ratio}${target}${f.note ? ` (${f.note})` : ''}`,
      );
    }
  }
  console.log('\n' + JSON.stringify({ scale, rows: rows.map(([m, f]) => ({ module: m, ...f })) }));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
