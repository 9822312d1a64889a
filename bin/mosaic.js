#!/usr/bin/env node
// Entry point of the `mosaic` CLI: loads the compiled command tree.
import { main } from '../dist/src/cli/main.js';

main(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
