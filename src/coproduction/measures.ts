// Court lists pushed to platforms: which platform subscribes to which list, and the measures each applies to a listed
// person (block purchases, lower the score and withhold perks, show a notice to people nearby, play a notice to
// callers) as data, each with its legal basis or the note that none is published. The engine folds the list feed
// into each platform's view, once per change, and decides each measure with reasons.
import { z } from 'zod';
import { Marker } from '../core/catalogue.js';
import { MosaicError, type Issue } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { locate, readYaml, validateYaml } from '../core/yaml-doc.js';
import type { PlatformPolicy } from '../schemes/platform/policy.js';

const Id = z.string().regex(/^[a-z][a-z0-9_]*$/);
const Schema = z
  .object({
    catalogue: z.literal('platform-measures'),
    version: z.string().min(1),
    source: z.string().min(1),
    marker: Marker,
    platforms: z
      .array(z.object({ id: Id, en: z.string().min(1), lists: z.array(Id).min(1) }).strict())
      .min(1),
    measures: z
      .array(
        z
          .object({
            id: Id,
            platform: Id,
            lists: z.array(Id).min(1),
            effect: z.enum(['block_purchase', 'score_penalty', 'notice_nearby', 'caller_notice']),
            categories: z.array(Id).min(1).optional(),
            radius_m: z.number().int().positive().optional(),
            legal_basis: z
              .object({ doc: z.string().min(1), marker: Marker })
              .strict()
              .nullable(),
            no_basis_note: z.string().min(1).optional(),
            source: z.string().min(1),
            marker: Marker,
            note: z.string().optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type MeasureCatalogue = z.infer<typeof Schema>;
export type PlatformMeasure = MeasureCatalogue['measures'][number];

export function loadMeasureCatalogue(
  file = shipped('policies', 'coproduction', 'platform-measures.yaml'),
): MeasureCatalogue {
  const parsed = readYaml(file);
  const res = validateYaml(parsed, Schema, 'platform_measures');
  if (!res.value) throw new MosaicError(res.issues);
  const c = res.value;
  const issues: Issue[] = [];
  const platforms = new Map(c.platforms.map((p) => [p.id, p]));
  c.measures.forEach((m, i) => {
    const at = (k: string) => locate(parsed, ['measures', i, k]);
    const p = platforms.get(m.platform);
    if (!p)
      issues.push({
        code: 'platform_measures.unknown_platform',
        message: m.platform,
        location: at('platform'),
      });
    else
      for (const l of m.lists)
        if (!p.lists.includes(l))
          issues.push({
            code: 'platform_measures.not_subscribed',
            message: `${m.id}: ${m.platform} does not subscribe to ${l}`,
            location: at('lists'),
          });
    // Each measure carries its legal basis, or says in words that none is published: never silence.
    if (m.legal_basis === null && !m.no_basis_note)
      issues.push({
        code: 'platform_measures.no_basis',
        message: `${m.id}: no legal basis and no note saying none is published`,
        location: at('legal_basis'),
      });
    if (m.effect === 'block_purchase' && !m.categories)
      issues.push({ code: 'platform_measures.no_categories', message: m.id, location: at('effect') });
    if (m.effect === 'notice_nearby' && !m.radius_m)
      issues.push({ code: 'platform_measures.no_radius', message: m.id, location: at('effect') });
  });
  if (issues.length) throw new MosaicError(issues);
  return c;
}

/** One change of a list as the feed delivers it (the server's feed rows have this shape). */
export interface ListChange {
  seq: number;
  list: string;
  change: string;
  subject: string;
  at: string;
}

/** Changes that begin or renew a listing, and changes that end one; others (publication, correction) change nothing. */
const BEGINS = new Set(['listed', 'extended']);
const ENDS = new Set(['deleted', 'expired', 'withdrawn']);

export interface MeasureEvent {
  seq: number;
  platform: string;
  measure: string;
  subject: string;
  at: string;
  action: 'apply' | 'lift';
  effect: PlatformMeasure['effect'];
  /** Why: the list change that triggered it, and what the measure does. */
  reasons: string[];
  legalBasis: string | null;
  noBasisNote?: string;
}

/** A platform's view of the lists it subscribes to: which subjects are on which lists, from the feed. */
export class PlatformMeasures {
  private readonly on = new Map<string, Set<string>>();
  /** Per list: the feed's sequence numbers are one journal, but each list is read (and retried) on its own. */
  private readonly cursors = new Map<string, number>();
  private readonly measures: PlatformMeasure[];
  readonly lists: readonly string[];

  constructor(
    catalogue: MeasureCatalogue,
    readonly platform: string,
    private readonly score?: PlatformPolicy,
  ) {
    const p = catalogue.platforms.find((x) => x.id === platform);
    if (!p) throw new MosaicError({ code: 'platform_measures.unknown_platform', message: platform });
    this.lists = p.lists;
    this.measures = catalogue.measures.filter((m) => m.platform === platform);
  }

  /** The last feed sequence number applied from a list (the cursor to read it from next). */
  seen(list: string): number {
    return this.cursors.get(list) ?? 0;
  }

  /**
   * Apply feed changes in order. A change at or below its list's cursor was already applied and is skipped, so a
   * page delivered twice (a webhook retry, a replay) has its effect once.
   */
  apply(changes: readonly ListChange[]): MeasureEvent[] {
    const events: MeasureEvent[] = [];
    for (const c of [...changes].sort((a, b) => a.seq - b.seq)) {
      if (!this.lists.includes(c.list) || c.seq <= this.seen(c.list)) continue;
      this.cursors.set(c.list, c.seq);
      const before = new Set(this.on.get(c.subject));
      const after = new Set(before);
      if (BEGINS.has(c.change)) after.add(c.list);
      else if (ENDS.has(c.change)) after.delete(c.list);
      else continue;
      if (after.size) this.on.set(c.subject, after);
      else this.on.delete(c.subject);
      for (const m of this.measures) {
        const was = m.lists.some((l) => before.has(l));
        const is = m.lists.some((l) => after.has(l));
        if (was === is) continue;
        events.push({
          seq: c.seq,
          platform: this.platform,
          measure: m.id,
          subject: c.subject,
          at: c.at,
          action: is ? 'apply' : 'lift',
          effect: m.effect,
          reasons: [`${c.list}: ${c.change} on ${c.at} (feed #${c.seq})`, this.describe(m)],
          legalBasis: m.legal_basis?.doc ?? null,
          ...(m.no_basis_note ? { noBasisNote: m.no_basis_note } : {}),
        });
      }
    }
    return events;
  }

  /** The lists a subject is on, as this platform knows them. */
  listsOf(subject: string): string[] {
    return [...(this.on.get(subject) ?? [])].sort();
  }

  /** Whether the platform lets the subject buy in a category, with the reasons either way. */
  checkout(
    subject: string,
    category: string,
  ): { allowed: boolean; reasons: string[]; legalBasis: string | null } {
    for (const m of this.measures) {
      if (m.effect !== 'block_purchase' || !m.categories!.includes(category)) continue;
      const hit = m.lists.filter((l) => this.on.get(subject)?.has(l));
      if (hit.length)
        return {
          allowed: false,
          reasons: [`${m.id}: ${category} is blocked while on ${hit.join(', ')}`],
          legalBasis: m.legal_basis?.doc ?? null,
        };
    }
    return {
      allowed: true,
      reasons: [`no measure of ${this.platform} blocks ${category} for this subject`],
      legalBasis: null,
    };
  }

  private describe(m: PlatformMeasure): string {
    switch (m.effect) {
      case 'block_purchase':
        return `blocks purchases of ${m.categories!.join(', ')}`;
      case 'score_penalty':
        return this.score
          ? `score −${this.score.defaulter_feed.deduction}, capped at ${this.score.defaulter_feed.cap}; perks withheld: ${this.score.perks
              .filter((p) => p.blocked_if_listed)
              .map((p) => p.code)
              .join(', ')} (${this.score.score} ${this.score.version})`
          : 'lowers the platform score and withholds perks';
      case 'notice_nearby':
        return `shows a defaulter notice to users within ${m.radius_m} m of the registered address`;
      case 'caller_notice':
        return 'plays a recorded defaulter notice to callers';
    }
  }

  /** Who sees a defaulter-map notice: users whose point lies within the measure's radius of the subject's address. */
  noticeAudience(
    subject: string,
    home: { x: number; y: number },
    users: readonly { id: string; x: number; y: number }[],
  ): string[] {
    const m = this.measures.find(
      (x) => x.effect === 'notice_nearby' && x.lists.some((l) => this.on.get(subject)?.has(l)),
    );
    if (!m) return [];
    const r2 = m.radius_m! * m.radius_m!;
    return users
      .filter((u) => u.id !== subject && (u.x - home.x) ** 2 + (u.y - home.y) ** 2 <= r2)
      .map((u) => u.id);
  }
}
