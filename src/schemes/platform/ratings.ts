// The platforms' own internal ratings (a ride-hailing passenger rating, a food-delivery courier rating): rolling
// star averages as data. Neither platform publishes its formula; every parameter is an assumption [U].
import { z } from 'zod';
import { Marker } from '../../core/catalogue.js';
import { toEpochDay } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { readYaml, validateYaml } from '../../core/yaml-doc.js';
import type { RatingLine } from './synthetic.js';

const System = z
  .object({
    code: z.string().min(1),
    zh: z.string(),
    en: z.string(),
    owner: z.string().min(1),
    stars: z.tuple([z.number(), z.number()]),
    window: z.union([
      z.object({ last_n: z.number().int().min(1) }).strict(),
      z.object({ days: z.number().int().min(1) }).strict(),
    ]),
    /** Pseudo-ratings of `value` added `weight` times: a newcomer starts at the prior. */
    prior: z.object({ value: z.number(), weight: z.number().min(0) }).strict(),
    decimals: z.number().int().min(0).max(3),
    source: z.string().min(1),
    marker: Marker,
    note: z.string().optional(),
  })
  .strict();
const Schema = z
  .object({ ratings: z.string(), version: z.string(), source: z.string(), systems: z.array(System).min(1) })
  .strict();

export type RatingSystem = z.infer<typeof System>;

export function loadRatingSystems(file = shipped('policies', 'platform', 'ratings.yaml')): RatingSystem[] {
  const res = validateYaml(readYaml(file), Schema, 'rating_policy');
  if (!res.value) throw new MosaicError(res.issues);
  return res.value.systems;
}

export interface Rating {
  subject: string;
  system: string;
  rating: number;
  counted: number;
}

/** A subject's rating as of a date: the prior plus the ratings in the window, rounded for display. */
export function ratingOf(
  sys: RatingSystem,
  lines: readonly RatingLine[],
  subject: string,
  asOf: string,
): Rating {
  const day = toEpochDay(asOf);
  let mine = lines.filter((l) => l.system === sys.code && l.subject === subject && l.date <= asOf);
  mine = [...mine].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  if ('last_n' in sys.window) mine = mine.slice(-sys.window.last_n);
  else {
    const days = sys.window.days;
    mine = mine.filter((l) => day - toEpochDay(l.date) < days);
  }
  let sum = sys.prior.value * sys.prior.weight;
  for (const l of mine) {
    if (l.stars < sys.stars[0] || l.stars > sys.stars[1])
      throw new MosaicError({
        code: 'rating.out_of_scale',
        message: `${l.stars} stars outside ${sys.stars.join('–')}`,
      });
    sum += l.stars;
  }
  const n = sys.prior.weight + mine.length;
  const f = 10 ** sys.decimals;
  const raw = n > 0 ? sum / n : sys.prior.value;
  return { subject, system: sys.code, rating: Math.round(raw * f) / f, counted: mine.length };
}
