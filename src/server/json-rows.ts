// The fast way from a submitted JSON row to a valid, sealed record: the ingest's fast CSV path (one id hash, the
// ledger's fast check, the ingest's own checks) fed the row's values as cells. A row it does not accept goes to
// rowToRecord, which decides and reports, so every row is still checked and every problem reported as by ingest.
import type { Catalogue } from '../core/catalogue.js';
import type { CreditRecord } from '../core/types.js';
import { CsvRecordBuilder } from '../ingest/fast-rows.js';
import { fieldOf } from '../ingest/rows.js';
import type { EncodedRecords } from '../ledger/encoded.js';
import { RecordChecker } from '../ledger/record-check.js';
import { formatRecordId } from '../ledger/record-id.js';

/** One key order of rows: its keys, its builder and the position of its amount key (-1: none). */
interface KeyOrder {
  keys: readonly string[];
  builder: CsvRecordBuilder;
  amountAt: number;
  /** The cells of the row being built, reused row after row (the builder keeps none of them). */
  cells: string[];
}
/** Key orders remembered (a batch's optional fields give a handful). */
const RECENT = 16;

export class JsonRecordBuilder {
  private readonly ck: RecordChecker;
  /** One builder per key order (a batch's rows almost always share one). */
  private readonly builders = new Map<string, CsvRecordBuilder>();
  /** The key orders of recent rows, newest first. */
  private readonly recent: KeyOrder[] = [];

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
   *
   * With `into`, the accepted row is also pushed (at `line`) onto the ledger's bulk-path columns (Ledger.appendEncoded;
   * decision 0168) from the checker's verdict, and the record is left unfrozen and unsealed: the ledger then takes
   * the columns and never checks the record object again, so sealing it would be work nobody reads.
   */
  build(row: Record<string, unknown>, into?: EncodedRecords, line = 0): CreditRecord | undefined {
    // A batch's rows use a few key orders (optional fields present or not): rows with the keys of one seen recently
    // (V8 interns property names, so each comparison is a pointer compare) reuse its builder, already known to name
    // each field once, and its cells. The order is compared with for-in, which walks the object's cached key list
    // without making an array per row (decision 0174); an inherited enumerable key makes it differ, and the row then
    // takes the Object.keys path below (own keys only), as before.
    let known: KeyOrder | undefined;
    for (const o of this.recent)
      if (sameKeysIn(row, o.keys)) {
        known = o;
        break;
      }
    const keys = known ? known.keys : Object.keys(row);
    const cells: string[] = known ? known.cells : new Array<string>(keys.length);
    const seen = known ? undefined : new Set<string>();
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      let amount: boolean;
      if (seen) {
        const f = fieldOf(k);
        if (f === undefined || seen.has(f)) return undefined;
        seen.add(f);
        amount = f === 'amount';
      } else amount = i === known!.amountAt;
      const v = row[k];
      if (amount) {
        // String(n) round-trips every finite double through Number() except -0.
        if (typeof v !== 'number' || !Number.isFinite(v) || Object.is(v, -0)) return undefined;
        cells[i] = String(v);
      } else if (typeof v === 'string' && v !== '') cells[i] = v;
      else return undefined;
    }
    if (!known) {
      const header = keys.join('\u0000');
      let b = this.builders.get(header);
      if (!b) {
        if (this.builders.size > 64) this.builders.clear();
        this.builders.set(header, (b = new CsvRecordBuilder(keys, this.ck)));
      }
      known = { keys, builder: b, amountAt: keys.findIndex((k) => fieldOf(k) === 'amount'), cells };
      this.recent.unshift(known);
      if (this.recent.length > RECENT) this.recent.pop();
    }
    const b = known.builder;
    if (!into) return b.build(cells);
    const r = b.build(cells, true, false);
    if (!r) return undefined;
    into.push(this.ck, r, line);
    r.id = formatRecordId(this.ck.idHi, this.ck.idLo);
    return r;
  }
}

/** Does for-in over `row` give exactly `keys`, in order? */
function sameKeysIn(row: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in row) if (i >= keys.length || k !== keys[i++]) return false;
  return i === keys.length;
}
