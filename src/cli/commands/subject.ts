// `mosaic subject show ID`: a subject's register entry and the statements about it known as of a date.
import type { Command } from 'commander';
import { isIsoDate } from '../../core/dates.js';
import { MosaicError } from '../../core/errors.js';
import { maskId, validateSubjectId } from '../../core/identifiers.js';
import type { CreditRecord, Subject } from '../../core/types.js';
import { maskedOutput, out, withLedger } from '../../ingest/session.js';

interface ShowFlags {
  asOf?: string;
  json?: boolean;
  mask?: boolean;
}

export function register(program: Command): void {
  const subject = program.command('subject').description("Look at one subject's register entry and records");
  subject
    .command('show')
    .description("Print a subject's register entry and every statement about it known as of a date")
    .argument('<id>', 'resident ID number (natural person) or Unified Social Credit Code (legal person)')
    .option('--as-of <date>', 'only statements reported on or before this date (YYYY-MM-DD); default: all')
    .option('--json', 'print {subject, records} as JSON')
    .option('--mask', 'mask identifiers, keeping the first 6 and last 4 characters (DOMAIN §8.3)')
    .addHelpText(
      'after',
      `
Identifiers are printed in full: this is the operator's (or the subject's own) view of the ledger. Any public
display must mask them (first 6 and last 4 characters kept, DOMAIN §8.3) — use --mask for output you share.
Superseded statements are listed too, marked by the correction or withdrawal that supersedes them.`,
    )
    .action(async (id: string, flags: ShowFlags, cmd: Command) => {
      const check = validateSubjectId(id);
      if (!check.ok) throw new MosaicError({ code: check.code, message: `${id}: ${check.message}` });
      if (flags.asOf !== undefined && !isIsoDate(flags.asOf))
        throw new MosaicError({
          code: 'cli.bad_date',
          message: `--as-of ${flags.asOf} is not a YYYY-MM-DD date`,
        });
      const { entry, records } = await withLedger(
        cmd,
        async (ledger) => ({
          entry: await ledger.getSubject(id),
          records: await ledger.readSubject(id, flags.asOf),
        }),
        { mustExist: true },
      );
      if (!entry && records.length === 0)
        throw new MosaicError({
          code: 'subject.not_found',
          message: `${flags.mask ? maskId(id) : id} has no register entry and no records in the ledger`,
        });
      const m = (s: string) => (flags.mask ? maskId(s) : s);
      await maskedOutput(flags.mask === true, () => show(id, check.type!, entry, records, flags, m));
    });
}

/** Print the subject and its records; under --mask every line is masked and nothing derivable from it is shown. */
function show(
  id: string,
  type: Subject['type'],
  entry: Subject | undefined,
  records: CreditRecord[],
  flags: ShowFlags,
  m: (s: string) => string,
): void {
  if (flags.json) {
    const subj = entry ? (flags.mask ? maskSubject(entry, m) : entry) : { id: m(id), type };
    out(
      JSON.stringify(
        {
          subject: subj,
          asOf: flags.asOf ?? null,
          records: records.map((r) => ({ ...r, subject: m(r.subject) })),
        },
        null,
        2,
      ),
    );
    return;
  }
  printSubject(
    entry ? (flags.mask ? maskSubject(entry, m) : entry) : { id, type, jurisdiction: '?', roles: [] },
    m,
    !entry,
  );
  out();
  out(
    `${records.length} statement${records.length === 1 ? '' : 's'}${flags.asOf ? ` reported by ${flags.asOf}` : ''}:`,
  );
  printRecords(records);
}

/**
 * The masked register entry: identifiers masked, and the birth date left out, since it is exactly the masked digits of
 * a resident ID (sex stays: it is the kept second-to-last digit).
 */
function maskSubject(s: Subject, m: (s: string) => string): Subject {
  const c: Subject = { ...s, id: m(s.id) };
  delete c.birthDate;
  if (s.legalRepresentative) c.legalRepresentative = m(s.legalRepresentative);
  if (s.principal) c.principal = m(s.principal);
  if (s.actualController) c.actualController = m(s.actualController);
  if (s.parents) c.parents = s.parents.map(m);
  if (s.directlyResponsible) c.directlyResponsible = s.directlyResponsible.map(m);
  return c;
}

/** The register entry in a few labelled lines. */
export function printSubject(s: Subject, m: (s: string) => string = (x) => x, unregistered = false): void {
  const type = s.type === 'natural' ? 'natural person' : 'legal person';
  out(`${m(s.id)}  ${s.name ?? ''}  (${type}${unregistered ? ', no register entry' : ''})`);
  const facts: string[] = [];
  if (!unregistered) facts.push(`jurisdiction ${s.jurisdiction}`);
  if (s.hukou) facts.push(`hukou ${s.hukou}`);
  if (s.birthDate) facts.push(`born ${s.birthDate}`);
  if (s.sex) facts.push(`sex ${s.sex}`);
  if (s.roles.length) facts.push(`roles ${s.roles.join(', ')}`);
  if (s.legalRepresentative) facts.push(`legal representative ${m(s.legalRepresentative)}`);
  if (s.parents?.length) facts.push(`parents ${s.parents.map(m).join(', ')}`);
  if (s.consents?.length) facts.push(`consents ${s.consents.join(', ')}`);
  if (facts.length) out(`  ${facts.join(' · ')}`);
}

/** Records as an aligned table, oldest first, with supersession shown. */
export function printRecords(records: readonly CreditRecord[], indent = '  '): void {
  if (!records.length) return;
  const supersededBy = new Map<string, CreditRecord>();
  for (const r of records) if (r.supersedes) supersededBy.set(r.supersedes, r);
  const rows = records.map((r) => {
    const by = supersededBy.get(r.id);
    return [
      r.occurredAt,
      r.reportedAt,
      r.kind,
      r.severity ?? '',
      r.amount === undefined ? '' : String(r.amount),
      r.level ?? '',
      r.status +
        (r.supersedes ? ` of ${r.supersedes}` : '') +
        (by ? ` (${by.status === 'withdrawal' ? 'withdrawn' : 'corrected'} by ${by.id})` : ''),
      r.agency,
      r.id,
    ];
  });
  const head = ['occurred', 'reported', 'kind', 'severity', 'amount', 'level', 'status', 'agency', 'id'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => c.padEnd(width[i]!))
      .join('  ')
      .trimEnd();
  out(line(head));
  for (const r of rows) out(line(r));
}
