// The court defaulter list as the platform receives it: listing and ending statements, known from the day the
// court reports them (records from the ledger, or the server's feed once it exists).
import type { CreditRecord } from '../../core/types.js';
import type { RecordColumns } from '../../ledger/ledger.js';
import type { Catalogue } from '../../core/catalogue.js';
import type { PlatformPolicy } from './policy.js';

export interface FeedItem {
  subject: string;
  kind: string;
  reportedAt: string;
}

export interface ListingState {
  listed: boolean;
  /** The report date of the listing in force (the latest one), if listed. */
  since?: string;
}

/** Listed while more listings than endings have arrived; withdrawn statements are not part of the feed. */
export function listingState(items: readonly FeedItem[], policy: PlatformPolicy, asOf: string): ListingState {
  let open = 0;
  let since: string | undefined;
  const known = items
    .filter((i) => i.reportedAt <= asOf)
    .sort((a, b) => (a.reportedAt < b.reportedAt ? -1 : a.reportedAt > b.reportedAt ? 1 : 0));
  for (const i of known) {
    if (policy.defaulter_feed.kinds_listed.includes(i.kind)) {
      open++;
      since = i.reportedAt;
    } else if (policy.defaulter_feed.kinds_ended.includes(i.kind)) open = Math.max(0, open - 1);
  }
  return open > 0 ? { listed: true, since: since! } : { listed: false };
}

export function feedFromRecords(records: readonly CreditRecord[], policy: PlatformPolicy): FeedItem[] {
  const kinds = new Set([...policy.defaulter_feed.kinds_listed, ...policy.defaulter_feed.kinds_ended]);
  return records
    .filter((r) => kinds.has(r.kind) && r.status === 'original')
    .map((r) => ({ subject: r.subject, kind: r.kind, reportedAt: r.reportedAt }));
}

/** The same feed from a ledger's columnar scan, without an object per record. */
export function feedFromColumns(
  cols: RecordColumns,
  catalogue: Catalogue,
  policy: PlatformPolicy,
): FeedItem[] {
  const want = new Map<number, string>();
  for (const k of [...policy.defaulter_feed.kinds_listed, ...policy.defaulter_feed.kinds_ended]) {
    const i = catalogue.index(k);
    if (i >= 0) want.set(i, k);
  }
  const out: FeedItem[] = [];
  for (let i = 0; i < cols.length; i++) {
    const k = want.get(cols.kind[i]!);
    if (k === undefined || cols.status[i] !== 0) continue;
    out.push({
      subject: cols.subjects[cols.subject[i]!]!,
      kind: k,
      reportedAt: new Date(cols.reported[i]! * 86400000).toISOString().slice(0, 10),
    });
  }
  return out;
}
