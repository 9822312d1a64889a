// `mosaic list show|explain`: a list as published on a date (masked by default), and everything about one subject.
import type { Command } from 'commander';
import { shippedCalendar } from '../../core/calendar.js';
import { fromEpochDay, isIsoDate, toEpochDay } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { maskId, validateSubjectId } from '../../core/identifiers.js';
import { err, out, setOutputMasking, withLedger } from '../../ingest/session.js';
import { decideReference, type Decision } from '../../schemes/lists/decide.js';
import { publishedTables } from '../../schemes/lists/display.js';
import { dutiesOf } from '../../schemes/lists/duties.js';
import { activeOn, entriesOf, type ListEntry } from '../../schemes/lists/lifecycle.js';
import { loadStatements, subjectsWithKinds, worldAround } from '../../schemes/lists/ledger-world.js';
import '../../schemes/lists/lint.js';
import { shippedListPolicy } from '../../schemes/lists/policy.js';
import { Register } from '../../schemes/lists/register.js';
import { register as registerDecide } from './decide.js';

/** Both lists commands: `list` and `decide`. */
export function registerListCommands(program: Command): void {
  register(program);
  registerDecide(program);
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function dateOption(name: string, v: string | undefined): string {
  const d = v ?? today();
  if (!isIsoDate(d))
    throw new MosaicError({ code: 'cli.bad_date', message: `${name} ${d} is not a YYYY-MM-DD date` });
  return d;
}

/** Aligned table lines. */
export function table(head: string[], rows: string[][], indent = '  '): string[] {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => c.padEnd(width[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

export function register(program: Command): void {
  const list = program
    .command('list')
    .description('Blacklists and redlists: published entries and explanations');
  list
    .command('show')
    .description('Print the entries of a list in force on a date, in the fields the list publishes')
    // The ids are listed in the help's footer, read only when help is shown (see decide.ts).
    .argument('<list>', 'list id (the lists are listed below)')
    .addHelpText(
      'after',
      () =>
        `\nLists: ${shippedListPolicy()
          .lists.map((l) => l.list)
          .join(', ')}`,
    )
    .option(
      '--as-of <date>',
      'date of the view, YYYY-MM-DD; statements reported later are not known (default: today)',
    )
    .option('--unmasked', 'print identifiers in full (operator view; never for public display)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Identifiers are masked by each list's masking rule (ID numbers keep their first 6 and last 4 characters, DOMAIN §8.3)
unless --unmasked is given explicitly.`,
    )
    .action(
      async (listId: string, flags: { asOf?: string; unmasked?: boolean; json?: boolean }, cmd: Command) => {
        const policy = shippedListPolicy();
        const def = policy.list(listId);
        if (!def) throw new MosaicError({ code: 'list.unknown_list', message: `no list '${listId}'` });
        const asOf = dateOption('--as-of', flags.asOf);
        const day = toEpochDay(asOf);
        const { tables, count } = await withLedger(
          cmd,
          async (ledger) => {
            const kinds = Object.values(def.kinds).map((k) => (typeof k === 'string' ? k : k!.kind));
            const ids = await subjectsWithKinds(ledger, kinds);
            const stmts = await loadStatements(policy, ledger, ids, asOf);
            const register = new Register(await ledger.subjects());
            const entries: ListEntry[] = [];
            for (const st of stmts.values())
              entries.push(...activeOn(entriesOf(policy, st, { knownAsOf: day }).entries, day, listId));
            entries.sort((a, b) => a.listedOn - b.listedOn || (a.subject < b.subject ? -1 : 1));
            return {
              tables: publishedTables(def, entries, register, day, flags.unmasked),
              count: entries.length,
            };
          },
          { mustExist: true },
        );
        if (flags.unmasked)
          err('mosaic: --unmasked: identifiers printed in full; not for public display (DOMAIN §8.3)');
        if (flags.json) {
          out(JSON.stringify({ list: listId, asOf, masked: !flags.unmasked, count, tables }, null, 2));
          return;
        }
        out(`${def.en} (${def.zh}) — ${def.owner.en}`);
        out(
          `as of ${asOf}: ${count} entr${count === 1 ? 'y' : 'ies'} in force; ${flags.unmasked ? 'UNMASKED' : 'masked'}`,
        );
        out(`published under ${def.publication.basis} [${def.publication.marker}]`);
        for (const t of tables) {
          if (!t.rows.length) continue;
          out();
          out(`${t.type === 'natural' ? 'Natural persons' : 'Legal persons'}:`);
          for (const l of table(t.columns, t.rows)) out(l);
        }
      },
    );

  list
    .command('explain')
    .description(
      "A subject's list entries, the entries that reach it through links, deadlines owed, and the measures in force",
    )
    .argument('<subject>', 'resident ID number or USCC')
    .option('--as-of <date>', 'YYYY-MM-DD (default: today)')
    .option('--mask', 'mask identifiers (first 6 and last 4 characters kept)')
    .option('--json', 'print JSON')
    .action(
      async (subject: string, flags: { asOf?: string; mask?: boolean; json?: boolean }, cmd: Command) => {
        const check = validateSubjectId(subject);
        if (!check.ok) throw new MosaicError({ code: check.code, message: `${subject}: ${check.message}` });
        const asOf = dateOption('--as-of', flags.asOf);
        const day = toEpochDay(asOf);
        const policy = shippedListPolicy();
        const m = (s: string) => (flags.mask ? maskId(s) : s);
        const world = await withLedger(cmd, (ledger) => worldAround(policy, ledger, subject, asOf), {
          mustExist: true,
        });
        // Under --mask every printed line is masked, free text included (case numbers, names, agencies).
        setOutputMasking(flags.mask === true);
        const own = entriesOf(policy, world.of(subject), { knownAsOf: day });
        const links = world.register
          .sourcesOf(subject)
          .filter((l) => l.relation !== 'listed_subject')
          .map((l) => ({
            ...l,
            entries: activeOn(entriesOf(policy, world.of(l.source), { knownAsOf: day }).entries, day),
          }));
        const duties = dutiesOf(policy, shippedCalendar({ fallback: 'weekends' }), world.of(subject), day);
        const type = world.register.typeOf(subject);
        const decisions: Decision[] = policy.actions
          .filter((a) => a.subjects.includes(type))
          .map((a) =>
            decideReference(policy, world.register, world.of, subject, a.id, day, { knownAsOf: day }),
          )
          .filter((d) => d.outcome !== 'allow');
        if (flags.json) {
          out(
            JSON.stringify(
              {
                subject: m(subject),
                asOf,
                entries: own.entries.map((e) => showEntry(e, m)),
                anomalies: own.anomalies,
                links: links.map((l) => ({
                  source: m(l.source),
                  relation: l.relation,
                  entries: l.entries.map((e) => showEntry(e, m)),
                })),
                duties: duties.map((d) => ({
                  ...d,
                  subject: m(d.subject),
                  from: fromEpochDay(d.from),
                  due: fromEpochDay(d.due),
                  done: d.done === undefined ? null : fromEpochDay(d.done),
                })),
                decisions: decisions.map((d) => ({
                  ...d,
                  subject: m(d.subject),
                  reasons: d.reasons.map((r) => ({ ...r, listed: m(r.listed) })),
                })),
              },
              null,
              2,
            ),
          );
          return;
        }
        const name = world.register.get(subject)?.name;
        out(`${m(subject)}${name ? `  ${name}` : ''}  (${type} person) — as of ${asOf}`);
        out();
        out('Entries as the listed party:');
        if (!own.entries.length) out('  none');
        else
          for (const l of table(
            ['list', 'case', 'criterion', 'listed on', 'in force from', 'until', 'end', 'extensions'],
            own.entries.map((e) => {
              const s = showEntry(e, m);
              return [
                s.list,
                s.case ?? '',
                s.criterion ?? '',
                s.listedOn,
                s.since,
                s.until ?? 'open',
                s.end,
                String(e.extensions.length),
              ];
            }),
          ))
            out(l);
        if (own.anomalies.length) {
          out();
          out('Anomalies in the statements:');
          for (const a of own.anomalies) out(`  ${a.code} (${a.list}, ${a.ref}): ${a.message}`);
        }
        out();
        out('Entries that reach this subject through register links (in force):');
        const reach = links.flatMap((l) =>
          l.entries.map((e) => [m(l.source), l.relation, e.list, e.case ?? '', fromEpochDay(e.listedOn)]),
        );
        if (!reach.length) out('  none');
        else for (const l of table(['listed party', 'link', 'list', 'case', 'listed on'], reach)) out(l);
        out();
        out('Deadlines owed by list owners:');
        if (!duties.length) out('  none');
        else
          for (const l of table(
            ['duty', 'list', 'case', 'clock from', 'due', 'done', 'status'],
            duties.map((d) => [
              d.code,
              d.list,
              d.case ?? '',
              fromEpochDay(d.from),
              fromEpochDay(d.due),
              d.done === undefined ? '' : fromEpochDay(d.done),
              d.status + (d.approximate ? ' (approx.)' : ''),
            ]),
          ))
            out(l);
        out();
        out(`Measures in force on ${asOf}:`);
        if (!decisions.length) out('  none — every action in the catalogue is allowed');
        for (const d of decisions) {
          out(`  ${d.action}: ${d.outcome.toUpperCase()}`);
          for (const r of d.reasons) out(`    ${reasonLine(r, m)}`);
        }
      },
    );
}

function showEntry(e: ListEntry, m: (s: string) => string) {
  return {
    list: e.list,
    subject: m(e.subject),
    ...(e.case !== undefined ? { case: e.case } : {}),
    ...(e.criterion !== undefined ? { criterion: e.criterion } : {}),
    listedOn: fromEpochDay(e.listedOn),
    since: fromEpochDay(e.since),
    until: e.until === null ? null : fromEpochDay(e.until),
    end: e.end ? `${e.end.cause}${e.end.ground ? ` (${e.end.ground})` : ''}` : 'open',
    extensions: e.extensions.map((x) => ({ months: x.months, on: fromEpochDay(x.occurred) })),
  };
}

/** One reason in one line: outcome, measure, instrument, legal basis, and the entry with its span. */
export function reasonLine(r: Decision['reasons'][number], m: (s: string) => string = (x) => x): string {
  const via = r.relation === 'listed_subject' ? '' : ` via ${r.relation} of ${m(r.listed)}`;
  return (
    `${r.outcome} — ${r.measure} (${r.measureName}) by ${r.agency}; ${r.instrument}; basis: ${r.legalBasis} [${r.marker}]; ` +
    `entry ${r.list}${r.case ? ` case ${r.case}` : ''}${r.criterion ? ` ${r.criterion}` : ''}${via}, in force ${r.since}..${r.until ?? 'open'}`
  );
}
