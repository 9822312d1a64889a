// The DuckDB physical layout of a ledger (dictionary-encoded, all NOT NULL), its readable view, the fast
// column-chunk writer, and the export statement shared by every adapter (see docs/decisions/0011).
import {
  DOUBLE,
  DuckDBDataChunk,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  type DuckDBConnection,
  type DuckDBType,
} from '@duckdb/node-api';
import { ISSUER_LEVELS, RECORD_STATUSES } from '../../core/types.js';
import type { ExportFormat } from '../ledger.js';

/** Bump when the physical layout changes; a file with another version is refused, not silently misread. */
export const LAYOUT_VERSION = '1';

/** One batch (or a whole ledger) as encoded columns; `subject`, `agency`, `basis`, `kind`, `severity` are dict indexes. */
export interface EncodedColumns {
  idHi: Uint32Array;
  idLo: Uint32Array;
  subject: Uint32Array;
  kind: Uint16Array;
  agency: Uint16Array;
  basis: Uint16Array | Uint32Array;
  occurred: Uint16Array;
  reported: Uint16Array;
  /** NaN = absent. */
  amount: Float64Array;
  /** 0 = none, else 1 + index in the severity-name dictionary. */
  severity: Uint16Array | Uint8Array;
  level: Uint8Array;
  status: Uint8Array;
}

export const RECORD_COLUMNS: readonly [keyof EncodedColumns, string, DuckDBType][] = [
  ['idHi', 'id_hi UINTEGER NOT NULL', UINTEGER],
  ['idLo', 'id_lo UINTEGER NOT NULL', UINTEGER],
  ['subject', 'subject UINTEGER NOT NULL', UINTEGER],
  ['kind', 'kind USMALLINT NOT NULL', USMALLINT],
  ['agency', 'agency USMALLINT NOT NULL', USMALLINT],
  ['basis', 'basis UINTEGER NOT NULL', UINTEGER],
  ['occurred', 'occurred USMALLINT NOT NULL', USMALLINT],
  ['reported', 'reported USMALLINT NOT NULL', USMALLINT],
  ['amount', 'amount DOUBLE NOT NULL', DOUBLE],
  ['severity', 'severity USMALLINT NOT NULL', USMALLINT],
  ['level', 'level UTINYINT NOT NULL', UTINYINT],
  ['status', 'status UTINYINT NOT NULL', UTINYINT],
];

/** Dictionary tables: (ix, text). Index `ix` is what the record columns store. */
export const DICTS = {
  subject: 'ledger_subject_ids',
  kind: 'ledger_kinds',
  agency: 'ledger_agencies',
  basis: 'ledger_bases',
  severity: 'ledger_severities',
} as const;
export type DictName = keyof typeof DICTS;

const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const LEVELS_SQL = `[${ISSUER_LEVELS.map(q).join(', ')}]`;
const STATUSES_SQL = `[${RECORD_STATUSES.map(q).join(', ')}]`;

/** SQL string literal (DuckDB COPY takes no parameter for its file name). */
export const sqlString = q;

export function layoutDdl(): string {
  return [
    `CREATE TABLE IF NOT EXISTS ledger_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ledger_records (${RECORD_COLUMNS.map((c) => c[1]).join(', ')})`,
    ...Object.values(DICTS).map(
      (t) => `CREATE TABLE IF NOT EXISTS ${t} (ix UINTEGER NOT NULL, text VARCHAR NOT NULL)`,
    ),
    // Sparse: one row per record that names a record it supersedes.
    `CREATE TABLE IF NOT EXISTS ledger_supersedes (id_hi UINTEGER NOT NULL, id_lo UINTEGER NOT NULL,
       sup_hi UINTEGER NOT NULL, sup_lo UINTEGER NOT NULL)`,
    `CREATE OR REPLACE VIEW credit_records AS ${recordsViewSql()}`,
  ].join(';\n');
}

/** The records as CreditRecord columns, `seq` being the append order. */
export function recordsViewSql(): string {
  return `SELECT r.rowid AS seq,
    printf('r%08x%08x', r.id_hi, r.id_lo) AS id,
    s.text AS subject,
    k.text AS kind,
    DATE '1970-01-01' + CAST(r.occurred AS INTEGER) AS occurredAt,
    DATE '1970-01-01' + CAST(r.reported AS INTEGER) AS reportedAt,
    a.text AS agency,
    b.text AS basis,
    CASE WHEN isnan(r.amount) THEN NULL ELSE r.amount END AS amount,
    sv.text AS severity,
    CASE WHEN r.level = 0 THEN NULL ELSE ${LEVELS_SQL}[r.level] END AS level,
    ${STATUSES_SQL}[r.status + 1] AS status,
    CASE WHEN sp.sup_hi IS NULL THEN NULL ELSE printf('r%08x%08x', sp.sup_hi, sp.sup_lo) END AS supersedes
  FROM ledger_records r
  JOIN ${DICTS.subject} s ON s.ix = r.subject
  JOIN ${DICTS.kind} k ON k.ix = r.kind
  JOIN ${DICTS.agency} a ON a.ix = r.agency
  JOIN ${DICTS.basis} b ON b.ix = r.basis
  LEFT JOIN ${DICTS.severity} sv ON sv.ix + 1 = r.severity
  LEFT JOIN ledger_supersedes sp ON sp.id_hi = r.id_hi AND sp.id_lo = r.id_lo`;
}

export const EXPORT_COLUMNS =
  'id, subject, kind, occurredAt, reportedAt, agency, basis, amount, severity, level, status, supersedes';

/**
 * Write `source` (a relation with EXPORT_COLUMNS and `seq`) to a file in append order. Every adapter exports
 * through this one statement, so a ledger exports to the same bytes whichever adapter holds it.
 */
export async function copyOut(
  con: DuckDBConnection,
  source: string,
  format: ExportFormat,
  file: string,
): Promise<number> {
  const opts =
    format === 'parquet'
      ? `(FORMAT parquet, COMPRESSION zstd)`
      : format === 'csv'
        ? `(FORMAT csv, HEADER true)`
        : `(FORMAT json)`;
  const res = await con.run(
    `COPY (SELECT ${EXPORT_COLUMNS} FROM ${source} ORDER BY seq) TO ${sqlString(file)} ${opts}`,
  );
  return Number(res.rowsChanged);
}

interface WritableVector {
  setItem(index: number, value: number): void;
  flush(): void;
}

const CHUNK_ROWS = 2048;

/**
 * Append rows [from, to) of encoded columns to ledger_records with the DuckDB appender, one data chunk of 2,048
 * rows at a time. Every column is NOT NULL, so each vector write is a plain typed-array store plus one memcpy
 * per chunk (the node-api's validity bitmap is BigInt-based and would dominate if any value were NULL).
 */
export async function appendRecords(
  con: DuckDBConnection,
  cols: EncodedColumns,
  from: number,
  to: number,
  table = 'ledger_records',
): Promise<void> {
  const appender = await con.createAppender(table);
  try {
    const types = RECORD_COLUMNS.map((c) => c[2]);
    // One chunk serves every full piece: the appender copies a chunk's rows when it is appended, and the chunk keeps
    // its column vectors while its row count stays the same (making the vectors anew per piece cost about as much as
    // filling them). Only a shorter last piece gets a chunk of its own.
    let full: DuckDBDataChunk | undefined;
    for (let start = from; start < to; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, to - start);
      const chunk =
        n === CHUNK_ROWS ? (full ??= DuckDBDataChunk.create(types, n)) : DuckDBDataChunk.create(types, n);
      for (let c = 0; c < RECORD_COLUMNS.length; c++) {
        const src = cols[RECORD_COLUMNS[c]![0]];
        const v = chunk.getColumnVector(c) as unknown as WritableVector & { items?: unknown };
        // The node API keeps a fixed-width vector's values in a typed array (`items`) that flush() copies to DuckDB;
        // every column is NOT NULL and its values fit (the encoders produce them), so one `set` fills it. Otherwise,
        // value by value through the public setItem (the contract suite checks what is stored either way).
        const items = v.items;
        if (ArrayBuffer.isView(items) && (items as Uint32Array).length === n)
          (items as Uint32Array).set(src.subarray(start, start + n));
        else for (let i = 0; i < n; i++) v.setItem(i, src[start + i]!);
        v.flush();
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Append (ix, text) pairs ix = first, first + 1, … to a dictionary table. */
export async function appendDict(
  con: DuckDBConnection,
  table: string,
  first: number,
  texts: readonly string[],
): Promise<void> {
  if (texts.length === 0) return;
  const appender = await con.createAppender(table);
  try {
    for (let i = 0; i < texts.length; i++) {
      appender.appendUInteger(first + i);
      appender.appendVarchar(texts[i]!);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Append supersession rows: parallel arrays of (from id, target id) halves. */
export async function appendSupersedes(
  con: DuckDBConnection,
  rows: readonly [number, number, number, number][],
): Promise<void> {
  if (rows.length === 0) return;
  const appender = await con.createAppender('ledger_supersedes');
  try {
    for (const [a, b, c, d] of rows) {
      appender.appendUInteger(a);
      appender.appendUInteger(b);
      appender.appendUInteger(c);
      appender.appendUInteger(d);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}
