// Platform users, ratings and the defaulter feed read from JSONL, each line checked.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isIsoDate } from '../../core/dates.js';
import { MosaicError, type Issue } from '../../core/errors.js';
import { EVENT_KINDS, type PlatformUser } from './features.js';
import type { FeedItem } from './feed.js';
import type { RatingLine } from './synthetic.js';

const IsoDate = z.string().refine(isIsoDate, 'a YYYY-MM-DD date');
const User = z
  .object({
    subject: z.string().min(1),
    joined: IsoDate,
    verifiedOn: IsoDate.optional(),
    profileItems: z.number().int().min(0),
    contactsVerifiedShare: z.number().min(0).max(1),
    events: z.array(
      z.object({ date: IsoDate, kind: z.enum(EVENT_KINDS), value: z.number().optional() }).strict(),
    ),
  })
  .strict();
const Rating = z
  .object({ system: z.string().min(1), subject: z.string().min(1), date: IsoDate, stars: z.number() })
  .strict();
const Feed = z
  .object({ subject: z.string().min(1), kind: z.string().min(1), reportedAt: IsoDate })
  .passthrough();

function readLines<T>(file: string, schema: z.ZodType<T>, code: string): T[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new MosaicError({ code: 'io.read_failed', message: (e as Error).message, location: { file } });
  }
  const out: T[] = [];
  const issues: Issue[] = [];
  text.split('\n').forEach((t, i) => {
    if (!t.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      issues.push({ code: `${code}.json`, message: (e as Error).message, location: { file, line: i + 1 } });
      return;
    }
    const r = schema.safeParse(v);
    if (r.success) out.push(r.data);
    else
      for (const zi of r.error.issues)
        issues.push({
          code: `${code}.invalid_line`,
          message: zi.message,
          location: {
            file,
            line: i + 1,
            path: zi.path.filter((k): k is string | number => typeof k !== 'symbol'),
          },
        });
  });
  if (issues.length) throw new MosaicError(issues);
  return out;
}

export const readPlatformUsers = (file: string): PlatformUser[] =>
  readLines(file, User, 'platform_user') as PlatformUser[];
export const readRatings = (file: string): RatingLine[] => readLines(file, Rating, 'rating');
/** Feed statements: any JSONL of records with subject, kind and reportedAt (e.g. the ledger's JSONL export). */
export const readFeed = (file: string): FeedItem[] =>
  readLines(file, Feed, 'feed')
    .filter(
      (r) =>
        (r as { status?: string }).status === undefined || (r as { status?: string }).status === 'original',
    )
    .map((r) => ({ subject: r.subject, kind: r.kind, reportedAt: r.reportedAt }));
