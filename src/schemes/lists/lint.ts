// The legality lint (Guobanfa [2020] No. 49): every measure must be in the national catalogue, within its limits,
// and carry a legal basis. Registered as the `lists` pack kind of `mosaic policy lint`.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Issue, Location } from '../../core/errors.js';
import { locate, type ParsedYaml } from '../../core/yaml-doc.js';
import { registerPackKind } from '../../policy/registry.js';
import { POLICY_DIRS, readListPolicy, type ListPolicyData } from './load.js';
import type { CatalogueMeasure, Measure, Memorandum } from './schema.js';

/**
 * Legality issues in an already-loaded policy. Codes:
 * - measure.not_in_catalogue: no `catalogue` reference, or one the national catalogue does not hold;
 * - measure.no_legal_basis: the measure names no legal basis;
 * - measure.effect_not_permitted / measure.action_not_permitted: beyond what the catalogue entry permits;
 * - measure.reach_not_permitted: reaches a relation (officer, child) or an action for it that the entry does not;
 * - measure.subject_not_permitted: the target list holds subjects the catalogue entry does not cover;
 * - memoranda.target_type: an incentive memorandum on a blacklist, or a punishment memorandum on a redlist;
 * - measure.basis_undated: a memorandum's measure does not say when its legal basis came into force;
 * - measure.basis_after_in_force: a memorandum (or one of its measures) rests on a basis that came into force after
 *   the memorandum did.
 */
export function lintListPolicy(d: ListPolicyData): Issue[] {
  const out: Issue[] = [];
  const cat = new Map<string, CatalogueMeasure>();
  for (const mc of d.measureCatalogues) for (const m of mc.value.measures) cat.set(m.id, m);
  const lists = new Map(d.lists.map((l) => [l.value.list, l.value]));
  const actions = new Map(d.actions.map((a) => [a.id, a]));

  const check = (m: Measure, targets: string[], p: ParsedYaml, path: (string | number)[]): void => {
    const loc = (...sub: (string | number)[]): Location => locate(p, [...path, ...sub]);
    const push = (code: string, message: string, where: Location) =>
      out.push({ code, message, location: where });
    if (!m.legal_basis || !m.legal_basis.trim())
      push(
        'measure.no_legal_basis',
        `measure ${m.id} names no legal basis (Guobanfa [2020] No. 49)`,
        loc('id'),
      );
    const entry = m.catalogue ? cat.get(m.catalogue) : undefined;
    if (!entry) {
      push(
        'measure.not_in_catalogue',
        m.catalogue
          ? `measure ${m.id} cites ${m.catalogue}, which is not in the national catalogue of permitted measures`
          : `measure ${m.id} cites no entry of the national catalogue of permitted measures`,
        m.catalogue ? loc('catalogue') : loc('id'),
      );
      return;
    }
    const effects = new Set([m.effect, ...Object.values(m.effect_by_relation ?? {})]);
    for (const e of effects)
      if (!entry.effects.includes(e))
        push(
          'measure.effect_not_permitted',
          `effect ${e} is not permitted by catalogue measure ${entry.id}`,
          loc('effect'),
        );
    m.actions.forEach((a, i) => {
      if (!entry.actions.includes(a))
        push(
          'measure.action_not_permitted',
          `action ${a} is outside catalogue measure ${entry.id}`,
          loc('actions', i),
        );
    });
    m.applies_to.forEach((rel, i) => {
      const reach = entry.reach.find((r) => r.relation === rel);
      if (!reach) {
        push(
          'measure.reach_not_permitted',
          `catalogue measure ${entry.id} does not reach ${rel}`,
          loc('applies_to', i),
        );
        return;
      }
      if (reach.actions)
        for (const a of m.actions)
          if (!reach.actions.includes(a))
            push(
              'measure.reach_not_permitted',
              `catalogue measure ${entry.id} reaches ${rel} only for ${reach.actions.join(', ')}, not ${a}`,
              loc('applies_to', i),
            );
    });
    // Only subject types the measure can touch count: a list of firms and people, a measure on flights.
    const acting = new Set(m.actions.flatMap((a) => actions.get(a)?.subjects ?? []));
    for (const t of targets)
      for (const s of lists.get(t)?.subjects ?? [])
        if (m.applies_to.includes('listed_subject') && acting.has(s) && !entry.subjects.includes(s))
          push(
            'measure.subject_not_permitted',
            `catalogue measure ${entry.id} does not cover ${s} persons (list ${t})`,
            loc('id'),
          );
  };

  for (const l of d.lists)
    l.value.measures.forEach((m, i) => check(m, [l.value.list], l.parsed, ['measures', i]));
  for (const memo of d.memoranda) {
    memo.value.measures.forEach((m, i) => check(m, memo.value.target_lists, memo.parsed, ['measures', i]));
    checkBasisDates(memo.value, memo.parsed, out);
    memo.value.target_lists.forEach((t, i) => {
      const l = lists.get(t);
      if (l && (l.type === 'redlist') !== (memo.value.type === 'incentive'))
        out.push({
          code: 'memoranda.target_type',
          message: `a ${memo.value.type} memorandum targets ${l.type} ${t}`,
          location: locate(memo.parsed, ['target_lists', i]),
        });
    });
  }
  return out;
}

/**
 * A measure may not rest on a legal basis that came into force after its memorandum did: a memorandum of January 2016
 * cannot apply an Opinions of September 2016. Dates are ISO strings, so they compare as text.
 */
function checkBasisDates(memo: Memorandum, p: ParsedYaml, out: Issue[]): void {
  memo.legal_basis.forEach((b, i) => {
    if (b.in_force && b.in_force > memo.in_force)
      out.push({
        code: 'measure.basis_after_in_force',
        message: `${b.doc} came into force on ${b.in_force}, after memorandum ${memo.memorandum} (${memo.in_force})`,
        location: locate(p, ['legal_basis', i, 'in_force']),
      });
  });
  memo.measures.forEach((m, i) => {
    if (!m.basis_in_force)
      out.push({
        code: 'measure.basis_undated',
        message: `measure ${m.id} does not say when its legal basis came into force (basis_in_force)`,
        location: locate(p, ['measures', i, 'id']),
      });
    else if (m.basis_in_force > memo.in_force)
      out.push({
        code: 'measure.basis_after_in_force',
        message: `measure ${m.id} rests on a basis in force from ${m.basis_in_force}, after memorandum ${memo.memorandum} came into force (${memo.in_force})`,
        location: locate(p, ['measures', i, 'basis_in_force']),
      });
  });
}

/** Load issues plus legality issues for a policy root. */
export function lintListRoot(root: string): Issue[] {
  const { data, issues } = readListPolicy(root);
  return data ? [...issues, ...lintListPolicy(data)] : issues;
}

const FIRST_KEYS: Record<(typeof POLICY_DIRS)[number], string> = {
  lists: 'list:',
  memoranda: 'memorandum:',
  measures: 'measure_catalogue:',
  actions: 'action_catalogue:',
};

/** A folder is a lists pack when it is one of the four policy folders and holds a file of that kind. */
export function isListPackDir(dir: string): boolean {
  const name = basename(resolve(dir)) as (typeof POLICY_DIRS)[number];
  if (!POLICY_DIRS.includes(name) || !existsSync(dir)) return false;
  return readdirSync(dir).some((f) => f.endsWith('.yaml') && fileHasTopKey(join(dir, f), FIRST_KEYS[name]));
}

function fileHasTopKey(file: string, key: string): boolean {
  try {
    return readFileSync(file, 'utf8')
      .slice(0, 4096)
      .split('\n')
      .some((line) => line.startsWith(key));
  } catch {
    return false;
  }
}

registerPackKind({
  name: 'lists',
  describe: 'blacklists, redlists, memoranda, the national measure catalogue and the action catalogue',
  detect: isListPackDir,
  lint: (dir) => {
    // The four folders cross-reference each other: lint the whole root, report what lies in this folder.
    const root = dirname(resolve(dir));
    const here = resolve(dir);
    return lintListRoot(root).filter((i) => !i.location?.file || resolve(i.location.file).startsWith(here));
  },
  // The case corpus lives in lists/cases; the other three folders have none.
  test: async (dir) => {
    const { runCases } = await import('./cases.js');
    const { loadListPolicy } = await import('./policy.js');
    const { shippedCalendar } = await import('../../core/calendar.js');
    const results = runCases(
      loadListPolicy(dirname(resolve(dir))),
      shippedCalendar({ fallback: 'weekends' }),
      join(dir, 'cases'),
    );
    const failed = results.filter((r) => r.failures.length);
    return {
      passed: results.length - failed.length,
      failed: failed.length,
      lines: failed.flatMap((r) => r.failures.map((f) => `${r.file}: ${r.name}: ${f}`)),
    };
  },
});
