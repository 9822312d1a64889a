// Load a points-scheme pack folder: parse every file, resolve `extends`, check every cross-reference, report all issues.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import {
  defaultCataloguePath,
  loadCatalogue,
  type Catalogue,
  type RecordKind,
} from '../../core/catalogue.js';
import { MosaicError, type Issue, type Location } from '../../core/errors.js';
import type { IssuerLevel } from '../../core/types.js';
import { isScalar } from 'yaml';
import { locate, parseYaml, validateYaml, type ParsedYaml } from '../../core/yaml-doc.js';
import { parseFormula } from '../../policy/expr.js';
import {
  compareLower,
  intersects,
  intervalProblem,
  junction,
  normalize,
  type Interval,
  type NormInterval,
} from '../../policy/interval.js';
import {
  ChildSchemeFileSchema,
  DirectFileSchema,
  InteractionsFileSchema,
  LabelsFileSchema,
  PACK_FILES,
  RepairsFileSchema,
  RulesFileSchema,
  SchemeFileSchema,
  ValidityFileSchema,
  type CaseIn,
  type ConditionIn,
  type DirectIn,
  type ExclusionIn,
  type InteractionIn,
  type LabelsIn,
  type PackFileName,
  type RepairIn,
  type RuleIn,
  type SchemeIn,
  type ValidityIn,
} from './schema.js';
import {
  GRADES,
  type Band,
  type Conditions,
  type DirectRule,
  type Effect,
  type Exclusion,
  type Interaction,
  type Label,
  type PointRule,
  type Provenance,
  type RepairRule,
  type RuleCase,
  type SchemeMeta,
  type SchemePack,
  type SubjectClass,
  type ValidityTable,
} from './types.js';

/** The text of a pack folder's files; absent files are left out. */
export interface PackFiles {
  dir: string;
  files: Partial<Record<PackFileName, string>>;
}

/** Reads a pack folder (the file system by default; tests and the fuzzer pass an in-memory reader). */
export type PackReader = (dir: string) => PackFiles | undefined;

export const fsPackReader: PackReader = (dir) => {
  if (!existsSync(join(dir, 'scheme.yaml'))) return undefined;
  const files: PackFiles['files'] = {};
  for (const f of PACK_FILES) {
    const p = join(dir, f);
    if (existsSync(p)) files[f] = readFileSync(p, 'utf8');
  }
  return { dir, files };
};

const MAX_EXTENDS_DEPTH = 8;

interface Item<T> {
  value: T;
  /** Location of a path inside the item. */
  at: (sub?: (string | number)[]) => Location;
  /** Is the scalar at a path inside the item quoted (its text starts one column after the node)? */
  quoted: (sub: (string | number)[]) => boolean;
  origin: string;
}

interface RawPack {
  dir: string;
  id: string;
  chain: string[];
  scheme: Partial<SchemeIn>;
  schemeAt: (path: (string | number)[]) => Location;
  rules: Item<RuleIn>[];
  direct: Item<DirectIn>[];
  repairs: Item<RepairIn>[];
  interactions: Item<InteractionIn>[];
  exclusions: Item<ExclusionIn>[];
  validity?: Item<ValidityIn>;
  labels: { grades: Record<string, Label>; domains: Record<string, Label> };
  /** A labels file failed to load: skip label cross-checks instead of reporting every rule. */
  labelsFailed: boolean;
}

/** Load and check a pack; throws MosaicError with every issue found. */
export function loadSchemePack(dir: string, catalogue?: Catalogue): SchemePack {
  const res = checkSchemePack(dir, catalogue ?? loadCatalogue(defaultCataloguePath()));
  if (!res.pack) throw new MosaicError(res.issues);
  return res.pack;
}

/** Check a pack without throwing: the pack when it is valid, and every issue otherwise. Never throws on bad input. */
export function checkSchemePack(
  dir: string,
  catalogue: Catalogue,
  reader: PackReader = fsPackReader,
): { pack?: SchemePack; issues: Issue[] } {
  const issues: Issue[] = [];
  const raw = readRaw(resolve(dir), reader, issues, []);
  if (!raw) return { issues };
  const pack = resolvePack(raw, catalogue, issues);
  return issues.length ? { issues } : { pack, issues };
}

// Parsed documents are immutable once built, so identical text is parsed once: packs that extend a parent, the CLI
// loading several versions, and the fuzzer (which mutates one file at a time) all reuse the parse.
const parseCache = new Map<string, ParsedYaml>();
const PARSE_CACHE_MAX = 256;

function parseCached(text: string, file: string): ParsedYaml {
  const key = `${file}\u0000${text}`;
  let p = parseCache.get(key);
  if (!p) {
    // The YAML library builds an Error per syntax problem; their stack traces are never used (problems become
    // coded issues) and capturing them dominated the cost of loading broken files.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      p = parseYaml(text, file);
    } finally {
      Error.stackTraceLimit = limit;
    }
    if (parseCache.size >= PARSE_CACHE_MAX) parseCache.clear();
    parseCache.set(key, p);
  }
  return p;
}

function parseFile<T>(
  dir: string,
  name: PackFileName,
  text: string,
  schema: z.ZodType<T>,
  issues: Issue[],
): { value: T; parsed: ParsedYaml } | undefined {
  const parsed = parseCached(text, join(dir, name));
  if (!parsed.issues.length && (parsed.value === null || typeof parsed.value !== 'object')) {
    issues.push({
      code: 'policy.invalid_type',
      message: `${name} must hold a mapping`,
      location: { file: parsed.file, line: 1, column: 1 },
    });
    return undefined;
  }
  const res = validateYaml(parsed, schema, 'policy');
  issues.push(...res.issues);
  return res.value === undefined ? undefined : { value: res.value, parsed };
}

function readRaw(dir: string, reader: PackReader, issues: Issue[], seen: string[]): RawPack | undefined {
  let src: PackFiles | undefined;
  try {
    src = reader(dir);
  } catch (err) {
    issues.push({ code: 'io.read_failed', message: (err as Error).message, location: { file: dir } });
    return undefined;
  }
  const schemeText = src?.files['scheme.yaml'];
  if (!src || schemeText === undefined) {
    issues.push({
      code: 'policy.missing_file',
      message: `no scheme.yaml in ${dir}`,
      location: { file: join(dir, 'scheme.yaml') },
    });
    return undefined;
  }
  // Peek at `extends` to pick the schema: a child may leave inherited keys out.
  const peek = parseCached(schemeText, join(dir, 'scheme.yaml'));
  const isChild =
    peek.value !== null &&
    typeof peek.value === 'object' &&
    'extends' in (peek.value as Record<string, unknown>);
  const schemeSchema = (isChild ? ChildSchemeFileSchema : SchemeFileSchema) as z.ZodType<Partial<SchemeIn>>;
  const scheme = parseFile(dir, 'scheme.yaml', schemeText, schemeSchema, issues);
  if (!scheme) return undefined;
  const s = scheme.value as Partial<SchemeIn>;
  const id = `${s.scheme}@${s.version}`;
  const schemeAt = (path: (string | number)[]) => locate(scheme.parsed, path);

  let parent: RawPack | undefined;
  if (s.extends !== undefined) {
    const parentDir = resolve(dir, s.extends);
    if (seen.includes(parentDir) || parentDir === dir) {
      issues.push({
        code: 'policy.extends_cycle',
        message: `extends ${s.extends} leads back to itself`,
        location: schemeAt(['extends']),
      });
      return undefined;
    }
    if (seen.length >= MAX_EXTENDS_DEPTH) {
      issues.push({
        code: 'policy.extends_cycle',
        message: `extends chain is deeper than ${MAX_EXTENDS_DEPTH}`,
        location: schemeAt(['extends']),
      });
      return undefined;
    }
    const parentIssues: Issue[] = [];
    parent = readRaw(parentDir, reader, parentIssues, [...seen, dir]);
    if (!parent || parentIssues.length) {
      issues.push({
        code: 'policy.bad_extends',
        message: `cannot extend ${s.extends}: the parent pack has errors (listed below)`,
        location: schemeAt(['extends']),
      });
      issues.push(...parentIssues);
      return undefined;
    }
  }

  const raw: RawPack = {
    dir,
    id,
    chain: [id, ...(parent?.chain ?? [])],
    scheme: { ...(parent?.scheme ?? {}), ...s },
    schemeAt: (path) =>
      path[0] !== undefined && !(path[0] in s) && parent ? parent.schemeAt(path) : schemeAt(path),
    rules: parent?.rules ?? [],
    direct: parent?.direct ?? [],
    repairs: parent?.repairs ?? [],
    interactions: parent?.interactions ?? [],
    exclusions: parent?.exclusions ?? [],
    validity: parent?.validity,
    labels: {
      grades: { ...(parent?.labels.grades ?? {}) },
      domains: { ...(parent?.labels.domains ?? {}) },
    },
    labelsFailed: false,
  };

  type SectionFile = { mode?: 'merge' | 'replace'; remove?: string[] };
  const merge = <T extends { id: string }>(
    f: { value: SectionFile; parsed: ParsedYaml },
    key: string,
    list: T[],
    inherited: Item<T>[],
    removable: Set<string>,
  ): Item<T>[] => {
    const mine = list.map((value, i) => ({
      value,
      at: (sub: (string | number)[] = []) => locate(f.parsed, [key, i, ...sub]),
      quoted: (sub: (string | number)[]) => {
        const node = f.parsed.doc.getIn([key, i, ...sub], true);
        return isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
      },
      origin: id,
    }));
    if (f.value.mode === 'replace') return mine;
    const removed = new Set(f.value.remove ?? []);
    for (const rid of removed) removable.add(rid);
    const mineIds = new Set(mine.map((m) => m.value.id));
    return [...inherited.filter((it) => !removed.has(it.value.id) && !mineIds.has(it.value.id)), ...mine];
  };
  const section = <F extends SectionFile>(name: PackFileName, schema: z.ZodType<F>) => {
    const text = src.files[name];
    return text === undefined ? undefined : parseFile(dir, name, text, schema, issues);
  };
  const checkRemoves = (
    f: { value: SectionFile; parsed: ParsedYaml } | undefined,
    inheritedIds: Set<string>,
  ) => {
    if (!f) return;
    if (f.value.mode === 'replace' && f.value.remove?.length)
      issues.push({
        code: 'policy.invalid_value',
        message: 'remove is meaningless with mode: replace',
        location: locate(f.parsed, ['remove']),
      });
    else
      (f.value.remove ?? []).forEach((rid, i) => {
        if (!inheritedIds.has(rid))
          issues.push({
            code: 'policy.unknown_reference',
            message: `remove: ${rid} is not inherited from ${parent?.id ?? 'a parent (there is none)'}`,
            location: locate(f.parsed, ['remove', i]),
          });
      });
  };
  const idsOf = (...lists: Item<{ id: string }>[][]) =>
    new Set(lists.flatMap((l) => l.map((it) => it.value.id)));
  const unused = new Set<string>();

  const rf = section('rules.yaml', RulesFileSchema);
  checkRemoves(rf, idsOf(raw.rules));
  if (rf) raw.rules = merge(rf, 'rules', rf.value.rules, raw.rules, unused);
  const df = section('direct-grading.yaml', DirectFileSchema);
  checkRemoves(df, idsOf(raw.direct));
  if (df) raw.direct = merge(df, 'direct', df.value.direct, raw.direct, unused);
  const pf = section('repairs.yaml', RepairsFileSchema);
  checkRemoves(pf, idsOf(raw.repairs));
  if (pf) raw.repairs = merge(pf, 'repairs', pf.value.repairs, raw.repairs, unused);
  const xf = section('interactions.yaml', InteractionsFileSchema);
  checkRemoves(xf, idsOf(raw.interactions, raw.exclusions));
  if (xf) {
    raw.interactions = merge(xf, 'interactions', xf.value.interactions, raw.interactions, unused);
    raw.exclusions = merge(xf, 'exclusions', xf.value.exclusions ?? [], raw.exclusions, unused);
  }
  const vtext = src.files['validity.yaml'];
  if (vtext !== undefined) {
    const v = parseFile(dir, 'validity.yaml', vtext, ValidityFileSchema, issues);
    if (v)
      raw.validity = {
        value: v.value,
        at: (sub = []) => locate(v.parsed, sub),
        quoted: () => false,
        origin: id,
      };
  }
  const ltext = src.files['labels.yaml'];
  if (ltext !== undefined) {
    const l = parseFile(dir, 'labels.yaml', ltext, LabelsFileSchema, issues) as
      { value: LabelsIn } | undefined;
    if (!l) raw.labelsFailed = true;
    else {
      Object.assign(raw.labels.grades, l.value.grades ?? {});
      Object.assign(raw.labels.domains, l.value.domains ?? {});
    }
  }
  return raw;
}

const asArray = <T>(v: T | T[] | undefined): T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v];

function prov(
  v: { basis: string; source: string; marker: 'V' | 'P' | 'U'; note?: string },
  loc: Location,
  origin: string,
): Provenance {
  const p: Provenance = { basis: v.basis, source: v.source, marker: v.marker, loc, origin };
  if (v.note !== undefined) p.note = v.note;
  return p;
}

/** A matcher: what records a case or direct rule can match, for overlap and gap checks. */
interface Matcher {
  ruleId: string;
  classes: SubjectClass[];
  sev?: Set<string>;
  lvl?: Set<string>;
  amt: NormInterval;
  /** Computed only when an issue is reported: locating nodes is the loader's main cost on valid packs. */
  at: () => Location;
}

function classesIntersect(a: SubjectClass[], b: SubjectClass[]): boolean {
  const legalA = a.includes('legal_person');
  const legalB = b.includes('legal_person');
  if (legalA && legalB) return true;
  // Every natural-person class contains some person of every other (roles combine freely).
  return a.some((c) => c !== 'legal_person') && b.some((c) => c !== 'legal_person');
}

function setsIntersect(a?: Set<string>, b?: Set<string>): boolean {
  if (!a || !b) return true;
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/** Overlapping rule pairs counted per record kind (and rule family), with the first few named. */
class OverlapsByKind {
  private static readonly SHOWN = 3;
  private readonly byKind = new Map<string, { pairs: string[]; count: number; at: () => Location }>();

  note(kind: string, a: string, b: string, at: () => Location, family = ''): void {
    const key = `${family}\u0000${kind}`;
    let e = this.byKind.get(key);
    if (!e) this.byKind.set(key, (e = { pairs: [], count: 0, at }));
    e.count++;
    if (e.pairs.length < OverlapsByKind.SHOWN) e.pairs.push(`${a} and ${b}`);
  }

  issues(): Issue[] {
    return [...this.byKind].map(([key, e]) => {
      const [family, kind] = key.split('\u0000') as [string, string];
      const more = e.count > e.pairs.length ? `, and ${e.count - e.pairs.length} more pair(s)` : '';
      return {
        code: 'policy.overlapping_rules',
        message:
          e.count === 1
            ? `${family}rules ${e.pairs[0]} can both ${family ? 'match' : 'score'} the same ${kind} record`
            : `${e.count} pairs of ${family}rules can both ${family ? 'match' : 'score'} the same ${kind} record: ${e.pairs.join('; ')}${more}`,
        location: e.at(),
      };
    });
  }
}

function overlaps(a: Matcher, b: Matcher): boolean {
  return (
    classesIntersect(a.classes, b.classes) &&
    setsIntersect(a.sev, b.sev) &&
    setsIntersect(a.lvl, b.lvl) &&
    intersects(a.amt, b.amt)
  );
}

function resolvePack(raw: RawPack, cat: Catalogue, issues: Issue[]): SchemePack {
  const ids = new Map<string, () => Location>();
  const claimId = (id: string, at: () => Location) => {
    const prev = ids.get(id);
    if (prev)
      issues.push({
        code: 'policy.duplicate_id',
        message: `id ${id} is already used at ${prev().file}:${prev().line}`,
        location: at(),
      });
    else ids.set(id, at);
  };
  const kindOf = (code: string, at: () => Location): RecordKind | undefined => {
    const k = cat.get(code);
    if (!k)
      issues.push({
        code: 'policy.unknown_kind',
        message: `record kind '${code}' is not in catalogue ${cat.version}`,
        location: at(),
      });
    return k;
  };
  const checkSubjects = (classes: SubjectClass[], kind: RecordKind | undefined, at: () => Location) => {
    if (!kind) return;
    if (classes.includes('legal_person') && !kind.subjects.includes('legal'))
      issues.push({
        code: 'policy.subject_kind_mismatch',
        message: `kind ${kind.code} is never about legal persons`,
        location: at(),
      });
    if (classes.some((c) => c !== 'legal_person') && !kind.subjects.includes('natural'))
      issues.push({
        code: 'policy.subject_kind_mismatch',
        message: `kind ${kind.code} is never about natural persons`,
        location: at(),
      });
    if (new Set(classes).size !== classes.length)
      issues.push({
        code: 'policy.invalid_value',
        message: 'a subject class is listed twice',
        location: at(),
      });
  };
  const checkConditions = (
    c: Conditions,
    kinds: (RecordKind | undefined)[],
    at: (sub: (string | number)[]) => Location,
  ) => {
    for (const kind of kinds) {
      if (!kind) continue;
      c.severity?.forEach((sv, i) => {
        if (!(kind.severities ?? []).includes(sv))
          issues.push({
            code: 'policy.unknown_severity',
            message: `severity '${sv}' is not declared for ${kind.code} (declared: ${(kind.severities ?? []).join(', ') || 'none'})`,
            location: at(['severity', i]),
          });
      });
      if (c.amount && !kind.unit)
        issues.push({
          code: 'policy.amount_without_unit',
          message: `kind ${kind.code} has no amount (no unit in the catalogue)`,
          location: at(['amount']),
        });
    }
    if (c.amount) {
      const p = intervalProblem(c.amount);
      if (p) issues.push({ code: 'policy.bad_interval', message: p, location: at(['amount']) });
    }
    for (const [name, list] of [
      ['severity', c.severity],
      ['level', c.level],
    ] as const)
      if (list && new Set(list).size !== list.length)
        issues.push({
          code: 'policy.invalid_value',
          message: `a ${name} is listed twice`,
          location: at([name]),
        });
  };
  const conds = (c: ConditionIn | CaseIn | undefined): Conditions => {
    const out: Conditions = {};
    if (!c) return out;
    const sev = asArray(c.severity);
    const lvl = asArray(c.level) as IssuerLevel[] | undefined;
    if (sev) out.severity = sev;
    if (lvl) out.level = lvl;
    if (c.amount) out.amount = c.amount as Interval;
    return out;
  };
  const matcher = (ruleId: string, classes: SubjectClass[], c: Conditions, at: () => Location): Matcher => {
    const m: Matcher = { ruleId, classes, amt: normalize(c.amount), at };
    if (c.severity) m.sev = new Set(c.severity);
    if (c.level) m.lvl = new Set(c.level);
    return m;
  };

  // ---- metadata ----
  const s = raw.scheme as SchemeIn;
  const meta: SchemeMeta = {
    ...prov(s, raw.schemeAt([]), raw.id),
    scheme: s.scheme,
    version: s.version,
    title: s.title,
    jurisdiction: s.jurisdiction,
    effective: s.effective,
    baseScore: s.baseScore,
    subjects: s.subjects as SubjectClass[],
    eligibility: s.eligibility,
    consentRequired: s.consentRequired,
    bands: s.bands as Band[],
    notes: s.notes ?? [],
  };
  if (s.effective?.to !== undefined && s.effective.to < s.effective.from)
    issues.push({
      code: 'policy.bad_interval',
      message: 'effective.to is before effective.from',
      location: raw.schemeAt(['effective', 'to']),
    });
  checkBands(meta.bands, raw.schemeAt, issues);

  // ---- labels ----
  const labels = { grades: raw.labels.grades, domains: raw.labels.domains };

  // ---- point rules ----
  const rules: PointRule[] = [];
  const pointMatchers = new Map<string, Matcher[]>();
  // Overlaps are gathered per record kind and reported once per kind: a pack of n rules on one kind has up to n²
  // overlapping pairs, and one issue per pair ran a 4,000-rule pack out of memory.
  const overlapping = new OverlapsByKind();
  const capGroups = new Map<string, { cap: number; at: Location }>();
  for (const it of raw.rules) {
    const r = it.value;
    const at = it.at;
    claimId(r.id, () => at(['id']));
    const kind = kindOf(r.kind, () => at(['kind']));
    const classes = r.subjects as SubjectClass[];
    checkSubjects(classes, kind, () => at(['subjects']));
    if (!raw.labelsFailed && !Object.hasOwn(labels.domains, r.domain))
      issues.push({
        code: 'policy.missing_label',
        message: `domain '${r.domain}' has no label in labels.yaml`,
        location: at(['domain']),
      });
    const forms = (['points', 'range', 'formula', 'cases', 'tiers'] as const).filter(
      (k) => r[k] !== undefined,
    );
    if (forms.length !== 1) {
      issues.push({
        code: 'policy.effect_count',
        message: forms.length
          ? `give one of points, range, formula, cases or tiers (found ${forms.join(', ')})`
          : 'a rule needs points, range, formula, cases or tiers',
        location: at(['id']),
      });
      continue;
    }
    const ruleWhen = conds(r.when);
    const cases: RuleCase[] = [];
    const rawCases: {
      c: Conditions;
      eff: CaseIn;
      at: (sub: (string | number)[]) => Location;
      quoted: boolean;
    }[] = [];
    if (r.cases) {
      r.cases.forEach((c, i) => {
        const cc = conds(c);
        for (const f of ['severity', 'level', 'amount'] as const)
          if (cc[f] !== undefined && ruleWhen[f] !== undefined)
            issues.push({
              code: 'policy.condition_conflict',
              message: `${f} is set both on the rule's when and on the case`,
              location: at(['cases', i, f]),
            });
        rawCases.push({
          c: { ...ruleWhen, ...cc },
          eff: c,
          at: (sub) => at(['cases', i, ...sub]),
          quoted: it.quoted(['cases', i, 'formula']),
        });
      });
    } else if (!r.tiers) {
      rawCases.push({
        c: ruleWhen,
        eff: r as CaseIn,
        at: (sub) =>
          at(sub[0] === 'severity' || sub[0] === 'level' || sub[0] === 'amount' ? ['when', ...sub] : sub),
        quoted: it.quoted(['formula']),
      });
    }
    for (const rc of rawCases) {
      checkConditions(rc.c, [kind], rc.at);
      const effForms = (['points', 'range', 'formula'] as const).filter((k) => rc.eff[k] !== undefined);
      if (effForms.length !== 1) {
        issues.push({
          code: 'policy.effect_count',
          message: 'a case needs exactly one of points, range or formula',
          location: rc.at([]),
        });
        continue;
      }
      const effect = caseEffect(rc.eff, kind, rc.c, rc.at, rc.quoted, issues);
      if (!effect) continue;
      const rcase: RuleCase = { when: rc.c, effect };
      if (rc.eff.note !== undefined) rcase.note = rc.eff.note;
      cases.push(rcase);
    }
    // Overlap within the rule, then gaps between amount bands that share severity and level.
    const ms = rawCases.map((rc) => matcher(r.id, classes, rc.c, () => rc.at([])));
    for (let i = 0; i < ms.length; i++)
      for (let j = i + 1; j < ms.length; j++)
        if (overlaps(ms[i]!, ms[j]!))
          issues.push({
            code: 'policy.overlapping_cases',
            message: `cases ${i + 1} and ${j + 1} of ${r.id} can match the same record`,
            location: ms[j]!.at(),
          });
    checkGaps(
      rawCases.map((rc) => ({ c: rc.c, at: rc.at([]) })),
      r.id,
      issues,
    );
    if (r.tiers) {
      if (kind && !kind.unit)
        issues.push({
          code: 'policy.amount_without_unit',
          message: `tiers count the amount, but kind ${kind.code} has no unit`,
          location: at(['tiers']),
        });
      r.tiers.forEach((t, i) => {
        if (t.atLeast <= 0 || (i > 0 && t.atLeast <= r.tiers![i - 1]!.atLeast))
          issues.push({
            code: 'policy.tier_order',
            message: 'tier thresholds must be positive and strictly increasing',
            location: at(['tiers', i, 'atLeast']),
          });
      });
      if (r.when) checkConditions(ruleWhen, [kind], (sub) => at(['when', ...sub]));
      ms.push(matcher(r.id, classes, ruleWhen, () => at([])));
    }
    if (r.capGroup !== undefined && r.annualCap === undefined)
      issues.push({
        code: 'policy.cap_group_without_cap',
        message: 'capGroup needs annualCap',
        location: at(['capGroup']),
      });
    if (r.annualCap !== undefined) {
      const g = r.capGroup ?? r.id;
      const prev = capGroups.get(g);
      if (prev && prev.cap !== r.annualCap)
        issues.push({
          code: 'policy.cap_group_mismatch',
          message: `cap group ${g} has cap ${prev.cap} at ${prev.at.file}:${prev.at.line}`,
          location: at(['annualCap']),
        });
      else if (!prev) capGroups.set(g, { cap: r.annualCap, at: at(['annualCap']) });
      if (r.tiers)
        issues.push({
          code: 'policy.invalid_value',
          message: 'annualCap does not apply to cumulative tiers',
          location: at(['annualCap']),
        });
    }
    const list = pointMatchers.get(r.kind) ?? [];
    for (const m of ms)
      for (const o of list)
        if (o.ruleId !== m.ruleId && overlaps(m, o)) overlapping.note(r.kind, m.ruleId, o.ruleId, m.at);
    list.push(...ms);
    pointMatchers.set(r.kind, list);
    const rule: PointRule = {
      ...prov(r, at([]), it.origin),
      id: r.id,
      domain: r.domain,
      subItem: r.subItem,
      zh: r.zh,
      en: r.en,
      kind: r.kind,
      subjects: classes,
      cases,
    };
    if (r.tiers) {
      rule.tiers = r.tiers.map((t) => ({ atLeast: t.atLeast, points: t.points }));
      if (r.when) rule.cases = [{ when: ruleWhen, effect: { type: 'fixed', points: 0 } }];
    }
    if (r.annualCap !== undefined) rule.annualCap = r.annualCap;
    if (r.annualCap !== undefined) rule.capGroup = r.capGroup ?? r.id;
    if (r.validityYears !== undefined) rule.validityYears = r.validityYears;
    rules.push(rule);
  }

  // ---- direct grading ----
  const direct: DirectRule[] = [];
  const directMatchers = new Map<string, Matcher[]>();
  for (const it of raw.direct) {
    const d = it.value;
    claimId(d.id, () => it.at(['id']));
    const kind = kindOf(d.kind, () => it.at(['kind']));
    const classes = d.subjects as SubjectClass[];
    checkSubjects(classes, kind, () => it.at(['subjects']));
    const when = conds(d.when);
    checkConditions(when, [kind], (sub) => it.at(['when', ...sub]));
    const m = matcher(d.id, classes, when, () => it.at([]));
    const list = directMatchers.get(d.kind) ?? [];
    for (const o of list)
      if (overlaps(m, o)) overlapping.note(d.kind, d.id, o.ruleId, m.at, 'direct-grading ');
    list.push(m);
    directMatchers.set(d.kind, list);
    const rule: DirectRule = {
      ...prov(d, it.at([]), it.origin),
      id: d.id,
      zh: d.zh,
      en: d.en,
      kind: d.kind,
      subjects: classes,
      when,
      grade: d.grade,
    };
    if (d.validityYears !== undefined) rule.validityYears = d.validityYears;
    direct.push(rule);
  }
  const directIds = new Set(direct.map((d) => d.id));

  issues.push(...overlapping.issues());

  // ---- repairs ----
  const repairs: RepairRule[] = [];
  for (const it of raw.repairs) {
    const r = it.value;
    claimId(r.id, () => it.at(['id']));
    const classes = r.subjects as SubjectClass[];
    const triggers = r.triggers.map((t, i) => {
      const kind = kindOf(t.kind, () => it.at(['triggers', i, 'kind']));
      checkSubjects(classes, kind, () => it.at(['triggers', i, 'kind']));
      const when = conds(t.when);
      checkConditions(when, [kind], (sub) => it.at(['triggers', i, 'when', ...sub]));
      return { kind: t.kind, when };
    });
    r.cancels.forEach((c, i) => {
      if (!directIds.has(c))
        issues.push({
          code: 'policy.unknown_reference',
          message: `cancels ${c}, which is not a direct-grading rule of this pack`,
          location: it.at(['cancels', i]),
        });
    });
    repairs.push({
      ...prov(r, it.at([]), it.origin),
      id: r.id,
      zh: r.zh,
      en: r.en,
      triggers,
      subjects: classes,
      cancels: r.cancels,
      effect: r.effect,
    });
  }
  // A trigger kind that a point or direct rule also scores would count twice.
  for (const rp of repairs)
    for (const k of new Set(rp.triggers.map((t) => t.kind)))
      for (const other of [...rules.filter((x) => x.kind === k), ...direct.filter((x) => x.kind === k)])
        issues.push({
          code: 'policy.overlapping_rules',
          message: `${k} is a repair trigger of ${rp.id} and is also matched by ${other.id}`,
          location: other.loc,
        });

  // ---- interactions and exclusions ----
  const interactions: Interaction[] = raw.interactions.map((it) => {
    const x = it.value;
    claimId(x.id, () => it.at(['id']));
    return {
      ...prov(x, it.at([]), it.origin),
      id: x.id,
      zh: x.zh,
      en: x.en,
      effect: x.effect,
      whileDirect: x.while.directGrades,
    };
  });
  const exclusions: Exclusion[] = raw.exclusions.map((it) => {
    const x = it.value;
    claimId(x.id, () => it.at(['id']));
    x.kinds.forEach((k, i) => {
      kindOf(k, () => it.at(['kinds', i]));
      const scored =
        [...rules, ...direct].find((r) => r.kind === k) ??
        repairs.find((r) => r.triggers.some((t) => t.kind === k));
      if (scored)
        issues.push({
          code: 'policy.excluded_kind_scored',
          message: `${k} is excluded here but scored by ${scored.id}`,
          location: it.at(['kinds', i]),
        });
    });
    return { ...prov(x, it.at([]), it.origin), id: x.id, zh: x.zh, en: x.en, kinds: x.kinds };
  });

  // ---- validity ----
  let validity: ValidityTable;
  if (!raw.validity) {
    issues.push({
      code: 'policy.missing_file',
      message: 'no validity.yaml in the pack or its parents',
      location: { file: join(raw.dir, 'validity.yaml') },
    });
    validity = {
      basis: '',
      source: '',
      marker: 'U',
      loc: {},
      origin: raw.id,
      deductions: [],
      bonusByLevel: {},
      bonusDefault: 1,
      direct: { B: 1, C: 1, D: 1 },
    };
  } else {
    const v = raw.validity.value;
    const at = raw.validity.at;
    const deductions = v.deductions.map((d) => {
      const band: Interval = {};
      if (d.over !== undefined) band.over = d.over;
      if (d.atLeast !== undefined) band.atLeast = d.atLeast;
      if (d.upTo !== undefined) band.upTo = d.upTo;
      if (d.below !== undefined) band.below = d.below;
      return { band, years: d.years };
    });
    deductions.forEach((d, i) => {
      const p = intervalProblem(d.band);
      if (p) issues.push({ code: 'policy.bad_interval', message: p, location: at(['deductions', i]) });
    });
    // Deduction magnitudes are positive integers: the bands must cover (0, ∞) without gaps or overlaps.
    const sorted = deductions
      .map((d, i) => ({ n: normalize(d.band), i }))
      .sort((a, b) => compareLower(a.n, b.n));
    const first = sorted[0]!;
    if (first.n.lo > 1 || (first.n.lo === 1 && !first.n.loIncl))
      issues.push({
        code: 'policy.band_gap',
        message: 'deduction bands must start at 1 point',
        location: at(['deductions', first.i]),
      });
    if (sorted[sorted.length - 1]!.n.hi !== Infinity)
      issues.push({
        code: 'policy.band_gap',
        message: 'the last deduction band must be unbounded',
        location: at(['deductions', sorted[sorted.length - 1]!.i]),
      });
    for (let k = 1; k < sorted.length; k++) {
      const j = junction(sorted[k - 1]!.n, sorted[k]!.n);
      if (j !== 'contiguous')
        issues.push({
          code: j === 'gap' ? 'policy.band_gap' : 'policy.band_overlap',
          message: `deduction bands ${sorted[k - 1]!.i + 1} and ${sorted[k]!.i + 1} ${j === 'gap' ? 'leave a gap' : 'overlap'}`,
          location: at(['deductions', sorted[k]!.i]),
        });
    }
    validity = {
      ...prov(v, at([]), raw.validity.origin),
      deductions,
      bonusByLevel: v.bonuses.byLevel as ValidityTable['bonusByLevel'],
      bonusDefault: v.bonuses.default,
      direct: v.direct,
    };
  }
  for (const g of GRADES)
    if (!raw.labelsFailed && !labels.grades[g])
      issues.push({
        code: 'policy.missing_label',
        message: `grade ${g} has no label`,
        location: { file: join(raw.dir, 'labels.yaml') },
      });

  return {
    dir: raw.dir,
    id: raw.id,
    chain: raw.chain,
    meta,
    rules,
    direct,
    repairs,
    validity,
    interactions,
    exclusions,
    labels,
    catalogueVersion: cat.version,
  };
}

function caseEffect(
  eff: CaseIn,
  kind: RecordKind | undefined,
  c: Conditions,
  at: (sub: (string | number)[]) => Location,
  quoted: boolean,
  issues: Issue[],
): Effect | undefined {
  if (eff.points !== undefined) return { type: 'fixed', points: eff.points };
  if (eff.range !== undefined) {
    const [min, max] = eff.range;
    let ok = true;
    if (min > max || (min < 0 && max > 0) || (min === 0 && max === 0)) {
      issues.push({
        code: 'policy.bad_range',
        message: `range [${min}, ${max}] must be ordered and lie on one side of zero`,
        location: at(['range']),
      });
      ok = false;
    }
    if (kind && kind.unit !== 'points') {
      issues.push({
        code: 'policy.range_needs_points',
        message: `a range is decided by the reporting body and carried as the amount: kind ${kind.code} must have unit points`,
        location: at(['range']),
      });
      ok = false;
    }
    if (c.amount) {
      issues.push({
        code: 'policy.range_with_amount_band',
        message: 'with a range the amount is the decided points; it cannot also select a band',
        location: at(['amount']),
      });
      ok = false;
    }
    return ok ? { type: 'range', min, max } : undefined;
  }
  const text = eff.formula!;
  const r = parseFormula(text);
  if ('error' in r) {
    const loc = at(['formula']);
    // The formula's first character is the node's column, or the next one after an opening quote.
    const col = loc.column !== undefined ? loc.column + r.error.column - (quoted ? 0 : 1) : undefined;
    issues.push({
      code: r.error.code,
      message: `${r.error.message} (formula column ${r.error.column})`,
      location: col !== undefined ? { ...loc, column: col } : loc,
    });
    return undefined;
  }
  if (kind && !kind.unit) {
    issues.push({
      code: 'policy.amount_without_unit',
      message: `a formula reads the amount, but kind ${kind.code} has no unit`,
      location: at(['formula']),
    });
    return undefined;
  }
  return { type: 'formula', text, expr: r.expr };
}

function checkGaps(cases: { c: Conditions; at: Location }[], ruleId: string, issues: Issue[]): void {
  const groups = new Map<string, { n: NormInterval; at: Location }[]>();
  for (const { c, at } of cases) {
    if (!c.amount) continue;
    const key = `${[...(c.severity ?? [])].sort().join(',')}|${[...(c.level ?? [])].sort().join(',')}`;
    const g = groups.get(key) ?? [];
    g.push({ n: normalize(c.amount), at });
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    g.sort((a, b) => compareLower(a.n, b.n));
    for (let k = 1; k < g.length; k++)
      if (junction(g[k - 1]!.n, g[k]!.n) === 'gap')
        issues.push({
          code: 'policy.band_gap',
          message: `amount bands of ${ruleId} leave a gap before this case`,
          location: g[k]!.at,
        });
  }
}

function checkBands(bands: Band[], at: (path: (string | number)[]) => Location, issues: Issue[]): void {
  const idx = new Map<string, number>();
  bands.forEach((b, i) => {
    if (idx.has(b.grade))
      issues.push({
        code: 'policy.bad_bands',
        message: `grade ${b.grade} has two bands`,
        location: at(['bands', i]),
      });
    else idx.set(b.grade, i);
    if (b.min !== undefined && b.max !== undefined && b.min > b.max)
      issues.push({
        code: 'policy.bad_interval',
        message: `band ${b.grade}: min is above max`,
        location: at(['bands', i]),
      });
  });
  for (const g of GRADES)
    if (!idx.has(g))
      issues.push({ code: 'policy.bad_bands', message: `grade ${g} has no band`, location: at(['bands']) });
  if (idx.size !== GRADES.length) return;
  const ordered = GRADES.map((g) => ({ b: bands[idx.get(g)!]!, i: idx.get(g)! }));
  if (ordered[0]!.b.max !== undefined)
    issues.push({
      code: 'policy.band_gap',
      message: 'the top band (AAA) must be open-ended (no max)',
      location: at(['bands', ordered[0]!.i]),
    });
  if (ordered[ordered.length - 1]!.b.min !== undefined)
    issues.push({
      code: 'policy.band_gap',
      message: 'the bottom band (D) must be open-ended (no min)',
      location: at(['bands', ordered[ordered.length - 1]!.i]),
    });
  for (let k = 1; k < ordered.length; k++) {
    const better = ordered[k - 1]!;
    const worse = ordered[k]!;
    if (better.b.min === undefined || worse.b.max === undefined) {
      issues.push({
        code: 'policy.band_gap',
        message: `bands ${better.b.grade} and ${worse.b.grade} need ${better.b.grade}.min and ${worse.b.grade}.max`,
        location: at(['bands', worse.i]),
      });
      continue;
    }
    if (worse.b.max !== better.b.min - 1)
      issues.push({
        code: worse.b.max < better.b.min - 1 ? 'policy.band_gap' : 'policy.band_overlap',
        message: `band ${worse.b.grade} ends at ${worse.b.max} but ${better.b.grade} starts at ${better.b.min}`,
        location: at(['bands', worse.i, 'max']),
      });
  }
}
