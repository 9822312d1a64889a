// Corrections resolved from the encoded columns (the bulk path) must decide exactly what the per-record seen set of
// the two-pass path decides: same dangling corrections at the same lines, same records stored, with part of the
// targets already in the ledger and with the encoded buffer dropped part-way through the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../core/catalogue.js';
import type { CreditRecord } from '../core/types.js';
import { TEST_CATALOGUE } from '../ledger/ledger.contract.js';
import type { Ledger } from '../ledger/ledger.js';
import { MemoryLedger } from '../ledger/memory/memory-ledger.js';
import { syntheticRecords } from '../ledger/synthetic.js';
import { formatCsvRow } from './csv.js';
import { ingestFile, type IngestOptions } from './ingest.js';
import { ROW_COLUMNS } from './rows.js';

const cat = loadCatalogue(TEST_CATALOGUE);
const dir = mkdtempSync(join(tmpdir(), 'mosaic-supersedes-'));
// Holds corrections and withdrawals of earlier records: shuffled or left out, some targets come after their
// correction, some are stored before, some are missing (dangling).
const pool = syntheticRecords(cat, { records: 120, subjects: 12, seed: 11, correctionShare: 0.3 });
const subjects = [...new Set(pool.map((r) => r.subject))].sort();

function csv(rows: readonly CreditRecord[]): string {
  return (
    [ROW_COLUMNS, ...rows.map((r) => ROW_COLUMNS.map((c) => (r[c] === undefined ? '' : String(r[c]))))]
      .map((row) => formatCsvRow([...row]))
      .join('\n') + '\n'
  );
}

async function contents(ledger: Ledger): Promise<string[]> {
  const out: string[] = [];
  for (const s of subjects) for (const r of await ledger.readSubject(s)) out.push(JSON.stringify(r));
  return out;
}

let n = 0;
async function run(stored: readonly CreditRecord[], file: string, bulk: boolean, opts: IngestOptions) {
  const ledger = new MemoryLedger(cat);
  if (stored.length) await ledger.append(stored);
  // Without its bulk path the memory ledger takes the two-pass path of 0022, with the per-record seen set.
  if (!bulk) (ledger as { appendEncoded?: unknown }).appendEncoded = undefined;
  const summary = await ingestFile(ledger, file, { parallel: { mode: 'off' }, ...opts });
  return { summary, records: await contents(ledger) };
}

describe('corrections resolved from the encoded records', () => {
  it('decide as the per-record seen set does (targets stored, in the file before or after, or missing)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(pool, { minLength: 1 }),
        fc.array(fc.nat(pool.length - 1), { maxLength: 20 }),
        fc.nat(130),
        fc.integer({ min: 1, max: 9 }),
        async (rows, storedIx, buffer, batchSize) => {
          const stored = [...new Set(storedIx)].map((i) => pool[i]!).filter((r) => !r.supersedes);
          const file = join(dir, `f${n++}.csv`);
          writeFileSync(file, csv(rows));
          const ref = await run(stored, file, false, { batchSize });
          // Every record kept encoded: targets looked up in the columns.
          expect(await run(stored, file, true, { batchSize })).toEqual(ref);
          // The buffer dropped after `buffer` records: what it held goes into the seen set, noting resumes.
          expect(await run(stored, file, true, { batchSize, bufferRecords: buffer })).toEqual(ref);
        },
      ),
      { numRuns: 150, seed: 177 },
    );
  });
});
