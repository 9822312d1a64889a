// Loads the due-process rules (objection channels, publication regimes), checks their cross-references, and answers
// which channel, regime and class apply.
import { toEpochDay } from '../core/dates.js';
import { MosaicError, type Issue } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { locate, readYaml, validateYaml, type ParsedYaml } from '../core/yaml-doc.js';
import {
  ObjectionPackSchema,
  PublicationPackSchema,
  type Channel,
  type ObjectionPack,
  type PublicationClass,
  type LicenceRule,
  type PublicationPack,
  type Regime,
  type TargetType,
} from './schema.js';

/** What routing looks at: the kind of thing objected to, the record kind and the subject's jurisdiction. */
export interface RouteQuery {
  target: TargetType;
  kind?: string;
  jurisdiction?: string;
}

export class DueProcessPolicy {
  /** "objections@V+publication@V": every answer names the rule version that made it. */
  readonly version: string;
  private readonly channels: Map<string, Channel>;
  private readonly regimes: Map<string, Regime>;
  private readonly families: Map<string, Regime[]>;

  constructor(
    readonly objections: ObjectionPack,
    readonly publication: PublicationPack,
  ) {
    this.version = `objections@${objections.version}+publication@${publication.version}`;
    this.channels = new Map(objections.channels.map((c) => [c.code, c]));
    this.regimes = new Map(publication.regimes.map((r) => [r.code, r]));
    this.families = new Map();
    for (const r of publication.regimes) {
      const list = this.families.get(r.family) ?? [];
      list.push(r);
      this.families.set(r.family, list);
    }
    for (const list of this.families.values()) list.sort((a, b) => (a.from < b.from ? -1 : 1));
  }

  channel(code: string): Channel {
    const c = this.channels.get(code);
    if (!c)
      throw new MosaicError({
        code: 'dueprocess.unknown_channel',
        message: `no objection channel '${code}'`,
      });
    return c;
  }

  /** The channel of the first route that matches (the last route of a valid pack matches everything). */
  route(q: RouteQuery): Channel {
    for (const r of this.objections.routes) {
      if (r.targets && !r.targets.includes(q.target)) continue;
      if (r.kinds && !(q.kind !== undefined && r.kinds.some((k) => q.kind!.startsWith(k)))) continue;
      if (
        r.jurisdictions &&
        !(q.jurisdiction !== undefined && r.jurisdictions.some((j) => q.jurisdiction!.startsWith(j)))
      )
        continue;
      return this.channel(r.channel);
    }
    throw new MosaicError({
      code: 'dueprocess.no_route',
      message: `no objection route matches ${JSON.stringify(q)}`,
    });
  }

  /** The licence rule for a record kind (how long the portal shows it), if the kind is a published licence. */
  licenceRule(kind: string): LicenceRule | undefined {
    return this.publication.licences?.find((l) => l.kind === kind);
  }

  regime(code: string): Regime {
    const r = this.regimes.get(code);
    if (!r) throw new MosaicError({ code: 'dueprocess.unknown_regime', message: `no regime '${code}'` });
    return r;
  }

  familyNames(): string[] {
    return [...this.families.keys()];
  }

  /** The regime of `family` in force on `day` (epoch day or ISO date). */
  regimeOn(family: string, day: number | string): Regime {
    const d = typeof day === 'string' ? toEpochDay(day) : day;
    const list = this.families.get(family);
    if (!list)
      throw new MosaicError({ code: 'dueprocess.unknown_family', message: `no regime family '${family}'` });
    const hit = list.find((r) => toEpochDay(r.from) <= d && (r.to === undefined || d <= toEpochDay(r.to)));
    if (!hit)
      throw new MosaicError({
        code: 'dueprocess.no_regime',
        message: `no ${family} regime was in force on day ${typeof day === 'string' ? day : d} (first from ${list[0]!.from})`,
      });
    return hit;
  }

  classOf(regime: Regime, code: string): PublicationClass {
    const c = regime.classes.find((k) => k.code === code);
    if (!c)
      throw new MosaicError({
        code: 'dueprocess.unknown_class',
        message: `regime ${regime.code} has no class '${code}' (${regime.classes.map((k) => k.code).join(', ')})`,
      });
    return c;
  }
}

function checkObjections(p: ObjectionPack, at: (path: (string | number)[]) => Issue['location']): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  p.channels.forEach((c, i) => {
    if (seen.has(c.code))
      issues.push({
        code: 'dueprocess.duplicate_channel',
        message: `channel ${c.code} twice`,
        location: at(['channels', i, 'code']),
      });
    seen.add(c.code);
  });
  p.routes.forEach((r, i) => {
    if (!seen.has(r.channel))
      issues.push({
        code: 'dueprocess.unknown_channel',
        message: `route ${i} names channel '${r.channel}', which is not defined`,
        location: at(['routes', i, 'channel']),
      });
  });
  const last = p.routes[p.routes.length - 1]!;
  if (last.targets || last.kinds || last.jurisdictions)
    issues.push({
      code: 'dueprocess.no_fallback_route',
      message:
        'the last route must match everything (no targets, kinds or jurisdictions), so every objection has a channel',
      location: at(['routes', p.routes.length - 1]),
    });
  return issues;
}

function checkPublication(p: PublicationPack, at: (path: (string | number)[]) => Issue['location']): Issue[] {
  const issues: Issue[] = [];
  const push = (code: string, message: string, path: (string | number)[]) =>
    issues.push({ code, message, location: at(path) });
  const codes = new Set<string>();
  p.regimes.forEach((r, ri) => {
    const base = ['regimes', ri];
    if (codes.has(r.code)) push('dueprocess.duplicate_regime', `regime ${r.code} twice`, [...base, 'code']);
    codes.add(r.code);
    if (r.to !== undefined && r.to < r.from)
      push('dueprocess.range_reversed', `${r.code}: 'to' ${r.to} is before 'from' ${r.from}`, [
        ...base,
        'to',
      ]);
    const classes = new Set<string>();
    r.classes.forEach((c, ci) => {
      const path = [...base, 'classes', ci];
      if (classes.has(c.code)) push('dueprocess.duplicate_class', `${r.code}: class ${c.code} twice`, path);
      classes.add(c.code);
      if (c.early_stop && c.min_months === undefined)
        push(
          'dueprocess.early_stop_without_minimum',
          `${r.code}.${c.code}: early_stop needs min_months (when may the subject apply?)`,
          path,
        );
      if (c.min_months !== undefined && c.max_months !== undefined && c.min_months > c.max_months)
        push(
          'dueprocess.min_above_max',
          `${r.code}.${c.code}: min_months ${c.min_months} exceeds max_months ${c.max_months}`,
          [...path, 'min_months'],
        );
      if (c.extends_to_restriction && c.max_months === undefined)
        push('dueprocess.extends_without_maximum', `${r.code}.${c.code}: nothing to extend`, path);
    });
    const conds = new Set<string>();
    r.conditions.forEach((c, ci) => {
      const path = [...base, 'conditions', ci];
      if (conds.has(c.code))
        push('dueprocess.duplicate_condition', `${r.code}: condition ${c.code} twice`, path);
      conds.add(c.code);
      if ((c.check === 'fact') !== (c.fact !== undefined))
        push(
          'dueprocess.condition_fact',
          `${r.code}.${c.code}: a 'fact' check names its fact, a 'min_period' check none`,
          path,
        );
      for (const k of c.classes ?? [])
        if (!classes.has(k))
          push('dueprocess.unknown_class', `${r.code}.${c.code}: no class '${k}'`, [...path, 'classes']);
    });
    const steps = new Set(r.steps.map((s) => s.code));
    r.steps.forEach((s, si) => {
      if (s.after === 'forwarded' && !steps.has('forward'))
        push(
          'dueprocess.step_order',
          `${r.code}.${s.code}: runs after 'forwarded' but the regime has no forward step`,
          [...base, 'steps', si, 'after'],
        );
    });
  });
  const licenceKinds = new Set<string>();
  (p.licences ?? []).forEach((l, i) => {
    if (licenceKinds.has(l.kind))
      push('dueprocess.duplicate_licence_kind', `licence kind ${l.kind} twice`, ['licences', i, 'kind']);
    licenceKinds.add(l.kind);
    // A period with no source must say so (marker U), so the portal never presents an assumption as a rule.
    if (l.assumption && l.marker !== 'U')
      push('dueprocess.assumption_marker', `${l.kind}: an assumed period is marked U, not ${l.marker}`, [
        'licences',
        i,
        'marker',
      ]);
  });
  // Regimes of a family must not overlap: a date gets one answer.
  const fam = new Map<string, { from: string; to: string; i: number }[]>();
  p.regimes.forEach((r, i) => {
    const list = fam.get(r.family) ?? [];
    list.push({ from: r.from, to: r.to ?? '9999-12-31', i });
    fam.set(r.family, list);
  });
  for (const [family, list] of fam) {
    list.sort((a, b) => (a.from < b.from ? -1 : 1));
    for (let k = 1; k < list.length; k++)
      if (list[k]!.from <= list[k - 1]!.to)
        push(
          'dueprocess.regime_overlap',
          `${family}: regime ${p.regimes[list[k]!.i]!.code} starts ${list[k]!.from}, before the previous one ends (${list[k - 1]!.to})`,
          ['regimes', list[k]!.i, 'from'],
        );
  }
  return issues;
}

function load<T>(
  file: string,
  schema: Parameters<typeof validateYaml<T>>[1],
  check: (v: T, at: (p: (string | number)[]) => Issue['location']) => Issue[],
): T {
  const parsed: ParsedYaml = readYaml(file);
  const res = validateYaml(parsed, schema, 'dueprocess');
  if (!res.value) throw new MosaicError(res.issues);
  const issues = check(res.value, (path) => locate(parsed, path));
  if (issues.length) throw new MosaicError(issues);
  return res.value;
}

/** Load and check both files; throws MosaicError listing every problem with file:line:column. */
export function loadDueProcessPolicy(dir: string = shipped('policies', 'dueprocess')): DueProcessPolicy {
  const objections = load(`${dir}/objections.yaml`, ObjectionPackSchema, checkObjections);
  const publication = load(`${dir}/publication.yaml`, PublicationPackSchema, checkPublication);
  return new DueProcessPolicy(objections, publication);
}

let cached: DueProcessPolicy | undefined;
export function shippedDueProcessPolicy(): DueProcessPolicy {
  cached ??= loadDueProcessPolicy();
  return cached;
}
