// Loads the lists policy (lists, memoranda, measure catalogue, actions) from YAML and checks every cross-reference.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { defaultCataloguePath, loadCatalogue, type Catalogue } from '../../core/catalogue.js';
import { MosaicError, type Issue, type Location } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { locate, readYaml, validateYaml, type ParsedYaml } from '../../core/yaml-doc.js';
import {
  ActionCatalogue,
  ListDef,
  MeasureCatalogue,
  Memorandum,
  type Action,
  type CatalogueMeasure,
  type Measure,
} from './schema.js';

/** Most actions the decision index can hold: one bit each in a 32-bit mask. */
export const MAX_ACTIONS = 32;

/** A loaded document with the parse it came from, so lint can point at file:line:column. */
export interface Sourced<T> {
  value: T;
  parsed: ParsedYaml;
}

/** The raw, schema-valid policy with source positions. Cross-references are checked by `loadListPolicy`. */
export interface ListPolicyData {
  root: string;
  lists: Sourced<ListDef>[];
  memoranda: Sourced<Memorandum>[];
  measureCatalogues: Sourced<MeasureCatalogue>[];
  actions: Action[];
  actionSource?: ParsedYaml;
  catalogue: Catalogue;
}

export const POLICY_DIRS = ['lists', 'memoranda', 'measures', 'actions'] as const;

/** The policies folder shipped with Mosaic. */
export function defaultPolicyRoot(): string {
  return shipped('policies');
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(dir, f));
}

function readAll<T>(dir: string, schema: z.ZodType<T>, prefix: string, issues: Issue[]): Sourced<T>[] {
  const out: Sourced<T>[] = [];
  for (const file of yamlFiles(dir)) {
    const parsed = readYaml(file);
    const res = validateYaml(parsed, schema, prefix);
    issues.push(...res.issues);
    if (res.value !== undefined) out.push({ value: res.value, parsed });
  }
  return out;
}

/**
 * Read and schema-check every file under `root` ({lists,memoranda,measures,actions}/*.yaml), then check the
 * cross-references. Returns the data and every issue found; never throws for bad input.
 */
export function readListPolicy(
  root: string = defaultPolicyRoot(),
  catalogue?: Catalogue,
): { data?: ListPolicyData; issues: Issue[] } {
  const issues: Issue[] = [];
  let cat = catalogue;
  if (!cat) {
    try {
      cat = loadCatalogue(
        existsSync(join(root, 'catalogue')) ? join(root, 'catalogue') : defaultCataloguePath(),
      );
    } catch (err) {
      if (err instanceof MosaicError) return { issues: err.issues };
      throw err;
    }
  }
  const lists = readAll(join(root, 'lists'), ListDef, 'lists', issues);
  const memoranda = readAll(join(root, 'memoranda'), Memorandum, 'memoranda', issues);
  const measureCatalogues = readAll(join(root, 'measures'), MeasureCatalogue, 'measures', issues);
  const actionDocs = readAll(join(root, 'actions'), ActionCatalogue, 'actions', issues);
  if (actionDocs.length > 1)
    issues.push({
      code: 'actions.more_than_one',
      message: 'exactly one action catalogue is expected: action positions are bits in the decision index',
      location: { file: actionDocs[1]!.parsed.file },
    });
  if (!actionDocs.length && !issues.length)
    issues.push({ code: 'actions.missing', message: `no action catalogue in ${join(root, 'actions')}` });
  const data: ListPolicyData = {
    root,
    lists,
    memoranda,
    measureCatalogues,
    actions: actionDocs[0]?.value.actions ?? [],
    actionSource: actionDocs[0]?.parsed,
    catalogue: cat,
  };
  issues.push(...crossCheck(data));
  return { data, issues };
}

/** Every cross-reference between the four kinds of file and the record-kind catalogue. */
function crossCheck(d: ListPolicyData): Issue[] {
  const out: Issue[] = [];
  const at = (p: ParsedYaml, path: (string | number)[]): Location => locate(p, path);
  const push = (code: string, message: string, loc: Location) => out.push({ code, message, location: loc });

  // actions
  const actionIds = new Map<string, Action>();
  d.actions.forEach((a, i) => {
    const loc = d.actionSource ? at(d.actionSource, ['actions', i, 'id']) : {};
    if (actionIds.has(a.id)) push('actions.duplicate', `action ${a.id} is defined twice`, loc);
    actionIds.set(a.id, a);
  });
  if (d.actions.length > MAX_ACTIONS)
    push(
      'actions.too_many',
      `${d.actions.length} actions; the decision index holds at most ${MAX_ACTIONS}`,
      d.actionSource ? at(d.actionSource, ['actions']) : {},
    );

  // measure catalogue
  const catMeasures = new Map<string, CatalogueMeasure>();
  for (const mc of d.measureCatalogues)
    mc.value.measures.forEach((m, i) => {
      if (catMeasures.has(m.id))
        push(
          'measures.duplicate',
          `catalogue measure ${m.id} is defined twice`,
          at(mc.parsed, ['measures', i, 'id']),
        );
      catMeasures.set(m.id, m);
      const acts = new Set(m.actions);
      m.actions.forEach((a, j) => {
        if (!actionIds.has(a))
          push(
            'measures.unknown_action',
            `action ${a} is not in the action catalogue`,
            at(mc.parsed, ['measures', i, 'actions', j]),
          );
      });
      m.reach.forEach((r, j) =>
        (r.actions ?? []).forEach((a, k) => {
          if (!acts.has(a))
            push(
              'measures.reach_action',
              `reach of ${r.relation} names action ${a}, which the measure does not cover`,
              at(mc.parsed, ['measures', i, 'reach', j, 'actions', k]),
            );
        }),
      );
    });

  // lists
  const listIds = new Map<string, ListDef>();
  for (const l of d.lists) {
    if (listIds.has(l.value.list))
      push('lists.duplicate', `list ${l.value.list} is defined twice`, at(l.parsed, ['list']));
    listIds.set(l.value.list, l.value);
  }
  const kindOk = (code: string, p: ParsedYaml, path: (string | number)[]): boolean => {
    if (d.catalogue.has(code)) return true;
    push('lists.unknown_kind', `record kind ${code} is not in catalogue ${d.catalogue.version}`, at(p, path));
    return false;
  };
  for (const { value: l, parsed: p } of d.lists) {
    for (const [role, code] of Object.entries(l.kinds)) {
      const kc = typeof code === 'string' ? code : code?.kind;
      if (kc) kindOk(kc, p, ['kinds', role, ...(typeof code === 'string' ? [] : ['kind'])]);
    }
    const listingKind = d.catalogue.get(l.kinds.listing);
    const deletionKind = d.catalogue.get(l.kinds.deletion);
    if (listingKind) {
      l.subjects.forEach((s, i) => {
        if (!listingKind.subjects.includes(s))
          push(
            'lists.subject_type',
            `kind ${listingKind.code} does not apply to ${s} persons`,
            at(p, ['subjects', i]),
          );
      });
      const sev = new Set(listingKind.severities ?? []);
      const checkCriteria = (list: { code: string }[] | undefined, path: (string | number)[]) =>
        (list ?? []).forEach((c, i) => {
          if (!sev.has(c.code))
            push(
              'lists.criterion_not_severity',
              `criterion ${c.code} is not a severity of ${listingKind.code}`,
              at(p, [...path, i, 'code']),
            );
        });
      checkCriteria(l.criteria, ['criteria']);
      l.versions.forEach((v, i) => checkCriteria(v.criteria, ['versions', i, 'criteria']));
    }
    const codes = new Set<string>();
    (l.criteria ?? []).forEach((c, i) => {
      if (codes.has(c.code))
        push('lists.duplicate_criterion', `criterion ${c.code} twice`, at(p, ['criteria', i, 'code']));
      codes.add(c.code);
      if (c.requires_active && !d.lists.some((x) => x.value.list === c.requires_active))
        push('lists.unknown_list', `no list ${c.requires_active}`, at(p, ['criteria', i, 'requires_active']));
    });
    l.versions.forEach((v, i) => {
      if (v.from >= v.until)
        push(
          'lists.version_dates',
          `version ${v.version} ends before it starts`,
          at(p, ['versions', i, 'until']),
        );
      (v.criteria ?? []).forEach((c, j) => {
        if (c.requires_active && !d.lists.some((x) => x.value.list === c.requires_active))
          push(
            'lists.unknown_list',
            `no list ${c.requires_active}`,
            at(p, ['versions', i, 'criteria', j, 'requires_active']),
          );
      });
    });
    const grounds = new Set(l.deletion.grounds.map((g) => g.code));
    if (deletionKind) {
      const sev = new Set(deletionKind.severities ?? []);
      l.deletion.grounds.forEach((g, i) => {
        if (!sev.has(g.code))
          push(
            'lists.ground_not_severity',
            `ground ${g.code} is not a severity of ${deletionKind.code}`,
            at(p, ['deletion', 'grounds', i, 'code']),
          );
      });
    }
    l.deletion.min_listed.forEach((m, i) => {
      if (!grounds.has(m.ground))
        push(
          'lists.unknown_ground',
          `no deletion ground ${m.ground}`,
          at(p, ['deletion', 'min_listed', i, 'ground']),
        );
    });
    if (l.kinds.expiry?.severity !== undefined) {
      const ek = d.catalogue.get(l.kinds.expiry.kind);
      if (ek && !(ek.severities ?? []).includes(l.kinds.expiry.severity))
        push(
          'lists.unknown_ground',
          `${l.kinds.expiry.severity} is not a severity of ${ek.code}`,
          at(p, ['kinds', 'expiry', 'severity']),
        );
    }
    if (l.extension) {
      if (!l.kinds.extension)
        push('lists.extension_kind', 'an extension rule needs kinds.extension', at(p, ['extension']));
      else {
        const ek = d.catalogue.get(l.kinds.extension);
        if (ek && ek.unit !== 'months')
          push(
            'lists.extension_unit',
            `${ek.code} must carry months as its unit`,
            at(p, ['kinds', 'extension']),
          );
      }
      if (
        l.extension.min_months > l.extension.max_months ||
        l.extension.max_months > l.extension.total_max_months
      )
        push(
          'lists.extension_range',
          'need min_months <= max_months <= total_max_months',
          at(p, ['extension']),
        );
    }
    if (l.term === 'none' && l.extension)
      push('lists.extension_without_term', 'a list without a term cannot be extended', at(p, ['extension']));
    l.exclusions.forEach((e, i) => {
      if (e.when === 'fact' && !e.fact)
        push(
          'lists.exclusion_fact',
          `exclusion ${e.code} needs the name of the fact`,
          at(p, ['exclusions', i]),
        );
      if (e.when === 'subject_type' && !e.subject_type)
        push('lists.exclusion_fact', `exclusion ${e.code} needs subject_type`, at(p, ['exclusions', i]));
    });
    if (l.requires_prior_warning && !l.kinds.warning)
      push(
        'lists.warning_kind',
        'requires_prior_warning needs kinds.warning',
        at(p, ['requires_prior_warning']),
      );
    if (l.escalation) {
      const target = listIds.get(l.escalation.to);
      if (!target) push('lists.unknown_list', `no list ${l.escalation.to}`, at(p, ['escalation', 'to']));
      else if (!(target.criteria ?? []).some((c) => c.code === l.escalation!.ground))
        push(
          'lists.unknown_criterion',
          `${l.escalation.ground} is not a criterion of ${target.list}`,
          at(p, ['escalation', 'ground']),
        );
      if (!l.kinds.reminder)
        push(
          'lists.reminder_kind',
          'an escalation with a reminder needs kinds.reminder',
          at(p, ['escalation']),
        );
    }
    const published = new Set([
      ...(l.publication.fields.natural ?? []),
      ...(l.publication.fields.legal ?? []),
    ]);
    l.publication.masking.forEach((m, i) => {
      if (!published.has(m.field))
        push(
          'lists.mask_unpublished',
          `masking rule for ${m.field}, which is not published`,
          at(p, ['publication', 'masking', i, 'field']),
        );
    });
    l.measures.forEach((m, i) =>
      checkMeasure(m, [l.list], p, ['measures', i], l.type === 'redlist' ? 'incentive' : 'punishment'),
    );
  }

  // memoranda
  const memoIds = new Set<string>();
  for (const { value: m, parsed: p } of d.memoranda) {
    if (memoIds.has(m.memorandum))
      push('memoranda.duplicate', `memorandum ${m.memorandum} twice`, at(p, ['memorandum']));
    memoIds.add(m.memorandum);
    m.target_lists.forEach((t, i) => {
      if (!listIds.has(t)) push('memoranda.unknown_list', `no list ${t}`, at(p, ['target_lists', i]));
    });
    if (m.signatories_complete && m.signatories.length !== m.signatories_count)
      push(
        'memoranda.signatory_count',
        `${m.signatories.length} signatories listed, ${m.signatories_count} stated`,
        at(p, ['signatories']),
      );
    if (m.signatories.length > m.signatories_count)
      push(
        'memoranda.signatory_count',
        `more signatories listed than the stated ${m.signatories_count}`,
        at(p, ['signatories']),
      );
    const ids = new Set<string>();
    m.measures.forEach((x, i) => {
      if (ids.has(x.id))
        push('memoranda.duplicate_measure', `measure ${x.id} twice`, at(p, ['measures', i, 'id']));
      ids.add(x.id);
      checkMeasure(x, m.target_lists, p, ['measures', i], m.type);
    });
  }

  function checkMeasure(
    m: Measure,
    targets: string[],
    p: ParsedYaml,
    path: (string | number)[],
    type: 'punishment' | 'incentive',
  ): void {
    m.actions.forEach((a, j) => {
      if (!actionIds.has(a))
        push(
          'measures.unknown_action',
          `action ${a} is not in the action catalogue`,
          at(p, [...path, 'actions', j]),
        );
    });
    const incentive = INCENTIVE_EFFECTS.has(m.effect);
    const effects = [m.effect, ...Object.values(m.effect_by_relation ?? {})];
    for (const e of effects)
      if (INCENTIVE_EFFECTS.has(e) !== (type === 'incentive'))
        push(
          'measures.effect_type',
          `effect ${e} does not fit a ${type} ${incentive ? 'instrument' : 'measure'}`,
          at(p, [...path, 'effect']),
        );
    for (const rel of Object.keys(m.effect_by_relation ?? {}))
      if (!m.applies_to.includes(rel as Measure['applies_to'][number]))
        push(
          'measures.effect_relation',
          `effect_by_relation names ${rel}, which applies_to lacks`,
          at(p, [...path, 'effect_by_relation', rel]),
        );
    (m.criteria ?? []).forEach((c, j) => {
      for (const t of targets) {
        const l = listIds.get(t);
        if (l && !(l.criteria ?? []).some((x) => x.code === c))
          push(
            'measures.unknown_criterion',
            `${c} is not a criterion of list ${t}`,
            at(p, [...path, 'criteria', j]),
          );
      }
    });
  }
  return out;
}

export const INCENTIVE_EFFECTS: ReadonlySet<string> = new Set(['prefer', 'green_channel', 'waive_deposit']);
