// Loads a scenario folder: every file parsed with positions, validated by its schema, every number checked for
// provenance, cross-references checked, all problems reported at once as coded issues with file:line:column.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { toEpochDay } from '../core/dates.js';
import { MosaicError, type Issue } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { locate, parseYaml, validateYaml, type ParsedYaml } from '../core/yaml-doc.js';
import { AgenciesFile, BehaviourFile, ResponsesFile, crossCheckBehaviour } from './behaviour-schema.js';
import { loadChannelPolicy } from '../coproduction/policy.js';
import { CoproductionFile } from './processes/coproduction-schema.js';
import { FinanceFile } from './processes/finance-schema.js';
import { FirmsFile, PopulationFile, ScenarioFile } from './scenario-schema.js';
import { SocietyFile } from './society-schema.js';

/** The files of a scenario folder and their schemas; keys double as the first segment of override paths. */
const FILES = {
  scenario: { file: 'scenario.yaml', schema: ScenarioFile },
  population: { file: 'population.yaml', schema: PopulationFile },
  firms: { file: 'firms.yaml', schema: FirmsFile },
  behaviour: { file: 'behaviour.yaml', schema: BehaviourFile },
  agencies: { file: 'agencies.yaml', schema: AgenciesFile },
  responses: { file: 'responses.yaml', schema: ResponsesFile },
  society: { file: 'society.yaml', schema: SocietyFile },
  /** Optional: parameters of the banks and platforms modules (src/sim/processes/finance-schema.ts). */
  finance: { file: 'finance.yaml', schema: FinanceFile, optional: true },
  /** Optional: parameters of the kpiReporting module (src/sim/processes/coproduction-schema.ts). */
  coproduction: { file: 'coproduction.yaml', schema: CoproductionFile, optional: true },
} as const;
export type ScenarioPart = keyof typeof FILES;
export const SCENARIO_PARTS = Object.keys(FILES) as ScenarioPart[];

export interface Scenario {
  dir: string;
  /** sha256 over every file's text and the overrides: the manifest's scenarioHash. */
  hash: string;
  overrides: Record<string, unknown>;
  scenario: ScenarioFile;
  population: PopulationFile;
  firms: FirmsFile;
  behaviour: BehaviourFile;
  agencies: AgenciesFile;
  responses: ResponsesFile;
  society: SocietyFile;
  /** Present when the folder has a finance.yaml; required by the banks and platforms modules. */
  finance?: FinanceFile;
  /** Present when the folder has a coproduction.yaml; required by the kpiReporting module. */
  coproduction?: CoproductionFile;
  /** Parsed documents, for positions of cross-reference problems found later (e.g. against the catalogue). */
  docs: Record<ScenarioPart, ParsedYaml>;
}

export interface LoadOptions {
  /** Dot paths `part.key.key=value`; list items are addressed by their id/name/code or index. */
  overrides?: Record<string, unknown>;
}

export function loadScenario(dir: string, opts: LoadOptions = {}): Scenario {
  const root = resolve(dir);
  const issues: Issue[] = [];
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new MosaicError({
      code: 'scenario.not_found',
      message: `scenario folder ${dir} does not exist`,
      location: { file: dir },
    });
  const hash = createHash('sha256');
  const docs = {} as Record<ScenarioPart, ParsedYaml>;
  const values = {} as Record<ScenarioPart, unknown>;
  const overrides = opts.overrides ?? {};
  const byPart = groupOverrides(overrides, issues);
  for (const part of SCENARIO_PARTS) {
    const { file, schema } = FILES[part];
    const path = join(root, file);
    if ('optional' in FILES[part] && !existsSync(path)) continue;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      issues.push({ code: 'scenario.missing_file', message: `${file} is missing`, location: { file: path } });
      continue;
    }
    hash.update(`${file}\u0000${text}\u0000`);
    const parsed = parseYaml(text, path);
    docs[part] = parsed;
    for (const [p, v] of byPart.get(part) ?? []) applyOverride(parsed, p, v, issues);
    const res = validateYaml(parsed, schema as z.ZodType<unknown>, 'scenario');
    issues.push(...res.issues);
    if (res.value === undefined) continue;
    values[part] = res.value;
    checkProvenance(parsed, parsed.value, [], false, issues);
  }
  hash.update(JSON.stringify(Object.entries(overrides).sort()));
  if (!issues.length)
    crossCheck(
      values as unknown as Omit<Scenario, 'dir' | 'hash' | 'docs' | 'overrides'>,
      docs,
      issues,
      root,
    );
  if (issues.length) throw new MosaicError(issues);
  return {
    dir: root,
    hash: hash.digest('hex'),
    overrides,
    ...(values as unknown as Omit<Scenario, 'dir' | 'hash' | 'docs' | 'overrides'>),
    docs,
  };
}

/** Policy paths in scenario.yaml: `./x` is relative to the scenario folder, anything else to the package root. */
export function resolvePolicyPath(s: Pick<Scenario, 'dir'>, p: string): string {
  if (isAbsolute(p)) return p;
  return p.startsWith('./') || p.startsWith('../') ? resolve(s.dir, p) : shipped(p);
}

const PROVENANCE_KEYS = new Set(['source', 'marker', 'assumption', 'note']);

/**
 * Every number must be covered by provenance: `source` with a `marker`, or an `assumption`, on the number's block or
 * an enclosing one. This is what makes "every parameter has a source or is marked assumption" a checked property.
 */
function checkProvenance(
  p: ParsedYaml,
  v: unknown,
  path: (string | number)[],
  covered: boolean,
  issues: Issue[],
): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkProvenance(p, x, [...path, i], covered, issues));
    return;
  }
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.source === 'string' && o.marker === undefined)
      issues.push({
        code: 'scenario.missing_marker',
        message: 'a source needs a marker (V, P or U)',
        location: locate(p, [...path, 'source']),
      });
    const here = covered || typeof o.source === 'string' || typeof o.assumption === 'string';
    for (const [k, x] of Object.entries(o))
      if (!PROVENANCE_KEYS.has(k)) checkProvenance(p, x, [...path, k], here, issues);
    return;
  }
  if (typeof v === 'number' && !covered)
    issues.push({
      code: 'scenario.unsourced',
      message: `the number at ${path.join('.')} has neither a source (with marker) nor an assumption`,
      location: locate(p, path),
    });
}

function groupOverrides(
  o: Record<string, unknown>,
  issues: Issue[],
): Map<ScenarioPart, [string[], unknown][]> {
  const out = new Map<ScenarioPart, [string[], unknown][]>();
  for (const [key, value] of Object.entries(o)) {
    const [part, ...rest] = key.split('.');
    if (!SCENARIO_PARTS.includes(part as ScenarioPart) || rest.length === 0) {
      issues.push({
        code: 'scenario.bad_override',
        message: `override ${key} must start with one of ${SCENARIO_PARTS.join(', ')}`,
      });
      continue;
    }
    (out.get(part as ScenarioPart) ?? out.set(part as ScenarioPart, []).get(part as ScenarioPart)!).push([
      rest,
      value,
    ]);
  }
  return out;
}

function applyOverride(p: ParsedYaml, path: string[], value: unknown, issues: Issue[]): void {
  let node: unknown = p.value;
  for (let k = 0; k < path.length; k++) {
    const seg = path[k]!;
    const last = k === path.length - 1;
    if (Array.isArray(node)) {
      const i = /^\d+$/.test(seg)
        ? Number(seg)
        : node.findIndex((x) => x && typeof x === 'object' && [x.id, x.name, x.code].includes(seg));
      if (i < 0 || i >= node.length) break;
      if (last) {
        node[i] = value;
        return;
      }
      node = node[i];
    } else if (node && typeof node === 'object' && seg in (node as object)) {
      if (last) {
        (node as Record<string, unknown>)[seg] = value;
        return;
      }
      node = (node as Record<string, unknown>)[seg];
    } else break;
  }
  issues.push({
    code: 'scenario.bad_override',
    message: `override path ${path.join('.')} does not exist in ${p.file}`,
    location: { file: p.file },
  });
}

/** Checks between files and across values that a schema cannot express. */
function crossCheck(
  s: Omit<Scenario, 'dir' | 'hash' | 'docs' | 'overrides'>,
  docs: Record<ScenarioPart, ParsedYaml>,
  issues: Issue[],
  dir: string,
): void {
  const at = (part: ScenarioPart, path: (string | number)[]) => locate(docs[part], path);
  if (Number.isNaN(toEpochDay(s.scenario.start)))
    issues.push({
      code: 'scenario.bad_date',
      message: `start ${s.scenario.start} is not a date`,
      location: at('scenario', ['start']),
    });
  const codes = new Set<string>();
  s.scenario.city.districts.forEach((d, i) => {
    if (codes.has(d.code))
      issues.push({
        code: 'scenario.duplicate_district',
        message: `district code ${d.code} appears twice`,
        location: at('scenario', ['city', 'districts', i, 'code']),
      });
    codes.add(d.code);
  });
  const bands = s.population.agePyramid.bands;
  bands.forEach((b, i) => {
    if (b[1] < b[0])
      issues.push({
        code: 'scenario.bad_band',
        message: `band ${b[0]}-${b[1]} ends before it starts`,
        location: at('population', ['agePyramid', 'bands', i]),
      });
    if (i > 0 && b[0] !== bands[i - 1]![1] + 1)
      issues.push({
        code: 'scenario.bad_band',
        message: `band ${b[0]}-${b[1]} does not follow on from the previous band`,
        location: at('population', ['agePyramid', 'bands', i]),
      });
  });
  const H = s.population.households;
  if (!(H.motherAgeMin <= H.motherAgeMode && H.motherAgeMode <= H.motherAgeMax))
    issues.push({
      code: 'scenario.bad_range',
      message: 'mother ages must satisfy min <= mode <= max',
      location: at('population', ['households', 'motherAgeMode']),
    });
  crossCheckBehaviour(s, at, issues);
  const fin = (s.scenario.processes ?? []).filter(
    (p) => p === 'banks' || p === 'platforms' || p === 'firmGrades',
  );
  if (fin.length && !s.finance)
    issues.push({
      code: 'scenario.missing_finance',
      message: `the ${fin.join(' and ')} module(s) need the scenario's finance.yaml`,
      location: at('scenario', ['processes']),
    });
  if ((s.scenario.processes ?? []).includes('kpiReporting') && !s.coproduction)
    issues.push({
      code: 'scenario.missing_coproduction',
      message: "the kpiReporting module needs the scenario's coproduction.yaml",
      location: at('scenario', ['processes']),
    });
  if ((s.scenario.processes ?? []).includes('platformNotices')) {
    if (!s.coproduction?.notices)
      issues.push({
        code: 'scenario.missing_notices',
        message: "the platformNotices module needs the notices block of the scenario's coproduction.yaml",
        location: at('scenario', ['processes']),
      });
    // Callers who are ties respond through the relational module's responses and tie counts.
    if (!(s.scenario.processes ?? []).includes('relational'))
      issues.push({
        code: 'scenario.notices_need_relational',
        message: 'the platformNotices module needs the relational module',
        location: at('scenario', ['processes']),
      });
  }
  // Issue 17 §1, §5: the dataChannels and trust modules read their own blocks of coproduction.yaml.
  for (const [mod, block] of [
    ['dataChannels', 'channels'],
    ['trust', 'trust'],
  ] as const)
    if ((s.scenario.processes ?? []).includes(mod) && !s.coproduction?.[block])
      issues.push({
        code: `scenario.missing_${block}`,
        message: `the ${mod} module needs the ${block} block of the scenario's coproduction.yaml`,
        location: at('scenario', ['processes']),
      });
  const ch = s.coproduction?.channels;
  if (ch) {
    try {
      const policy = loadChannelPolicy(resolvePolicyPath({ dir }, ch.policy));
      const ds = policy.datasets.find((d) => d.id === ch.dataset);
      if (!ds || !ds.fields.some((f) => f.name === ch.amountField && f.kind === 'number'))
        issues.push({
          code: 'scenario.channel_dataset',
          message: `the channel policy has no dataset ${ch.dataset} with a number field ${ch.amountField}`,
          location: at('coproduction', ['channels', 'dataset']),
        });
    } catch (e) {
      issues.push({
        code: 'scenario.channel_policy',
        message: (e as Error).message,
        location: at('coproduction', ['channels', 'policy']),
      });
    }
  }
  const pq = s.coproduction?.procurement;
  if (pq?.rule.startsWith('vendor:') && !pq.vendors.some((v) => `vendor:${v.id}` === pq.rule))
    issues.push({
      code: 'scenario.unknown_vendor',
      message: `procurement names ${pq.rule}, which no bid has`,
      location: at('coproduction', ['procurement', 'rule']),
    });
  const agencyIds = new Set(s.agencies.list.map((a) => a.id));
  s.coproduction?.kpi.agencies.forEach((id, i) => {
    if (!agencyIds.has(id))
      issues.push({
        code: 'scenario.unknown_agency',
        message: `coproduction.yaml grades agency ${id}, which agencies.yaml does not list`,
        location: at('coproduction', ['kpi', 'agencies', i]),
      });
  });
  const sc = s.finance?.banks.scorecard;
  sc?.variables.forEach((v, i) => {
    if (v.points.length !== v.edges.length + 1 || v.edges.some((e, k) => k > 0 && !(e > v.edges[k - 1]!)))
      issues.push({
        code: 'scenario.bad_scorecard',
        message: `${v.feature}: ${v.edges.length} increasing edges need ${v.edges.length + 1} points`,
        location: at('finance', ['banks', 'scorecard', 'variables', i]),
      });
  });
}
