// A correction or withdrawal must supersede a statement that exists (in the ledger or in the same file) about the same
// subject; one that points at nothing is refused at its line (record.dangling_supersedes).
import type { Issue } from '../core/errors.js';
import type { CreditRecord } from '../core/types.js';
import { own, type EncodedRecords } from '../ledger/encoded.js';
import { IdSet } from '../ledger/id-index.js';
import type { Ledger } from '../ledger/ledger.js';
import { idOut, parseRecordId, recordIdHalves } from '../ledger/record-id.js';
import { rowToRecord, type RowCheckOptions } from './rows.js';
import { readRows, type SourceFormat } from './source.js';

interface Counts {
  rejected: number;
}

/** What a dangling correction's message names. */
type CorrectionFields = Pick<CreditRecord, 'subject' | 'status' | 'supersedes'>;

const dangling = (r: CorrectionFields, where: string): string =>
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
  record: CorrectionFields;
}

/**
 * The corrections of a file, noted during validation (no per-row cost for files without any) and resolved after it:
 * first against the ledger, then against the file's own records. From the first correction on, validation also
 * notes every valid record's (id, subject) in a hash set (`seen`, 8 bytes a slot), so a target after that line is
 * found without reading the file again; only the rows before the first correction are read again, if a target is
 * still missing. A (id, subject) pair is kept as the id's 64 bits with the subject's hash folded into its high half:
 * ids are 64-bit content hashes taken as identities (0013), and the fold keeps a record of another subject from
 * answering for the correction's target.
 *
 * With `deferSeen` (ingest's bulk path, where validation keeps every valid record encoded), nothing is noted per
 * plain record: `resolve` is given the encoded records and looks the few targets up in their id columns, which
 * covers the whole file, so no row is read again. If the encoded buffer is dropped (a file past its limit),
 * `absorb` moves what it holds into the seen set and noting per record resumes from there.
 */
export class Supersessions {
  /** Superseded id → the corrections naming it. */
  private readonly wanted = new Map<string, Correction[]>();
  private seenSet: IdSet | undefined;
  /** Line of the first correction: valid records from there on are in `seenSet`; 0 while there is none. */
  private firstLine = 0;

  constructor(private deferSeen = false) {}

  get size(): number {
    return this.wanted.size;
  }

  private get seenIds(): IdSet {
    return (this.seenSet ??= new IdSet(16));
  }

  /** Note a valid record of the file, in file order, with its line (and its id's halves, if known already). */
  note(r: CreditRecord, line: number, idHi?: number, idLo?: number): void {
    if (r.supersedes) {
      // Copies (own): a correction is kept to the end of the file and must not keep its read chunk alive.
      const target = own(r.supersedes);
      const list = this.wanted.get(target) ?? [];
      const subject = own(r.subject);
      list.push({ subject, line, record: { subject, status: r.status, supersedes: target } });
      this.wanted.set(target, list);
      if (this.firstLine === 0) this.firstLine = line;
    }
    if (this.firstLine === 0 || this.deferSeen) return;
    // Validation computes no id for a plain record (0072): hash it here, from the first correction on only.
    if (idHi !== undefined && idLo !== undefined) {
      idOut.hi = idHi;
      idOut.lo = idLo;
    } else if (r.id) parseRecordId(r.id);
    else recordIdHalves(r);
    this.seenIds.add((idOut.hi ^ subjectSalt(r.subject)) >>> 0, idOut.lo);
  }

  /** True once a correction was noted and plain records are noted one by one (not deferred to `resolve`). */
  get collecting(): boolean {
    return this.firstLine !== 0 && !this.deferSeen;
  }

  /**
   * The encoded buffer is being dropped: every record it holds goes into the seen set (a superset of "from the first
   * correction on"), and from now on each valid record is noted as it comes.
   */
  absorb(encoded: EncodedRecords): void {
    if (!this.deferSeen) return;
    this.deferSeen = false;
    if (this.firstLine === 0) return;
    const salts = new Uint32Array(encoded.strings.subjects.length);
    const subjects = encoded.strings.subjects;
    for (const b of encoded.batches)
      for (let i = 0; i < b.length; i++) {
        const s = b.subject[i]!;
        let salt = salts[s]!;
        if (salt === 0) salt = salts[s] = subjectSalt(subjects[s]!);
        this.noteSalted(salt, b.idHi[i]!, b.idLo[i]!);
      }
  }

  /**
   * Note a valid record that supersedes nothing, by its id halves and its subject's salt (subjectSalt), in file
   * order: what `note` does for one, without the record object (parallel ingest replays a part's records, 0176).
   */
  noteSalted(salt: number, idHi: number, idLo: number): void {
    if (this.firstLine !== 0 && !this.deferSeen) this.seenIds.add((idHi ^ salt) >>> 0, idLo);
  }

  private seen(id: string, subject: string): boolean {
    return (
      this.seenSet !== undefined &&
      parseRecordId(id) &&
      this.seenSet.has((idOut.hi ^ subjectSalt(subject)) >>> 0, idOut.lo)
    );
  }

  /**
   * (id, subject) pairs of the wanted targets held by the encoded records (the whole file's valid records): the
   * targets' id halves in a small set, probed with every row's id columns; a hit is compared by subject exactly.
   */
  private inEncoded(encoded: EncodedRecords): Map<string, Set<string>> {
    const byId = new Map<string, string>();
    const targets = new IdSet(Math.max(10, Math.ceil(Math.log2((this.wanted.size + 1) / 0.5))));
    // One bit per value of an id's top 20 bits: nearly every row is passed over after one load.
    const bits = new Uint8Array(1 << 17);
    for (const id of this.wanted.keys())
      if (parseRecordId(id)) {
        targets.add(idOut.hi, idOut.lo);
        byId.set(`${idOut.hi}:${idOut.lo}`, id);
        bits[idOut.hi >>> 15]! |= 1 << ((idOut.hi >>> 12) & 7);
      }
    const found = new Map<string, Set<string>>();
    const subjects = encoded.strings.subjects;
    for (const b of encoded.batches) {
      const H = b.idHi;
      const L = b.idLo;
      for (let i = 0; i < b.length; i++) {
        const h = H[i]!;
        if ((bits[h >>> 15]! & (1 << ((h >>> 12) & 7))) === 0 || !targets.has(h, L[i]!)) continue;
        const id = byId.get(`${H[i]}:${L[i]}`)!;
        const set = found.get(id) ?? new Set<string>();
        found.set(id, set.add(subjects[b.subject[i]!]!));
      }
    }
    return found;
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
    /** Every valid record of the file, encoded (required while noting is deferred: it replaces the seen set). */
    encoded?: EncodedRecords,
  ): Promise<void> {
    if (this.deferSeen && !encoded)
      throw new Error('Supersessions.resolve: deferred noting needs the records');
    const subjects = new Set([...this.wanted.values()].flatMap((l) => l.map((c) => c.subject)));
    const stored = await storedSubjects(ledger, [...this.wanted.keys()], subjects);
    if (this.deferSeen) {
      // The encoded records are the whole file: a target not among them (about its subject) is not in the file.
      const found = this.inEncoded(encoded!);
      for (const [id, list] of this.wanted)
        for (const c of list) {
          if (c.subject === stored.get(id) || found.get(id)?.has(c.subject)) continue;
          counts.rejected++;
          report([
            {
              code: 'record.dangling_supersedes',
              message: dangling(c.record, 'in the ledger or in this file'),
              location: { file, line: c.line },
            },
          ]);
        }
      return;
    }
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
