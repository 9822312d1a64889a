// The store pass overlaps reading with appending: batches still go in one at a time, in order, and a failed append
// is reported at its file line with nothing after it appended.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../core/catalogue.js';
import { MosaicError } from '../core/errors.js';
import { generateResidentId } from '../core/identifiers-gen.js';
import { Rng } from '../core/rng.js';
import type { CreditRecord } from '../core/types.js';
import { MemoryLedger } from '../ledger/memory/memory-ledger.js';
import { formatCsvRow } from './csv.js';
import { ingestFile } from './ingest.js';

const cat = loadCatalogue(new URL('./testdata/catalogue.yaml', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'mosaic-pipeline-'));
const person = generateResidentId(new Rng(7), { addressCode: '371082', birthDate: '1980-01-01', sex: 'M' });

function csvFile(n: number): string {
  const rows = [['subject', 'kind', 'occurredAt', 'reportedAt', 'agency', 'basis', 'amount']];
  for (let i = 0; i < n; i++)
    rows.push([person, 'tax.arrears', '2024-01-02', '2024-01-03', 'tax', `b${i}`, '5']);
  const f = join(dir, `f${n}.csv`);
  writeFileSync(f, rows.map((r) => formatCsvRow(r)).join('\n') + '\n');
  return f;
}

/** A memory ledger that logs append calls (start/end) and can fail the k-th; without the bulk path, so the store
 * pass is the two-pass one (0022) that overlaps reading with appending. */
class Observed extends MemoryLedger {
  // An own property shadowing the prototype's method: ingest sees no bulk path.
  override appendEncoded = undefined as unknown as MemoryLedger['appendEncoded'];
  log: string[] = [];
  failAt = -1;
  private calls = 0;
  override async append(records: readonly CreditRecord[]) {
    const k = this.calls++;
    this.log.push(`start ${k}`);
    // Let the reader run meanwhile, as a database would.
    await new Promise((r) => setTimeout(r, 5));
    if (k === this.failAt)
      throw new MosaicError({
        code: 'ledger.write_failed',
        message: 'boom',
        location: { path: ['records', 1, 'basis'] },
      });
    const res = await super.append(records);
    this.log.push(`end ${k}`);
    return res;
  }
}

describe('ingest store pass', () => {
  it('appends batches one at a time, in file order', async () => {
    const ledger = new Observed(cat);
    const s = await ingestFile(ledger, csvFile(10), { batchSize: 3 });
    expect(s).toMatchObject({ inserted: 10, duplicates: 0, stored: true });
    expect(ledger.log).toEqual([
      'start 0',
      'end 0',
      'start 1',
      'end 1',
      'start 2',
      'end 2',
      'start 3',
      'end 3',
    ]);
    expect(await ledger.count()).toBe(10);
  });

  it('reports a failed append at its file line and appends nothing after it', async () => {
    const ledger = new Observed(cat);
    ledger.failAt = 1;
    const err = await ingestFile(ledger, csvFile(10), { batchSize: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MosaicError);
    // Batch 1 holds data rows 4..6 (file lines 5..7); its record 1 is on line 6.
    expect((err as MosaicError).issues[0]!.location).toEqual({ file: expect.any(String), line: 6 });
    expect(ledger.log).toEqual(['start 0', 'end 0', 'start 1']);
    expect(await ledger.count()).toBe(3);
  });
});
