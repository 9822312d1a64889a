// Differential tests: a CSV line encoded in place (CsvLineEncoder) is one the reference path accepts, encoded as the
// reference would (record, id and codes), and validation of whole files gives the same columns and issues with it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { loadCatalogue } from '../core/catalogue.js';
import type { Issue } from '../core/errors.js';
import type { CreditRecord } from '../core/types.js';
import { EncodedRecords } from '../ledger/encoded.js';
import { fixtureRecords, TEST_CATALOGUE } from '../ledger/ledger.contract.js';
import { RecordChecker } from '../ledger/record-check.js';
import { residentIdAt, syntheticRecords, usccAt } from '../ledger/synthetic.js';
import { formatCsvRow } from './csv.js';
import { CsvRecordBuilder } from './fast-rows.js';
import { CsvLineEncoder } from './line-encoder.js';
import { UNSAFE_TEXT } from './row-checks.js';
import { rowToRecord } from './rows.js';
import { rowObject, type ByteRange } from './source.js';
import { AgencyLimit, validRecords } from './validate.js';
import { MAX_AGENCIES } from '../ledger/ledger.js';

const cat = loadCatalogue(TEST_CATALOGUE);
const COLUMNS = [
  'id',
  'subject',
  'kind',
  'occurred_at',
  'reportedAt',
  'agency',
  'basis',
  'amount',
  'severity',
  'level',
  'status',
  'supersedes',
];
const base = [...fixtureRecords(), ...syntheticRecords(cat, { records: 300, subjects: 40, seed: 5 })];
const cellsOf = (r: Record<string, unknown>): string[] =>
  COLUMNS.map((c) => {
    const v = r[c === 'occurred_at' ? 'occurredAt' : c];
    return v === undefined ? '' : String(v);
  });
const checks = { reportDate: '2026-12-04' };
const admitAll = () => true;

/** Cells the encoder must refuse or read exactly as the reference does. */
const odd = fc.constantFrom(
  '',
  ' ',
  '0',
  '00',
  '12',
  ' 12 ',
  '+12',
  '1e3',
  '-1',
  '0x10',
  'NaN',
  '.5',
  '5.',
  '5.0',
  '5.10',
  '1.5',
  '12.345',
  '999999999.99',
  '1000000000',
  '2000000',
  '1200',
  '1201',
  'original',
  'correction',
  'withdrawal',
  'county',
  'warning',
  'serious',
  'court.defaulter',
  'tax.arrears',
  '2024-02-29',
  '2023-02-29',
  '2024-02-30',
  '2024-1-01',
  '1969-12-31',
  '1970-01-01',
  '2149-06-06',
  '2149-06-07',
  '2026-12-04',
  '2026-12-05',
  residentIdAt(3),
  usccAt(3),
  residentIdAt(3).toLowerCase().replace(/.$/, 'x'),
  'r0123456789abcdef',
  'A',
  'a\u0000b',
  '\u202eabc',
  // Each end of every range UNSAFE_TEXT refuses, and the characters just outside them (which it lets through).
  ...['\u0008', '\u000b', '\u000c', '\u000e', '\u001f', '\u007f', '\u0080', '\u009f'].map((c) => `x${c}`),
  ...['\u202a', '\u202e', '\u2066', '\u2069'].map((c) => `号${c}`),
  ...['\t', '~', '\u00a0', '\u2029', '\u202f', '\u2065', '\u206a', '\ud800'].map((c) => `号${c}鲁`),
  '   ',
);

describe('CsvLineEncoder', () => {
  it('encodes only lines the reference accepts, as the reference encodes them', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...base),
        fc.constantFrom(...base),
        fc.array(fc.tuple(fc.integer({ min: 0, max: COLUMNS.length - 1 }), odd), { maxLength: 2 }),
        // Mostly every column, or a few of the optional ones left out; sometimes any.
        fc.oneof(
          { weight: 3, arbitrary: fc.constant<number[]>([]) },
          { weight: 2, arbitrary: fc.subarray([0, 7, 8, 9, 10, 11]) },
          { weight: 1, arbitrary: fc.subarray(COLUMNS.map((_, i) => i)) },
        ),
        fc.nat(5),
        fc.boolean(),
        fc.nat(15),
        fc.boolean(),
        (seen, r, edits, dropped, unsafe, noId, copy, full) => {
          // The file showed `seen` in an accepted row before (its subject, agency and basis are in the table).
          const enc = new EncodedRecords(16);
          const ck = new RecordChecker(cat);
          expect(ck.ok(seen)).toBe(true);
          enc.push(ck, seen, 1);
          const cells = cellsOf(r as unknown as Record<string, unknown>);
          // Mostly the same subject, agency or basis as the row seen, so the encoder gets past its lookups.
          const like = cellsOf(seen as unknown as Record<string, unknown>);
          [1, 5, 6].forEach((c, bit) => {
            if (copy >= 8 || copy & (1 << bit)) cells[c] = like[c]!;
          });
          // An id column most files leave empty (a given id must equal the hash: the reference compares them).
          if (noId) cells[0] = '';
          for (const [i, v] of edits) cells[i] = v;
          // The encoder checks the characters itself (docs/decisions/0188): a line holding one it refuses is no line
          // it may vouch for (the reference reports it); one C1 control appended to the basis now and then.
          if (unsafe === 0) cells[6] = `${cells[6]!}\u0085`;
          const keep = COLUMNS.map((_, i) => i).filter((i) => !dropped.includes(i) || i === 1 || i === 2);
          const header = keep.map((i) => COLUMNS[i]!);
          const fields = keep.map((i) => cells[i]!);
          // Only plain lines reach the encoder (the parser hands out no line holding a quote).
          if (fields.some((f) => /[",\r\n]/.test(f))) return;
          const line = fields.join(',');
          const sizes = () => [
            enc.strings.subjects.length,
            enc.strings.agencies.length,
            enc.strings.bases.length,
          ];
          const before = sizes();
          // `full`: the agency limit admits no new agency (the reference path then reports the row).
          const ok = new CsvLineEncoder(header, cat, checks, enc, () => !full).encode(
            `x\n${line}\ny`,
            2,
            2 + line.length,
            7,
          );
          if (UNSAFE_TEXT.test(line)) expect(ok).toBe(false);
          if (!ok) {
            // Nothing stored, no string kept.
            expect(enc.length).toBe(1);
            expect(sizes()).toEqual(before);
            return;
          }
          if (full) expect(enc.strings.agencies.length).toBe(before[1]);
          accepted++;
          const ref = rowToRecord(rowObject(header, fields), { file: 'f.csv', line: 7 }, cat, true, checks);
          expect(ref.issues).toEqual([]);
          const fast = new CsvRecordBuilder(header, new RecordChecker(cat), checks).build(fields);
          expect(fast).toEqual(ref.record);
          // The encoded row: the reference's record, id included, and the codes the reference's push leaves.
          const b = enc.batches[0]!;
          expect(enc.length).toBe(2);
          expect(b.record(1, cat)).toEqual(ref.record);
          expect(b.line[1]).toBe(7);
          const want = new EncodedRecords(16);
          expect(ck.ok(seen)).toBe(true);
          want.push(ck, seen, 1);
          expect(ck.ok(ref.record!)).toBe(true);
          want.push(ck, ref.record!, 7);
          const w = want.batches[0]!;
          for (const k of [
            'idHi',
            'idLo',
            'subject',
            'agency',
            'basis',
            'kind',
            'occurred',
            'reported',
          ] as const)
            expect(b[k][1]).toBe(w[k][1]);
          for (const k of ['amount', 'severity', 'level', 'status'] as const) expect(b[k][1]).toBe(w[k][1]);
          expect(b.supRow).not.toContain(1);
          expect(enc.lastHi).toBe(w.idHi[1]);
        },
      ),
      { numRuns: 20_000 },
    );
    expect(accepted).toBeGreaterThan(500);
  });

  it('reads a line with a new subject, agency and basis, storing them only once the line passed', () => {
    const [a, b] = base;
    const header = COLUMNS.slice(1);
    const line = cellsOf(a as unknown as Record<string, unknown>)
      .slice(1)
      .join(',');
    const enc = new EncodedRecords(16);
    const ck = new RecordChecker(cat);
    expect(ck.ok(b!)).toBe(true);
    enc.push(ck, b!, 1);
    const names = () => [enc.strings.subjects, enc.strings.agencies, enc.strings.bases].map((l) => [...l]);
    const before = names();
    // Unsafe text (a bidi override in the basis), an agency past the limit, a report date that is not a date (the
    // reference compares strings): no verdict, nothing kept.
    const unsafeLine = line.replace(a!.basis, `${a!.basis}\u202e`);
    expect(
      new CsvLineEncoder(header, cat, checks, enc, admitAll).encode(unsafeLine, 0, unsafeLine.length, 2),
    ).toBe(false);
    expect(new CsvLineEncoder(header, cat, checks, enc, () => false).encode(line, 0, line.length, 2)).toBe(
      false,
    );
    const notDate = { reportDate: '2026-13-01' };
    expect(new CsvLineEncoder(header, cat, notDate, enc, admitAll).encode(line, 0, line.length, 2)).toBe(
      false,
    );
    expect(names()).toEqual(before);
    expect(new CsvLineEncoder(header, cat, checks, enc, admitAll).encode(line, 0, line.length, 2)).toBe(true);
    expect(enc.batches[0]!.record(1, cat)).toEqual(a);
    expect(names()).toEqual([
      [...new Set([b!.subject, a!.subject])],
      [...new Set([b!.agency, a!.agency])],
      [...new Set([b!.basis, a!.basis])],
    ]);
  });
});

describe('validation with lines encoded in place', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-line-encoder-'));
  // Few records, so lines repeat one (the encoder reads a line whose subject, agency and basis were seen).
  const pool = syntheticRecords(cat, { records: 12, subjects: 5, seed: 11 });
  const ROW = [
    'subject',
    'kind',
    'occurredAt',
    'reportedAt',
    'agency',
    'basis',
    'amount',
    'severity',
    'level',
    'status',
    'supersedes',
  ] as const;
  type Kind = 'plain' | 'quoted' | 'short' | 'long' | 'badKind' | 'future' | 'unsafe' | 'blank';

  function fileText(lines: readonly [Kind, number, string][]): string {
    let s = formatCsvRow([...ROW]) + '\n';
    for (const [t, i, eol] of lines) {
      const r = pool[i % pool.length]!;
      const c = ROW.map((f) => (r[f] === undefined ? '' : String(r[f])));
      if (t === 'quoted') c[5] = `${r.basis}, "q"`;
      if (t === 'short') c.length = 4;
      if (t === 'long') c.push('x');
      if (t === 'badKind') c[1] = 'no_such_kind';
      if (t === 'future') c[3] = '2030-01-01';
      if (t === 'unsafe') c[4] = `${r.agency}\u001b`;
      s += (t === 'blank' ? '' : formatCsvRow(c)) + eol;
    }
    return s;
  }

  // A ledger three agencies short of its limit: the file's fourth new agency is refused (ledger.dictionary_full).
  const nearlyFull = Array.from({ length: MAX_AGENCIES - 3 }, (_, i) => `stored agency ${i}`);

  async function validate(file: string, inPlace: boolean, stored: string[], range?: ByteRange) {
    const encoded = new EncodedRecords(8);
    const issues: Issue[] = [];
    const counts = { rows: 0, rejected: 0 };
    const valid: number[] = [];
    for await (const _ of validRecords(
      cat,
      file,
      'csv',
      () => undefined,
      (l) => issues.push(...l),
      counts,
      new AgencyLimit(stored),
      checks,
      {
        sink: { encoded, full: () => false },
        // An onValid that wants every record turns reading in place off: the reference.
        onValid: (_r: CreditRecord, line: number) => valid.push(line),
        onValidCorrections: inPlace,
        range,
      },
    )) {
      // kept in `encoded`
    }
    const s = encoded.strings;
    const rows = encoded.batches.flatMap((b) =>
      Array.from({ length: b.length }, (_, i) => [
        b.record(i, cat),
        b.line[i],
        b.subject[i],
        b.agency[i],
        b.basis[i],
      ]),
    );
    return {
      issues,
      counts,
      rows,
      subjects: s.subjects,
      agencies: s.agencies,
      bases: s.bases,
      types: [...s.subjectTypes.subarray(0, s.subjects.length)],
    };
  }

  it('stores the same records and reports the same issues as the reference path', async () => {
    const spy = vi.spyOn(CsvLineEncoder.prototype, 'encode');
    let inPlace = 0;
    let inPlaceRange = 0;
    let full = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            // A file holding one unsafe character is read field by field from that chunk on: rare here.
            fc.oneof(
              { weight: 50, arbitrary: fc.constant<Kind>('plain') },
              {
                weight: 8,
                arbitrary: fc.constantFrom<Kind>('quoted', 'short', 'long', 'badKind', 'future', 'blank'),
              },
              { weight: 1, arbitrary: fc.constant<Kind>('unsafe') },
            ),
            fc.nat(11),
            fc.constantFrom('\n', '\r\n'),
          ),
          { minLength: 5, maxLength: 60 },
        ),
        fc.boolean(),
        async (lines, nearLimit) => {
          const stored = nearLimit ? nearlyFull : [];
          const file = join(dir, `f${n++}.csv`);
          writeFileSync(file, fileText(lines));
          spy.mockClear();
          const fast = await validate(file, true, stored);
          inPlace += spy.mock.results.filter((r) => r.value === true).length;
          expect(await validate(file, false, stored)).toEqual(fast);
          // Read as a parallel ingest's second part (the header given): every row after it is handed over as the
          // parser finds it (CsvParser.inline, 0192), from the first line on.
          const text = readFileSync(file);
          const range = () => ({
            start: text.indexOf(10) + 1,
            end: text.length,
            header: [...ROW] as string[],
            endsFile: true,
          });
          spy.mockClear();
          const part = await validate(file, true, stored, range());
          inPlaceRange += spy.mock.results.filter((r) => r.value === true).length;
          expect(await validate(file, false, stored, range())).toEqual(part);
          if (fast.issues.some((i) => i.code === 'ledger.dictionary_full')) full++;
        },
      ),
      { numRuns: 150 },
    );
    spy.mockRestore();
    expect(inPlace).toBeGreaterThan(400);
    expect(inPlaceRange).toBeGreaterThan(400);
    expect(full).toBeGreaterThan(10);
  });

  it('hands every row over in file order across read chunks (lines cut by a chunk, quoted rows, refusals)', async () => {
    // Far more than one 64 KiB read: from the second chunk on, rows go to the reader as the parser finds them
    // (0192), a line cut by a chunk's end finished by the parser's state machine, quoted and refused rows between.
    const kinds: Kind[] = [
      'plain',
      'plain',
      'quoted',
      'plain',
      'short',
      'plain',
      'badKind',
      'plain',
      'future',
    ];
    const lines: [Kind, number, string][] = [];
    for (let i = 0; i < 30_000; i++)
      lines.push([kinds[(i * 7) % kinds.length]!, (i * 5) % 12, i % 3 ? '\n' : '\r\n']);
    const file = join(dir, 'long.csv');
    writeFileSync(file, fileText(lines));
    const bytes = readFileSync(file);
    // More than two 1 MiB blocks of a range read, so its two read buffers are each used again (0192).
    expect(bytes.length).toBeGreaterThan(3 * 2 ** 20);
    const spy = vi.spyOn(CsvLineEncoder.prototype, 'encode');
    const fast = await validate(file, true, []);
    expect(spy.mock.results.filter((r) => r.value === true).length).toBeGreaterThan(1500);
    spy.mockRestore();
    const reference = await validate(file, false, []);
    expect(reference.issues.length).toBeGreaterThan(500);
    expect(fast).toEqual(reference);
    // The same rows read as a range (a parallel ingest's part: read ahead in 1 MiB blocks), lines counted from it.
    const range = {
      start: bytes.indexOf(10) + 1,
      end: bytes.length,
      header: [...ROW] as string[],
      endsFile: true,
    };
    const part = await validate(file, true, [], range);
    expect(part.rows.map((r) => r[0])).toEqual(reference.rows.map((r) => r[0]));
    expect(part.rows.map((r) => r[1])).toEqual(reference.rows.map((r) => (r[1] as number) - 1));
  });
});
