// The in-memory ledger: typed-array columns that grow in place, string dictionaries, and an id → row hash index.
// Layout and its bytes-per-record arithmetic: docs/decisions/0012-typed-array-memory-ledger.md.
import { DuckDBInstance } from '@duckdb/node-api';
import type { Catalogue } from '../../core/catalogue.js';
import { MosaicError, type Issue } from '../../core/errors.js';
import type { CreditRecord, Subject } from '../../core/types.js';
import { asOfDay, buildRecord, compareRecords } from '../codec.js';
import { Dict, SubjectDict } from '../dict.js';
import {
  appendDict,
  appendRecords,
  appendSupersedes,
  copyOut,
  DICTS,
  layoutDdl,
} from '../duckdb/physical.js';
import { isSealedBatch, type EncodedBatch, type EncodedStrings } from '../encoded.js';
import { Growable } from '../growable.js';
import { MAX_INDEXED_ROWS, RowIdIndex } from '../id-index.js';
import {
  MAX_AGENCIES,
  type AppendResult,
  type ExportFormat,
  type FileReceipt,
  type Ledger,
  type RecordColumns,
} from '../ledger.js';
import { RecordChecker, rejectBatch, type SubjectTypeCode } from '../record-check.js';
import { formatRecordId, idOut, parseRecordId } from '../record-id.js';
import { checkSubjects, cloneSubject } from '../subjects.js';

/** Slot arrays from this size (4 MiB) are probed in home-slot order by the bulk path (0186). */
const SORTED_WALK_MIN_SLOTS = 1 << 20;

/** Knobs of the bulk path's id walk, for tests that need the sorted walk with small files (0186, 0191). */
export interface MemoryLedgerOptions {
  /** Smallest id index (slots) the bulk path walks in home-slot order; default 2^20. */
  sortedWalkMinSlots?: number;
  /** Counts the batches walked in home-slot order. */
  walks?: { sorted: number };
}

/** Most records one in-memory ledger holds (the id index packs a row number into 27 bits). */
export const MEMORY_MAX_RECORDS = MAX_INDEXED_ROWS + 1;

export class MemoryLedger implements Ledger {
  readonly adapter = 'memory';
  private n = 0;

  private readonly cSubject = new Growable(Uint32Array, MEMORY_MAX_RECORDS);
  private readonly cKind = new Growable(Uint16Array, MEMORY_MAX_RECORDS);
  private readonly cAgency = new Growable(Uint16Array, MEMORY_MAX_RECORDS);
  private readonly cOccurred = new Growable(Uint16Array, MEMORY_MAX_RECORDS);
  private readonly cReported = new Growable(Uint16Array, MEMORY_MAX_RECORDS);
  private readonly cAmount = new Growable(Float64Array, MEMORY_MAX_RECORDS);
  private readonly cSeverity = new Growable(Uint8Array, MEMORY_MAX_RECORDS);
  private readonly cLevel = new Growable(Uint8Array, MEMORY_MAX_RECORDS);
  private readonly cStatus = new Growable(Uint8Array, MEMORY_MAX_RECORDS);
  private readonly cIdHi = new Growable(Uint32Array, MEMORY_MAX_RECORDS);
  private readonly cIdLo = new Growable(Uint32Array, MEMORY_MAX_RECORDS);
  /** Basis indexes start as Uint16 and widen to Uint32 once a 65,537th distinct basis arrives. */
  private cBasis: Growable<Uint16Array> | Growable<Uint32Array> = new Growable(
    Uint16Array,
    MEMORY_MAX_RECORDS,
  );

  // Sparse supersession: supFrom is ascending (rows are appended in order); supTo is -1 until the target exists.
  private readonly supFrom = new Growable(Int32Array, MEMORY_MAX_RECORDS);
  private readonly supTo = new Growable(Int32Array, MEMORY_MAX_RECORDS);
  private readonly supHi = new Growable(Uint32Array, MEMORY_MAX_RECORDS);
  private readonly supLo = new Growable(Uint32Array, MEMORY_MAX_RECORDS);
  private nSup = 0;
  private unresolved = 0;

  private readonly subjectDict = new SubjectDict();
  private readonly agencyDict = new Dict(MAX_AGENCIES);
  private readonly bases = new Dict();
  /**
   * The id columns as the index reads them. Made once: the views track their buffers' length, so they stay valid as
   * the columns grow, and a closure building a fresh object allocated twice per appended record.
   */
  private readonly idColumns = { hi: this.cIdHi.array, lo: this.cIdLo.array };
  /** Dense: it holds exactly rows [0, n), so it grows in place from the id columns (docs/decisions/0175). */
  private readonly index = new RowIdIndex(() => this.idColumns, 10, true);
  /**
   * Per-subject row chains, so readSubject touches only its subject's rows: `subjectLast[s]` is the last row of
   * subject s plus one (0: none), `prevSame[row]` the subject's row before `row`, plus one. Rows are appended in
   * order, so each chain runs newest to oldest (docs/decisions/0147).
   * Linked when first read, not on append (docs/decisions/0175): rows [0, linked) are linked, and readSubject links
   * the rows appended since in one pass. A ledger only scanned (simulations, scoring) never pays the link's 4 bytes
   * of fresh memory a row nor its random write per subject.
   */
  private readonly prevSame = new Growable(Int32Array, MEMORY_MAX_RECORDS);
  private readonly subjectLast = new Growable(Int32Array, MEMORY_MAX_RECORDS);
  private linked = 0;
  private readonly checker: RecordChecker;
  private readonly register = new Map<string, Subject>();

  private readonly sortedWalkMinSlots: number;
  private readonly walks: { sorted: number } | undefined;

  constructor(
    readonly catalogue: Catalogue,
    opts: MemoryLedgerOptions = {},
  ) {
    this.sortedWalkMinSlots = opts.sortedWalkMinSlots ?? SORTED_WALK_MIN_SLOTS;
    this.walks = opts.walks;
    this.checker = new RecordChecker(catalogue, (s) => this.subjectDict.typeOf(s));
  }

  /** The columns' current arrays, fetched once per batch: they grow in place in `reserve`, so the views stay valid. */
  private views() {
    return {
      subject: this.cSubject.array,
      kind: this.cKind.array,
      agency: this.cAgency.array,
      occurred: this.cOccurred.array,
      reported: this.cReported.array,
      amount: this.cAmount.array,
      severity: this.cSeverity.array,
      level: this.cLevel.array,
      status: this.cStatus.array,
      idHi: this.cIdHi.array,
      idLo: this.cIdLo.array,
    };
  }
  /** Room for `length` rows; `exact`: no slack, for a final size known in advance (a file's records, 0186). */
  private reserve(length: number, exact = false): void {
    for (const c of [
      this.cSubject,
      this.cKind,
      this.cAgency,
      this.cOccurred,
      this.cReported,
      this.cAmount,
      this.cSeverity,
      this.cLevel,
      this.cStatus,
      this.cIdHi,
      this.cIdLo,
      this.cBasis,
    ])
      c.reserve(length, exact);
  }

  /** Switch the basis column to Uint32 once more than 65,536 distinct bases exist; rows [0, filled) are kept. */
  private widenBasis(filled: number, capacity: number): void {
    const wide = new Growable(Uint32Array, MEMORY_MAX_RECORDS);
    wide.reserve(capacity);
    wide.array.set(this.cBasis.array.subarray(0, filled));
    this.cBasis = wide;
  }

  async append(records: readonly CreditRecord[]): Promise<AppendResult> {
    const start = this.n;
    if (start + records.length > MEMORY_MAX_RECORDS)
      throw new MosaicError({
        code: 'ledger.capacity',
        message: `an in-memory ledger holds at most ${MEMORY_MAX_RECORDS} records (${start} stored, ${records.length} offered)`,
      });
    this.reserve(start + records.length);
    const marks = [this.subjectDict.size, this.agencyDict.size, this.bases.size, this.nSup, this.unresolved];
    const ck = this.checker;
    ck.beginBatch();
    const bad: number[] = [];
    const extra: Issue[] = [];
    let duplicates = 0;
    let n = start;
    // Columns are fetched once: they grow in place, so these views stay valid for the whole batch.
    const { subject, kind, agency, occurred, reported, amount, severity, level, status, idHi, idLo } =
      this.views();
    // The id index grows (at least doubling) as new ids need room, not for the whole batch up front: a batch of
    // duplicates must not grow an index sized exactly for its file (0182).
    const index = this.index;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (!ck.ok(r)) {
        bad.push(i);
        continue;
      }
      // After the first bad record keep checking (to report every problem) but stop writing.
      if (bad.length || extra.length) continue;
      const hi = ck.idHi;
      const lo = ck.idLo;
      // The id goes into the index now (one probe walk for the lookup and the insert); its row's id columns are
      // written first so later probes of the batch can confirm it.
      idHi[n] = hi;
      idLo[n] = lo;
      if (index.findOrInsert(hi, lo, n) >= 0) {
        duplicates++;
        continue;
      }
      let s = this.subjectDict.lastIndex;
      if (s < 0) s = this.subjectDict.intern(r.subject, ck.subjectType);
      const a = this.agencyDict.add(r.agency);
      if (a < 0) {
        // Row n is not kept: take its id back out (rollback only visits rows below this.n).
        index.remove(hi, lo);
        extra.push({
          code: 'ledger.dictionary_full',
          message: `a ledger holds at most ${MAX_AGENCIES} distinct agencies`,
          location: { path: ['records', i, 'agency'] },
        });
        continue;
      }
      const b = this.bases.add(r.basis);
      if (b > 0xffff && this.cBasis.array instanceof Uint16Array) this.widenBasis(n, start + records.length);
      subject[n] = s;
      kind[n] = ck.kind;
      agency[n] = a;
      this.cBasis.array[n] = b;
      occurred[n] = ck.occurred;
      reported[n] = ck.reported;
      amount[n] = ck.amount;
      severity[n] = ck.severity;
      level[n] = ck.level;
      status[n] = ck.status;
      if (ck.hasSupersedes) this.addPair(n, ck.supHi, ck.supLo);
      n++;
    }
    this.n = n;
    if (bad.length || extra.length) {
      this.rollback(start, marks);
      rejectBatch(records, bad, this.catalogue, extra);
    }
    if (this.unresolved > 0 && n > start) this.resolvePairs();
    return { inserted: n - start, duplicates };
  }

  /**
   * File string index → this ledger's dictionary index plus one (0: not met yet), per EncodedStrings (one file's
   * ingest), filled as met. Typed arrays, widened to the file's tables at each batch: a zero test per row, no holes.
   */
  private readonly encodedMaps = new WeakMap<
    EncodedStrings,
    {
      subject: Int32Array;
      agency: Int32Array;
      basis: Int32Array;
      own: number;
      base: number;
      ident: number;
      mapped: boolean;
    }
  >();

  /** Distinct file subjects the last linkRows mapped, and how many of them were new to the ledger. */
  private metSubjects = 0;
  private newSubjects = 0;

  private encodedMap(strings: EncodedStrings) {
    const widen = (a: Int32Array, want: number) => {
      if (a.length >= want) return a;
      const w = new Int32Array(Math.max(want, a.length * 2));
      w.set(a);
      return w;
    };
    const old = this.encodedMaps.get(strings);
    const map = {
      subject: widen(old?.subject ?? new Int32Array(0), strings.subjects.length),
      agency: widen(old?.agency ?? new Int32Array(0), strings.agencies.length),
      basis: widen(old?.basis ?? new Int32Array(0), strings.bases.length),
      // Subjects of the ledger this file's batches added (linkRows).
      own: old?.own ?? 0,
      // File subjects [0, ident) are ledger subjects [base, base + ident): the file's table lists subjects in the
      // order the file first names them, and a ledger meeting them in that order adds them in that order, so most
      // rows map with no read of `subject` (a 4 MB array at 1M subjects, a cache miss a row; docs/decisions/0193).
      // `subject` holds the others; `mapped` once it holds any.
      base: old?.base ?? this.subjectDict.size,
      ident: old?.ident ?? 0,
      mapped: old?.mapped ?? false,
    };
    this.encodedMaps.set(strings, map);
    return map;
  }

  /**
   * The bulk path (0142, docs/decisions/0166, docs/decisions/0163): a batch ingest checked and encoded when it parsed
   * the file (isSealedBatch), so nothing is checked or hashed here. Column by column rather than row by row: one pass
   * probes the id index (the only per-row work every record needs), the columns that hold the batch's own codes are
   * copied whole with TypedArray.set (a memcpy when no row was a duplicate), and one pass maps the file's string
   * indexes to this ledger's dictionaries and links the subject chains. Each pass is its own small method: a cold
   * ledger's first batch runs while V8 compiles them, and one large function compiled on its first loop deoptimised
   * on reaching the next (no type feedback there yet) and took ~10× longer to compile under load.
   * Atomic and idempotent like append; a dictionary overflow is located at ['records', i, 'agency'].
   */
  async appendEncoded(b: EncodedBatch): Promise<AppendResult> {
    if (!isSealedBatch(b))
      throw new MosaicError({
        code: 'ledger.internal',
        message: 'appendEncoded: a batch not built by ingest',
      });
    const start = this.n;
    const len = b.length;
    if (start + len > MEMORY_MAX_RECORDS)
      throw new MosaicError({
        code: 'ledger.capacity',
        message: `an in-memory ledger holds at most ${MEMORY_MAX_RECORDS} records (${start} stored, ${len} offered)`,
      });
    const marks = [this.subjectDict.size, this.agencyDict.size, this.bases.size, this.nSup, this.unresolved];
    const firstOfFile = !this.encodedMaps.has(b.strings);
    const fileRows = Math.min(MEMORY_MAX_RECORDS, start + Math.max(len, b.strings.records));
    if (firstOfFile && start === 0) {
      // An empty ledger's first file is all new (but for its own duplicates): the columns, the id index and the
      // subject map are sized for the whole file before anything is written (docs/decisions/0186), so the first
      // batch does not grow the index and the map doubling by doubling (each a rebuild) only to resize them again.
      this.reserve(fileRows, true);
      this.index.reserve(fileRows, true);
      this.subjectDict.reserve(b.strings.subjects.length);
    } else this.reserve(start + len);
    const keep = this.insertIds(b, start);
    // A file whose first batch was all new is most likely new throughout: size the id index and the columns for the
    // whole file now, so the index is rebuilt once rather than at every doubling (at 2M records the doublings' rebuilds
    // were a quarter of the append). A re-ingest (duplicates from the start) keeps the per-batch sizing and no spare
    // index.
    if (firstOfFile && !keep) {
      this.index.reserve(fileRows, true);
      this.reserve(fileRows, true);
    }
    const kept = keep ? keep.kept : len;
    const n = start + kept;
    this.copyCodes(b, start, keep);
    this.metSubjects = 0;
    this.newSubjects = 0;
    const full = this.linkRows(b, start, n, keep);
    // Likewise the subject dictionary's id map, for the file's subjects not met yet in the share the first batch
    // found new: all of them for a new population, none for a file about subjects already stored (which must not
    // double a large map for nothing). Its doublings were ≈ 8 bytes of fresh memory a record at 1M (0182).
    if (firstOfFile && !keep && !full && this.metSubjects > 0) {
      const rest = b.strings.subjects.length - this.metSubjects;
      this.subjectDict.reserve(
        this.subjectDict.size + Math.ceil((rest * this.newSubjects) / this.metSubjects),
      );
    }
    if (full) {
      // Rows from the failing one on have ids in the index but no subject, agency or basis yet: take their ids out
      // here, then roll back the written rows as append does.
      const { hi, lo } = this.idColumns;
      for (let r = n - 1; r >= full.row; r--) this.index.remove(hi[r]!, lo[r]!);
      this.n = full.row;
      this.rollback(start, marks);
      // Its indexes may point past the truncated dictionaries.
      this.encodedMaps.delete(b.strings);
      throw new MosaicError(full.issue);
    }
    this.n = n;
    if (this.unresolved > 0 && kept > 0) this.resolvePairs();
    return { inserted: kept, duplicates: len - kept };
  }

  /**
   * Bulk pass 1: the batch's ids into the id columns from `start` and the index. Undefined when every id was new
   * (kept row k is batch row k); else the batch position of each kept row (a duplicate shifts the rows after it).
   */
  private insertIds(b: EncodedBatch, start: number): { at: Int32Array; kept: number } | undefined {
    const len = b.length;
    const { hi: idHi, lo: idLo } = this.idColumns;
    const bHi = b.idHi;
    const bLo = b.idLo;
    // Written in place first: a later probe of the batch confirms an id at its row.
    idHi.set(bHi.subarray(0, len), start);
    idLo.set(bLo.subarray(0, len), start);
    // Not reserved for the batch up front: sized exactly (0182), the index has no slack, so a re-ingest's batch of
    // duplicates would grow it for nothing. It grows (at least doubling) when a new id needs room, and a new file is
    // sized for all its records after its first batch (appendEncoded).
    const index = this.index;
    // A slot array larger than the caches is walked in home-slot order when the batch fits without a growth: each
    // probe in row order was a cache miss (most of this pass at 1M records, 0186). A small one stays in row order:
    // there the sort cost more than the misses it saved (0163).
    if (index.slotCount >= this.sortedWalkMinSlots && index.hasRoom(len))
      return this.insertIdsSorted(b, start);
    let at: Int32Array | undefined;
    let n = start;
    for (let i = 0; i < len; i++) {
      const hi = bHi[i]!;
      const lo = bLo[i]!;
      if (at) {
        idHi[n] = hi;
        idLo[n] = lo;
      }
      if (index.findOrInsert(hi, lo, n) >= 0) {
        if (!at) {
          at = new Int32Array(len);
          for (let k = 0; k < i; k++) at[k] = k;
        }
        continue;
      }
      if (at) at[n - start] = i;
      n++;
    }
    return at && { at, kept: n - start };
  }

  private dupScratch = new Uint8Array(0);
  /** linkRows' read-ahead of the subject map, one entry a kept row of the batch. */
  private mapScratch = new Int32Array(0);

  /** insertIds in home-slot order (RowIdIndex.insertSorted); the kept rows are then compacted and relabelled. */
  private insertIdsSorted(b: EncodedBatch, start: number): { at: Int32Array; kept: number } | undefined {
    const len = b.length;
    const { hi: idHi, lo: idLo } = this.idColumns;
    const bHi = b.idHi;
    const bLo = b.idLo;
    if (this.dupScratch.length < len) this.dupScratch = new Uint8Array(len);
    const dup = this.dupScratch;
    if (this.walks) this.walks.sorted++;
    const found = this.index.insertSorted(bHi, bLo, len, start, dup);
    if (found === 0) return undefined;
    // Rows shift down past each duplicate: ids move to their kept row and the index learns the new row. In place:
    // kept row k comes from batch position i ≥ k, already read, and relabelled rows (< start + i) never equal a row
    // not yet relabelled (≥ start + i).
    const at = new Int32Array(len);
    let n = start;
    for (let i = 0; i < len; i++) {
      if (dup[i]) continue;
      const k = n - start;
      at[k] = i;
      if (k !== i) {
        idHi[n] = bHi[i]!;
        idLo[n] = bLo[i]!;
        this.index.moveRow(bHi[i]!, start + i, n);
      }
      n++;
    }
    return { at, kept: n - start };
  }

  /** Bulk pass 2: the columns that are the batch's own codes, copied whole when no row was dropped. */
  private copyCodes(b: EncodedBatch, start: number, keep: { at: Int32Array; kept: number } | undefined) {
    const { kind, occurred, reported, amount, severity, level, status } = this.views();
    if (!keep) {
      const len = b.length;
      kind.set(b.kind.subarray(0, len), start);
      occurred.set(b.occurred.subarray(0, len), start);
      reported.set(b.reported.subarray(0, len), start);
      amount.set(b.amount.subarray(0, len), start);
      severity.set(b.severity.subarray(0, len), start);
      level.set(b.level.subarray(0, len), start);
      status.set(b.status.subarray(0, len), start);
      return;
    }
    const at = keep.at;
    for (let k = 0; k < keep.kept; k++) {
      const i = at[k]!;
      const row = start + k;
      kind[row] = b.kind[i]!;
      occurred[row] = b.occurred[i]!;
      reported[row] = b.reported[i]!;
      amount[row] = b.amount[i]!;
      severity[row] = b.severity[i]!;
      level[row] = b.level[i]!;
      status[row] = b.status[i]!;
    }
  }

  /**
   * Bulk pass 3: rows [start, n) get their subject, agency and basis (file string → this ledger's dictionaries, each
   * distinct string once per file) and their supersessions (subject chains are linked when first read). A loop per
   * column, each with one branch a row on the common path (docs/decisions/0193). On a full agency dictionary, the
   * issue and the row it stopped at (the caller rolls the whole batch back).
   */
  private linkRows(
    b: EncodedBatch,
    start: number,
    n: number,
    keep: { at: Int32Array; kept: number } | undefined,
  ): { issue: Issue; row: number } | undefined {
    const map = this.encodedMap(b.strings);
    const at = keep?.at;
    this.linkSubjects(b, start, n, at, map);
    const full = this.linkAgencies(b, start, n, at, map.agency);
    if (full) return full;
    this.linkBases(b, start, n, at, map.basis);
    // Supersessions are sparse and ascending by batch position; a duplicate's entry is passed over.
    const supRow = b.supRow;
    let k = 0;
    for (let j = 0; j < supRow.length; j++) {
      const i = supRow[j]!;
      if (at) {
        while (k < n - start && at[k]! < i) k++;
        if (k === n - start || at[k] !== i) continue;
      } else k = i;
      this.addPair(start + k, b.supHi[j]!, b.supLo[j]!);
    }
    return undefined;
  }

  /** linkRows' subjects: by the file's identity run where it holds, else through the file's map. */
  private linkSubjects(
    b: EncodedBatch,
    start: number,
    n: number,
    at: Int32Array | undefined,
    map: { subject: Int32Array; own: number; base: number; ident: number; mapped: boolean },
  ): void {
    const subject = this.cSubject.array;
    const strings = b.strings;
    const mapS = map.subject;
    const sd = this.subjectDict;
    const bSubject = b.subject;
    const base = map.base;
    let ident = map.ident;
    const rows = n - start;
    // Off the identity run the map is read first in a loop of loads alone: at 10M records over 1M subjects it is
    // 4 MB and each read a cache miss, which the loop below (a branch per row) would wait for one at a time (0191).
    const ahead = map.mapped;
    if (ahead && this.mapScratch.length < rows) this.mapScratch = new Int32Array(b.capacity);
    const pre = this.mapScratch;
    if (ahead) {
      if (at) for (let k = 0; k < rows; k++) pre[k] = mapS[bSubject[at[k]!]!]!;
      else for (let k = 0; k < rows; k++) pre[k] = mapS[bSubject[k]!]!;
    }
    for (let k = 0; k < rows; k++) {
      const ls = bSubject[at ? at[k]! : k]!;
      let s: number;
      if (ls < ident) s = base + ls;
      else {
        // Read ahead, so 0 may be stale: a subject first met earlier in this batch is mapped since.
        s = (ahead ? pre[k]! : 0) - 1;
        if (s < 0) s = mapS[ls]! - 1;
        if (s < 0) {
          const size = sd.size;
          const type = strings.subjectTypes[ls] as SubjectTypeCode;
          // While every subject of the ledger came from this file, one this file has not mapped yet is new to it (the
          // file's table holds each string once): added without the id map's probe (docs/decisions/0191).
          s = size === map.own ? sd.appendNew(strings.subjects[ls]!, type) : -1;
          if (s < 0) s = sd.intern(strings.subjects[ls]!, type);
          this.metSubjects++;
          if (sd.size > size) {
            this.newSubjects++;
            map.own++;
          }
          // The next file subject in order, at the next ledger index: the identity run extends by it (its map entry
          // is never read). Each extension is checked so, so the run is exact however the file and other writes
          // interleave; a subject out of that order (first named by a dropped row, or after other writes added
          // subjects) goes into the map, and once the ledger has grown past base + ident the run stops for good.
          if (ls === ident && s === base + ident) ident++;
          else {
            map.mapped = true;
            mapS[ls] = s + 1;
          }
        }
      }
      subject[start + k] = s;
    }
    map.ident = ident;
  }

  /** linkRows' agencies; on a full dictionary, the issue and its row. */
  private linkAgencies(
    b: EncodedBatch,
    start: number,
    n: number,
    at: Int32Array | undefined,
    mapA: Int32Array,
  ): { issue: Issue; row: number } | undefined {
    const agency = this.cAgency.array;
    const bAgency = b.agency;
    for (let k = 0; k < n - start; k++) {
      const i = at ? at[k]! : k;
      const la = bAgency[i]!;
      let a = mapA[la]! - 1;
      if (a < 0) {
        a = this.agencyDict.add(b.strings.agencies[la]!);
        if (a < 0) {
          const issue: Issue = {
            code: 'ledger.dictionary_full',
            message: `a ledger holds at most ${MAX_AGENCIES} distinct agencies`,
            location: { path: ['records', i, 'agency'] },
          };
          return { issue, row: start + k };
        }
        mapA[la] = a + 1;
      }
      agency[start + k] = a;
    }
    return undefined;
  }

  /** linkRows' bases (the column widens to Uint32 at the 65,537th distinct basis). */
  private linkBases(b: EncodedBatch, start: number, n: number, at: Int32Array | undefined, mapB: Int32Array) {
    const bBasis = b.basis;
    // Re-read after a widening (a new column).
    let basisCol: Uint16Array | Uint32Array = this.cBasis.array;
    for (let k = 0; k < n - start; k++) {
      const lb = bBasis[at ? at[k]! : k]!;
      let bs = mapB[lb]! - 1;
      if (bs < 0) {
        bs = this.bases.add(b.strings.bases[lb]!);
        mapB[lb] = bs + 1;
        if (bs > 0xffff && basisCol instanceof Uint16Array) {
          this.widenBasis(start + k, b.length + start);
          basisCol = this.cBasis.array;
        }
      }
      basisCol[start + k] = bs;
    }
  }

  private addPair(row: number, hi: number, lo: number): void {
    const k = this.nSup;
    for (const c of [this.supFrom, this.supTo, this.supHi, this.supLo]) c.reserve(k + 1);
    this.supFrom.array[k] = row;
    this.supHi.array[k] = hi;
    this.supLo.array[k] = lo;
    const to = this.index.find(hi, lo);
    this.supTo.array[k] = to;
    if (to < 0) this.unresolved++;
    this.nSup = k + 1;
  }

  /** Targets that arrive after the record superseding them are linked up here. */
  private resolvePairs(): void {
    let left = 0;
    for (let k = 0; k < this.nSup; k++) {
      if (this.supTo.array[k]! >= 0) continue;
      const to = this.index.find(this.supHi.array[k]!, this.supLo.array[k]!);
      this.supTo.array[k] = to;
      if (to < 0) left++;
    }
    this.unresolved = left;
  }

  private rollback(start: number, marks: number[]): void {
    // No chain to unlink: appends link nothing and run to their end synchronously, so no read has linked a row of
    // the failed batch (linked <= start).
    for (let row = this.n - 1; row >= start; row--)
      this.index.remove(this.cIdHi.array[row]!, this.cIdLo.array[row]!);
    this.n = start;
    this.subjectDict.truncate(marks[0]!);
    this.agencyDict.truncate(marks[1]!);
    this.bases.truncate(marks[2]!);
    this.nSup = marks[3]!;
    this.unresolved = marks[4]!;
  }

  async putSubjects(subjects: readonly Subject[]): Promise<void> {
    checkSubjects(subjects);
    for (const s of subjects) this.register.set(s.id, cloneSubject(s));
  }
  async getSubject(id: string): Promise<Subject | undefined> {
    const s = this.register.get(id);
    return s && cloneSubject(s);
  }
  async subjects(): Promise<Subject[]> {
    return [...this.register.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map(cloneSubject);
  }

  async findSubjects(prefix: string, limit: number): Promise<Subject[]> {
    // The reference adapter walks its register (it holds everything in memory anyway); order by code point, as the
    // SQL stores' binary collations do.
    const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    return [...this.register.values()]
      .filter((s) => s.name !== undefined && s.name.startsWith(prefix))
      .sort((a, b) => byCodePoint(a.name!, b.name!) || byCodePoint(a.id, b.id))
      .slice(0, Math.max(0, limit))
      .map(cloneSubject);
  }

  async subjectsOf(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of ids) {
      if (!parseRecordId(id)) continue;
      const row = this.index.find(idOut.hi, idOut.lo);
      if (row >= 0) out.set(id, this.subjectDict.strings[this.cSubject.array[row]!]!);
    }
    return out;
  }

  private readonly receipts = new Map<string, FileReceipt>();
  async fileReceipt(key: string): Promise<FileReceipt | undefined> {
    const r = this.receipts.get(key);
    return r && { ...r };
  }
  async fileReceiptEnding(suffix: string): Promise<boolean> {
    for (const k of this.receipts.keys()) if (k.endsWith(suffix)) return true;
    return false;
  }
  async putFileReceipt(receipt: FileReceipt): Promise<void> {
    this.receipts.set(receipt.key, { ...receipt });
  }

  async agencies(): Promise<string[]> {
    return this.agencyDict.strings.slice();
  }

  private supersedesOf(row: number): string | undefined {
    // supFrom is ascending: binary search.
    let lo = 0;
    let hi = this.nSup - 1;
    const from = this.supFrom.array;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = from[mid]!;
      if (v === row) return formatRecordId(this.supHi.array[mid]!, this.supLo.array[mid]!);
      if (v < row) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private recordAt(row: number): CreditRecord {
    const k = this.cKind.array[row]!;
    return buildRecord(
      formatRecordId(this.cIdHi.array[row]!, this.cIdLo.array[row]!),
      this.subjectDict.strings[this.cSubject.array[row]!]!,
      this.catalogue.kinds[k]!.code,
      this.cOccurred.array[row]!,
      this.cReported.array[row]!,
      this.agencyDict.strings[this.cAgency.array[row]!]!,
      this.bases.strings[this.cBasis.array[row]!]!,
      this.cAmount.array[row]!,
      this.catalogue.severityName(k, this.cSeverity.array[row]!),
      this.cLevel.array[row]!,
      this.cStatus.array[row]!,
      this.supersedesOf(row),
    );
  }

  /** Link the rows appended since the last read into their subjects' chains (in row order, so newest first). */
  private linkChains(): void {
    const n = this.n;
    if (this.linked >= n) return;
    this.prevSame.reserve(n);
    // Every subject has a head slot (a write past a view's length is dropped); fresh capacity reads 0, "no rows".
    // A rollback never meets a linked row (see rollback), so the heads of subjects it removes were never set.
    this.subjectLast.reserve(this.subjectDict.size);
    const prev = this.prevSame.array;
    const last = this.subjectLast.array;
    const subject = this.cSubject.array;
    for (let row = this.linked; row < n; row++) {
      const s = subject[row]!;
      prev[row] = last[s]!;
      last[s] = row + 1;
    }
    this.linked = n;
  }

  async readSubject(id: string, asOf?: string): Promise<CreditRecord[]> {
    const limit = asOfDay(asOf);
    const s = this.subjectDict.get(id);
    if (s < 0) return [];
    this.linkChains();
    const out: CreditRecord[] = [];
    const reported = this.cReported.array;
    const prev = this.prevSame.array;
    for (let row = this.subjectLast.array[s]! - 1; row >= 0; row = prev[row]! - 1)
      if (reported[row]! <= limit) out.push(this.recordAt(row));
    return out.sort(compareRecords);
  }

  async scan(): Promise<RecordColumns> {
    if (this.unresolved > 0) this.resolvePairs();
    const n = this.n;
    return {
      length: n,
      subject: this.cSubject.array.subarray(0, n),
      kind: this.cKind.array.subarray(0, n),
      agency: this.cAgency.array.subarray(0, n),
      occurred: this.cOccurred.array.subarray(0, n),
      reported: this.cReported.array.subarray(0, n),
      amount: this.cAmount.array.subarray(0, n),
      severity: this.cSeverity.array.subarray(0, n),
      level: this.cLevel.array.subarray(0, n),
      status: this.cStatus.array.subarray(0, n),
      supersedeFrom: this.supFrom.array.subarray(0, this.nSup),
      supersedeTo: this.supTo.array.subarray(0, this.nSup),
      // Live dictionaries: they only ever grow, so indexes in this snapshot stay valid. Treat as read-only.
      subjects: this.subjectDict.strings,
      agencies: this.agencyDict.strings,
    };
  }

  async count(): Promise<number> {
    return this.n;
  }

  /**
   * Bytes the typed storage occupies for the rows held: columns (rows × element sizes; reserved but untouched
   * capacity of a resizable buffer is never resident; the per-subject chain link for the rows linked so far, i.e.
   * read since appended), supersession pairs, and the indexes (the id index's slot array, the subjects' chain heads
   * once any row is linked).
   * The string dictionaries (JS Maps and arrays) are not included.
   */
  get typedBytes(): { columns: number; pairs: number; index: number } {
    const perRow = [
      this.cSubject,
      this.cKind,
      this.cAgency,
      this.cOccurred,
      this.cReported,
      this.cAmount,
      this.cSeverity,
      this.cLevel,
      this.cStatus,
      this.cIdHi,
      this.cIdLo,
      this.cBasis,
    ].reduce((sum, c) => sum + c.array.BYTES_PER_ELEMENT, 0);
    return {
      columns: perRow * this.n + 4 * this.linked,
      pairs: 16 * this.nSup,
      index: this.index.byteLength + (this.linked > 0 ? 4 * this.subjectDict.size : 0),
    };
  }

  /**
   * Export through an in-memory DuckDB holding the same physical layout as the DuckDB adapter, so the file is
   * written by the same statement (identical bytes across adapters) and decoding runs vectorised, not per row.
   */
  async export(format: ExportFormat, file: string): Promise<number> {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      await con.run(layoutDdl());
      const n = this.n;
      // Severity: catalogue code per kind → index into a name dictionary (what the DuckDB layout stores).
      const names = new Dict();
      const sevMap = this.catalogue.kinds.map((k) => (k.severities ?? []).map((s) => names.add(s) + 1));
      const sev = new Uint16Array(n);
      const kindCol = this.cKind.array;
      const sevCol = this.cSeverity.array;
      for (let i = 0; i < n; i++) {
        const c = sevCol[i]!;
        if (c !== 0) sev[i] = sevMap[kindCol[i]!]![c - 1]!;
      }
      await appendDict(con, DICTS.subject, 0, this.subjectDict.strings);
      await appendDict(
        con,
        DICTS.kind,
        0,
        this.catalogue.kinds.map((k) => k.code),
      );
      await appendDict(con, DICTS.agency, 0, this.agencyDict.strings);
      await appendDict(con, DICTS.basis, 0, this.bases.strings);
      await appendDict(con, DICTS.severity, 0, names.strings);
      const sup: [number, number, number, number][] = [];
      for (let k = 0; k < this.nSup; k++) {
        const row = this.supFrom.array[k]!;
        sup.push([
          this.cIdHi.array[row]!,
          this.cIdLo.array[row]!,
          this.supHi.array[k]!,
          this.supLo.array[k]!,
        ]);
      }
      await appendSupersedes(con, sup);
      await appendRecords(
        con,
        {
          idHi: this.cIdHi.array,
          idLo: this.cIdLo.array,
          subject: this.cSubject.array,
          kind: kindCol,
          agency: this.cAgency.array,
          basis: this.cBasis.array,
          occurred: this.cOccurred.array,
          reported: this.cReported.array,
          amount: this.cAmount.array,
          severity: sev,
          level: this.cLevel.array,
          status: this.cStatus.array,
        },
        0,
        n,
      );
      return await copyOut(con, 'credit_records', format, file);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  }

  async close(): Promise<void> {}
}
