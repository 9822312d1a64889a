// Child process of the durability test: appends deterministic batches to a ledger and prints "ACK <batch>"
// after each append resolves (the batch is committed). The parent SIGKILLs it at random points.
// Usage: node ingest-child.mjs <compiled src dir> <adapter> <target> <catalogue.yaml> <seed> <batches> <batchSize>
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [srcDir, adapter, target, cataloguePath, seed, batches, batchSize] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(join(srcDir, p)).href);
const { loadCatalogue } = await load('core/catalogue.js');
const { openLedger } = await load('ledger/open.js');
const { syntheticRecords } = await load('ledger/synthetic.js');

const catalogue = loadCatalogue(cataloguePath);
const size = Number(batchSize);
const records = syntheticRecords(catalogue, {
  records: Number(batches) * size,
  subjects: 500,
  seed: Number(seed),
});
const ledger = await openLedger(
  adapter === 'postgres' ? { adapter, schema: target, catalogue } : { adapter, file: target, catalogue },
);
for (let b = 0; b < Number(batches); b++) {
  await ledger.append(records.slice(b * size, (b + 1) * size));
  process.stdout.write(`ACK ${b}\n`);
}
await ledger.close();
process.stdout.write('DONE\n');
