// Test helper: run the real `mosaic` command tree in this process and capture its output and exit code; run a small
// Meritown simulation into a folder the way the CLI tests need one.
import { expect, vi } from 'vitest';
import { shipped } from '../core/paths.js';
import { main } from './main.js';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `mosaic ARGS` in-process: stdout/stderr captured, Commander's process.exit turned into a code. */
export async function runCli(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      stdout += String(c);
      return true;
    }),
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
      stderr += String(c);
      return true;
    }),
    // main() reports MosaicErrors through console.error, which the test runner intercepts before the stream.
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
      stderr += a.join(' ') + '\n';
    }),
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      stdout += a.join(' ') + '\n';
    }),
    vi.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
      throw new Exit(Number(code ?? 0));
    }),
  ];
  process.exitCode = undefined;
  let code: number;
  try {
    await main(['node', 'mosaic', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (err) {
    if (!(err instanceof Exit)) throw err;
    code = err.code;
  } finally {
    process.exitCode = undefined;
    for (const s of spies) s.mockRestore();
  }
  return { code, stdout, stderr };
}

/** `runCli` with global options in front of every call, e.g. `cliWith('--ledger', 'duckdb', '--data-dir', dir)`. */
export function cliWith(...global: string[]): (...args: string[]) => Promise<CliRun> {
  return (...args) => runCli(...global, ...args);
}

/** The stdout of a run as JSON, or undefined when it is not JSON (an error, a table). */
export function jsonOf(r: CliRun): unknown {
  try {
    return JSON.parse(r.stdout);
  } catch {
    return undefined;
  }
}

export interface SimRunOptions {
  population: number;
  years: number;
  seed?: number;
  /** Simulation workers (`--workers`); the CLI's default when absent. */
  workers?: number;
  /** Scenario overrides, as `--set path=value` (values that are not strings are written as JSON). */
  set?: Record<string, unknown>;
}

/** `mosaic sim run scenarios/meritown` into `out`, checked to succeed; returns `out`. */
export async function simRun(out: string, o: SimRunOptions): Promise<string> {
  const r = await runCli(...simRunArgs(out, o));
  expect(r.code, r.stderr).toBe(0);
  return out;
}

/** The arguments `simRun` passes, for a test that expects the run to be refused. */
export function simRunArgs(out: string, o: SimRunOptions): string[] {
  return [
    'sim',
    'run',
    shipped('scenarios', 'meritown'),
    '--population',
    String(o.population),
    '--years',
    String(o.years),
    ...(o.seed !== undefined ? ['--seed', String(o.seed)] : []),
    ...(o.workers !== undefined ? ['--workers', String(o.workers)] : []),
    '--out',
    out,
    '--no-progress',
    ...Object.entries(o.set ?? {}).flatMap(([k, v]) => [
      '--set',
      `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
    ]),
  ];
}
