// Webhook delivery: each subscription's changes after its cursor are POSTed in order, signed with HMAC-SHA256; the
// cursor moves only after a 2xx, so a subscriber that was down gets everything it missed (retried with backoff).
import { createHmac } from 'node:crypto';
import type { Feed } from './feed.js';
import type { StateDb } from './state/state-db.js';

export interface WebhookOptions {
  /** How long to sleep when nothing is pending (a stored batch wakes the loop at once). */
  idleMs?: number;
  /** Changes per delivery. */
  batch?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  timeoutMs?: number;
}

/** The signature header value: `t=<unix ms>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function sign(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

interface Sub {
  id: string;
  list: string;
  url: string;
  secret: string;
  delivered: number;
  [k: string]: unknown;
}

export class Webhooks {
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly failures = new Map<string, { n: number; until: number }>();
  readonly opts: Required<WebhookOptions>;
  /** Deliveries made and failed, for metrics and tests. */
  delivered = 0;
  failed = 0;

  constructor(
    private readonly state: StateDb,
    private readonly feed: Feed,
    opts: WebhookOptions = {},
  ) {
    this.opts = {
      idleMs: opts.idleMs ?? 1000,
      batch: opts.batch ?? 1000,
      baseBackoffMs: opts.baseBackoffMs ?? 250,
      maxBackoffMs: opts.maxBackoffMs ?? 30_000,
      timeoutMs: opts.timeoutMs ?? 10_000,
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let sent = 0;
      try {
        sent = await this.tick();
      } catch {
        // The state database was unreachable: try again after a pause.
      }
      if (sent === 0 && !this.stopped) {
        const next = Math.min(
          this.opts.idleMs,
          ...[...this.failures.values()].map((f) => Math.max(0, f.until - Date.now())),
        );
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, next);
          this.wakeUp = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wakeUp = undefined;
      }
    }
  }

  /**
   * One pass over active subscriptions; returns how many deliveries succeeded. Subscriptions to one list at one
   * cursor (the usual case: subscribers that keep up move together) share one read of the feed and one encoding of
   * its changes, and are delivered to concurrently: ten subscribers cost one feed query per page, not ten in turn.
   */
  async tick(): Promise<number> {
    const subs = await this.state.query<Sub>(
      `SELECT id, list, url, secret, delivered FROM {t}server_subscriptions WHERE active = 1 ORDER BY id`,
    );
    const groups = new Map<string, Sub[]>();
    const now = Date.now();
    for (const s of subs) {
      const f = this.failures.get(s.id);
      if (f && f.until > now) continue;
      const key = `${s.list}\u0000${Number(s.delivered)}`;
      const g = groups.get(key);
      if (g) g.push(s);
      else groups.set(key, [s]);
    }
    const sent = await Promise.all(
      [...groups.values()].map(async (g) => {
        if (this.stopped) return 0;
        const from = Number(g[0]!.delivered);
        const changes = await this.feed.since({ list: g[0]!.list, cursor: from, limit: this.opts.batch });
        if (!changes.length) return 0;
        const json = JSON.stringify(changes);
        const ok = await Promise.all(g.map((s) => this.deliver(s, from, changes.at(-1)!.seq, json)));
        return ok.filter(Boolean).length;
      }),
    );
    return sent.reduce((a, b) => a + b, 0);
  }

  private async deliver(s: Sub, from: number, last: number, changesJson: string): Promise<boolean> {
    const body = deliveryBody(s.id, s.list, changesJson);
    const t = Date.now();
    let ok: boolean;
    try {
      const res = await fetch(s.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-mosaic-subscription': s.id,
          'x-mosaic-signature': sign(s.secret, t, body),
        },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      ok = res.ok;
    } catch {
      ok = false;
    }
    if (!ok) {
      this.failed++;
      const n = (this.failures.get(s.id)?.n ?? 0) + 1;
      const wait = Math.min(this.opts.maxBackoffMs, this.opts.baseBackoffMs * 2 ** (n - 1));
      this.failures.set(s.id, { n, until: Date.now() + wait });
      return false;
    }
    this.failures.delete(s.id);
    this.delivered++;
    // Only from where this delivery started: a replay issued meanwhile wins.
    await this.state.query(
      `UPDATE {t}server_subscriptions SET delivered = $1 WHERE id = $2 AND delivered = $3`,
      [last, s.id, from],
    );
    return true;
  }
}

/**
 * A delivery's body: the bytes of `JSON.stringify({ subscription, list, changes })`, with the changes encoded once
 * for every subscriber that receives them.
 */
export function deliveryBody(subscription: string, list: string, changesJson: string): string {
  return `{"subscription":${JSON.stringify(subscription)},"list":${JSON.stringify(list)},"changes":${changesJson}}`;
}
