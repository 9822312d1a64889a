// Which record kinds a counterfactual may propose as actions a person can choose, read from
// policies/counterfactual/choosable.yaml (rules are data: no kind is named in code; docs/decisions/0074).
import { z } from 'zod';
import type { Catalogue } from '../core/catalogue.js';
import { Marker } from '../core/catalogue.js';
import { MosaicError, type Issue } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { locate, readYaml, validateYaml } from '../core/yaml-doc.js';

const ChoicesSchema = z
  .object({
    choices: z.literal('counterfactual'),
    version: z.string().min(1),
    source: z.string().min(1),
    kinds: z
      .array(
        z
          .object({
            kind: z.string().min(1),
            choosable: z.boolean(),
            reason: z.string().trim().min(1),
            marker: Marker,
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export interface Choice {
  choosable: boolean;
  reason: string;
  marker: 'V' | 'P' | 'U';
}

/** The classification of record kinds; a kind nobody classified is not choosable (never advise the unclassified). */
export class Choices {
  constructor(
    readonly version: string,
    private readonly byKind: ReadonlyMap<string, Choice>,
  ) {}

  of(kind: string): Choice | undefined {
    return this.byKind.get(kind);
  }

  choosable(kind: string): boolean {
    return this.byKind.get(kind)?.choosable === true;
  }

  /** Why a kind is not a plan a person can choose (its reason, or that nobody classified it). */
  whyNot(kind: string): string {
    return this.byKind.get(kind)?.reason ?? 'not classified as an action a person can choose';
  }
}

export const defaultChoicesPath = (): string => shipped('policies', 'counterfactual', 'choosable.yaml');

/** Load and check the file: schema, duplicate kinds, and (given the catalogue) kinds it does not define. */
export function loadChoices(file = defaultChoicesPath(), catalogue?: Catalogue): Choices {
  const parsed = readYaml(file);
  const res = validateYaml(parsed, ChoicesSchema, 'choices');
  if (!res.value) throw new MosaicError(res.issues);
  const issues: Issue[] = [];
  const byKind = new Map<string, Choice>();
  res.value.kinds.forEach((k, i) => {
    if (byKind.has(k.kind))
      issues.push({
        code: 'choices.duplicate_kind',
        message: `${k.kind} is classified twice`,
        location: locate(parsed, ['kinds', i, 'kind']),
      });
    else if (catalogue && !catalogue.has(k.kind))
      issues.push({
        code: 'choices.unknown_kind',
        message: `${k.kind} is not a record kind of the catalogue`,
        location: locate(parsed, ['kinds', i, 'kind']),
      });
    byKind.set(k.kind, { choosable: k.choosable, reason: k.reason, marker: k.marker });
  });
  if (issues.length) throw new MosaicError(issues);
  return new Choices(res.value.version, byKind);
}

let shippedChoices: Choices | undefined;
/** The shipped classification, read once per process. */
export function shippedChoicesCached(): Choices {
  return (shippedChoices ??= loadChoices());
}
