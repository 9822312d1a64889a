// A correction or withdrawal must supersede a statement that exists (in the ledger or in the same file) about the same
// subject; one that points at nothing is refused at its line (record.dangling_supersedes).
import type { Issue } from '../core/errors.js';
import type { CreditRecord } from '../core/types.js';
import { IdSet } from '../ledger/id-index.js';
import type { Ledger } from '../ledger/ledger.js';
import { idOut, parseRecordId, recordIdHalves } from '../ledger/record-id.js';
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

/** 32-bit hash of a subject id, to tie a record id to its subject in the `seen` set. */
export function subjectSalt(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

interface Correction {
  subject: string;
  line: number;
  record: CreditRecord;
}

/**
 * The corrections of a file, noted during validation (no per-row cost for files without any) and resolved after it:
 * first against the ledger, then against the file's own records. From the first correction on, validation also
 * notes every valid record's (id, subject) in a hash set (`seen`, 8 bytes a slot), so a target after that line is
 * found without reading the file again; only the rows before the first correction are read again, if a target is
 * still missing. A (id, subject) pair is kept as the id's 64 bits with the subject's hash folded into the high half:
 * ids are 64-bit content hashes taken as identities (0013), and the fold keeps a record of another subject from
 * answering for the correction's target.
 */
export class Supersessions {
  /** Superseded id → the corrections naming it. */
  private readonly wanted = new Map<string, Correction[]>();
  private readonly seenSet = new IdSet(16);
  /** Line of the first correction: valid records from there on are in `seenSet`; 0 while there is none. */
  private firstLine = 0;

  get size(): number {
    return this.wanted.size;
  }

  /** Note a valid record of the file, in file order, with its line (and its id's halves, if known already). */
  note(r: CreditRecord, line: number, idHi?: number, idLo?: number): void {
    if (r.supersedes) {
      const list = this.wanted.get(r.supersedes) ?? [];
      list.push({ subject: r.subject, line, record: r });
      this.wanted.set(r.supersedes, list);
      if (this.firstLine === 0) this.firstLine = line;
    }
    if (this.firstLine === 0) return;
    // Validation computes no id for a plain record (0072): hash it here, from the first correction on only.
    if (idHi !== undefined && idLo !== undefined) {
      idOut.hi = idHi;
      idOut.lo = idLo;
    } else if (r.id) parseRecordId(r.id);
    else recordIdHalves(r);
    this.seenSet.add((idOut.hi ^ subjectSalt(r.subject)) >>> 0, idOut.lo);
  }

  /** True once a correction was noted: every valid record noted from then on is kept. */
  get collecting(): boolean {
    return this.firstLine !== 0;
  }

  /**
   * Note a valid record that supersedes nothing, by its id halves and its subject's salt (subjectSalt), in file
   * order: what `note` does for one, without the record object (parallel ingest replays a part's records, 0176).
   */
  noteSalted(salt: number, idHi: number, idLo: number): void {
    if (this.firstLine !== 0) this.seenSet.add((idHi ^ salt) >>> 0, idLo);
  }

  private seen(id: string, subject: string): boolean {
    return parseRecordId(id) && this.seenSet.has((idOut.hi ^ subjectSalt(subject)) >>> 0, idOut.lo);
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
    // A target settles the corrections about its own subject, whether stored or in the file from the first
    // correction on; any other correction must find it in the rows before that.
    for (const [id, list] of [...this.wanted]) {
      const left = list.filter((c) => c.subject !== stored.get(id) && !this.seen(id, c.subject));
      if (left.length) this.wanted.set(id, left);
      else this.wanted.delete(id);
    }
    if (!this.wanted.size) return;
    const inFile = new Map<string, Set<string>>();
    for await (const { line, record } of records()) {
      if (line >= this.firstLine) break;
      if (!this.wanted.has(record.id)) continue;
      const subjectsOf = inFile.get(record.id) ?? new Set<string>();
      inFile.set(record.id, subjectsOf.add(record.subject));
    }
    for (const [id, list] of this.wanted)
      for (const c of list) {
        if (inFile.get(id)?.has(c.subject)) continue;
        counts.rejected++;
        report([
          {
            code: 'record.dangling_supersedes',
            message: dangling(c.record, 'in the ledger or in this file'),
            location: { file, line: c.line },
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
