// The fast way from a CSV row's cells to a valid record: no object per row beyond the record, one id hash, and the
// ledger's fast check. A row it does not accept goes to rowToRecord, which decides and reports (rows.ts).
import type { CreditRecord } from '../core/types.js';
import type { RecordChecker } from '../ledger/record-check.js';
import { formatRecordId } from '../ledger/record-id.js';
import type { Issue } from '../core/errors.js';
import { fieldOf, ingestChecks, NUMBER, type RowCheckOptions } from './rows.js';

const NOWHERE = { file: '', line: 0 };

/**
 * Accepts exactly the rows rowToRecord accepts, building the same record (a differential test holds the two
 * equal), or answers undefined: the row may be bad, and the reference path finds out and says why.
 */
export class CsvRecordBuilder {
  private readonly at: Record<string, number> = {};

  /** `header`: the file's column names, already checked (checkColumns). */
  private readonly issues: Issue[] = [];

  constructor(
    header: readonly string[],
    private readonly ck: RecordChecker,
    private readonly checks: RowCheckOptions = {},
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
   * its id, frozen and sealed for the ledger (RecordChecker.seal). `seal` false (with `withId`): the id is computed
   * but left in the checker's slots with the other encoded fields (EncodedRecords.push reads them), and the record's
   * `id` stays empty. `textSafe`: the row's text is known free of unsafe characters (SourceRow.textSafe).
   */
  build(fields: readonly string[], withId = true, seal = true, textSafe = false): CreditRecord | undefined {
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
    // Validation alone needs no hash, unless there is a supplied id to compare or the record names one it
    // supersedes (those are resolved by id after the pass); a record to be stored gets its id, sealed.
    const computeId = withId || given !== '' || supersedes !== '';
    if (!this.ck.okWithoutId(r, computeId)) return undefined;
    // The ingest's own checks (rows.ts ingestChecks) run on every row here too.
    this.issues.length = 0;
    ingestChecks(r, this.ck.catalogue, NOWHERE, this.checks, this.issues, textSafe);
    if (this.issues.length) return undefined;
    if (!computeId) return r;
    if (given !== '' && given !== formatRecordId(this.ck.idHi, this.ck.idLo)) return undefined;
    if (withId) return seal ? this.ck.seal(r) : r;
    r.id = formatRecordId(this.ck.idHi, this.ck.idLo);
    return r;
  }
}
