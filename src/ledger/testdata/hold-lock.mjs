// Child process of the busy-ledger test: opens a DuckDB file (taking its lock), says READY, and holds it until
// stdin closes. Usage: node hold-lock.mjs <file>
import { DuckDBInstance } from '@duckdb/node-api';

const db = await DuckDBInstance.create(process.argv[2]);
const con = await db.connect();
await con.run('CREATE TABLE IF NOT EXISTS held (x INTEGER)');
process.stdout.write('READY\n');
process.stdin.resume();
process.stdin.on('end', () => {
  con.closeSync();
  db.closeSync();
  process.exit(0);
});
