// Jurisdictions a server hosts (a province, its cities, their districts): each with its schemes, lists, agencies and
// catalogue scope, and what it shares upward. A parent sees a child's record only if every step up shares its kind.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { MosaicError } from '../core/errors.js';
import { shipped } from '../core/paths.js';

export const JurisdictionSchema = z
  .object({
    code: z.string().regex(/^\d{6}$/, 'a 6-digit GB/T 2260 code'),
    name: z.object({ en: z.string().min(1), zh: z.string().min(1) }),
    parent: z
      .string()
      .regex(/^\d{6}$/)
      .nullable(),
    schemes: z.array(
      z.string().regex(/^[a-z0-9-]+\/[0-9]{4}$/, 'a pack folder under policies/, e.g. wendeng-points/2020'),
    ),
    lists: z.array(z.string()),
    agencies: z.array(z.string()),
    /** Record-kind prefixes this platform accepts; empty = the whole catalogue. */
    kinds: z.array(z.string()),
    /** Record-kind prefixes shared with the parent; '*' = all. */
    shareUp: z.array(z.string()),
  })
  .strict();
export type Jurisdiction = z.infer<typeof JurisdictionSchema>;

const matches = (prefixes: readonly string[], kind: string) =>
  prefixes.some((p) => p === '*' || kind.startsWith(p));

export class Jurisdictions {
  private readonly byCode = new Map<string, Jurisdiction>();

  constructor(list: Iterable<Jurisdiction> = []) {
    for (const j of list) this.byCode.set(j.code, j);
  }

  put(j: Jurisdiction): void {
    this.byCode.set(j.code, j);
  }
  get(code: string): Jurisdiction | undefined {
    return this.byCode.get(code);
  }
  all(): Jurisdiction[] {
    return [...this.byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
  }

  /** `code` and its ancestors, nearest first (stops on an unknown parent or a cycle). */
  chain(code: string): Jurisdiction[] {
    const out: Jurisdiction[] = [];
    const seen = new Set<string>();
    for (
      let j = this.byCode.get(code);
      j && !seen.has(j.code);
      j = j.parent ? this.byCode.get(j.parent) : undefined
    ) {
      seen.add(j.code);
      out.push(j);
    }
    return out;
  }

  /** Does this platform accept records of `kind` (its catalogue scope)? */
  accepts(code: string, kind: string): boolean {
    const j = this.byCode.get(code);
    return !!j && (j.kinds.length === 0 || matches(j.kinds, kind));
  }

  /**
   * May a viewer in `viewer` see a record of `kind` kept by platform `origin`? Yes in its own platform; in an
   * ancestor only if each platform on the way up shares the kind upward. Never sideways or downward.
   */
  sees(viewer: string, origin: string, kind: string): boolean {
    if (viewer === origin) return true;
    for (const j of this.chain(origin)) {
      if (j.code === viewer) return true;
      if (!matches(j.shareUp, kind)) return false;
    }
    return false;
  }

  /** The platform among `viewer` and its descendants holding `place` (a subject's register jurisdiction), if any. */
  within(viewer: string, place: string): boolean {
    return this.chain(place).some((j) => j.code === viewer);
  }
}

/** The shipped jurisdictions (policies/jurisdictions/*.yaml), validated. */
export function shippedJurisdictions(
  file = shipped('policies', 'jurisdictions', 'weihai.yaml'),
): Jurisdiction[] {
  const doc = z
    .object({ jurisdictions: z.array(JurisdictionSchema) })
    .safeParse(parse(readFileSync(file, 'utf8')));
  if (!doc.success)
    throw new MosaicError(
      doc.error.issues.map((i) => ({
        code: 'server.bad_jurisdiction',
        message: i.message,
        location: { file, path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) },
      })),
    );
  return doc.data.jurisdictions;
}
