// `mosaic channel request|budget|lint`: state bodies ask firms for data through the firms' channel policies.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Command } from 'commander';
import { MosaicError } from '../../core/errors.js';
import { ChannelEngine, type ChannelDecision, type Row } from '../../coproduction/engine.js';
import { readRows, resolveChannelPolicy, shippedFirms } from '../../coproduction/io.js';
import { FileChannelLog, MemoryChannelLog } from '../../coproduction/log.js';
import { readRequest } from '../../coproduction/request.js';
import { syntheticChannelData } from '../../coproduction/synthetic.js';
import { out } from '../../ingest/session.js';

interface Flags {
  firm: string;
  data?: string[];
  run?: string;
  log?: string;
  seed: string;
  json?: boolean;
}

/** Exit code of a refused request: the command worked, the firm said no. */
export const REFUSED_EXIT = 3;

/**
 * A Meritown run as the ride-hailing platform's books: every person's true arrears (the platform sees its own
 * customers' unpaid bills, recorded by an agency or not), in the person's district. Invented records are not debts.
 */
async function runDebts(dir: string): Promise<Row[]> {
  const ev = join(dir, 'events.parquet');
  const pop = join(dir, 'population.parquet');
  if (!existsSync(ev) || !existsSync(pop))
    throw new MosaicError({
      code: 'channel.not_a_run',
      message: `${dir} is not a Meritown run (events.parquet, population.parquet)`,
    });
  const q = (f: string) => `'${f.replaceAll("'", "''")}'`;
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    const rows = await con.runAndReadAll(
      `SELECT e.subject AS passenger, p.district AS county, coalesce(e.amount, 0) AS unpaid_yuan
         FROM read_parquet(${q(ev)}) e JOIN read_parquet(${q(pop)}) p ON p.id = e.subject
        WHERE e.family LIKE '%arrears%' AND NOT e.fabricated ORDER BY e.event_id`,
    );
    return rows.getRowObjectsJS().map((r) => ({
      passenger: String(r.passenger),
      county: String(r.county),
      unpaid_yuan: Number(r.unpaid_yuan),
    }));
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

async function dataOf(f: Flags): Promise<Map<string, Row[]>> {
  const data = syntheticChannelData(f.seed);
  if (f.run) data.set('passenger_bad_debts', await runDebts(f.run));
  for (const spec of f.data ?? []) {
    const eq = spec.indexOf('=');
    if (eq < 1)
      throw new MosaicError({ code: 'cli.bad_data', message: `--data ${spec}: write DATASET=FILE.jsonl` });
    data.set(spec.slice(0, eq), readRows(spec.slice(eq + 1)));
  }
  return data;
}

export function printDecision(d: ChannelDecision): void {
  const who = `${d.requester.body} (${d.requester.kind}, ${d.requester.rank} ${d.requester.jurisdiction})`;
  out(`${d.request}: ${d.outcome.toUpperCase()}${d.refusedBy ? ` by rule ${d.refusedBy}` : ''}`);
  out(`  ${who} → ${d.firm}/${d.channel}, basis ${d.legalBasis}, purpose ${d.purpose}`);
  for (const r of d.reasons) out(`  ${r.ok ? 'ok  ' : 'NO  '} ${r.rule}: ${r.message}`);
  if (d.rho > 0 || d.budgetLeft !== undefined)
    out(`  privacy: ρ=${d.rho} charged; ${d.budgetLeft ?? '-'} left for ${d.purpose} in ${d.period ?? '-'}`);
  const rel = d.release;
  if (!rel) return;
  if (rel.kind === 'incident') {
    out(`  ${rel.rows.length} incident(s): ${rel.fields.join(', ')}`);
    for (const r of rel.rows) out(`    ${rel.fields.map((f) => String(r[f])).join('  ')}`);
    return;
  }
  const noise = rel.measures.map((m) => `${m.measure} Δ=${m.sensitivity}${m.scale ? ` ${m.scale}` : ''}`);
  out(
    `  ${rel.mechanism} noise; cells under ${rel.minCell} subjects suppressed: ${rel.suppressed}; ${noise.join('; ')}`,
  );
  for (const c of rel.cells)
    out(
      `    ${c.cell}  ${Object.entries(c.values)
        .map(([k, v]) => `${k}=${v}`)
        .join('  ')}`,
    );
}

export function registerChannelCommands(program: Command): void {
  const ch = program
    .command('channel')
    .description(
      'Firm → state data channels: authority checks, aggregates with thresholds and noise, privacy budgets, the log',
    );
  const common = (c: Command) =>
    c
      .option(
        '--firm <name|file>',
        `a shipped firm (${shippedFirms().join(', ')}) or a policy YAML`,
        'ride-hailing',
      )
      .option(
        '--data <dataset=file...>',
        "the firm's rows as JSONL per dataset (default: synthetic, from --seed)",
      )
      .option('--log <file>', 'the channel log (JSON lines, hash-chained); budgets and repeats persist in it')
      .option(
        '--run <dir>',
        "a Meritown run: its residents' true arrears become the ride-hailing platform's data",
      )
      .option('--seed <seed>', 'seed for synthetic data and noise', '1')
      .option('--json', 'print JSON');

  common(
    ch
      .command('request <file>')
      .description(`Decide one request (YAML); prints every rule checked; exit ${REFUSED_EXIT} when refused`),
  ).action(async (file: string, f: Flags) => {
    const policy = resolveChannelPolicy(f.firm);
    const log = f.log ? new FileChannelLog(f.log) : new MemoryChannelLog();
    const engine = new ChannelEngine(policy, await dataOf(f), { seed: f.seed, log });
    const d = engine.handle(readRequest(file));
    if (f.json) out(JSON.stringify(d, null, 2));
    else printDecision(d);
    if (d.outcome === 'refused') process.exitCode = REFUSED_EXIT;
  });

  common(
    ch.command('budget').description('What each purpose has left per period, from the channel log'),
  ).action((f: Flags) => {
    const policy = resolveChannelPolicy(f.firm);
    const log = f.log ? new FileChannelLog(f.log) : new MemoryChannelLog();
    // The budget is folded from the log alone: no data is read.
    const engine = new ChannelEngine(policy, new Map(), { seed: f.seed, log });
    const rows = engine.budget
      .entries()
      .map((e) => ({ ...e, allowance: engine.budget.allowance(e.purpose) }));
    if (f.json) return out(JSON.stringify(rows, null, 2));
    out(
      `${policy.firm}: ${log.entries().length} logged request(s); budgets per ${policy.budget.period} (zCDP ρ)`,
    );
    for (const p of policy.budget.purposes)
      out(`  ${p.purpose}: ρ=${p.rho} per ${policy.budget.period} [${p.marker}]`);
    for (const r of rows)
      out(`  ${r.dataset} ${r.purpose} ${r.period}: ${r.remaining} of ${r.allowance} left`);
  });

  ch.command('lint')
    .description('Load every shipped channel policy (or the given files) and report problems with positions')
    .argument('[files...]')
    .action((files: string[]) => {
      const list = files.length ? files : shippedFirms();
      for (const f of list) {
        const p = resolveChannelPolicy(f);
        out(
          `${p.firm} ${p.version}: ${p.channels.length} channel(s), ${p.legal_bases.length} legal basis(es) — ok`,
        );
      }
    });
}
