// A correction or withdrawal must supersede a statement that exists (in the ledger or in the same file) about the same
// subject; one that points at nothing is refused at its line (record.dangling_supersedes).
import type { Issue } from '../core/errors.js';
import type { CreditRecord } from '../core/types.js';
import type { Ledger } from '../ledger/ledger.js';
import { rowToRecord, type RowCheckOptions } from './rows.js';
import { readRows, type SourceFormat } from './source.js';

interface Counts {
  rejected: number;
}

const dangling = (r: CreditRecord, where: string): string =>
  `supersedes: ${r.supersedes} is not a statement about ${r.subject} ${where}; a ${r.status} must name the record it replaces`;

/**
 * The subject of each of `ids` the ledger holds: one batched lookup where the adapter has one (Ledger.subjectsOf),
 * else every statement of the given subjects, read once per subject.
 */
async function storedSubjects(
  ledger: Ledger,
  ids: readonly string[],
  subjects: Iterable<string>,
): Promise<Map<string, string>> {
  if (ledger.subjectsOf) return ledger.subjectsOf(ids);
  const out = new Map<string, string>();
  for (const s of subjects) for (const r of await ledger.readSubject(s)) out.set(r.id, r.subject);
  return out;
}

/**
 * The corrections of a file, noted during validation (no per-row cost for files without any) and resolved after it:
 * first against the ledger, then, for what is left, by one more read of the file.
 */
export class Supersessions {
  /** Superseded id → the corrections naming it. */
  private readonly wanted = new Map<string, { subject: string; correction: string }[]>();

  get size(): number {
    return this.wanted.size;
  }

  note(r: CreditRecord): void {
    if (!r.supersedes) return;
    const list = this.wanted.get(r.supersedes) ?? [];
    list.push({ subject: r.subject, correction: r.id });
    this.wanted.set(r.supersedes, list);
  }

  async resolve(
    ledger: Ledger,
    file: string,
    format: SourceFormat,
    checks: RowCheckOptions,
    report: (issues: Issue[]) => void,
    counts: Counts,
    /** The file's valid records with their lines, read again (ingest passes its fast reader); default rowToRecord. */
    records: () => AsyncIterable<{ line: number; record: CreditRecord }> = () =>
      validFileRecords(ledger, file, format, checks),
  ): Promise<void> {
    const subjects = new Set([...this.wanted.values()].flatMap((l) => l.map((c) => c.subject)));
    const stored = await storedSubjects(ledger, [...this.wanted.keys()], subjects);
    // A stored target settles the corrections about its own subject; any other must find it in the file (and fails).
    for (const [id, subject] of stored) {
      const left = this.wanted.get(id)!.filter((c) => c.subject !== subject);
      if (left.length) this.wanted.set(id, left);
      else this.wanted.delete(id);
    }
    if (!this.wanted.size) return;
    // What is left must be in the file itself, about the same subject.
    const inFile = new Map<string, string>();
    const lines = new Map<string, { line: number; record: CreditRecord }>();
    const corrections = new Set([...this.wanted.values()].flatMap((l) => l.map((c) => c.correction)));
    for await (const { line, record } of records()) {
      if (this.wanted.has(record.id)) inFile.set(record.id, record.subject);
      if (corrections.has(record.id) && !lines.has(record.id)) lines.set(record.id, { line, record });
    }
    for (const [id, list] of this.wanted)
      for (const c of list) {
        if (inFile.get(id) === c.subject) continue;
        const at = lines.get(c.correction);
        if (!at) continue;
        counts.rejected++;
        report([
          {
            code: 'record.dangling_supersedes',
            message: dangling(at.record, 'in the ledger or in this file'),
            location: { file, line: at.line },
          },
        ]);
      }
  }
}

async function* validFileRecords(
  ledger: Ledger,
  file: string,
  format: SourceFormat,
  checks: RowCheckOptions,
): AsyncGenerator<{ line: number; record: CreditRecord }> {
  for await (const rows of readRows(file, format))
    for (const row of rows) {
      if (!row.value || row.issues.length) continue;
      const { record } = rowToRecord(
        row.value,
        { file, line: row.line },
        ledger.catalogue,
        format === 'csv',
        checks,
      );
      if (record) yield { line: row.line, record };
    }
}

/**
 * Single-pass ingest (--skip-invalid): corrections in a batch must supersede a statement in the same batch or already
 * stored; the others are reported and left out.
 */
export async function dropDangling(
  ledger: Ledger,
  batch: CreditRecord[],
  file: string,
  report: (issues: Issue[]) => void,
  counts: Counts,
): Promise<CreditRecord[]> {
  const corrections = batch.filter((r) => r.supersedes);
  if (!corrections.length) return batch;
  const inBatch = new Map(batch.map((r) => [r.id, r.subject]));
  const outside = corrections.filter((r) => inBatch.get(r.supersedes!) !== r.subject);
  const stored = await storedSubjects(
    ledger,
    outside.map((r) => r.supersedes!),
    new Set(outside.map((r) => r.subject)),
  );
  const bad = new Set<CreditRecord>();
  for (const r of outside)
    if (stored.get(r.supersedes!) !== r.subject) {
      bad.add(r);
      counts.rejected++;
      report([
        {
          code: 'record.dangling_supersedes',
          message: dangling(r, 'stored or earlier in this file'),
          location: { file },
        },
      ]);
    }
  return bad.size ? batch.filter((r) => !bad.has(r)) : batch;
}
