// The fast way from a submitted JSON row to a valid, sealed record: the ingest's fast CSV path (one id hash, the
// ledger's fast check, the ingest's own checks) fed the row's values as cells. A row it does not accept goes to
// rowToRecord, which decides and reports, so every row is still checked and every problem reported as by ingest.
import type { Catalogue } from '../core/catalogue.js';
import type { CreditRecord } from '../core/types.js';
import { CsvRecordBuilder } from '../ingest/fast-rows.js';
import { fieldOf } from '../ingest/rows.js';
import { RecordChecker } from '../ledger/record-check.js';

export class JsonRecordBuilder {
  private readonly ck: RecordChecker;
  /** One builder per key order (a batch's rows almost always share one). */
  private readonly builders = new Map<string, CsvRecordBuilder>();

  constructor(catalogue: Catalogue) {
    this.ck = new RecordChecker(catalogue);
  }

  /** Call once per batch: the checker's subject memo stays batch-sized. */
  beginBatch(): void {
    this.ck.beginBatch();
  }

  /**
   * The record rowToRecord would build from `row` (frozen and sealed, so the ledger's check parses its id instead
   * of hashing it again), or undefined when the row takes the reference path: a key that is not a field or names a
   * field twice, a value that is not a non-empty string (amount: a finite number other than -0), or a row the fast
   * check does not accept.
   */
  build(row: Record<string, unknown>): CreditRecord | undefined {
    const keys = Object.keys(row);
    const cells: string[] = new Array<string>(keys.length);
    const seen = new Set<string>();
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const f = fieldOf(k);
      if (f === undefined || seen.has(f)) return undefined;
      seen.add(f);
      const v = row[k];
      if (f === 'amount') {
        // String(n) round-trips every finite double through Number() except -0.
        if (typeof v !== 'number' || !Number.isFinite(v) || Object.is(v, -0)) return undefined;
        cells[i] = String(v);
      } else if (typeof v === 'string' && v !== '') cells[i] = v;
      else return undefined;
    }
    const header = keys.join('\u0000');
    let b = this.builders.get(header);
    if (!b) {
      if (this.builders.size > 64) this.builders.clear();
      this.builders.set(header, (b = new CsvRecordBuilder(keys, this.ck)));
    }
    return b.build(cells);
  }
}
