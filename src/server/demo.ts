// `mosaic serve --demo`: loads the shipped sample (idempotent) with a few licences for its firms, publishes two of its
// penalties on the portal, and issues keys to a few of its residents and firms and to a credit office, so every part of the web app can be tried.
import { readFileSync } from 'node:fs';
import { shipped } from '../core/paths.js';
import { recordId, type CreditRecord, type Subject } from '../core/types.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Account } from './auth.js';
import type { ServerContext } from './context.js';
import { dueProcessOf } from './dueprocess-store.js';

const jsonl = <T>(f: string): T[] =>
  readFileSync(shipped('scenarios', 'sample', f), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

/** Who gets a demo key: fictional sample subjects (docs/decisions/0020) chosen for what their records show. */
export const DEMO_ACCOUNTS: readonly (Pick<Account, 'role' | 'name'> & Partial<Account>)[] = [
  { role: 'subject', name: '刘某 (Wendeng resident)', subject: '371003197006309398' },
  { role: 'subject', name: '杨某 (Wendeng resident, court defaulter)', subject: '371003196105269470' },
  { role: 'subject', name: 'Wendeng firm (court defaulter)', subject: '91371003YYYFFGJT08' },
  // Its penalty (published 2026-09-01, general class) may be repaired from 2026-12-01: the repair flow can be tried.
  { role: 'subject', name: 'Wendeng snack shop (penalty shown)', subject: '92371003YT9WQKL33L' },
  { role: 'credit_office', name: 'Weihai credit office', jurisdiction: '371000' },
];

/** The sample firm's penalties shown on the portal (the family and class are the publication policy's). */
const DEMO_PUBLICATIONS = [
  { subject: '91371003YYYFFGJT08', record: 'r4b505a47e5eb746d', class: 'serious', day: '2026-06-01' },
  { subject: '92371003YT9WQKL33L', record: 'rb5b85b1f54270456', class: 'general', day: '2026-09-01' },
] as const;

/**
 * Licensing decisions for the sample's firms (double publicity, DOMAIN §8.1), fictional like the sample. They live here
 * rather than in records.jsonl because that file is generated (scenarios/sample/README.md). One is older than the
 * publication pack's showing period, so the portal has one it no longer shows.
 */
const DEMO_LICENCES: readonly Omit<CreditRecord, 'id' | 'status' | 'reportedAt'>[] = [
  {
    subject: '91371003YYYFFGJT08',
    occurredAt: '2025-03-14',
    agency: 'housing',
    basis: '鲁建安许字〔2025〕第0371号 (construction work safety licence)',
  },
  {
    subject: '91371003YYYFFGJT08',
    occurredAt: '2021-05-20',
    agency: 'housing',
    basis: '鲁建资字〔2021〕第1188号 (construction qualification)',
  },
  {
    subject: '92371003YT9WQKL33L',
    occurredAt: '2026-02-09',
    agency: 'market_regulation',
    basis: '文市监食许〔2026〕第0042号 (food business licence)',
  },
  {
    subject: '91371082Y5GYPF8P9Q',
    occurredAt: '2024-11-28',
    agency: 'market_regulation',
    basis: '威市监食生许〔2024〕第0217号 (food production licence)',
  },
  {
    subject: '93371082YL3T6PQQ5C',
    occurredAt: '2025-08-05',
    agency: 'ecology_environment',
    basis: '荣环排许〔2025〕第0093号 (pollutant discharge permit)',
  },
].map((l) => ({ ...l, kind: 'licensing.administrative_licence', level: 'county' as const }));

/** The demo licences as records, reported on the day of the decision. */
export function demoLicences(): CreditRecord[] {
  return DEMO_LICENCES.map((l) => {
    const r = { ...l, reportedAt: l.occurredAt, status: 'original' as const };
    return { id: recordId(r), ...r };
  });
}

/** Store the sample's subjects and records (a second start stores nothing new: record ids are content hashes). */
export async function loadDemoData(ledger: Ledger): Promise<number> {
  await ledger.putSubjects(jsonl<Subject>('subjects.jsonl'));
  const res = await ledger.append([...jsonl<CreditRecord>('records.jsonl'), ...demoLicences()]);
  return res.inserted;
}

export interface DemoKey {
  role: string;
  name: string;
  subject: string | null;
  key: string;
}

/** Publish the demo penalties once, and issue a fresh key per demo account (accounts are reused across starts). */
export async function demoAccess(ctx: ServerContext): Promise<DemoKey[]> {
  const { service } = await dueProcessOf(ctx);
  if ((await service.state()).publications.size === 0)
    for (const p of DEMO_PUBLICATIONS)
      await service.publish({ ...p, family: 'ndrc_penalty', decided: p.day });
  const out: DemoKey[] = [];
  for (const a of DEMO_ACCOUNTS) {
    const [row] = await ctx.state.query<{ id: string }>(
      `SELECT id FROM {t}server_accounts WHERE role = $1 AND name = $2`,
      [a.role, a.name],
    );
    const id =
      row?.id ??
      (
        await ctx.keys.createAccount({
          role: a.role,
          name: a.name,
          subject: a.subject ?? null,
          jurisdiction: a.jurisdiction ?? null,
        })
      ).id;
    const { key, id: keyId } = await ctx.keys.createKey(id);
    await ctx.accessLog.append({
      actor: 'server',
      role: 'admin',
      action: 'key.create',
      target: keyId,
      status: 200,
      detail: 'demo',
    });
    out.push({ role: a.role, name: a.name, subject: a.subject ?? null, key });
  }
  return out;
}
