// ingestFile against the real in-memory ledger: all-or-nothing, --skip-invalid, batching and idempotency.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../core/catalogue.js';
import { MosaicError } from '../core/errors.js';
import { generateResidentId, generateUscc } from '../core/identifiers-gen.js';
import { Rng } from '../core/rng.js';
import { MAX_AGENCIES } from '../ledger/ledger.js';
import { MemoryLedger } from '../ledger/memory/memory-ledger.js';
import { formatCsvRow } from './csv.js';
import { ingestFile } from './ingest.js';

const cat = loadCatalogue(new URL('./testdata/catalogue.yaml', import.meta.url).pathname);
const dir = mkdtempSync(join(tmpdir(), 'mosaic-ingest-'));
const rng = new Rng(11);
const people = Array.from({ length: 5 }, (_, i) =>
  generateResidentId(rng, {
    addressCode: '371082',
    birthDate: `198${i}-0${i + 1}-1${i}`,
    sex: i % 2 ? 'F' : 'M',
  }),
);
const firm = generateUscc(rng, { typePair: '91', divisionCode: '371003' });

const HEADER = [
  'subject',
  'kind',
  'occurredAt',
  'reportedAt',
  'agency',
  'basis',
  'amount',
  'severity',
  'level',
];
function goodRows(n: number): string[][] {
  return Array.from({ length: n }, (_, i) => {
    const day = String(1 + (i % 28)).padStart(2, '0');
    return i % 3 === 0
      ? [
          firm,
          'tax.arrears',
          `2025-03-${day}`,
          `2025-04-${day}`,
          'tax',
          `税〔2025〕${i}号`,
          String(100 + i),
          '',
          'county',
        ]
      : [
          people[i % 5]!,
          'traffic.drunk_driving',
          `2025-03-${day}`,
          `2025-03-${day}`,
          'psb',
          `公〔2025〕${i}号`,
          '',
          'warning',
          '',
        ];
  });
}
function csvFile(name: string, rows: string[][]): string {
  const file = join(dir, name);
  writeFileSync(file, [HEADER, ...rows].map(formatCsvRow).join('\r\n') + '\r\n');
  return file;
}

describe('ingestFile', () => {
  it('stores every row in batches, and a second run stores nothing new', async () => {
    const ledger = new MemoryLedger(cat);
    const file = csvFile('good.csv', goodRows(40));
    const progress: number[] = [];
    const first = await ingestFile(ledger, file, {
      batchSize: 7,
      onProgress: (d, t) => progress.push(d / t),
    });
    expect(first).toMatchObject({
      rows: 40,
      inserted: 40,
      duplicates: 0,
      rejected: 0,
      stored: true,
      issues: [],
    });
    expect(await ledger.count()).toBe(40);
    // Two passes: progress reaches 1 only at the end of the second.
    expect(progress.at(-1)).toBe(1);
    expect(progress.some((p) => p === 0.5)).toBe(true);
    const again = await ingestFile(ledger, file);
    expect(again).toMatchObject({ rows: 40, inserted: 0, duplicates: 40 });
    expect(await ledger.count()).toBe(40);
  });

  it('stores nothing when any row is bad, and reports each bad row at its line', async () => {
    const ledger = new MemoryLedger(cat);
    const rows = goodRows(20);
    rows[4]![1] = 'no.such_kind';
    rows[11]![2] = '2025-02-30';
    rows[11]![3] = '2025-02-29';
    rows[15]![0] = people[0]!.slice(0, 17) + (people[0]![17] === '0' ? '1' : '0');
    let called = false;
    const res = await ingestFile(ledger, csvFile('bad.csv', rows), {
      beforeStore: async () => {
        called = true;
      },
    });
    expect(res).toMatchObject({ rows: 20, inserted: 0, rejected: 3, stored: false });
    expect(res.issues.map((i) => [i.location?.line, i.code])).toEqual([
      [6, 'record.unknown_kind'],
      [13, 'record.bad_date'],
      [13, 'record.bad_date'],
      [17, 'id.check_digit'],
    ]);
    expect(called).toBe(false);
    expect(await ledger.count()).toBe(0);
  });

  it('with skipInvalid stores the good rows and counts the rejected ones', async () => {
    const ledger = new MemoryLedger(cat);
    const rows = goodRows(10);
    rows[2]![6] = 'lots';
    const res = await ingestFile(ledger, csvFile('skip.csv', rows), { skipInvalid: true, batchSize: 3 });
    expect(res).toMatchObject({ rows: 10, inserted: 9, rejected: 1, stored: true });
    expect(res.issues).toEqual([
      expect.objectContaining({
        code: 'ingest.bad_amount',
        location: { file: join(dir, 'skip.csv'), line: 4 },
      }),
    ]);
    expect(await ledger.count()).toBe(9);
  });

  it('counts a statement repeated within the file once', async () => {
    const ledger = new MemoryLedger(cat);
    const rows = goodRows(6);
    const res = await ingestFile(ledger, csvFile('dup.csv', [...rows, rows[1]!, rows[4]!]));
    expect(res).toMatchObject({ rows: 8, inserted: 6, duplicates: 2 });
  });

  it('stops at a bad header, naming line 1', async () => {
    const file = join(dir, 'header.csv');
    writeFileSync(file, 'subject,kind,when,agency,basis\n');
    await expect(ingestFile(new MemoryLedger(cat), file)).rejects.toMatchObject({
      issues: [
        expect.objectContaining({ code: 'ingest.unknown_column', location: { file, line: 1 } }),
        expect.objectContaining({ code: 'ingest.missing_column' }),
        expect.objectContaining({ code: 'ingest.missing_column' }),
      ],
    });
  });

  it('checks the agency limit in validation: a file that would overflow it stores nothing, error at file:line', async () => {
    // RecordColumns hold agencies as Uint16 indexes: a ledger addresses at most 65,536 distinct agencies.
    const ledger = new MemoryLedger(cat);
    await ingestFile(ledger, csvFile('few.csv', goodRows(3)));
    const stored = (await ledger.scan()).agencies.length;
    const rows = goodRows(MAX_AGENCIES + 10).map((r, i) => {
      r[4] = `agency ${i}`;
      return r;
    });
    const file = csvFile('agencies.csv', rows);
    const res = await ingestFile(ledger, file, { batchSize: 20_000 });
    // Row index i sits on line i + 2; the first row past the limit is the (limit - stored)th new agency.
    const first = MAX_AGENCIES - stored;
    expect(res).toMatchObject({ stored: false, inserted: 0, rejected: rows.length - first });
    expect(res.issues[0]).toMatchObject({
      code: 'ledger.dictionary_full',
      location: { file, line: first + 2 },
    });
    expect(await ledger.count()).toBe(3);
    // With skipInvalid the rows within the limit are stored and each row past it is refused at its line.
    const skip = await ingestFile(ledger, file, { skipInvalid: true, batchSize: 20_000 });
    expect(skip).toMatchObject({ inserted: first, rejected: rows.length - first });
    expect(skip.issues.at(-1)).toMatchObject({
      code: 'ledger.dictionary_full',
      location: { line: rows.length + 1 },
    });
    expect((await ledger.scan()).agencies.length).toBe(MAX_AGENCIES);
  }, 60_000);

  it('locates a batch the ledger refuses at the file lines of its records', async () => {
    const ledger = new MemoryLedger(cat);
    // The two-pass store path (no bulk path): append's batch error is relocated at file lines.
    const failing = Object.assign(Object.create(ledger) as MemoryLedger, {
      appendEncoded: undefined,
      append: async () => {
        throw new MosaicError({
          code: 'ledger.write_failed',
          message: 'no',
          location: { path: ['records', 2] },
        });
      },
    });
    const file = csvFile('refused.csv', goodRows(12));
    await expect(ingestFile(failing, file, { batchSize: 5 })).rejects.toMatchObject({
      issues: [{ code: 'ledger.write_failed', location: { file, line: 4 } }],
    });
  });

  it('answers a re-run of a file stored in full from its receipt, and only then', async () => {
    const ledger = new MemoryLedger(cat);
    const file = csvFile('receipt.csv', goodRows(30));
    expect((await ingestFile(ledger, file)).unchanged).toBeUndefined();
    let read = false;
    const again = await ingestFile(ledger, file, { onProgress: (d, t) => (read ||= d < t) });
    expect(again).toMatchObject({ rows: 30, inserted: 0, duplicates: 30, stored: true, unchanged: true });
    expect(read).toBe(false);
    // Other bytes (one more row) are read and validated as usual.
    const more = csvFile('receipt.csv', goodRows(31));
    expect(await ingestFile(ledger, more)).toMatchObject({ inserted: 1, duplicates: 30 });
    // A file stored with rows refused gets no receipt: its re-run reports them again.
    const bad = goodRows(5);
    bad[1]![1] = 'no.such_kind';
    const badFile = csvFile('receipt-bad.csv', bad);
    await ingestFile(ledger, badFile, { skipInvalid: true });
    const rerun = await ingestFile(ledger, badFile);
    expect(rerun).toMatchObject({ stored: false, rejected: 1 });
    expect(rerun.unchanged).toBeUndefined();
  });

  it('a receipt hashed while the file is stored names the same bytes as one hashed before validating', async () => {
    const file = csvFile('receipt-later.csv', goodRows(40));
    const bytes = readFileSync(file);
    const expected = `sha256:${createHash('sha256').update(bytes).digest('hex')}:${bytes.length}:${cat.version}`;
    // No receipt of this size in the ledger: hashed during the store (bulk path), or after validation (two-pass path).
    for (const bulk of [true, false]) {
      const ledger = new MemoryLedger(cat);
      if (!bulk) (ledger as { appendEncoded?: unknown }).appendEncoded = undefined;
      const keys: string[] = [];
      const put = ledger.putFileReceipt.bind(ledger);
      ledger.putFileReceipt = (r) => (keys.push(r.key), put(r));
      await ingestFile(ledger, file);
      expect(keys).toEqual([expected]);
      expect((await ingestFile(ledger, file)).unchanged).toBe(true);
    }
    // A receipt of the same size and catalogue exists: the file is hashed first, and a changed one is read again.
    const ledger = new MemoryLedger(cat);
    await ledger.putFileReceipt({
      key: `sha256:00:${bytes.length}:${cat.version}`,
      rows: 1,
      records: 1,
      at: '',
    });
    expect((await ingestFile(ledger, file)).unchanged).toBeUndefined();
    expect((await ingestFile(ledger, file)).unchanged).toBe(true);
  });

  it('writes no receipt for a file that changed while it was being stored', async () => {
    const ledger = new MemoryLedger(cat);
    const file = csvFile('receipt-changed.csv', goodRows(20));
    const keys: string[] = [];
    const put = ledger.putFileReceipt.bind(ledger);
    ledger.putFileReceipt = (r) => (keys.push(r.key), put(r));
    const res = await ingestFile(ledger, file, { beforeStore: async () => appendFileSync(file, '\n') });
    expect(res).toMatchObject({ stored: true, inserted: 20 });
    expect(keys).toEqual([]);
  });

  it('reads JSONL the same way', async () => {
    const ledger = new MemoryLedger(cat);
    const file = join(dir, 'r.jsonl');
    const objs = goodRows(5).map((r) =>
      Object.fromEntries(HEADER.map((h, i) => [h, r[i]]).filter(([, v]) => v !== '')),
    );
    for (const o of objs) if (o.amount !== undefined) o.amount = Number(o.amount);
    writeFileSync(file, objs.map((o) => JSON.stringify(o)).join('\n') + '\n{"subject": 1}\n');
    const res = await ingestFile(ledger, file);
    expect(res.stored).toBe(false);
    expect(res.issues.map((i) => [i.location?.line, i.code])).toContainEqual([6, 'ingest.bad_type']);
    const ok = await ingestFile(ledger, file, { skipInvalid: true });
    expect(ok).toMatchObject({ inserted: 5, rejected: 1 });
  });
});
