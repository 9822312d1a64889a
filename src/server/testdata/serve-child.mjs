// Child process for the server kill test: runs the real server (transpiled sources) on an ephemeral port over the
// given store, and prints one JSON line with its URL and an agency key. The parent SIGKILLs it mid-submission.
const [srcOut, adapter, target] = process.argv.slice(2);
const { startServer } = await import(`${srcOut}/server/serve.js`);
const ledger =
  adapter === 'duckdb'
    ? { adapter: 'duckdb', dataDir: target, threads: 1 }
    : { adapter: 'postgres', pgUrl: process.env.MOSAIC_PG_URL, schema: target };
const srv = await startServer({ ledger, port: 0, server: { rateLimit: false } });
const accounts = await srv.ctx.state.query(`SELECT id FROM {t}server_accounts WHERE role = 'agency'`);
const account =
  accounts[0]?.id ??
  (
    await srv.ctx.keys.createAccount({
      role: 'agency',
      name: 'community office',
      agency: 'community',
      jurisdiction: '371082',
    })
  ).id;
const { key } = await srv.ctx.keys.createKey(account);
process.stdout.write(JSON.stringify({ url: srv.url, key }) + '\n');
