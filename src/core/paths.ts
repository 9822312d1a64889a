// Locates files shipped with Mosaic (policies, scenarios, web assets) whether running from src/ or dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The package root: the nearest ancestor of this module holding package.json. */
export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the Mosaic package root');
    dir = up;
  }
  root = dir;
  return dir;
}

export function shipped(...parts: string[]): string {
  return join(projectRoot(), ...parts);
}

/**
 * A worker script compiled beside the module at `moduleUrl` (its import.meta.url), or, when running from sources (as
 * the tests do), the build of it in dist/; undefined when neither exists. `rel` is its path under src/, e.g.
 * 'ingest/validate-worker.js'.
 */
export function compiledWorker(moduleUrl: string, rel: string): string | undefined {
  const here = fileURLToPath(new URL(`./${rel.split('/').at(-1)!}`, moduleUrl));
  if (existsSync(here)) return here;
  const built = shipped('dist', 'src', ...rel.split('/'));
  return existsSync(built) ? built : undefined;
}
