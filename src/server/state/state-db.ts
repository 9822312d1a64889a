// The server's own tables (accounts, keys, jurisdictions, batches, feed, subscriptions, access log) behind one small
// SQL interface, kept in the same database as the ledger: DuckDB file or PostgreSQL schema.

export type Row = Record<string, unknown>;

/** A column for `insertRows`: its name and SQL type. */
export type Column = readonly [name: string, type: 'BIGINT' | 'INTEGER' | 'VARCHAR'];

/** Queries use $1, $2 … placeholders (both DuckDB and PostgreSQL accept them); `{t}` expands to the table prefix. */
export interface StateQuery {
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface StateDb extends StateQuery {
  readonly dialect: 'duckdb' | 'postgres';
  /** Run `fn` in one transaction: all of it is stored, or none. */
  tx<T>(fn: (q: StateQuery) => Promise<T>): Promise<T>;
  /**
   * Insert `rows` (objects keyed by column name) into `table` as one atomic statement, when the store has a path
   * cheaper than a multi-row INSERT; undefined when it has none (then the caller writes the INSERT). `json`, when
   * given, is `JSON.stringify(rows)` already made by the caller.
   */
  readonly insertRows?: (
    table: string,
    columns: readonly Column[],
    rows: readonly Row[],
    json?: string,
  ) => Promise<void>;
  close(): Promise<void>;
}

/** Replace `{t}` with the dialect's table prefix (a quoted schema for PostgreSQL, nothing for DuckDB). */
export function expand(sql: string, prefix: string): string {
  return sql.replaceAll('{t}', prefix);
}

/** BIGINT arrives as bigint (DuckDB) or string (pg without a parser): the server's counters all fit a double. */
export function normalizeRow(row: Row): Row {
  for (const k in row) {
    const v = row[k];
    if (typeof v === 'bigint') row[k] = Number(v);
  }
  return row;
}
