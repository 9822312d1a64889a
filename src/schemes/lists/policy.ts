// The compiled lists policy: lists, actions and every measure that follows a listing, indexed for the engines.
import type { Catalogue } from '../../core/catalogue.js';
import { toEpochDay } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { lintListPolicy } from './lint.js';
import { INCENTIVE_EFFECTS, readListPolicy, type ListPolicyData } from './load.js';
import {
  RELATIONS,
  type Action,
  type Effect,
  type ListDef,
  type Measure,
  type Memorandum,
  type Relation,
} from './schema.js';

/** Decision outcomes in order of precedence: a deny outweighs a restriction, which outweighs an incentive. */
export const OUTCOMES = ['allow', 'incentive', 'restrict', 'deny'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OUTCOME_CODE = { allow: 0, incentive: 1, restrict: 2, deny: 3 } as const;

export function outcomeOf(effect: Effect): Outcome {
  if (INCENTIVE_EFFECTS.has(effect)) return 'incentive';
  if (effect === 'prohibit' || effect === 'exclude_from_procurement') return 'deny';
  return 'restrict';
}

/** One measure as it applies to one list: where it comes from, and from which day it is in force. */
export interface AppliedMeasure {
  measure: Measure;
  /** Undefined for a list's own measures (they come from the list's instrument). */
  memorandum?: Memorandum;
  /** Epoch day from which the measure applies to listings (the later of list and memorandum in force). */
  from: number;
  /** The instrument: the memorandum number, or the list's first legal basis. */
  instrument: string;
}

/** What a list statement means to a list: its role in the lifecycle. */
export type KindRole =
  | 'listing'
  | 'warning'
  | 'publication'
  | 'extension'
  | 'deletion'
  | 'expiry'
  | 'reminder'
  | 'correction_request'
  | 'correction_rejected';

export class ListPolicy {
  readonly lists: readonly ListDef[];
  readonly actions: readonly Action[];
  readonly memoranda: readonly Memorandum[];
  readonly catalogue: Catalogue;
  readonly data: ListPolicyData;
  private readonly listIdx = new Map<string, number>();
  private readonly actionIdx = new Map<string, number>();
  /** kind code → the (list, role) pairs it plays. A warning serves several lists. */
  private readonly roles = new Map<string, { list: number; role: KindRole }[]>();
  private readonly applied: AppliedMeasure[][];

  constructor(data: ListPolicyData) {
    this.data = data;
    this.catalogue = data.catalogue;
    this.lists = data.lists.map((l) => l.value);
    this.actions = data.actions;
    this.memoranda = data.memoranda.map((m) => m.value);
    this.lists.forEach((l, i) => this.listIdx.set(l.list, i));
    this.actions.forEach((a, i) => this.actionIdx.set(a.id, i));
    this.lists.forEach((l, i) => {
      for (const [role, k] of Object.entries(l.kinds)) {
        if (!k) continue;
        const code = typeof k === 'string' ? k : k.kind;
        const arr = this.roles.get(code) ?? [];
        arr.push({ list: i, role: role as KindRole });
        this.roles.set(code, arr);
      }
    });
    this.applied = this.lists.map((l) => {
      const lf = toEpochDay(l.in_force);
      const own: AppliedMeasure[] = l.measures.map((measure) => ({
        measure,
        from: lf,
        instrument: l.legal_basis[l.legal_basis.length - 1]!.doc,
      }));
      const viaMemo: AppliedMeasure[] = this.memoranda
        .filter((m) => m.target_lists.includes(l.list))
        .flatMap((memorandum) =>
          memorandum.measures.map((measure) => ({
            measure,
            memorandum,
            from: Math.max(lf, toEpochDay(memorandum.in_force)),
            instrument: memorandum.number,
          })),
        );
      return [...own, ...viaMemo];
    });
  }

  list(id: string): ListDef | undefined {
    const i = this.listIdx.get(id);
    return i === undefined ? undefined : this.lists[i];
  }
  listIndex(id: string): number {
    return this.listIdx.get(id) ?? -1;
  }
  action(id: string): Action | undefined {
    const i = this.actionIdx.get(id);
    return i === undefined ? undefined : this.actions[i];
  }
  /** The action's bit position in decision masks, or -1. */
  actionIndex(id: string): number {
    return this.actionIdx.get(id) ?? -1;
  }
  /** The (list, role) pairs a record kind plays; empty if the kind is not a list statement. */
  rolesOf(kind: string): readonly { list: number; role: KindRole }[] {
    return this.roles.get(kind) ?? [];
  }
  /** Record kinds that take part in some list's lifecycle. */
  lifecycleKinds(): string[] {
    return [...this.roles.keys()];
  }
  /** All measures that follow an entry on list `listIdx`, with their in-force dates. */
  measuresOf(listIdx: number): readonly AppliedMeasure[] {
    return this.applied[listIdx] ?? [];
  }
  /** The effect a measure has on someone reached through `relation`, or undefined if it does not reach them. */
  effectFor(m: Measure, relation: Relation): Effect | undefined {
    if (!m.applies_to.includes(relation)) return undefined;
    return m.effect_by_relation?.[relation] ?? m.effect;
  }
  /** Relations through which some measure of this list reaches anyone. */
  relationsOf(listIdx: number): Relation[] {
    const set = new Set<Relation>();
    for (const a of this.measuresOf(listIdx)) for (const r of a.measure.applies_to) set.add(r);
    return RELATIONS.filter((r) => set.has(r));
  }
}

/**
 * Load the shipped (or given) lists policy. Throws MosaicError with every issue: schema, cross-reference and
 * legality (`lintListPolicy`), so no engine ever runs a measure without a legal basis.
 */
export function loadListPolicy(root?: string, catalogue?: Catalogue): ListPolicy {
  const { data, issues } = readListPolicy(root, catalogue);
  if (issues.length || !data) throw new MosaicError(issues);
  // Strict legality: an engine never applies a measure the lint rejects (no legal basis, not in the catalogue).
  const legality = lintListPolicy(data);
  if (legality.length) throw new MosaicError(legality);
  return new ListPolicy(data);
}

let shippedPolicy: ListPolicy | undefined;
/** The shipped policy, loaded once. */
export function shippedListPolicy(): ListPolicy {
  shippedPolicy ??= loadListPolicy();
  return shippedPolicy;
}
