// `mosaic serve` (the credit platform over HTTP) and `mosaic access-log verify` (prove the access log untouched).
import type { Command } from 'commander';
import { MosaicError } from '../../core/errors.js';
import { err, out, withLedger, type GlobalOptions } from '../../ingest/session.js';
import { AccessLog } from '../../server/access-log.js';
import { accessJournalFor } from '../../server/context.js';
import { startServer } from '../../server/serve.js';
import { openState } from '../../server/state/open-state.js';

interface ServeFlags {
  host: string;
  port: string;
  rateLimit: string;
  log?: boolean;
  demo?: boolean;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'Run the credit platform as an HTTP server: records, reports, lists, feeds and decisions; OpenAPI at /openapi.json, explorer at /docs',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', process.env.PORT ?? '8080')
    .option('--rate-limit <n>', 'requests per minute per key (or per address without one); 0 = off', '600')
    .option('--log', 'log every request (JSON lines on standard output)')
    .option(
      '--demo',
      'load the shipped sample and print demo keys for a few residents, firms and a credit office',
    )
    .addHelpText(
      'after',
      `
Storage: the embedded DuckDB ledger in --data-dir (default), or --ledger postgres --pg-url URL. Server state
(accounts, keys, jurisdictions, feed, subscriptions, the access log) lives in the same database.
On a fresh database the first administrator key is printed once on standard error.`,
    )
    .action(async (flags: ServeFlags, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const port = Number(flags.port);
      const limit = Number(flags.rateLimit);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new MosaicError({ code: 'cli.bad_port', message: `--port ${flags.port} is not a port number` });
      if (!Number.isInteger(limit) || limit < 0)
        throw new MosaicError({
          code: 'cli.bad_rate_limit',
          message: `--rate-limit ${flags.rateLimit} is not a count`,
        });
      const srv = await startServer({
        ledger: { adapter: g.ledger ?? 'duckdb', dataDir: g.dataDir, pgUrl: g.pgUrl },
        host: flags.host,
        port,
        server: { logger: !!flags.log, rateLimit: limit === 0 ? false : { max: limit } },
        demo: !!flags.demo,
      });
      if (srv.adminKey) {
        err('mosaic serve: fresh database: administrator key (shown once, keep it safe):');
        err(`  ${srv.adminKey}`);
      }
      if (srv.demoKeys.length) {
        out('mosaic serve: demo keys (fictional sample subjects; new keys at every start):');
        for (const k of srv.demoKeys)
          out(`  ${k.role.padEnd(13)} ${k.key}  ${k.name}${k.subject ? ` [${k.subject}]` : ''}`);
      }
      out(
        `mosaic serve: listening on ${srv.url} (ledger ${srv.ledger.adapter}); API document ${srv.url}/openapi.json, explorer ${srv.url}/docs, web app ${srv.url}/`,
      );
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void srv.close().then(resolve, (e: unknown) => {
            err(`mosaic serve: error while closing: ${(e as Error).message}`);
            resolve();
          });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });

  program
    .command('access-log')
    .description("The server's tamper-evident access log")
    .command('verify')
    .description(
      'Recompute the hash chain; name the first row that was edited, deleted or reordered (exit 1 if any)',
    )
    .option('--json', 'print the result as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>();
      const res = await withLedger(cmd, async (ledger) => {
        const state = await openState(ledger, { pgUrl: g.pgUrl });
        try {
          return await new AccessLog(state, { journal: accessJournalFor(ledger) }).verify();
        } finally {
          await state.close();
        }
      });
      if (flags.json) out(JSON.stringify(res));
      else if (res.ok) out(`access log intact: ${res.rows} rows, head ${res.head}`);
      else out(`access log TAMPERED: row ${res.first!.seq} ${res.first!.problem}: ${res.first!.message}`);
      if (!res.ok) process.exitCode = 1;
    });
}
