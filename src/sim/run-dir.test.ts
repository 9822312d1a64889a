// A run directory's own entries: what later commands write into a run is replaced with it, and nothing else is.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../core/errors.testkit.js';
import { OUTPUT_MARKER } from '../core/outputs.js';
import { prepareRunDir, RUN_ENTRIES } from './run-dir.js';
const RUN_FINANCE = 'finance';

const work = mkdtempSync(join(tmpdir(), 'mosaic-run-dir-'));
/** What `mosaic finance from-run` leaves in a run: the folder with a data file. */
const addFinance = (run: string) => {
  mkdirSync(join(run, RUN_FINANCE));
  writeFileSync(join(run, RUN_FINANCE, 'credit.jsonl'), '{"stale":true}\n');
};

describe('prepareRunDir', () => {
  it("replacing a run (--force) removes the finance data derived from it and keeps the user's own files", () => {
    const run = prepareRunDir(join(work, 'run'), false);
    writeFileSync(join(run, 'manifest.json'), '{}');
    addFinance(run);
    writeFileSync(join(run, 'notes.txt'), 'mine');
    expect(codeOf(() => prepareRunDir(run, false))).toBe('output.exists');
    prepareRunDir(run, true);
    expect(existsSync(join(run, RUN_FINANCE))).toBe(false);
    expect(existsSync(join(run, 'manifest.json'))).toBe(false);
    expect(readFileSync(join(run, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('a run marked before finance joined its entries still has its finance data removed on --force', () => {
    const run = join(work, 'old-marker');
    mkdirSync(run);
    const older = RUN_ENTRIES.filter((e) => e !== RUN_FINANCE);
    writeFileSync(join(run, OUTPUT_MARKER), JSON.stringify({ kind: 'sim-run', created: older }));
    addFinance(run);
    prepareRunDir(run, true);
    expect(existsSync(join(run, RUN_FINANCE))).toBe(false);
  });

  it('a run written before markers existed is recognised with its finance folder, not refused as foreign', () => {
    const run = join(work, 'legacy');
    mkdirSync(run);
    writeFileSync(join(run, 'manifest.json'), '{}');
    writeFileSync(join(run, 'ledger.duckdb'), '');
    addFinance(run);
    expect(codeOf(() => prepareRunDir(run, true))).toBe('ok');
    expect(existsSync(join(run, RUN_FINANCE))).toBe(false);
    // With a file no run writes beside them it is still someone else's directory.
    writeFileSync(join(run, 'manifest.json'), '{}');
    writeFileSync(join(run, 'ledger.duckdb'), '');
    rmSync(join(run, OUTPUT_MARKER));
    writeFileSync(join(run, 'thesis.tex'), 'years of work');
    expect(codeOf(() => prepareRunDir(run, true))).toBe('output.not_empty');
  });
});
