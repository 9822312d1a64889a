// Loads a simulation run directory (docs/RUN-FORMAT.md) into audit inputs, recomputing every outcome with the real
// engines from the ledger: it never trusts numbers cached by the simulation.
import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { defaultCataloguePath, loadCatalogue, type Catalogue } from '../core/catalogue.js';
import { addYears, fromEpochDay, toEpochDay } from '../core/dates.js';
import { MosaicError } from '../core/errors.js';
import { jsonErrorPosition } from '../core/json-position.js';
import { projectRoot } from '../core/paths.js';
import type { CreditRecord, Subject } from '../core/types.js';
import type { Ledger } from '../ledger/ledger.js';
import { openLedger } from '../ledger/open.js';
import { columnsToRecords } from '../schemes/municipal/columns.js';
import { loadSchemePack } from '../schemes/municipal/load.js';
import { loadListPolicy } from '../schemes/lists/policy.js';
import type { AuditInputs } from './audit.js';
import {
  factsFromRegister,
  listStatements,
  listsViewByReference,
  pointsViewByCompiled,
  pointsViewByInterpreter,
} from './engines.js';
import { buildPopulation, type PopulationColumns } from './population.js';
import type { EventColumns } from './scrutiny.js';

export interface RunManifest {
  scenario?: string;
  seed?: number;
  population?: number;
  start?: string;
  end?: string;
  scenarioDir?: string;
  policies?: { catalogue?: string; municipal?: string[]; lists?: string[] };
  [k: string]: unknown;
}

export interface LoadOptions {
  /** Default: the run's end date. */
  asOf?: string;
  /** Where relative policy paths in the manifest are resolved (default: the package root). */
  root?: string;
  /**
   * Which municipal engine gives scores and rule-line contributions: the fast evaluator's contribution sink (default)
   * or the reference interpreter's explanations, which give the same view (tested), about 4× slower.
   */
  pointsEngine?: 'compiled' | 'interpreter';
}

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Scenario convention: './x' is relative to the scenario folder, other relative paths to the package root. */
function policyPath(p: string, root: string, scenarioDir?: string): string {
  if (isAbsolute(p)) return p;
  if ((p.startsWith('./') || p.startsWith('../')) && scenarioDir) return resolve(root, scenarioDir, p);
  return resolve(root, p);
}

/** A run's manifest.json, parsed and shape-checked: a missing or malformed one is a coded error with its location. */
export function readManifest(dir: string): RunManifest {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file))
    throw new MosaicError({
      code: 'audit.no_manifest',
      message: `${dir} has no manifest.json (see docs/RUN-FORMAT.md)`,
      location: { file },
    });
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new MosaicError({
      code: 'audit.bad_manifest',
      message: `manifest.json is not valid JSON: ${(e as Error).message}`,
      location: { file, ...jsonErrorPosition(readFileSync(file, 'utf8')) },
    });
  }
  const bad = (path: string, what: string) =>
    new MosaicError({
      code: 'audit.bad_manifest',
      message: `manifest.json: ${path} must be ${what}`,
      location: { file, path: path.split('.') },
    });
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('the document', 'an object');
  const m = value as RunManifest;
  for (const k of ['scenario', 'start', 'end', 'scenarioDir'] as const)
    if (m[k] !== undefined && typeof m[k] !== 'string') throw bad(k, 'a string');
  if (m.policies !== undefined) {
    if (typeof m.policies !== 'object' || m.policies === null) throw bad('policies', 'an object');
    if (m.policies.catalogue !== undefined && typeof m.policies.catalogue !== 'string')
      throw bad('policies.catalogue', 'a string');
    for (const k of ['municipal', 'lists'] as const) {
      const v = m.policies[k];
      if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string')))
        throw bad(`policies.${k}`, 'a list of folder names');
    }
  }
  return m;
}

/** Everything the audit needs from a run directory, computed from its ledger with the engines. */
export async function loadRun(dir: string, opts: LoadOptions = {}): Promise<AuditInputs> {
  const manifest = readManifest(dir);
  const ledgerFile = join(dir, 'ledger.duckdb');
  // Opening a DuckDB file creates it: a run without its ledger must fail, not be audited as empty.
  if (!existsSync(ledgerFile))
    throw new MosaicError({
      code: 'audit.no_ledger',
      message: `${dir} has no ledger.duckdb (see docs/RUN-FORMAT.md)`,
      location: { file: ledgerFile },
    });
  const root = opts.root ?? projectRoot();
  const catalogue = loadCatalogue(
    manifest.policies?.catalogue
      ? policyPath(manifest.policies.catalogue, root, manifest.scenarioDir)
      : defaultCataloguePath(),
  );
  const ledger = await openLedger({ adapter: 'duckdb', file: ledgerFile, catalogue });
  try {
    return await loadFromLedger(ledger, catalogue, { dir, manifest, root, ...opts });
  } finally {
    await ledger.close();
  }
}

interface Context {
  dir?: string;
  manifest: RunManifest;
  root: string;
  asOf?: string;
  pointsEngine?: LoadOptions['pointsEngine'];
}

/** Audit inputs from any ledger (a run's, or an imported one), with an optional run directory for register and events. */
export async function loadFromLedger(
  ledger: Ledger,
  catalogue: Catalogue,
  ctx: Context,
): Promise<AuditInputs> {
  const cols = await ledger.scan();
  const register = await ledger.subjects();
  const byId = new Map(register.map((s) => [s.id, s]));
  let minDay = Infinity;
  let maxDay = -Infinity;
  for (let i = 0; i < cols.length; i++) {
    minDay = Math.min(minDay, cols.occurred[i]!);
    maxDay = Math.max(maxDay, cols.reported[i]!);
  }
  const from = ctx.manifest.start ?? (Number.isFinite(minDay) ? fromEpochDay(minDay) : '2024-01-01');
  const to =
    ctx.manifest.end ??
    (ctx.manifest.start && ctx.manifest.years
      ? fromEpochDay(addYears(toEpochDay(ctx.manifest.start), Number(ctx.manifest.years)) - 1)
      : Number.isFinite(maxDay)
        ? fromEpochDay(maxDay)
        : from);
  const asOf = ctx.asOf ?? to;

  const popFile = ctx.dir ? join(ctx.dir, 'population.parquet') : '';
  const pop =
    popFile && existsSync(popFile) ? await readPopulation(popFile) : populationFromRegister(register);
  const population = buildPopulation(pop, asOf);
  const ids = population.ids;

  const records = columnsToRecords(cols, catalogue);
  const missing: AuditInputs['missing'] = [];
  const municipal = ctx.manifest.policies?.municipal ?? [];
  const points = municipal.map((d) => {
    const pack = loadSchemePack(policyPath(d, ctx.root, ctx.manifest.scenarioDir), catalogue);
    if (ctx.pointsEngine !== 'interpreter')
      return pointsViewByCompiled(pack, catalogue, cols, ids, (id) => byId.get(id), asOf);
    const bySubject = new Map<string, CreditRecord[]>();
    for (const r of records) {
      const l = bySubject.get(r.subject);
      if (l) l.push(r);
      else bySubject.set(r.subject, [r]);
    }
    return pointsViewByInterpreter(
      pack,
      ids,
      factsFromRegister(pack, ids, (id) => byId.get(id)),
      (i) => bySubject.get(ids[i]!) ?? [],
      asOf,
      (id) => (id.startsWith('row') ? Number(id.slice(3)) : -1),
    );
  });
  if (!municipal.length)
    missing.push({ engine: 'municipal points', reason: 'the manifest names no municipal points scheme' });
  const listRoots = ctx.manifest.policies?.lists ?? [];
  const inputs: AuditInputs = {
    // The run by its folder name: the report is public, and an absolute path only tells where it sat on one machine.
    source: {
      run: ctx.dir ? basename(resolve(ctx.dir)) : ledger.adapter,
      scenario: ctx.manifest.scenario,
      seed: ctx.manifest.seed,
    },
    asOf,
    from,
    to,
    catalogue,
    records: cols,
    population,
    points,
    missing,
  };
  if (listRoots.length) {
    const policy = loadListPolicy(policyPath(listRoots[0]!, ctx.root, ctx.manifest.scenarioDir), catalogue);
    inputs.lists = listsViewByReference(policy, register, ids, listStatements(policy, records), asOf);
  } else missing.push({ engine: 'lists', reason: 'the manifest names no lists policy' });
  const evFile = ctx.dir ? join(ctx.dir, 'events.parquet') : '';
  if (evFile && existsSync(evFile)) inputs.events = await readEvents(evFile, population.index);
  else
    missing.push({
      engine: 'true events (mirage, detection)',
      reason: 'no events.parquet: not a simulated run',
    });
  return inputs;
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    return (await con.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    con.closeSync();
  }
}

async function readPopulation(file: string): Promise<PopulationColumns> {
  const rows = await query(
    `SELECT id, hukou, sex, strftime(birth_date, '%Y-%m-%d') AS birth, district, occupation,
            coalesce(state_personnel, false) AS sp, coalesce(village_cadre, false) AS vc,
            coalesce(party_member, false) AS pm
       FROM read_parquet(${q(file)}) ORDER BY id`,
  );
  const s = (k: string) => rows.map((r) => (r[k] === null || r[k] === undefined ? null : String(r[k])));
  const flag = (k: string) => Uint8Array.from(rows, (r) => (r[k] ? 1 : 0));
  return {
    ids: rows.map((r) => String(r.id)),
    hukou: s('hukou'),
    sex: s('sex'),
    birthDate: s('birth'),
    district: s('district'),
    occupation: s('occupation'),
    roles: { state_personnel: flag('sp'), village_cadre: flag('vc'), party_member: flag('pm') },
  };
}

/** Without a population file: the ledger's register of natural persons. */
export function populationFromRegister(register: readonly Subject[]): PopulationColumns {
  const people = register
    .filter((s) => s.type === 'natural')
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const role = (r: string) => Uint8Array.from(people, (p) => (p.roles.includes(r as never) ? 1 : 0));
  return {
    ids: people.map((p) => p.id),
    hukou: people.map((p) => p.hukou ?? null),
    sex: people.map((p) => p.sex ?? null),
    birthDate: people.map((p) => p.birthDate ?? null),
    district: people.map((p) => p.district ?? p.jurisdiction ?? null),
    roles: {
      state_personnel: role('state_personnel'),
      village_cadre: role('village_cadre'),
      party_member: role('party_member'),
    },
  };
}

async function readEvents(file: string, index: Map<string, number>): Promise<EventColumns> {
  const rows = await query(
    `SELECT subject, kind, agency, recorded, fabricated FROM read_parquet(${q(file)}) ORDER BY event_id`,
  );
  const dict = (k: string) => {
    const names = [...new Set(rows.map((r) => String(r[k] ?? '')))].sort();
    const at = new Map(names.map((n, i) => [n, i]));
    return { names, codes: Uint16Array.from(rows, (r) => at.get(String(r[k] ?? ''))!) };
  };
  const kinds = dict('kind');
  const agencies = dict('agency');
  return {
    length: rows.length,
    subject: Int32Array.from(rows, (r) => index.get(String(r.subject)) ?? -1),
    kind: kinds.codes,
    kinds: kinds.names,
    agency: agencies.codes,
    agencies: agencies.names,
    recorded: Uint8Array.from(rows, (r) => (r.recorded ? 1 : 0)),
    fabricated: Uint8Array.from(rows, (r) => (r.fabricated ? 1 : 0)),
  };
}
