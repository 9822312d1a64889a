// Hands a fitted scorecard and its data to Debian's pandas/statsmodels/scikit-learn (bench/scorecard_check.py)
// and reads back the differences in WoE, IV, coefficients and AUC.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import type { Dataset } from './dataset.js';
import type { ScorecardModel } from './model.js';

/** The interpreter with Debian's python3-* packages; the first python3 on PATH may be another one. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export interface PeerCheck {
  rows: number;
  max_woe_diff: number;
  max_iv_diff: number;
  max_coef_diff: number;
  auc_sklearn: number;
  auc_diff: number;
  statsmodels_seconds: number;
  peer_fit_seconds?: number;
  variables: { name: string; woe_diff: number; iv_diff: number }[];
}

/** True when /usr/bin/python3 can import the three peers. */
export function peersAvailable(): boolean {
  if (!existsSync(SYSTEM_PYTHON)) return false;
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import pandas, statsmodels, sklearn'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const raw = (a: Float64Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function runPeerCheck(
  data: Dataset,
  model: ScorecardModel,
  scores: Float64Array,
  opts: { timePeer?: boolean } = {},
): PeerCheck {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-scorecard-check-'));
  try {
    writeFileSync(join(dir, 'y.u8'), raw(data.target!));
    writeFileSync(join(dir, 'scores.f64'), raw(scores));
    const file = (j: number) => `x${j}.f64`;
    data.columns.forEach((c, j) => writeFileSync(join(dir, file(j)), raw(c)));
    const sel = new Set(model.variables.map((v) => v.name));
    const meta = {
      rows: data.rows,
      intercept: model.intercept,
      auc: model.training.auc,
      time_peer: opts.timePeer ?? false,
      variables: model.variables.map((v) => ({
        name: v.name,
        file: file(data.names.indexOf(v.name)),
        edges: v.edges,
        // A categorical variable: its file holds codes into `labels`; the peer maps labels to bins with pandas.
        ...(v.categories ? { labels: data.categories![v.name], categories: v.categories } : {}),
        woe: v.woe,
        iv: v.iv,
        coefficient: v.coefficient,
      })),
      all_variables: data.names.map((nm, j) => ({ name: nm, file: file(j), selected: sel.has(nm) })),
    };
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta));
    let outText: string;
    try {
      outText = execFileSync(SYSTEM_PYTHON, [shipped('bench', 'scorecard_check.py'), dir], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
    } catch (e) {
      throw new MosaicError({ code: 'scorecard.peer_failed', message: (e as Error).message });
    }
    return JSON.parse(outText) as PeerCheck;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
