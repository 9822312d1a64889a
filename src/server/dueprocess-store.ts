// Due process on the server: the statement log and the evidence files in the server's own database (DuckDB file or
// PostgreSQL schema), and the one DueProcessService each server context uses.
import { DueProcessService } from '../dueprocess/service.js';
import { checkEvidence, sha256, type EvidenceLimits, type EvidenceStore } from '../dueprocess/evidence.js';
import type { DueProcessLog, LogAppendResult } from '../dueprocess/log.js';
import { shippedDueProcessPolicy } from '../dueprocess/policy.js';
import { statementId, type Draft, type EvidenceRef, type Statement } from '../dueprocess/statements.js';
import { MosaicError } from '../core/errors.js';
import type { ServerContext } from './context.js';
import type { StateDb } from './state/state-db.js';

/** The log as rows (seq, id, day, type, statement JSON); a batch is one transaction, ids are unique. */
export class StateDueProcessLog implements DueProcessLog {
  readonly adapter = 'server-state';
  constructor(private readonly db: StateDb) {}

  async append(batch: readonly Statement[]): Promise<LogAppendResult> {
    batch.forEach((s, i) => {
      const { id, ...rest } = s;
      if (statementId(rest as Draft) !== id)
        throw new MosaicError({
          code: 'dueprocess.bad_statement_id',
          message: `statement ${i} (${s.type}) has an id that does not match its content`,
        });
    });
    return this.db.tx(async (q) => {
      const ids = [...new Set(batch.map((s) => s.id))];
      const have = new Set(
        ids.length
          ? (
              await q.query<{ id: string }>(
                `SELECT id FROM {t}server_dueprocess WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')})`,
                ids,
              )
            ).map((r) => r.id)
          : [],
      );
      const [{ n }] = (await q.query<{ n: number }>(
        `SELECT COALESCE(MAX(seq), 0) AS n FROM {t}server_dueprocess`,
      )) as [{ n: number }];
      let seq = Number(n);
      let inserted = 0;
      for (const s of batch) {
        if (have.has(s.id)) continue;
        have.add(s.id);
        await q.query(`INSERT INTO {t}server_dueprocess VALUES ($1, $2, $3, $4, $5)`, [
          ++seq,
          s.id,
          s.day,
          s.type,
          JSON.stringify(s),
        ]);
        inserted++;
      }
      return { inserted, duplicates: batch.length - inserted };
    });
  }

  async read(asOf?: string): Promise<Statement[]> {
    const rows =
      asOf === undefined
        ? await this.db.query<{ statement: string }>(
            `SELECT statement FROM {t}server_dueprocess ORDER BY seq`,
          )
        : await this.db.query<{ statement: string }>(
            `SELECT statement FROM {t}server_dueprocess WHERE day <= $1 ORDER BY seq`,
            [asOf],
          );
    return rows.map((r) => JSON.parse(r.statement) as Statement);
  }

  async close(): Promise<void> {}
}

/** Evidence bytes (base64) by SHA-256, checked on the way in and re-hashed on the way out. */
export class StateEvidenceStore implements EvidenceStore {
  constructor(
    private readonly db: StateDb,
    readonly limits: EvidenceLimits,
  ) {}

  async put(bytes: Uint8Array, name: string, type: string): Promise<EvidenceRef> {
    const problem = checkEvidence(bytes, name, type, this.limits);
    if (problem) throw problem;
    const sha = sha256(bytes);
    await this.db.tx(async (q) => {
      const have = await q.query(`SELECT sha256 FROM {t}server_evidence WHERE sha256 = $1`, [sha]);
      if (!have.length)
        await q.query(`INSERT INTO {t}server_evidence VALUES ($1, $2, $3, $4, $5)`, [
          sha,
          bytes.length,
          type,
          Buffer.from(bytes).toString('base64'),
          new Date().toISOString(),
        ]);
    });
    return { sha256: sha, size: bytes.length, type, name };
  }

  async get(sha: string): Promise<Uint8Array | undefined> {
    const rows = await this.db.query<{ content: string }>(
      `SELECT content FROM {t}server_evidence WHERE sha256 = $1`,
      [sha],
    );
    if (!rows.length) return undefined;
    const bytes = new Uint8Array(Buffer.from(rows[0]!.content, 'base64'));
    if (sha256(bytes) !== sha)
      throw new MosaicError({
        code: 'evidence.corrupt',
        message: `stored evidence ${sha} no longer matches its hash`,
      });
    return bytes;
  }

  async has(sha: string): Promise<boolean> {
    return (await this.db.query(`SELECT sha256 FROM {t}server_evidence WHERE sha256 = $1`, [sha])).length > 0;
  }
}

const services = new WeakMap<
  ServerContext,
  Promise<{ service: DueProcessService; evidence: StateEvidenceStore }>
>();

/** The context's due-process service, rebuilt from the stored log on first use (so a restart loses nothing). */
export function dueProcessOf(
  ctx: ServerContext,
): Promise<{ service: DueProcessService; evidence: StateEvidenceStore }> {
  let s = services.get(ctx);
  if (!s) {
    const policy = shippedDueProcessPolicy();
    const evidence = new StateEvidenceStore(ctx.state, policy.objections.evidence);
    s = DueProcessService.open(ctx.ledger, new StateDueProcessLog(ctx.state), { policy, evidence }).then(
      (service) => ({ service, evidence }),
    );
    services.set(ctx, s);
    s.catch(() => services.delete(ctx));
  }
  return s;
}
