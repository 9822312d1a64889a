// The PostgreSQL scan keeps no COPY text alive: what a scan returns holds its strings, not the chunks they came from.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shippedListPolicy } from '../../schemes/lists/policy.js';
import type { RecordColumns } from '../ledger.js';
import { syntheticRecords } from '../synthetic.js';
import { PostgresLedger } from './postgres-ledger.js';
import { onPostgres } from './postgres.testkit.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const settledHeap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

await onPostgres('PostgreSQL scan retention', (url) => {
  const catalogue = shippedListPolicy().catalogue;
  const schema = `mosaic_scan_${process.pid}_${Date.now().toString(36)}`;
  let ledger: PostgresLedger;
  const records = 60_000;
  beforeAll(async () => {
    ledger = await PostgresLedger.open(url, schema, catalogue);
    // Many subjects, so nearly every COPY chunk brings a new one (as at 1M subjects / 10M records).
    await ledger.append(syntheticRecords(catalogue, { records, subjects: 20_000, seed: 5 }));
  }, 120_000);
  afterAll(async () => {
    await ledger.dropSchema();
    await ledger.close();
  });

  it('retains about its columns and dictionary, not the COPY text', async () => {
    // Each scan's result is kept, so what one more scan adds to the settled heap is what it retains.
    const kept: RecordColumns[] = [];
    const added: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = settledHeap();
      kept.push(await ledger.scan());
      added.push(settledHeap() - before);
    }
    expect(kept.map((c) => c.length)).toEqual([records, records, records]);
    // ~2 MB a scan here (20,000 subject ids, the agencies, the columns' wrappers). Before new dictionary entries
    // were copied out of the text, the slices kept every COPY chunk alive: ~16 MB a scan.
    expect(Math.min(...added)).toBeLessThan(5 * 2 ** 20);
  }, 60_000);
});
