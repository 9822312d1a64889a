// Starts a server over a ledger: opens the ledger and the state beside it, issues the first administrator key on a
// fresh database, listens, and closes everything in order on stop.
import type { Ledger } from '../ledger/ledger.js';
import { openLedger, type OpenLedgerOptions } from '../ledger/open.js';
import { buildServer, type ServerApp, type ServerOptions } from './app.js';
import { createContext, type ServerContext } from './context.js';
import { demoAccess, loadDemoData, type DemoKey } from './demo.js';

export interface RunningServer {
  app: ServerApp;
  ctx: ServerContext;
  ledger: Ledger;
  url: string;
  /** The administrator key created on a fresh database (shown once), else undefined. */
  adminKey: string | undefined;
  /** With `demo`: a fresh key per demo account (shown once). */
  demoKeys: DemoKey[];
  close(): Promise<void>;
}

/** On a database with no administrator yet, create one and return its key (the only time it is shown). */
export async function bootstrapAdmin(ctx: ServerContext): Promise<string | undefined> {
  if ((await ctx.keys.countAccounts('admin')) > 0) return undefined;
  const acc = await ctx.keys.createAccount({ role: 'admin', name: 'administrator' });
  const { key, id } = await ctx.keys.createKey(acc.id);
  await ctx.accessLog.append({
    actor: 'server',
    role: 'admin',
    action: 'key.create',
    target: id,
    status: 200,
    detail: 'bootstrap',
  });
  return key;
}

export async function startServer(opts: {
  ledger: OpenLedgerOptions;
  host?: string;
  port?: number;
  server?: ServerOptions;
  /** Load the shipped sample and issue demo keys (`mosaic serve --demo`). */
  demo?: boolean;
}): Promise<RunningServer> {
  const ledger = await openLedger(opts.ledger);
  let ctx: ServerContext | undefined;
  try {
    if (opts.demo) await loadDemoData(ledger);
    ctx = await createContext(ledger, { pgUrl: opts.ledger.pgUrl });
    const adminKey = await bootstrapAdmin(ctx);
    const demoKeys = opts.demo ? await demoAccess(ctx) : [];
    const { app } = await buildServer(ctx, opts.server);
    ctx.webhooks.start();
    const url = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 8080 });
    const c = ctx;
    return {
      app,
      ctx: c,
      ledger,
      url,
      adminKey,
      demoKeys,
      close: async () => {
        await app.close();
        await c.close();
        await ledger.close();
      },
    };
  } catch (err) {
    await ctx?.close().catch(() => undefined);
    await ledger.close().catch(() => undefined);
    throw err;
  }
}
