// Roles, accounts and API keys: keys are random, shown once and stored only as SHA-256 hashes, with scopes and expiry.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { validateSubjectId } from '../core/identifiers.js';
import { httpError } from './problem.js';
import type { StateDb } from './state/state-db.js';

export const ROLES = [
  'public',
  'subject',
  'agency',
  'credit_office',
  'court',
  'firm',
  'auditor',
  'admin',
] as const;
export type RoleName = (typeof ROLES)[number];
/** Roles an account can hold (public is the absence of one). */
export const ACCOUNT_ROLES = ROLES.filter((r) => r !== 'public') as Exclude<RoleName, 'public'>[];

/** What a route declares: who may call it and which key scope it needs ('*' on a key grants every scope). */
export interface Access {
  roles: readonly RoleName[];
  scope?: string;
}

export const AccountInput = z
  .object({
    role: z.enum(ACCOUNT_ROLES as [Exclude<RoleName, 'public'>, ...Exclude<RoleName, 'public'>[]]),
    name: z.string().min(1).max(200),
    jurisdiction: z
      .string()
      .regex(/^\d{6}$/)
      .nullish(),
    /** Reporting agencies: the agency code stamped on every record they submit. */
    agency: z
      .string()
      .regex(/^[a-z0-9_.-]{1,64}$/)
      .nullish(),
    /** Data subjects: their own resident ID or USCC. */
    subject: z.string().nullish(),
    /** Reporting agencies and courts: record-kind prefixes they may submit. */
    kinds: z.array(z.string().min(1)).max(200).nullish(),
  })
  .strict();
export type AccountInput = z.infer<typeof AccountInput>;

export interface Account {
  id: string;
  role: Exclude<RoleName, 'public'>;
  name: string;
  jurisdiction: string | null;
  agency: string | null;
  subject: string | null;
  kinds: string[] | null;
}

export interface Principal {
  role: RoleName;
  account: Account | null;
  keyId: string | null;
  scopes: readonly string[];
}

export const PUBLIC: Principal = { role: 'public', account: null, keyId: null, scopes: [] };

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const newId = (prefix: string) => prefix + randomBytes(8).toString('hex');

/** Check the fields a role needs; returns the problems (code + path) or nothing. */
export function checkAccount(a: AccountInput): { code: string; message: string; path: string }[] {
  const out: { code: string; message: string; path: string }[] = [];
  const need = (f: keyof AccountInput, why: string) => {
    if (a[f] === undefined || a[f] === null)
      out.push({ code: 'account.missing_field', message: `${f} is required ${why}`, path: f });
  };
  if (a.role === 'subject') {
    need('subject', 'for a data subject');
    if (a.subject) {
      const c = validateSubjectId(a.subject);
      if (!c.ok) out.push({ code: c.code, message: c.message, path: 'subject' });
    }
  }
  if (a.role === 'agency' || a.role === 'court') need('agency', `for a ${a.role}`);
  if (a.role === 'agency' || a.role === 'court' || a.role === 'credit_office')
    need('jurisdiction', `for a ${a.role}`);
  return out;
}

interface KeyRow {
  id: string;
  account: string;
  scopes: string;
  expires_at: string | null;
  revoked_at: string | null;
  role: string;
  name: string;
  jurisdiction: string | null;
  agency: string | null;
  subject: string | null;
  kinds: string | null;
  [k: string]: unknown;
}

export class KeyStore {
  /** key hash → principal and expiry; a revoked key is dropped from here at once. */
  private readonly cache = new Map<string, { p: Principal; expires: number }>();

  constructor(private readonly db: StateDb) {}

  async createAccount(a: AccountInput): Promise<Account> {
    const acc: Account = {
      id: newId('acc_'),
      role: a.role,
      name: a.name,
      jurisdiction: a.jurisdiction ?? null,
      agency: a.agency ?? null,
      subject: a.subject ?? null,
      kinds: a.kinds ?? null,
    };
    await this.db.query(`INSERT INTO {t}server_accounts VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      acc.id,
      acc.role,
      acc.name,
      acc.jurisdiction,
      acc.agency,
      acc.subject,
      acc.kinds ? JSON.stringify(acc.kinds) : null,
      new Date().toISOString(),
    ]);
    return acc;
  }

  async getAccount(id: string): Promise<Account | undefined> {
    const [r] = await this.db.query<KeyRow>(`SELECT * FROM {t}server_accounts WHERE id = $1`, [id]);
    return r ? accountOf({ ...r, account: r.id }) : undefined;
  }

  async countAccounts(role?: string): Promise<number> {
    const rows = role
      ? await this.db.query<{ n: number }>(`SELECT count(*) AS n FROM {t}server_accounts WHERE role = $1`, [
          role,
        ])
      : await this.db.query<{ n: number }>(`SELECT count(*) AS n FROM {t}server_accounts`);
    return Number(rows[0]?.n ?? 0);
  }

  /** A new key for `account`: the plain key is returned once and never stored. */
  async createKey(
    account: string,
    opts: { scopes?: readonly string[]; expiresAt?: string | null } = {},
  ): Promise<{ id: string; key: string; scopes: string[]; expiresAt: string | null }> {
    const id = newId('key_');
    const key = `mk_${id.slice(4)}_${randomBytes(24).toString('base64url')}`;
    const scopes = [...(opts.scopes ?? ['*'])];
    const expiresAt = opts.expiresAt ?? null;
    await this.db.query(`INSERT INTO {t}server_keys VALUES ($1, $2, $3, $4, $5, NULL, $6)`, [
      id,
      sha256(key),
      account,
      JSON.stringify(scopes),
      expiresAt,
      new Date().toISOString(),
    ]);
    return { id, key, scopes, expiresAt };
  }

  async revokeKey(id: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE {t}server_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING id`,
      [new Date().toISOString(), id],
    );
    for (const [h, v] of this.cache) if (v.p.keyId === id) this.cache.delete(h);
    return rows.length > 0;
  }

  /** The principal a presented key stands for; throws 401 for an unknown, revoked or expired key. */
  async authenticate(key: string, now = Date.now()): Promise<Principal> {
    const h = sha256(key);
    let hit = this.cache.get(h);
    if (!hit) {
      const [r] = await this.db.query<KeyRow>(
        `SELECT k.id, k.account, k.scopes, k.expires_at, k.revoked_at, a.role, a.name, a.jurisdiction, a.agency,
           a.subject, a.kinds FROM {t}server_keys k JOIN {t}server_accounts a ON a.id = k.account WHERE k.hash = $1`,
        [h],
      );
      if (!r || r.revoked_at) throw httpError(401, 'auth.invalid_key', 'unknown or revoked API key');
      hit = {
        p: {
          role: r.role as RoleName,
          account: accountOf(r),
          keyId: r.id,
          scopes: JSON.parse(r.scopes) as string[],
        },
        expires: r.expires_at ? Date.parse(r.expires_at) : Infinity,
      };
      this.cache.set(h, hit);
    }
    if (now >= hit.expires) throw httpError(401, 'auth.expired_key', 'the API key has expired');
    return hit.p;
  }
}

function accountOf(r: KeyRow): Account {
  return {
    id: r.account,
    role: r.role as Account['role'],
    name: r.name,
    jurisdiction: r.jurisdiction,
    agency: r.agency,
    subject: r.subject,
    kinds: r.kinds ? (JSON.parse(r.kinds) as string[]) : null,
  };
}

/** Refuse a principal a route does not admit: 401 without a key, 403 with the wrong role or scope. */
export function authorize(p: Principal, access: Access): void {
  if (access.roles.includes(p.role)) {
    if (access.scope && p.role !== 'public' && !p.scopes.includes('*') && !p.scopes.includes(access.scope))
      throw httpError(403, 'auth.missing_scope', `this key lacks the scope '${access.scope}'`);
    return;
  }
  if (p.role === 'public') throw httpError(401, 'auth.required', 'this route needs an API key');
  throw httpError(403, 'auth.forbidden_role', `the role '${p.role}' may not call this route`);
}
