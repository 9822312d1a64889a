// The run manifest: what was run (scenario, seed, policies, versions), how long each step took, the counts, and the
// digests that prove two runs identical.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../core/paths.js';
import type { Model } from './model.js';

export interface Manifest {
  scenario: string;
  scenarioDir: string;
  scenarioHash: string;
  overrides: Record<string, unknown>;
  seed: number;
  population: number;
  years: number;
  start: string;
  end: string;
  step: string;
  epoch: string;
  workers: number;
  versions: { mosaic: string; node: string; duckdb: string; catalogue: string };
  policies: { municipal: string[]; lists: string[]; scheme?: string };
  timings: Record<string, number>;
  counts: Record<string, number>;
  /** sha256 over the ordered record ids and over the events: equal digests = identical outputs. */
  digests: { records: string; events: string };
}

export function eventSeverities(m: Model): (string | undefined)[] {
  const out: (string | undefined)[] = new Array(m.eventTypes.length).fill(undefined);
  for (const f of m.families) for (const o of f.outcomes) out[o.eventType] = o.severity;
  for (const s of Object.values(m.stages)) out[s.eventType] = s.severity;
  for (const o of [...m.appraisal, ...m.stars.map((s) => s.outcome), m.starPenalty, m.funeral])
    out[o.eventType] = o.severity;
  m.consumption.eventTypes.forEach((t, a) => (out[t] = m.consumption.actions[a]));
  return out;
}

let pkgVersion: string | undefined;
export function packageVersion(): string {
  if (!pkgVersion) {
    try {
      pkgVersion = (JSON.parse(readText(join(projectRoot(), 'package.json'))) as { version: string }).version;
    } catch {
      pkgVersion = 'unknown';
    }
  }
  return pkgVersion;
}
export function duckdbVersion(): string {
  try {
    return (
      JSON.parse(readText(join(projectRoot(), 'node_modules', '@duckdb', 'node-api', 'package.json'))) as {
        version: string;
      }
    ).version;
  } catch {
    return 'unknown';
  }
}
function readText(p: string): string {
  return readFileSync(p, 'utf8');
}
