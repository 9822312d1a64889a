// Conversions between CreditRecord objects and RecordColumns, so corpus cases and random ledgers feed both engines.
import type { Catalogue } from '../../core/catalogue.js';
import { levelCode } from '../../core/catalogue.js';
import { fromEpochDay, toEpochDay } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { ISSUER_LEVELS, RECORD_STATUSES, type CreditRecord } from '../../core/types.js';
import { allocColumns, type RecordColumns } from '../../ledger/ledger.js';

/**
 * Columns for a set of records. `subjects` fixes the subject dictionary (records of other subjects are an error);
 * by default it is the subjects in order of first appearance.
 */
export function recordsToColumns(
  records: readonly CreditRecord[],
  catalogue: Catalogue,
  subjects?: readonly string[],
): RecordColumns {
  const dict = subjects ? [...subjects] : [...new Set(records.map((r) => r.subject))];
  const sIdx = new Map(dict.map((s, i) => [s, i]));
  const agencies: string[] = [];
  const aIdx = new Map<string, number>();
  const n = records.length;
  const cols: RecordColumns = allocColumns(n, dict, agencies);
  const rowOf = new Map(records.map((r, i) => [r.id, i]));
  const from: number[] = [];
  const to: number[] = [];
  records.forEach((r, i) => {
    const s = sIdx.get(r.subject);
    const k = catalogue.index(r.kind);
    const sev = k >= 0 ? catalogue.severityCode(k, r.severity) : -1;
    const lvl = levelCode(r.level);
    if (s === undefined || k < 0 || sev < 0 || lvl < 0)
      throw new MosaicError({
        code: 'policy.unencodable_record',
        message: `record ${r.id} (${r.kind}) cannot be encoded: unknown subject, kind, severity or level`,
      });
    let a = aIdx.get(r.agency);
    if (a === undefined) {
      a = agencies.push(r.agency) - 1;
      aIdx.set(r.agency, a);
    }
    cols.subject[i] = s;
    cols.kind[i] = k;
    cols.agency[i] = a;
    cols.occurred[i] = toEpochDay(r.occurredAt);
    cols.reported[i] = toEpochDay(r.reportedAt);
    cols.amount[i] = r.amount ?? NaN;
    cols.severity[i] = sev;
    cols.level[i] = lvl;
    cols.status[i] = RECORD_STATUSES.indexOf(r.status);
    if (r.supersedes !== undefined) {
      from.push(i);
      to.push(rowOf.get(r.supersedes) ?? -1);
    }
  });
  cols.supersedeFrom = Int32Array.from(from);
  cols.supersedeTo = Int32Array.from(to);
  return cols;
}

/** Records back from columns; ids are synthetic (`row<i>`) and supersession follows the pairs. */
export function columnsToRecords(cols: RecordColumns, catalogue: Catalogue): CreditRecord[] {
  const sup = new Map<number, number>();
  for (let j = 0; j < cols.supersedeFrom.length; j++) sup.set(cols.supersedeFrom[j]!, cols.supersedeTo[j]!);
  const out: CreditRecord[] = [];
  for (let i = 0; i < cols.length; i++) {
    const k = cols.kind[i]!;
    const r: CreditRecord = {
      id: `row${i}`,
      subject: cols.subjects[cols.subject[i]!]!,
      kind: catalogue.kinds[k]!.code,
      occurredAt: fromEpochDay(cols.occurred[i]!),
      reportedAt: fromEpochDay(cols.reported[i]!),
      agency: cols.agencies[cols.agency[i]!] ?? 'unknown',
      basis: 'columns',
      status: RECORD_STATUSES[cols.status[i]!]!,
    };
    const a = cols.amount[i]!;
    if (!Number.isNaN(a)) r.amount = a;
    const sev = catalogue.severityName(k, cols.severity[i]!);
    if (sev !== undefined) r.severity = sev;
    const lv = cols.level[i]!;
    if (lv > 0) r.level = ISSUER_LEVELS[lv - 1];
    const t = sup.get(i);
    if (t !== undefined) r.supersedes = t >= 0 ? `row${t}` : 'missing';
    out.push(r);
  }
  return out;
}
