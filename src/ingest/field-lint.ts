// Ingest lint: a coded warning (the record is still stored) for each record that lacks the severity or level every
// rule line of its kind needs in the packs the ingest knows, so it would score nothing there.
import type { Issue } from '../core/errors.js';
import type { CreditRecord } from '../core/types.js';

/** What the lint asks of the rules (src/schemes/municipal/field-needs.ts answers it); ingest imports no scheme. */
export interface RecordNeeds<N extends { field: string }> {
  missing(record: CreditRecord): N | undefined;
}

/** Warnings kept in full; beyond this only the count grows (a file of a million such rows must not flood stderr). */
export const MAX_WARNINGS = 100;

export class FieldLint<N extends { field: string }> {
  readonly warnings: Issue[] = [];
  /** Warnings beyond MAX_WARNINGS, counted but not kept. */
  more = 0;

  constructor(
    private readonly needs: RecordNeeds<N>,
    private readonly file: string,
    private readonly describe: (need: N) => string,
  ) {}

  /** Called once per stored record with its file line; a map lookup unless the record lacks a needed field. */
  check(record: CreditRecord, line: number): void {
    const need = this.needs.missing(record);
    if (!need) return;
    if (this.warnings.length >= MAX_WARNINGS) {
      this.more++;
      return;
    }
    this.warnings.push({
      code: `ingest.missing_${need.field}`,
      message: `warning (stored): ${record.kind}: ${this.describe(need)}; it scores nothing there`,
      location: { file: this.file, line },
    });
  }
}
