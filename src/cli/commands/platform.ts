// `mosaic platform score|rating`: a Sesame-style platform score with perks, and the platforms' internal ratings.
import type { Command } from 'commander';
import { isIsoDate } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { maskId } from '../../core/identifiers.js';
import { shipped } from '../../core/paths.js';
import { columnsFromUsers, scoreAllPlatform } from '../../schemes/platform/compiled.js';
import { feedFromColumns, type FeedItem } from '../../schemes/platform/feed.js';
import { bandOf, scorePlatformUser } from '../../schemes/platform/interpreter.js';
import { readFeed, readPlatformUsers, readRatings } from '../../schemes/platform/io.js';
import { loadPlatformPolicy } from '../../schemes/platform/policy.js';
import { loadRatingSystems, ratingOf } from '../../schemes/platform/ratings.js';
import { openLedger } from '../../ledger/open.js';
import { out, withLedger } from '../../ingest/session.js';

const sample = (f: string) => shipped('scenarios', 'sample', 'finance', f);
const checkDate = (d: string) => {
  if (!isIsoDate(d))
    throw new MosaicError({ code: 'cli.bad_date', message: `--as-of ${d} is not a YYYY-MM-DD date` });
};

interface ScoreFlags {
  asOf: string;
  users?: string;
  feed: string;
  policy?: string;
  subject?: string;
  json?: boolean;
}

export function registerPlatformCommands(program: Command): void {
  const pl = program
    .command('platform')
    .description(
      "Commercial platforms' own scores and ratings (Sesame-style score, ride-hailing and delivery ratings)",
    );
  pl.command('score')
    .description(
      'Platform credit scores (350–950) of every user as of a date, with perks; --subject explains one',
    )
    .requiredOption('--as-of <date>', 'YYYY-MM-DD')
    .option('--users <file>', 'platform users JSONL (default: scenarios/sample/finance/platform-users.jsonl)')
    .option(
      '--feed <source>',
      "court defaulter feed: a JSONL file of records, 'ledger' for the configured ledger, or a run's ledger.duckdb",
      sample('../records.jsonl'),
    )
    .option('--policy <file>', 'score rules (default: policies/platform/sesame-style.yaml)')
    .option('--subject <id>', 'explain one user: dimensions, factors, feed and perk reasons')
    .option('--json', 'print JSON')
    .action(async (f: ScoreFlags, cmd: Command) => {
      checkDate(f.asOf);
      const policy = loadPlatformPolicy(f.policy);
      // Someone who joins after the date is not yet a user of the platform.
      const users = readPlatformUsers(f.users ?? sample('platform-users.jsonl')).filter(
        (u) => u.joined <= f.asOf,
      );
      let feed: FeedItem[];
      if (f.feed === 'ledger')
        feed = await withLedger(cmd, async (l) => feedFromColumns(await l.scan(), l.catalogue, policy));
      else if (f.feed.endsWith('.duckdb')) {
        // A run's ledger (mosaic sim run writes RUN/ledger.duckdb), read like any DuckDB ledger.
        const l = await openLedger({ adapter: 'duckdb', file: f.feed });
        try {
          feed = feedFromColumns(await l.scan(), l.catalogue, policy);
        } finally {
          await l.close();
        }
      } else feed = readFeed(f.feed);
      if (f.subject) {
        const u = users.find((x) => x.subject === f.subject);
        if (!u)
          throw new MosaicError({ code: 'platform.unknown_user', message: `no platform user ${f.subject}` });
        const r = scorePlatformUser(
          policy,
          u,
          feed.filter((x) => x.subject === u.subject),
          f.asOf,
        );
        if (f.json) return out(JSON.stringify(r, null, 2));
        out(
          `${maskId(u.subject)}  score ${r.score} (${r.band})${r.newAccount ? ', new account' : ''}${r.listed ? `, listed as a defaulter since ${r.listedSince}` : ''} — ${policy.score} ${policy.version}`,
        );
        for (const d of r.dimensions) {
          out(`  ${d.code} (weight ${d.weight}): ${d.value.toFixed(3)}`);
          for (const x of d.factors)
            out(`    ${x.id.padEnd(22)} ${x.feature} = ${x.x.toFixed(3)} → ${x.t.toFixed(3)}`);
        }
        for (const p of r.perks)
          out(`  ${p.granted ? 'GRANTED' : 'refused'}  ${p.code}: ${p.reasons.join('; ')}`);
        return;
      }
      const s = scoreAllPlatform(policy, columnsFromUsers(users, feed, policy), f.asOf);
      const rows = users.map((u, i) => ({
        subject: maskId(u.subject),
        score: s.score[i]!,
        band: bandOf(policy, s.score[i]!),
        listed: s.listed[i] === 1,
        perks: policy.perks.filter((_, k) => (s.perks[i]! >> k) & 1).map((p) => p.code),
      }));
      if (f.json) return out(JSON.stringify(rows, null, 2));
      out(`${policy.score} ${policy.version} as of ${f.asOf}: ${users.length} users`);
      for (const r of rows)
        out(
          `  ${r.subject}  ${String(r.score).padStart(3)}  ${r.band.padEnd(10)} ${r.listed ? 'LISTED ' : ''}${r.perks.join(', ') || '—'}`,
        );
    });
  pl.command('rating')
    .description(
      "A platform's internal rating of its users as of a date (ride-hailing passengers, delivery couriers)",
    )
    .requiredOption('--system <code>', 'ride_hailing_passenger or food_delivery_courier')
    .requiredOption('--as-of <date>', 'YYYY-MM-DD')
    .option('--ratings <file>', 'ratings JSONL (default: scenarios/sample/finance/ratings.jsonl)')
    .option('--json', 'print JSON')
    .action((f: { system: string; asOf: string; ratings?: string; json?: boolean }) => {
      checkDate(f.asOf);
      const sys = loadRatingSystems().find((s) => s.code === f.system);
      if (!sys)
        throw new MosaicError({ code: 'rating.unknown_system', message: `no rating system ${f.system}` });
      const lines = readRatings(f.ratings ?? sample('ratings.jsonl'));
      const subjects = [...new Set(lines.filter((l) => l.system === sys.code).map((l) => l.subject))].sort();
      const rs = subjects.map((s) => ratingOf(sys, lines, s, f.asOf));
      if (f.json)
        return out(
          JSON.stringify(
            rs.map((r) => ({ ...r, subject: maskId(r.subject) })),
            null,
            2,
          ),
        );
      out(`${sys.zh} ${sys.en} — ${sys.owner} (${sys.marker}) as of ${f.asOf}`);
      for (const r of rs)
        out(`  ${maskId(r.subject)}  ${r.rating.toFixed(sys.decimals)}  (${r.counted} ratings)`);
    });
}
