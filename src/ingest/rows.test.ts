// Reading rows from CSV/JSONL files and turning them into records or coded, located issues.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../core/catalogue.js';
import { MosaicError } from '../core/errors.js';
import { generateResidentId, generateUscc } from '../core/identifiers-gen.js';
import { Rng } from '../core/rng.js';
import { makeRecord } from '../core/types.js';
import { rowToRecord } from './rows.js';
import { formatOf, readRows, type SourceRow } from './source.js';
import { readSubjects } from './subjects.js';

const cat = loadCatalogue(new URL('./testdata/catalogue.yaml', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'mosaic-rows-'));
const rng = new Rng(3);
const person = generateResidentId(rng, { addressCode: '371082', birthDate: '1980-04-02', sex: 'M' });
const firm = generateUscc(rng, { typePair: '91', divisionCode: '371082' });

async function rowsOf(name: string, text: string | Buffer): Promise<SourceRow[]> {
  const file = join(dir, name);
  writeFileSync(file, text);
  const out: SourceRow[] = [];
  for await (const batch of readRows(file)) out.push(...batch);
  return out;
}
const loc = { file: 'f.csv', line: 2 };
const base = {
  subject: person,
  kind: 'traffic.drunk_driving',
  occurredAt: '2025-03-01',
  reportedAt: '2025-03-04',
  agency: 'psb',
  basis: '荣公(交)行罚决字〔2025〕12号',
};

describe('rowToRecord', () => {
  it('builds the same record from CSV strings and from JSON, with snake_case aliases', () => {
    const { occurredAt, reportedAt, ...rest } = base;
    const csv = rowToRecord(
      { ...rest, occurred_at: occurredAt, reported_at: reportedAt, kind: 'tax.arrears', amount: '1200.5' },
      loc,
      cat,
      true,
    );
    const json = rowToRecord({ ...base, kind: 'tax.arrears', amount: 1200.5 }, loc, cat, false);
    expect(csv.issues).toEqual([]);
    expect(csv.record).toEqual(json.record);
    expect(json.record).toEqual(makeRecord({ ...base, kind: 'tax.arrears', amount: 1200.5 }));
  });

  it('treats empty CSV cells as absent', () => {
    const r = rowToRecord(
      { ...base, amount: '', severity: 'warning', level: '', status: '' },
      loc,
      cat,
      true,
    );
    expect(r.record).toMatchObject({ severity: 'warning', status: 'original' });
    expect(r.record).not.toHaveProperty('amount');
  });

  it('reports every problem of a row with its location', () => {
    const r = rowToRecord(
      {
        ...base,
        subject: person.slice(0, 17) + (person[17] === '1' ? '2' : '1'),
        kind: 'no.such',
        reportedAt: '2025-02-30',
        level: 'galactic',
      },
      loc,
      cat,
      true,
    );
    expect(r.record).toBeUndefined();
    expect(r.issues.map((i) => i.code).sort()).toEqual([
      'id.check_digit',
      'record.bad_date',
      'record.bad_level',
      'record.unknown_kind',
    ]);
    expect(r.issues.every((i) => i.location === loc)).toBe(true);
    expect(r.issues.find((i) => i.code === 'record.bad_date')!.message).toMatch(/^reportedAt: /);
  });

  it('checks amounts, JSON types, unknown fields, missing fields, subject types and ids', () => {
    const codes = (v: Record<string, unknown>, csv: boolean) =>
      rowToRecord(v, loc, cat, csv).issues.map((i) => i.code);
    expect(codes({ ...base, kind: 'tax.arrears', amount: '12,00' }, true)).toEqual(['ingest.bad_amount']);
    expect(codes({ ...base, kind: 'tax.arrears', amount: '-5' }, true)).toEqual(['record.bad_amount']);
    expect(codes({ ...base, kind: 'tax.arrears' }, true)).toEqual(['record.missing_amount']);
    expect(codes({ ...base, kind: 'tax.arrears', amount: '5' }, false)).toEqual(['ingest.bad_type']);
    expect(codes({ ...base, agency: 7 }, false)).toEqual(['ingest.bad_type']);
    expect(codes({ ...base, colour: 'red' }, false)).toEqual(['ingest.unknown_field']);
    const { basis: _b, ...noBasis } = base;
    expect(codes(noBasis, false)).toEqual(['ingest.missing_field']);
    expect(codes({ ...base, subject: firm }, false)).toEqual(['record.subject_type']);
    expect(codes({ ...base, severity: 'fine' }, false)).toEqual(['record.unknown_severity']);
    expect(codes({ ...base, id: 'r0000000000000000' }, false)).toEqual(['record.id_mismatch']);
    expect(codes({ ...base, id: makeRecord(base).id }, false)).toEqual([]);
  });
});

describe('readRows', () => {
  it('picks the format from the extension, and refuses others with a code', () => {
    expect(formatOf('a.CSV')).toBe('csv');
    expect(formatOf('a.ndjson')).toBe('jsonl');
    expect(() => formatOf('a.xlsx')).toThrow(expect.objectContaining({ code: 'ingest.unknown_format' }));
  });

  it('CSV: header keys, line numbers, field-count errors', async () => {
    const rows = await rowsOf('a.csv', 'subject,kind\nA,"x\ny"\nB\n\nC,z\n');
    expect(rows).toEqual([
      { line: 2, value: { subject: 'A', kind: 'x\ny' }, issues: [] },
      {
        line: 4,
        issues: [
          expect.objectContaining({
            code: 'csv.field_count',
            location: expect.objectContaining({ line: 4 }),
          }),
        ],
      },
      { line: 6, value: { subject: 'C', kind: 'z' }, issues: [] },
    ]);
  });

  it('JSONL: blank lines skipped, syntax and non-object lines reported at their lines', async () => {
    const rows = await rowsOf('a.jsonl', '\uFEFF{"a":1}\r\n\n{"a":\n[1]\n{"b":2}');
    expect(rows.map((r) => [r.line, r.value, r.issues.map((i) => i.code)])).toEqual([
      [1, { a: 1 }, []],
      [3, undefined, ['jsonl.syntax']],
      [4, undefined, ['jsonl.not_object']],
      [5, { b: 2 }, []],
    ]);
  });

  it('refuses invalid UTF-8 and empty CSV files with codes', async () => {
    await expect(rowsOf('bad.jsonl', Buffer.from([0x7b, 0xff, 0x7d, 0x0a]))).rejects.toMatchObject({
      code: 'io.bad_encoding',
    });
    await expect(rowsOf('empty.csv', '')).rejects.toMatchObject({ code: 'csv.no_header' });
  });
});

describe('readSubjects', () => {
  it('reads valid register entries', async () => {
    const file = join(dir, 'subjects.jsonl');
    const p = {
      id: person,
      type: 'natural',
      jurisdiction: '371082',
      roles: ['party_member'],
      birthDate: '1980-04-02',
      sex: 'M',
    };
    const f = { id: firm, type: 'legal', jurisdiction: '371082', roles: [], legalRepresentative: person };
    writeFileSync(file, JSON.stringify(p) + '\n' + JSON.stringify(f) + '\n');
    expect(await readSubjects(file)).toEqual([p, f]);
  });

  it('lists every bad entry at file:line', async () => {
    const file = join(dir, 'bad-subjects.jsonl');
    const lines = [
      { id: person, type: 'legal', jurisdiction: '371082', roles: [] },
      { id: person, type: 'natural', jurisdiction: '371082', roles: ['king'], sex: 'F' },
      { id: firm, type: 'legal', jurisdiction: '3710', roles: [], legalRepresentative: firm },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
    const err = await readSubjects(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MosaicError);
    const got = (err as MosaicError).issues.map((i) => [i.location?.line, i.code]);
    expect(got).toEqual([
      [1, 'subject.type_mismatch'],
      [2, 'subject.invalid'],
      [3, 'subject.invalid'],
    ]);
  });

  it('reads the persons directly responsible for a firm, and refuses them on a person or as a firm', async () => {
    const ok = join(dir, 'responsible.jsonl');
    const f = { id: firm, type: 'legal', jurisdiction: '371082', roles: [], directlyResponsible: [person] };
    writeFileSync(ok, JSON.stringify(f) + '\n');
    expect(await readSubjects(ok)).toEqual([f]);
    const bad = join(dir, 'bad-responsible.jsonl');
    const lines = [
      { id: person, type: 'natural', jurisdiction: '371082', roles: [], directlyResponsible: [person] },
      { id: firm, type: 'legal', jurisdiction: '371082', roles: [], directlyResponsible: [firm] },
    ];
    writeFileSync(bad, lines.map((l) => JSON.stringify(l)).join('\n'));
    const err = (await readSubjects(bad).catch((e: unknown) => e)) as MosaicError;
    expect(err.issues.map((i) => [i.location?.line, i.code])).toEqual([
      [1, 'subject.legal_field'],
      [2, 'subject.link_type'],
    ]);
  });

  it('catches disagreements with the ID number and duplicates', async () => {
    const file = join(dir, 'mismatch.jsonl');
    const lines = [
      { id: person, type: 'natural', jurisdiction: '371082', roles: [], birthDate: '1980-04-03', sex: 'F' },
      { id: person, type: 'natural', jurisdiction: '371082', roles: [] },
      { id: firm, type: 'legal', jurisdiction: '371082', roles: [], legalRepresentative: firm },
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
    const err = (await readSubjects(file).catch((e: unknown) => e)) as MosaicError;
    expect(err.issues.map((i) => [i.location?.line, i.code])).toEqual([
      [1, 'subject.birth_date_mismatch'],
      [1, 'subject.sex_mismatch'],
      [2, 'subject.duplicate'],
      [3, 'subject.link_type'],
    ]);
  });
});
