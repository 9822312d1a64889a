// Test helper: run the real `mosaic` command tree in this process and capture its output and exit code.
import { vi } from 'vitest';
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
