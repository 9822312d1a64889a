// A training or scoring set in columns: one Float64Array per variable (NaN = missing) and a 0/1 target.
import { readFileSync } from 'node:fs';
import { MosaicError } from '../../core/errors.js';
import { hash64, hex32 } from '../../core/hash.js';
import { parseCsv } from '../../ingest/csv.js';
import { groupColumn } from './binning.js';

export interface Dataset {
  names: string[];
  columns: Float64Array[];
  /** 1 = bad (the event), 0 = good. Absent when scoring. */
  target?: Uint8Array;
  /**
   * Categorical variables: their column holds the index of the row's label in categories[name] (NaN = missing).
   * Labels are sorted, so the same data gives the same codes whatever the row order.
   */
  categories?: Record<string, string[]>;
  /** Optional group labels per row for calibration by group (e.g. hukou, sex, age band). */
  groups?: Record<string, string[]>;
  rows: number;
}

/** A content hash of the columns, stored in the model so a score can be traced to its training data. */
export function datasetHash(d: Dataset): string {
  let h = `${d.rows}|${d.names.join(',')}`;
  // The labels behind categorical codes are part of the data (absent for all-numeric data, whose hash is unchanged).
  if (d.categories) h += `|${JSON.stringify(d.categories)}`;
  const parts: string[] = [];
  for (const c of [...d.columns, ...(d.target ? [new Float64Array(d.target)] : [])]) {
    const [a, b] = hash64(Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('latin1'));
    parts.push(hex32(a) + hex32(b));
  }
  h += parts.join('');
  const [a, b] = hash64(h);
  return hex32(a) + hex32(b);
}

/**
 * Read a CSV with a header. Numeric columns become variables; `target` must be 0/1; columns named in `groupCols`
 * are kept as labels; columns named in `categorical` are variables whose values are labels. An empty cell is a
 * missing value; in a numeric column anything else that is not a number is an error.
 */
export function readCsvDataset(
  file: string,
  target: string | undefined,
  groupCols: string[] = [],
  categorical: string[] = [],
): Dataset {
  const rows = parseCsv(readFileSync(file, 'utf8'));
  if (rows.length === 0)
    throw new MosaicError({ code: 'scorecard.empty_data', message: 'no header row', location: { file } });
  const header = rows[0]!.fields;
  const n = rows.length - 1;
  const idx = (name: string) => header.indexOf(name);
  if (target !== undefined && idx(target) < 0)
    throw new MosaicError({
      code: 'scorecard.no_target',
      message: `no column ${target}`,
      location: { file, line: 1 },
    });
  for (const g of groupCols)
    if (idx(g) < 0)
      throw new MosaicError({
        code: 'scorecard.no_group',
        message: `no column ${g}`,
        location: { file, line: 1 },
      });
  const varIdx = header
    .map((_, i) => i)
    .filter((i) => header[i] !== target && !groupCols.includes(header[i]!) && header[i] !== 'id');
  const names = varIdx.map((i) => header[i]!);
  for (const c of categorical)
    if (!names.includes(c))
      throw new MosaicError({
        code: 'scorecard.no_categorical',
        message: `no variable column ${c}`,
        location: { file, line: 1 },
      });
  // Dictionaries of the categorical columns: sorted distinct labels.
  const dict: Record<string, Map<string, number>> = {};
  const categories: Record<string, string[]> = {};
  for (const c of categorical) {
    const j = header.indexOf(c);
    const labels = [...new Set(rows.slice(1).map((r) => r.fields[j] ?? ''))].filter((l) => l !== '').sort();
    categories[c] = labels;
    dict[c] = new Map(labels.map((l, k) => [l, k]));
  }
  const catOf = names.map((nm) => dict[nm]);
  const columns = varIdx.map(() => new Float64Array(n));
  const y = target !== undefined ? new Uint8Array(n) : undefined;
  const groups: Record<string, string[]> = Object.fromEntries(
    groupCols.map((g) => [g, new Array<string>(n)]),
  );
  for (let r = 0; r < n; r++) {
    const row = rows[r + 1]!;
    const f = row.fields;
    if (f.length !== header.length)
      throw new MosaicError({
        code: 'scorecard.row_width',
        message: `row has ${f.length} fields, header has ${header.length}`,
        location: { file, line: row.line },
      });
    for (let j = 0; j < varIdx.length; j++) {
      const s = f[varIdx[j]!]!;
      const cat = catOf[j];
      if (cat) {
        columns[j]![r] = s === '' ? NaN : cat.get(s)!;
        continue;
      }
      const v = s === '' ? NaN : Number(s);
      if (s !== '' && !Number.isFinite(v))
        throw new MosaicError({
          code: 'scorecard.not_a_number',
          message: `${names[j]} = ${JSON.stringify(s)} is not a number`,
          location: { file, line: row.line, path: [names[j]!] },
        });
      columns[j]![r] = v;
    }
    if (y) {
      const t = f[idx(target!)]!;
      if (t !== '0' && t !== '1')
        throw new MosaicError({
          code: 'scorecard.bad_target',
          message: `${target} must be 0 or 1, not ${JSON.stringify(t)}`,
          location: { file, line: row.line, path: [target!] },
        });
      y[r] = t === '1' ? 1 : 0;
    }
    for (const g of groupCols) groups[g]![r] = f[idx(g)]!;
  }
  const d: Dataset = { names, columns, rows: n };
  if (y) d.target = y;
  if (groupCols.length) d.groups = groups;
  if (categorical.length) d.categories = categories;
  return d;
}

/**
 * The model's variables, in the model's order, as the columns its scorer reads: a numeric column as it is, a
 * categorical one as the group index of each row's label. A missing column, or a categorical variable given as
 * numbers, is an error.
 */
export function columnsFor(
  d: Dataset,
  vars: readonly { name: string; categories?: string[][] | undefined }[],
): Float64Array[] {
  return vars.map((v) => {
    const i = d.names.indexOf(v.name);
    if (i < 0)
      throw new MosaicError({
        code: 'scorecard.missing_variable',
        message: `the data has no column ${v.name}`,
      });
    if (!v.categories) return d.columns[i]!;
    const labels = d.categories?.[v.name];
    if (!labels)
      throw new MosaicError({
        code: 'scorecard.not_categorical',
        message: `${v.name} is categorical in the model; read it with --categorical ${v.name}`,
      });
    return groupColumn(v.categories, labels, d.columns[i]!);
  });
}
