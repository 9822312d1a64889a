#!/usr/bin/env node
// Entry point of the `mosaic` CLI: loads the compiled command tree (built by `npm install`/`npm ci` via `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error(
    'mosaic: the compiled CLI (dist/) is missing: run `npm run build` (npm install builds it unless scripts are disabled)',
  );
  process.exit(1);
}
const { main } = await import(entry.href);
main(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
