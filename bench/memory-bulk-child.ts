// The ingest bench's in-memory bulk figure, run in a fresh process: reads a file's encoded records (v8-serialized
// EncodedParts), rebuilds ingest's batches, and times MemoryLedger.appendEncoded over all of them (docs/decisions/0193).
import { readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { loadCatalogue } from '../src/core/catalogue.js';
import { shipped } from '../src/core/paths.js';
import { appendParts, EncodedRecords, type EncodedParts } from '../src/ledger/encoded.js';
import { MemoryLedger } from '../src/ledger/memory/memory-ledger.js';

/** What the parent reads from this process's stdout (one JSON line). */
export interface BulkChildResult {
  records: number;
  /** Wall seconds of the appends. */
  wall: number;
  /** CPU seconds of this process (user + system, every thread) over the appends. */
  cpu: number;
  minorFaults: number;
  /** CPU seconds of the warm-up appends (two batches into each of two throwaway ledgers), before the clock. */
  warmCpu: number;
}

/** The file's batches as ingest cuts them; the deserialized parts are garbage once this returns. */
function loadBatches(file: string, batchSize: number): EncodedRecords {
  const enc = new EncodedRecords(batchSize);
  appendParts(enc, deserialize(readFileSync(file)) as EncodedParts, 0);
  return enc;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const [file, batchArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: memory-bulk-child <encoded parts file> [batch size]');
  const cat = loadCatalogue(shipped('src', 'ledger', 'testdata', 'catalogue.yaml'));
  const enc = loadBatches(file, Number(batchArg ?? 100_000));
  // Warm-up: the passes run on two batches of the same file into two throwaway ledgers in turn (the sorted walk forced
  // on), so they are optimised before the clock, for more than one ledger (each ledger's id-column closure is a new
  // call target to them: the first ledger's code deoptimised on the second's first batch). A 1M figure otherwise
  // measures V8 compiling them; at 10M that is ≈ 1 % either way (docs/decisions/0193).
  const c0 = process.cpuUsage();
  for (let w = 0; w < 2; w++) {
    const warm = new MemoryLedger(cat, { sortedWalkMinSlots: 0 });
    for (const b of enc.batches.slice(0, 2)) await warm.appendEncoded(b);
  }
  const cw = process.cpuUsage(c0);
  // The read buffers and the warm-up ledger collected now, and the collector's sweeping let finish, so none of it
  // runs on the clock: this process then holds what ingest's storing thread holds (batches, string tables).
  (globalThis as { gc?: () => void }).gc?.();
  await sleep(300);
  const ledger = new MemoryLedger(cat);
  const f = process.resourceUsage().minorPageFault;
  const c = process.cpuUsage();
  const t = performance.now();
  for (const b of enc.batches) await ledger.appendEncoded(b);
  const wall = (performance.now() - t) / 1000;
  const d = process.cpuUsage(c);
  const minorFaults = process.resourceUsage().minorPageFault - f;
  if ((await ledger.count()) !== enc.length)
    throw new Error(`bulk append stored ${await ledger.count()} of ${enc.length}`);
  const out: BulkChildResult = {
    records: enc.length,
    wall,
    cpu: (d.user + d.system) / 1e6,
    minorFaults,
    warmCpu: (cw.user + cw.system) / 1e6,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
