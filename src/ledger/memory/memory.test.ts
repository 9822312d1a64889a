// Runs the ledger contract against the in-memory adapter (both id-index walks), and holds its per-subject row chains to a full scan.
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../core/catalogue.js';
import { MosaicError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { makeRecord, type CreditRecord } from '../../core/types.js';
import { compareRecords } from '../codec.js';
import { MAX_AGENCIES } from '../ledger.js';
import { ledgerContract, TEST_CATALOGUE } from '../ledger.contract.js';
import { syntheticRecords } from '../synthetic.js';
import { encodeRecords } from '../encoded.js';
import { MemoryLedger } from './memory-ledger.js';

ledgerContract('memory', async (catalogue) => {
  const ledger = new MemoryLedger(catalogue);
  return { ledger, dispose: () => ledger.close() };
});

// The contract again with the bulk path's id index walked in home-slot order for every batch with room (0186): the
// contract's ledgers are far below the size that takes it by default.
describe('memory, id index walked in home-slot order', () => {
  ledgerContract('memory', async (catalogue) => {
    const ledger = new MemoryLedger(catalogue, { sortedWalkMinSlots: 0 });
    return { ledger, dispose: () => ledger.close() };
  });
});

describe('memory ledger readSubject (per-subject chains)', () => {
  it('answers as a filter of everything stored would, through duplicates and rolled-back batches', async () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const rng = new Rng(46);
    // More subjects than one batch touches, so batches mix known subjects with new ones.
    const all = syntheticRecords(cat, { records: 6000, subjects: 400, seed: 147 });
    const ledger = new MemoryLedger(cat);
    const stored = new Map<string, CreditRecord>();
    let next = 0;
    let rejected = 0;
    while (next < all.length) {
      const size = 1 + rng.int(400);
      const batch = all.slice(next, next + size);
      // Re-offer a few stored records, once re-reported later: duplicates, never a second row.
      const old = [...stored.values()];
      for (let k = 0; k < 3 && old.length; k++) {
        const r = old[rng.int(old.length)]!;
        batch.splice(rng.int(batch.length + 1), 0, k === 0 ? { ...r, reportedAt: '2149-01-01' } : r);
      }
      if (rng.next() < 0.3) {
        // A bad record late in the batch: everything before it was written, and must be unwound, chains included.
        batch.splice(batch.length - rng.int(3), 0, { ...batch[0]!, id: 'r0000000000000000' });
        await expect(ledger.append(batch)).rejects.toBeInstanceOf(MosaicError);
        rejected++;
        continue; // the same records are offered again next time round
      }
      await ledger.append(batch);
      for (const r of batch) if (!stored.has(r.id)) stored.set(r.id, r);
      next += size;
      // Reads between appends: chains are linked when read (docs/decisions/0175), so each read links the rows
      // appended since the last one, and later batches (rolled back or not) start from a partly linked ledger.
      if (rng.next() < 0.4)
        for (let k = 0; k < 3; k++) {
          const s = batch[rng.int(batch.length)]!.subject;
          const want = [...stored.values()].filter((r) => r.subject === s).sort(compareRecords);
          expect(await ledger.readSubject(s), `${s} mid-stream`).toEqual(want);
        }
    }
    expect(rejected).toBeGreaterThan(3);
    expect(await ledger.count()).toBe(stored.size);
    const subjects = [...new Set(all.map((r) => r.subject))];
    for (const s of subjects)
      for (const asOf of [undefined, '2019-06-30', '2022-01-01']) {
        const want = [...stored.values()]
          .filter((r) => r.subject === s && (asOf === undefined || r.reportedAt <= asOf))
          .sort(compareRecords);
        expect(await ledger.readSubject(s, asOf), `${s} as of ${asOf}`).toEqual(want);
      }
  });
});

describe('memory ledger bulk path (column by column, docs/decisions/0163)', () => {
  // Both walks of the id index: row order (this file's index is far below the sorted walk's size) and home-slot
  // order (0186), forced on for every batch with room.
  it.each([
    ['row order', false],
    ['home-slot order', true],
  ])(
    'stores what append stores, through duplicates within a batch, of stored rows, and across batches of a file (%s)',
    async (_walk, sorted) => {
      await bulkMatchesAppend(sorted);
    },
  );

  async function bulkMatchesAppend(sorted: boolean) {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const rng = new Rng(163);
    const all = syntheticRecords(cat, { records: 5000, subjects: 300, seed: 163 });
    // One "file": stored records offered again, and repeats inside a batch, at random places; some batches all new.
    const file: CreditRecord[] = [];
    for (let i = 0; i < all.length; i++) {
      file.push(all[i]!);
      if (i > 0 && rng.next() < 0.05) file.push(all[rng.int(i)]!);
      if (i > 2000 && i < 2600) file.push(all[i]!);
    }
    const byAppend = new MemoryLedger(cat);
    const walks = { sorted: 0 };
    const byBulk = new MemoryLedger(cat, sorted ? { sortedWalkMinSlots: 0, walks } : { walks });
    const enc = encodeRecords(cat, file, 700);
    let at = 0;
    for (const b of enc.batches) {
      const want = await byAppend.append(file.slice(at, at + b.length));
      expect(await byBulk.appendEncoded(b)).toEqual(want);
      at += b.length;
    }
    // The same file again: every record a duplicate.
    for (const b of enc.batches) expect((await byBulk.appendEncoded(b)).inserted).toBe(0);
    expect(await byBulk.scan()).toEqual(await byAppend.scan());
    expect(await byBulk.agencies()).toEqual(await byAppend.agencies());
    for (const s of new Set(all.map((r) => r.subject)))
      expect(await byBulk.readSubject(s)).toEqual(await byAppend.readSubject(s));
    // Every batch of the first pass had room (the file was sized at its first batch); the re-ingest's may not.
    if (sorted) expect(walks.sorted).toBeGreaterThanOrEqual(enc.batches.length);
    else expect(walks.sorted).toBe(0);
  }
});

describe('memory ledger id index sizing (docs/decisions/0175)', () => {
  it("sizes an empty ledger's index and subject map for the whole file before its first batch (0186)", async () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const all = syntheticRecords(cat, { records: 5000, subjects: 3000, seed: 186 });
    const enc = encodeRecords(cat, all, 2000);
    const walks = { sorted: 0 };
    const ledger = new MemoryLedger(cat, { sortedWalkMinSlots: 0, walks });
    const inner = ledger as unknown as {
      index: { grow(size: number): void };
      subjectDict: { capacity: number };
    };
    const grow = inner.index.grow.bind(inner.index);
    const sizes: number[] = [];
    inner.index.grow = (size: number) => {
      sizes.push(size);
      grow(size);
    };
    await ledger.appendEncoded(enc.batches[0]!);
    // One growth, straight to the file's 7 pages: not 2,048 then 4,096 slots for the first batch's 2,000 ids.
    expect(sizes).toEqual([7 * 1024]);
    // So the first batch already had room for the sorted walk.
    expect(walks.sorted).toBe(1);
    // And the subject map holds all of the file's subjects before the first batch mapped any.
    expect(inner.subjectDict.capacity * 0.75).toBeGreaterThanOrEqual(new Set(all.map((r) => r.subject)).size);
  });

  it('sizes the id index for the whole file after its first batch turned out all new, not when it repeats', async () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const all = syntheticRecords(cat, { records: 5000, subjects: 300, seed: 175 });
    const enc = encodeRecords(cat, all, 700);
    expect(enc.strings.records).toBe(5000);
    const ledger = new MemoryLedger(cat);
    await ledger.appendEncoded(enc.batches[0]!);
    // 5000 ids at a load of at most 0.75, exactly (0182): 6,668 slots rounded up to whole 4 KiB pages of 1,024
    // slots, 7 pages, where the first batch alone needs 1 and the power of two above is 8 pages.
    expect(ledger.typedBytes.index).toBe(4 * 7 * 1024);
    for (const b of enc.batches.slice(1)) await ledger.appendEncoded(b);
    expect(ledger.typedBytes.index).toBe(4 * 7 * 1024);
    // The same file again (a re-ingest: duplicates from its first batch on) reserves nothing more.
    const again = encodeRecords(cat, all, 700);
    await ledger.appendEncoded(again.batches[0]!);
    expect(ledger.typedBytes.index).toBe(4 * 7 * 1024);
  });

  it("sizes the subject map for a file's new subjects after its first batch, not for subjects already stored", async () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const subjects = (l: MemoryLedger) =>
      (l as unknown as { subjectDict: { capacity: number; size: number } }).subjectDict;
    // 3000 subjects over 12000 records in batches of 2000: the first batch meets about half of them, all new.
    const first = syntheticRecords(cat, { records: 12_000, subjects: 3000, seed: 182 });
    const enc = encodeRecords(cat, first, 2000);
    const ledger = new MemoryLedger(cat);
    await ledger.appendEncoded(enc.batches[0]!);
    const n = enc.strings.subjects.length;
    expect(subjects(ledger).size).toBeLessThan(n);
    // Room for every subject of the file at once (a map grown by doubling would hold only the first batch's).
    expect(subjects(ledger).capacity * 0.75).toBeGreaterThanOrEqual(n);
    const cap = subjects(ledger).capacity;
    for (const b of enc.batches.slice(1)) await ledger.appendEncoded(b);
    expect(subjects(ledger).size).toBe(n);
    expect(subjects(ledger).capacity).toBe(cap);
    // New records about the same subjects (another month's file): its first batch is all new records but no new
    // subject, so nothing is reserved for the file's subjects (reserving size + file subjects would double the map).
    const later = first.map(({ id: _id, ...r }) => makeRecord({ ...r, basis: `${r.basis} (later)` }));
    for (const b of encodeRecords(cat, later, 2000).batches) await ledger.appendEncoded(b);
    expect(subjects(ledger).size).toBe(n);
    expect(subjects(ledger).capacity).toBe(cap);
  });
});

describe('memory ledger agency limit', () => {
  it('refuses a batch that needs one agency too many, storing nothing and leaving no id behind', async () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const base = syntheticRecords(cat, { records: 1, subjects: 1, seed: 3 })[0]!;
    const { id: _id, ...fields } = base;
    const withAgency = (i: number) => makeRecord({ ...fields, agency: `agency ${i}` });
    const ledger = new MemoryLedger(cat);
    const full: CreditRecord[] = [];
    for (let i = 0; i < MAX_AGENCIES; i++) full.push(withAgency(i));
    expect(await ledger.append(full)).toEqual({ inserted: MAX_AGENCIES, duplicates: 0 });
    // Two new records with known agencies, then one with a new agency: the first two were written when it fails.
    const known = [1, 2].map((k) => makeRecord({ ...fields, agency: 'agency 0', basis: `x${k}` }));
    const err = await ledger.append([...known, withAgency(MAX_AGENCIES)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MosaicError);
    expect((err as MosaicError).issues.map((i) => i.code)).toEqual(['ledger.dictionary_full']);
    expect(await ledger.count()).toBe(MAX_AGENCIES);
    // The id index holds exactly the stored rows: none of the refused batch, the failing record's included.
    const index = (ledger as unknown as { index: { size: number } }).index;
    expect(index.size).toBe(MAX_AGENCIES);
    expect(await ledger.append(known)).toEqual({ inserted: 2, duplicates: 0 });
    expect(index.size).toBe(MAX_AGENCIES + 2);
    expect((await ledger.readSubject(base.subject)).length).toBe(MAX_AGENCIES + 2);
  });

  it.each([
    ['row order', false],
    ['home-slot order', true],
  ])(
    'the bulk path refuses the same batch the same way, at the record, and leaves nothing behind (%s)',
    async (_walk, sorted) => {
      await bulkRefusesOverflow(sorted);
    },
  );

  async function bulkRefusesOverflow(sorted: boolean) {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const base = syntheticRecords(cat, { records: 1, subjects: 1, seed: 3 })[0]!;
    const { id: _id, ...fields } = base;
    const withAgency = (i: number) => makeRecord({ ...fields, agency: `agency ${i}` });
    const walks = { sorted: 0 };
    const ledger = new MemoryLedger(cat, sorted ? { sortedWalkMinSlots: 0, walks } : { walks });
    const full: CreditRecord[] = [];
    for (let i = 0; i < MAX_AGENCIES; i++) full.push(withAgency(i));
    expect(await ledger.appendEncoded(encodeRecords(cat, full, MAX_AGENCIES).batches[0]!)).toEqual({
      inserted: MAX_AGENCIES,
      duplicates: 0,
    });
    const known = [1, 2].map((k) => makeRecord({ ...fields, agency: 'agency 0', basis: `x${k}` }));
    const later = makeRecord({ ...fields, agency: 'agency 1', basis: 'x3' });
    // Duplicates before the failing record (one of the batch, one stored) shift the rows after them; a new record
    // after it is in the index already when the overflow is met (the bulk path inserts every id first).
    const bad = encodeRecords(cat, [...known, known[0]!, full[5]!, withAgency(MAX_AGENCIES), later])
      .batches[0]!;
    const err = await ledger.appendEncoded(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MosaicError);
    expect((err as MosaicError).issues.map((i) => [i.code, i.location?.path])).toEqual([
      ['ledger.dictionary_full', ['records', 4, 'agency']],
    ]);
    expect(await ledger.count()).toBe(MAX_AGENCIES);
    const index = (ledger as unknown as { index: { size: number } }).index;
    expect(index.size).toBe(MAX_AGENCIES);
    expect(await ledger.appendEncoded(encodeRecords(cat, [...known, later]).batches[0]!)).toEqual({
      inserted: 3,
      duplicates: 0,
    });
    expect(index.size).toBe(MAX_AGENCIES + 3);
    expect((await ledger.readSubject(base.subject)).length).toBe(MAX_AGENCIES + 3);
    // The failing batch, with its duplicates, went through the sorted walk too.
    expect(walks.sorted).toBe(sorted ? 3 : 0);
  }
});

describe("memory ledger bulk path: a file's new subjects added without the id map's probe (docs/decisions/0191)", () => {
  const dict = (l: MemoryLedger) =>
    (l as unknown as { subjectDict: { unindexed: number; size: number } }).subjectDict;

  it('leaves the subjects of a first file into an empty ledger out of the id map until a lookup', async () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const recs = syntheticRecords(cat, { records: 3000, subjects: 400, seed: 191 });
    const enc = encodeRecords(cat, recs, 1000);
    const ledger = new MemoryLedger(cat);
    for (const b of enc.batches) await ledger.appendEncoded(b);
    expect(dict(ledger).size).toBe(enc.strings.subjects.length);
    expect(dict(ledger).unindexed).toBe(enc.strings.subjects.length);
    const s = recs[2999]!.subject;
    expect((await ledger.readSubject(s)).map((r) => r.id).sort()).toEqual(
      recs
        .filter((r) => r.subject === s)
        .map((r) => r.id)
        .sort(),
    );
    expect(dict(ledger).unindexed).toBe(0);
  });

  it('stores what append stores when other writes add subjects between the batches of a file', async () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const recs = syntheticRecords(cat, { records: 4000, subjects: 500, seed: 1910 });
    // File A: the first 3000 records. Between its batches, record objects (B) about some of A's later subjects and
    // some of their own, and a second file (C) about others: A must then find those subjects, not add them again.
    const a = recs.slice(0, 3000);
    const b = recs.slice(3000, 3500);
    const c = recs.slice(3500);
    const encA = encodeRecords(cat, a, 1000);
    const encC = encodeRecords(cat, c, 250);
    const bulk = new MemoryLedger(cat);
    const ref = new MemoryLedger(cat);
    const steps: [() => Promise<unknown>, CreditRecord[]][] = [
      [() => bulk.appendEncoded(encA.batches[0]!), a.slice(0, 1000)],
      [() => bulk.append(b), b],
      [() => bulk.appendEncoded(encA.batches[1]!), a.slice(1000, 2000)],
      [() => bulk.appendEncoded(encC.batches[0]!), c.slice(0, 250)],
      [() => bulk.appendEncoded(encA.batches[2]!), a.slice(2000)],
      [() => bulk.appendEncoded(encC.batches[1]!), c.slice(250)],
    ];
    for (const [run, same] of steps) {
      expect(await run()).toEqual(await ref.append(same));
      expect(dict(bulk).size).toBe(dict(ref).size);
    }
    expect(await bulk.scan()).toEqual(await ref.scan());
    for (const s of new Set(recs.map((r) => r.subject)))
      expect(await bulk.readSubject(s)).toEqual(await ref.readSubject(s));
  });
});

describe("memory ledger bulk path: a file's subjects mapped by their order while it holds (docs/decisions/0193)", () => {
  type FileMap = { ident: number; mapped: boolean };
  const fileMap = (l: MemoryLedger, enc: { strings: object }) =>
    (l as unknown as { encodedMaps: WeakMap<object, FileMap> }).encodedMaps.get(enc.strings)!;

  it('takes every subject of a new file in order by identity, also into a ledger holding others', async () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const recs = syntheticRecords(cat, { records: 4000, subjects: 600, seed: 1930 });
    const ledger = new MemoryLedger(cat);
    const ref = new MemoryLedger(cat);
    // The first 1000 records come first, as objects; the rest is a file about many subjects those did not name.
    await ledger.append(recs.slice(0, 1000));
    await ref.append(recs.slice(0, 1000));
    const rest = recs.slice(1000).filter((r) => !recs.slice(0, 1000).some((o) => o.subject === r.subject));
    const enc = encodeRecords(cat, rest, 500);
    let at = 0;
    for (const b of enc.batches) {
      expect(await ledger.appendEncoded(b)).toEqual(await ref.append(rest.slice(at, at + b.length)));
      at += b.length;
    }
    expect(fileMap(ledger, enc)).toMatchObject({ ident: enc.strings.subjects.length, mapped: false });
    expect(await ledger.scan()).toEqual(await ref.scan());
  });

  it('leaves the identity run when a subject is first named by a dropped row, and stores what append stores', async () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const recs = syntheticRecords(cat, { records: 3000, subjects: 300, seed: 1931 });
    const subjects = [...new Set(recs.map((r) => r.subject))];
    const first = subjects[0]!;
    const old = new Set(subjects.slice(0, 100));
    // Stored before the file: records about the first 100 subjects, but for a few about the very first one.
    const held = recs.filter((r) => r.subject === first).slice(1);
    const stored = recs.filter((r) => old.has(r.subject) && !held.includes(r));
    const ledger = new MemoryLedger(cat);
    const ref = new MemoryLedger(cat);
    await ledger.append(stored);
    await ref.append(stored);
    // The file opens with a stored record about that subject (a duplicate: it names the file's first subject, but no
    // row of it is kept), goes on with new subjects, and names the first subject again, in new records, at the end.
    const fresh = recs.filter((r) => !old.has(r.subject));
    const file = [stored.find((r) => r.subject === first)!, ...fresh, ...held];
    const enc = encodeRecords(cat, file, 400);
    let at = 0;
    for (const b of enc.batches) {
      expect(await ledger.appendEncoded(b)).toEqual(await ref.append(file.slice(at, at + b.length)));
      at += b.length;
    }
    expect(held.length).toBeGreaterThan(0);
    expect(fileMap(ledger, enc)).toMatchObject({ ident: 0, mapped: true });
    expect(await ledger.scan()).toEqual(await ref.scan());
    for (const s of new Set(file.map((r) => r.subject)))
      expect(await ledger.readSubject(s)).toEqual(await ref.readSubject(s));
  });

  it('stores what append stores through random files, duplicates, rolled-back batches and writes in between', async () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    const rng = new Rng(193);
    const pool = syntheticRecords(cat, { records: 6000, subjects: 700, seed: 193 });
    for (let round = 0; round < 6; round++) {
      const ledger = new MemoryLedger(cat, round % 2 ? { sortedWalkMinSlots: 0 } : {});
      const ref = new MemoryLedger(cat);
      let ident = 0;
      let mapped = 0;
      for (let f = 0; f < 4; f++) {
        // A file: a random run of the pool, with repeats of earlier pool records (stored or not) spliced in.
        const from = rng.int(pool.length - 1500);
        const file = pool.slice(from, from + 300 + rng.int(1200));
        for (let k = rng.int(40); k > 0; k--)
          file.splice(rng.int(file.length + 1), 0, pool[rng.int(from + 1)]!);
        const enc = encodeRecords(cat, file, 50 + rng.int(400));
        let at = 0;
        for (const b of enc.batches) {
          const same = file.slice(at, at + b.length);
          at += b.length;
          if (rng.next() < 0.2) {
            // Record objects between the file's batches, some about subjects the file names later.
            const objs = pool.slice(rng.int(pool.length - 50)).slice(0, 1 + rng.int(50));
            expect(await ledger.append(objs)).toEqual(await ref.append(objs));
          }
          if (rng.next() < 0.1) {
            // A batch refused whole (a bad record at its end): nothing of it may stay, maps included.
            const bad = [...same, { ...same[0]!, id: 'r0000000000000000' }];
            await expect(ledger.append(bad)).rejects.toBeInstanceOf(MosaicError);
            await expect(ref.append(bad)).rejects.toBeInstanceOf(MosaicError);
          }
          expect(await ledger.appendEncoded(b)).toEqual(await ref.append(same));
        }
        const m = fileMap(ledger, enc);
        ident += m.ident;
        if (m.mapped) mapped++;
      }
      expect(await ledger.scan()).toEqual(await ref.scan());
      for (const s of new Set(pool.map((r) => r.subject)))
        expect(await ledger.readSubject(s)).toEqual(await ref.readSubject(s));
      // Both ways of mapping were taken.
      expect(ident).toBeGreaterThan(0);
      expect(mapped).toBeGreaterThan(0);
    }
  });
});
