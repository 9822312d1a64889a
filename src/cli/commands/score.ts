// `mosaic score --policy DIR --as-of DATE`: score every subject in the ledger and write a scores table (DuckDB, Parquet).
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Command } from 'commander';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { isIsoDate, toEpochDay } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { prepareOutputFile } from '../../core/outputs.js';
import { compileScheme, type ScoreTable } from '../../schemes/municipal/compile.js';
import { loadSchemePack } from '../../schemes/municipal/load.js';
import { subjectColumnsFor } from '../../schemes/municipal/subjects.js';
import { GRADE_CODES, GRADE_NONE, SCORE_STATUSES, type SchemePack } from '../../schemes/municipal/types.js';
import { ledgerFile, out, withLedger, type GlobalOptions } from '../../ingest/session.js';

interface ScoreFlags {
  policy: string;
  asOf: string;
  duckdb?: string;
  parquet?: string;
  force?: boolean;
  top?: string;
  subject?: string[];
}

export function register(program: Command): void {
  program
    .command('score')
    .description('Score every subject of the ledger under a points scheme as of a date; write a scores table')
    .requiredOption('--policy <dir>', 'points-scheme pack folder, e.g. policies/wendeng-points/2020')
    .requiredOption('--as-of <date>', 'YYYY-MM-DD')
    .option(
      '--duckdb <file>',
      'DuckDB file that receives the `scores` table (default: <data-dir>/scores.duckdb)',
    )
    .option(
      '--parquet <file>',
      'Parquet file of this run (default: <data-dir>/scores-<scheme>-<version>-<date>.parquet)',
    )
    .option('--force', 'replace an existing --parquet file (never the ledger)')
    .option('--top <n>', 'print the n subjects with the highest scores')
    .option('--subject <id>', "print this subject's row (repeatable)", (v: string, p: string[] = []) => [
      ...p,
      v,
    ])
    .addHelpText(
      'after',
      `
The table holds one row per subject: scheme, version, as_of, subject, status, score, grade, frozen. Rows of an
earlier run for the same scheme, version and date are replaced. Subjects known only from the register (no records)
are scored too.`,
    )
    .action(async (flags: ScoreFlags, cmd: Command) => {
      if (!isIsoDate(flags.asOf))
        throw new MosaicError({
          code: 'cli.bad_date',
          message: `--as-of ${flags.asOf} is not a YYYY-MM-DD date`,
        });
      const catalogue = loadCatalogue(defaultCataloguePath());
      const pack = loadSchemePack(flags.policy, catalogue);
      const compiled = compileScheme(pack, catalogue);
      // Outputs are checked before the ledger is read: never the ledger itself, never a foreign file.
      const dataDir = cmd.optsWithGlobals<GlobalOptions>().dataDir ?? './data';
      const ledger = ledgerFile(cmd);
      const protect = ledger ? [ledger] : [];
      const dbFile = prepareOutputFile(flags.duckdb ?? join(dataDir, 'scores.duckdb'), {
        kind: 'duckdb',
        flag: '--duckdb',
        protect,
        // The scores database gathers runs: rows of the same scheme, version and date are replaced, nothing else.
        ownPrevious: () => true,
      });
      const defaultParquet = resolve(
        join(dataDir, `scores-${pack.meta.scheme}-${pack.meta.version}-${flags.asOf}.parquet`),
      );
      const parquet = prepareOutputFile(flags.parquet ?? defaultParquet, {
        kind: 'parquet',
        flag: '--parquet',
        force: flags.force === true,
        protect,
        // The default file is named after this very run (scheme, version, date): re-running replaces it.
        ownPrevious: (f) => f === defaultParquet,
      });
      const t0 = performance.now();
      const { ids, table } = await withLedger(
        cmd,
        async (ledger) => {
          const cols = await ledger.scan();
          const register = await ledger.subjects();
          const byId = new Map(register.map((s) => [s.id, s]));
          const known = new Set(cols.subjects);
          const ids = [...cols.subjects, ...register.filter((s) => !known.has(s.id)).map((s) => s.id)];
          const subj = subjectColumnsFor(ids, (id) => byId.get(id), pack);
          return { ids, table: compiled.scoreAll(cols, subj, toEpochDay(flags.asOf)) };
        },
        { mustExist: true },
      );
      const ms = performance.now() - t0;
      await writeScores(dbFile, parquet, pack, flags.asOf, ids, table);
      const counts = new Map<string, number>();
      for (let i = 0; i < ids.length; i++) {
        const k = table.status[i] === 0 ? GRADE_CODES[table.grade[i]!]! : SCORE_STATUSES[table.status[i]!]!;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      out(
        `${pack.id} as of ${flags.asOf}: ${ids.length} subjects scored in ${ms.toFixed(0)} ms (ledger read included)`,
      );
      out(
        `  ${[...counts]
          .sort()
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}`,
      );
      out(`per-subject table (${ids.length} rows: subject, status, score, grade, frozen):`);
      out(`  DuckDB  ${dbFile}, table scores`);
      out(`  Parquet ${parquet}`);
      const shown = rowsToShow(ids, table, flags);
      if (shown.length) {
        out();
        out(['subject'.padEnd(18), 'status'.padEnd(13), 'score'.padStart(5), 'grade'].join('  '));
        for (const i of shown)
          out(
            [
              ids[i]!.padEnd(18),
              SCORE_STATUSES[table.status[i]!]!.padEnd(13),
              (table.status[i] === 0 ? String(table.score[i]) : '').padStart(5),
              table.grade[i] === GRADE_NONE ? '' : GRADE_CODES[table.grade[i]!]!,
            ]
              .join('  ')
              .trimEnd(),
          );
      }
    });
}

/** Row indexes for --top (highest scores first, scored subjects only) and --subject (in the order given). */
export function rowsToShow(
  ids: readonly string[],
  t: ScoreTable,
  f: { top?: string; subject?: string[] },
): number[] {
  const rows: number[] = [];
  if (f.top !== undefined) {
    const n = Number(f.top);
    if (!Number.isInteger(n) || n < 1)
      throw new MosaicError({
        code: 'cli.bad_number',
        message: `--top must be a positive integer, got '${f.top}'`,
      });
    const scored = [...ids.keys()].filter((i) => t.status[i] === 0);
    scored.sort((a, b) => t.score[b]! - t.score[a]! || (ids[a]! < ids[b]! ? -1 : 1));
    rows.push(...scored.slice(0, n));
  }
  const at = new Map(ids.map((id, i) => [id, i]));
  for (const s of f.subject ?? []) {
    const i = at.get(s);
    if (i === undefined)
      throw new MosaicError({
        code: 'subject.not_found',
        message: `${s} is not in the ledger (no records and no register entry)`,
        location: { path: ['--subject'] },
      });
    rows.push(i);
  }
  return rows;
}

/** Replace this run's rows in the `scores` table and export them to Parquet. */
export async function writeScores(
  dbFile: string,
  parquet: string,
  pack: SchemePack,
  asOf: string,
  ids: readonly string[],
  t: ScoreTable,
): Promise<void> {
  const db = await DuckDBInstance.create(dbFile);
  const con = await db.connect();
  try {
    // A ledger (the data dir's or a run's) is never a scores database: refuse before writing anything into it.
    const tables = await con.runAndReadAll(
      `SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name IN ('ledger_records', 'ledger_meta')`,
    );
    if (Number(tables.getRowsJS()[0]?.[0]) > 0)
      throw new MosaicError({
        code: 'output.is_ledger',
        message: `--duckdb ${dbFile} is a Mosaic ledger, not a scores database; write the scores elsewhere`,
        location: { file: dbFile },
      });
    await con.run(`CREATE TABLE IF NOT EXISTS scores (
      scheme VARCHAR NOT NULL, version VARCHAR NOT NULL, as_of DATE NOT NULL, subject VARCHAR NOT NULL,
      status VARCHAR NOT NULL, score INTEGER, grade VARCHAR, frozen BOOLEAN NOT NULL)`);
    await con.run('CREATE TEMP TABLE scores_stage AS SELECT * FROM scores LIMIT 0');
    const ap = await con.createAppender('scores_stage');
    try {
      for (let i = 0; i < ids.length; i++) {
        ap.appendVarchar(pack.meta.scheme);
        ap.appendVarchar(pack.meta.version);
        ap.appendVarchar(asOf);
        ap.appendVarchar(ids[i]!);
        ap.appendVarchar(SCORE_STATUSES[t.status[i]!]!);
        if (t.status[i] === 0) ap.appendInteger(t.score[i]!);
        else ap.appendNull();
        if (t.grade[i] === GRADE_NONE) ap.appendNull();
        else ap.appendVarchar(GRADE_CODES[t.grade[i]!]!);
        ap.appendBoolean(t.frozen[i] === 1);
        ap.endRow();
      }
      ap.flushSync();
    } finally {
      ap.closeSync();
    }
    const esc = (s: string) => s.replaceAll("'", "''");
    const where = `scheme = '${esc(pack.meta.scheme)}' AND version = '${esc(pack.meta.version)}' AND as_of = DATE '${asOf}'`;
    await con.run('BEGIN TRANSACTION');
    await con.run(`DELETE FROM scores WHERE ${where}`);
    await con.run('INSERT INTO scores SELECT * FROM scores_stage');
    await con.run('COMMIT');
    await con.run(
      `COPY (SELECT * FROM scores WHERE ${where} ORDER BY subject) TO '${esc(parquet)}' (FORMAT parquet)`,
    );
  } finally {
    con.closeSync();
    db.closeSync();
  }
}
