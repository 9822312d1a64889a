// The shape every benchmark module returns, so `npm run bench` can print one table with peer ratios.

export interface BenchFigure {
  /** Which issue table row this answers, e.g. 'Ledger ingest 10M (DuckDB)'. */
  name: string;
  value: number;
  unit: string;
  /** The peer measured in the same run, if any. */
  peer?: { name: string; value: number; unit: string };
  /** Mosaic ÷ peer for throughputs (higher is better); stated explicitly by the module. */
  ratio?: number;
  target?: string;
  note?: string;
}

export interface BenchContext {
  /** 1 = the sizes in the issues (10M records, 1M subjects); smaller for quick runs. */
  scale: number;
  log: (msg: string) => void;
}

export type BenchModule = { name: string; run: (ctx: BenchContext) => Promise<BenchFigure[]> };
