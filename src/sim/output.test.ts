// The run directory of docs/RUN-FORMAT.md: every file is written and the Parquet outputs open in DuckDB.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { shipped } from '../core/paths.js';
import { runSimulation } from './engine.js';

const SMALL = {
  scenarioDir: shipped('scenarios', 'meritown'),
  population: 3000,
  years: 0.25,
  seed: 11,
  workers: 0,
} as const;

describe('the run directory', () => {
  it('holds every file of docs/RUN-FORMAT.md and opens in DuckDB', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mosaic-run-')), 'run');
    const r = await runSimulation({ ...SMALL, out });
    for (const f of [
      'manifest.json',
      'ledger.duckdb',
      'records.parquet',
      'population.parquet',
      'firms.parquet',
      'events.parquet',
      'timeseries.parquet',
      'timeseries.csv',
    ])
      expect(existsSync(join(out, f)), f).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.scenarioHash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.seed).toBe(11);
    expect(manifest.versions.duckdb).toBeTruthy();
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const one = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJson()[0]!;
    const rec = await one(`SELECT count(*)::INTEGER AS n FROM '${join(out, 'records.parquet')}'`);
    expect(Number(rec.n)).toBe(r.manifest.counts.records);
    const pop = await one(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids, sum(party_member::INTEGER)::INTEGER AS party FROM '${join(out, 'population.parquet')}'`,
    );
    expect(Number(pop.n)).toBe(3000 + r.manifest.counts.births);
    expect(Number(pop.ids)).toBe(Number(pop.n));
    expect(Number(pop.party)).toBeGreaterThan(0);
    // every recorded event points at a record in the ledger export
    const orphan = await one(
      `SELECT count(*)::INTEGER AS n FROM '${join(out, 'events.parquet')}' e WHERE e.recorded AND e.record_id NOT IN (SELECT id FROM '${join(out, 'records.parquet')}')`,
    );
    expect(Number(orphan.n)).toBe(0);
    const ts = await one(
      `SELECT count(DISTINCT collector)::INTEGER AS n FROM '${join(out, 'timeseries.parquet')}'`,
    );
    expect(Number(ts.n)).toBeGreaterThan(10);
    const firms = await one(
      `SELECT count(*)::INTEGER AS n, count(legal_rep)::INTEGER AS reps FROM '${join(out, 'firms.parquet')}'`,
    );
    expect(Number(firms.reps)).toBe(Number(firms.n));
    c.closeSync();
    db.closeSync();
  });
});
