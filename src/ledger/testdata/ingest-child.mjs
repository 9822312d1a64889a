// Child process of the durability test: appends deterministic batches to a ledger and prints
// "ACK <batch> <inserted> <duplicates>" after each append resolves (the batch is committed). The parent SIGKILLs it
// at random points. With a CSV file as the last argument it runs the real ingest of that file instead,
// acknowledging each batch the ingest appends (batch numbers count from the start of the file on every run). At the
// end it prints "DONE <inserted> <duplicates>" for the whole run (a file stored in full before appends nothing).
// Usage: node ingest-child.mjs <compiled src dir> <adapter> <target> <catalogue.yaml> <seed> <batches> <batchSize>
//          <subjects> [file.csv]
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [srcDir, adapter, target, cataloguePath, seed, batches, batchSize, subjects, csv] =
  process.argv.slice(2);
const load = (p) => import(pathToFileURL(join(srcDir, p)).href);
const { loadCatalogue } = await load('core/catalogue.js');
const { openLedger } = await load('ledger/open.js');

const catalogue = loadCatalogue(cataloguePath);
const size = Number(batchSize);
const ledger = await openLedger(
  adapter === 'postgres' ? { adapter, schema: target, catalogue } : { adapter, file: target, catalogue },
);
const append = ledger.append.bind(ledger);
let b = 0;
let inserted = 0;
let duplicates = 0;
ledger.append = async (batch) => {
  const res = await append(batch);
  process.stdout.write(`ACK ${b++} ${res.inserted} ${res.duplicates}\n`);
  return res;
};
// The file ingest stores through the bulk path where the adapter has one (docs/decisions/0142): acknowledged alike.
if (ledger.appendEncoded) {
  const appendEncoded = ledger.appendEncoded.bind(ledger);
  ledger.appendEncoded = async (batch) => {
    const res = await appendEncoded(batch);
    process.stdout.write(`ACK ${b++} ${res.inserted} ${res.duplicates}\n`);
    return res;
  };
}
if (csv) {
  const { ingestFile } = await load('ingest/ingest.js');
  const s = await ingestFile(ledger, csv, { batchSize: size });
  inserted = s.inserted;
  duplicates = s.duplicates;
} else {
  const { syntheticRecords } = await load('ledger/synthetic.js');
  const records = syntheticRecords(catalogue, {
    records: Number(batches) * size,
    subjects: Number(subjects),
    seed: Number(seed),
  });
  for (let i = 0; i < Number(batches); i++) {
    const res = await ledger.append(records.slice(i * size, (i + 1) * size));
    inserted += res.inserted;
    duplicates += res.duplicates;
  }
}
await ledger.close();
process.stdout.write(`DONE ${inserted} ${duplicates}\n`);
