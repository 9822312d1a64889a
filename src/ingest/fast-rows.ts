// The fast way from a CSV row's cells to a valid record: no object per row beyond the record, one id hash, and the
// ledger's fast check. A row it does not accept goes to rowToRecord, which decides and reports (rows.ts).
import type { CreditRecord } from '../core/types.js';
import type { RecordChecker } from '../ledger/record-check.js';
import { formatRecordId } from '../ledger/record-id.js';
import { fieldOf, NUMBER } from './rows.js';

/**
 * Accepts exactly the rows rowToRecord accepts, building the same record (a differential test holds the two
 * equal), or answers undefined: the row may be bad, and the reference path finds out and says why.
 */
export class CsvRecordBuilder {
  private readonly at: Record<string, number> = {};

  /** `header`: the file's column names, already checked (checkColumns). */
  constructor(
    header: readonly string[],
    private readonly ck: RecordChecker,
  ) {
    header.forEach((name, i) => {
      const f = fieldOf(name);
      if (f !== undefined && this.at[f] === undefined) this.at[f] = i;
    });
  }

  private cell(fields: readonly string[], f: string): string {
    const i = this.at[f];
    return i === undefined ? '' : fields[i]!;
  }

  /**
   * `withId` false (validation only) may return the record with an empty id when the row supplies none; true gives it
   * its id, frozen and sealed for the ledger (RecordChecker.seal).
   */
  build(fields: readonly string[], withId = true): CreditRecord | undefined {
    const subject = this.cell(fields, 'subject');
    const kind = this.cell(fields, 'kind');
    const occurredAt = this.cell(fields, 'occurredAt');
    const reportedAt = this.cell(fields, 'reportedAt');
    const agency = this.cell(fields, 'agency');
    const basis = this.cell(fields, 'basis');
    if (!subject || !kind || !occurredAt || !reportedAt || !agency || !basis) return undefined;
    const amountText = this.cell(fields, 'amount');
    let amount: number | undefined;
    if (amountText !== '') {
      if (!NUMBER.test(amountText.trim())) return undefined;
      amount = Number(amountText);
    }
    // The shape makeRecord gives, field for field and in its order.
    const r: CreditRecord = {
      id: '',
      subject,
      kind,
      occurredAt,
      reportedAt,
      agency,
      basis,
      status: (this.cell(fields, 'status') || 'original') as CreditRecord['status'],
    };
    if (amount !== undefined) r.amount = amount;
    const severity = this.cell(fields, 'severity');
    if (severity) r.severity = severity;
    const level = this.cell(fields, 'level');
    if (level) r.level = level as CreditRecord['level'];
    const supersedes = this.cell(fields, 'supersedes');
    if (supersedes) r.supersedes = supersedes;
    const given = this.cell(fields, 'id');
    // Without a supplied id to compare, validation alone needs no hash: only a record to be stored gets its id.
    const computeId = withId || given !== '';
    if (!this.ck.okWithoutId(r, computeId)) return undefined;
    if (!computeId) return r;
    if (given !== '' && given !== formatRecordId(this.ck.idHi, this.ck.idLo)) return undefined;
    return this.ck.seal(r);
  }
}
