// Ingest's own checks: unsafe text, blank basis, amounts outside the unit, future dates and dangling supersedes are
// refused with codes at file:line, and a clean file with corrections still goes in.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../core/catalogue.js';
import { generateResidentId, generateUscc } from '../core/identifiers-gen.js';
import { Rng } from '../core/rng.js';
import { makeRecord, type RecordInput } from '../core/types.js';
import { MemoryLedger } from '../ledger/memory/memory-ledger.js';
import { formatCsvRow } from './csv.js';
import { ingestFile } from './ingest.js';
import { UNSAFE_TEXT, unsafeUnit } from './row-checks.js';

const cat = loadCatalogue(defaultCataloguePath());
const dir = mkdtempSync(join(tmpdir(), 'mosaic-row-checks-'));
const rng = new Rng('row-checks');
const person = generateResidentId(rng, { addressCode: '371082', birthDate: '1980-05-06', sex: 'M' });
const firm = generateUscc(rng, { typePair: '91', divisionCode: '371082' });

const base: RecordInput = {
  subject: person,
  kind: 'court.enforcement_warning',
  occurredAt: '2025-01-06',
  reportedAt: '2025-01-07',
  agency: 'court',
  basis: '(2025)鲁1082执1号',
  level: 'county',
};
let n = 0;
function file(rows: object[]): string {
  const f = join(dir, `f${n++}.jsonl`);
  writeFileSync(f, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return f;
}
async function codesOf(rows: object[], opts = {}): Promise<string[]> {
  const s = await ingestFile(new MemoryLedger(cat), file(rows), opts);
  return s.issues.map((i) => `${i.location?.line ?? '-'} ${i.code}`);
}

describe('ingest refuses', () => {
  it('NUL, ANSI escapes, C1 controls and bidi overrides in text, at their line', async () => {
    expect(
      await codesOf([
        base,
        { ...base, basis: 'doc\u0000' },
        { ...base, agency: 'court\u001b[31m' },
        { ...base, basis: 'doc \u202eevil' },
        { ...base, basis: 'doc \u009b2J' },
      ]),
    ).toEqual([
      '2 ingest.control_character',
      '3 ingest.control_character',
      '4 ingest.bidi_control',
      '5 ingest.control_character',
    ]);
  });

  it('the same in CSV, where clean chunks skip the per-field check: before, inside and after 64 KiB of clean rows', async () => {
    const cols = ['subject', 'kind', 'occurredAt', 'reportedAt', 'agency', 'basis', 'level'] as const;
    const row = (r: RecordInput) => formatCsvRow(cols.map((c) => String(r[c] ?? '')));
    const clean = Array.from({ length: 1500 }, (_, i) => row({ ...base, basis: `(2025)鲁1082执${i}号` }));
    const f = join(dir, `f${n++}.csv`);
    writeFileSync(
      f,
      [
        formatCsvRow([...cols]),
        ...clean,
        row({ ...base, basis: 'doc \u202eevil' }),
        ...clean.map((l) => l.replace('号', '号A')),
        row({ ...base, agency: 'court\u001b[31m' }),
      ].join('\n') + '\n',
    );
    const s = await ingestFile(new MemoryLedger(cat), f);
    expect(s.issues.map((i) => `${i.location?.line ?? '-'} ${i.code}`)).toEqual([
      '1502 ingest.bidi_control',
      '3003 ingest.control_character',
    ]);
    const g = join(dir, `f${n++}.csv`);
    writeFileSync(g, [formatCsvRow([...cols]), ...clean].join('\n') + '\n');
    const ok = await ingestFile(new MemoryLedger(cat), g);
    expect([ok.rejected, ok.inserted]).toEqual([0, 1500]);
  });

  it('a blank or whitespace-only basis or agency', async () => {
    expect(
      await codesOf([
        { ...base, basis: '   ' },
        { ...base, agency: '\t' },
      ]),
    ).toEqual(['1 record.missing_basis', '2 record.missing_agency']);
  });

  it("amounts outside what the kind's unit allows", async () => {
    const arrears = { ...base, subject: firm, kind: 'firm.wage_insurance_arrears', level: undefined };
    const fine = { ...base, kind: 'traffic.public_security_penalty', level: undefined };
    expect(
      await codesOf([
        { ...arrears, amount: 3 },
        { ...arrears, amount: 1.5 },
        { ...fine, amount: 200.5 },
        { ...fine, amount: 0.001 },
        { ...fine, amount: 1e15 },
        { ...base, amount: 10 },
      ]),
    ).toEqual([
      '2 record.amount_out_of_unit',
      '4 record.amount_out_of_unit',
      '5 record.amount_out_of_unit',
      '6 record.amount_without_unit',
    ]);
  });

  it('dates after the report date', async () => {
    const future = { ...base, occurredAt: '2031-01-01', reportedAt: '2031-01-02' };
    expect(await codesOf([base, future], { reportDate: '2026-01-01' })).toEqual([
      '2 record.future_date',
      '2 record.future_date',
    ]);
    expect(await codesOf([base, future], { reportDate: '2031-12-31' })).toEqual([]);
  });

  it('a correction or withdrawal that supersedes nothing (in the ledger or the file, about the same subject)', async () => {
    const original = makeRecord(base);
    const fix = {
      ...base,
      status: 'correction',
      supersedes: original.id,
      basis: '(2025)鲁1082执1号 corrected',
    };
    // Original in the same file, before or after the correction: fine.
    expect(await codesOf([base, fix])).toEqual([]);
    expect(await codesOf([fix, base])).toEqual([]);
    // Nowhere: refused at the correction's line, and nothing is stored.
    const ledger = new MemoryLedger(cat);
    const s = await ingestFile(ledger, file([{ ...base, basis: 'other' }, fix]));
    expect(s.issues.map((i) => `${i.location?.line} ${i.code}`)).toEqual(['2 record.dangling_supersedes']);
    expect(await ledger.count()).toBe(0);
    // Already stored: fine.
    await ingestFile(ledger, file([base]));
    expect((await ingestFile(ledger, file([fix]))).issues).toEqual([]);
    // Pointing at another subject's record: refused.
    const other = generateResidentId(rng, { addressCode: '371082', birthDate: '1990-01-01', sex: 'F' });
    expect(await codesOf([base, { ...fix, subject: other }])).toEqual(['2 record.dangling_supersedes']);
    // The same with the target after the correction (found from the first correction on, without a re-read).
    expect(await codesOf([{ ...fix, subject: other }, base])).toEqual(['1 record.dangling_supersedes']);
    expect(await codesOf([{ ...base, basis: 'x' }, fix, { ...fix, subject: other }, base])).toEqual([
      '3 record.dangling_supersedes',
    ]);
    // --skip-invalid checks batch by batch and leaves the dangling one out.
    const skip = await ingestFile(new MemoryLedger(cat), file([{ ...base, basis: 'x' }, fix]), {
      skipInvalid: true,
    });
    expect(skip).toMatchObject({ inserted: 1, rejected: 1 });
    expect(skip.issues.map((i) => i.code)).toEqual(['record.dangling_supersedes']);
  });

  it('refuses a correction naming a stored record of another subject, even when that subject corrects it too', async () => {
    const other = generateResidentId(rng, { addressCode: '371082', birthDate: '1991-02-03', sex: 'F' });
    const target = makeRecord(base);
    const fix = makeRecord({ ...base, status: 'correction', supersedes: target.id, basis: 'fixed' });
    const stray = makeRecord({ ...fix, subject: other });
    for (const skipInvalid of [false, true]) {
      const ledger = new MemoryLedger(cat);
      await ingestFile(ledger, file([base]));
      const s = await ingestFile(ledger, file([fix, stray]), { skipInvalid });
      expect(s.issues.map((i) => i.code)).toEqual(['record.dangling_supersedes']);
      expect(s.rejected).toBe(1);
    }
  });
});

describe('unsafeUnit', () => {
  it('refuses exactly the code units UNSAFE_TEXT refuses, over all 65,536', () => {
    const differ: number[] = [];
    for (let c = 0; c <= 0xffff; c++)
      if (unsafeUnit(c) !== UNSAFE_TEXT.test(String.fromCharCode(c))) differ.push(c);
    expect(differ).toEqual([]);
  });
});
