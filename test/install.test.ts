// A fresh clone installs with `npm ci` on any platform, and `npx mosaic` runs right after the install.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../', import.meta.url);
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; optionalDependencies?: Record<string, string> }>;
};
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
};

describe('install', () => {
  it('the lock lists every optional native binding of every platform, with a version (npm ci refuses otherwise)', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages))
      for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
        const got = lock.packages[`node_modules/${name}`];
        if (!got?.version) missing.push(`${path} → ${name}@${range}`);
      }
    expect(missing).toEqual([]);
  });

  it('`prepare` builds the CLI the bin entry loads, so npx mosaic works after npm install', () => {
    // `prepare` may run the build script (which also builds the web app); either way the CLI gets compiled.
    const prepare = pkg.scripts.prepare!.includes('npm run build')
      ? pkg.scripts.build!
      : pkg.scripts.prepare!;
    expect(prepare).toContain('tsconfig.build.json');
    expect(readFileSync(new URL(pkg.bin.mosaic!, root), 'utf8')).toContain('dist/src/cli/main.js');
  });
});
