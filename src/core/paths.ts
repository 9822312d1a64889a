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
