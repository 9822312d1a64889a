// Reads what the lists engines need from a ledger: the register, and the lifecycle statements of chosen subjects.
import type { Ledger } from '../../ledger/ledger.js';
import { statementOf, type ListStatement } from './lifecycle.js';
import type { ListPolicy } from './policy.js';
import { Register } from './register.js';

export interface LedgerWorld {
  register: Register;
  /** Lifecycle statements by subject, for the subjects loaded. */
  statements: Map<string, ListStatement[]>;
  of: (subject: string) => ListStatement[];
}

/** Full records (with case numbers) of `subjects`, filtered to lifecycle kinds, reported by `asOf` if given. */
export async function loadStatements(
  policy: ListPolicy,
  ledger: Pick<Ledger, 'readSubject'>,
  subjects: Iterable<string>,
  asOf?: string,
): Promise<Map<string, ListStatement[]>> {
  const kinds = new Set(policy.lifecycleKinds());
  const out = new Map<string, ListStatement[]>();
  for (const id of new Set(subjects)) {
    const recs = await ledger.readSubject(id, asOf);
    out.set(id, recs.filter((r) => kinds.has(r.kind)).map(statementOf));
  }
  return out;
}

/** Subjects with at least one statement of `kinds` in the ledger (one columnar scan). */
export async function subjectsWithKinds(ledger: Ledger, kinds: Iterable<string>): Promise<string[]> {
  const cols = await ledger.scan();
  const want = new Uint8Array(ledger.catalogue.kinds.length);
  for (const k of kinds) {
    const i = ledger.catalogue.index(k);
    if (i >= 0) want[i] = 1;
  }
  const seen = new Uint8Array(cols.subjects.length);
  for (let i = 0; i < cols.length; i++) if (want[cols.kind[i]!] === 1) seen[cols.subject[i]!] = 1;
  const out: string[] = [];
  seen.forEach((v, i) => v && out.push(cols.subjects[i]!));
  return out.sort();
}

/** The register plus the statements of `subject` and of every party whose measures could reach it. */
export async function worldAround(
  policy: ListPolicy,
  ledger: Ledger,
  subject: string,
  asOf?: string,
): Promise<LedgerWorld> {
  const register = new Register(await ledger.subjects());
  const sources = register.sourcesOf(subject).map((l) => l.source);
  const statements = await loadStatements(policy, ledger, sources, asOf);
  return { register, statements, of: (id) => statements.get(id) ?? [] };
}
