// The one contract every Ledger adapter must pass; each adapter's test file opens a ledger and calls ledgerContract.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalogue, type Catalogue } from '../core/catalogue.js';
import { fromEpochDay } from '../core/dates.js';
import { MosaicError } from '../core/errors.js';
import {
  ISSUER_LEVELS,
  makeRecord,
  RECORD_STATUSES,
  type CreditRecord,
  type Subject,
} from '../core/types.js';
import { EncodedBatch, encodeRecords } from './encoded.js';
import type { ExportFormat, Ledger, RecordColumns } from './ledger.js';
import { MemoryLedger } from './memory/memory-ledger.js';
import { residentIdAt, usccAt } from './synthetic.js';

export const TEST_CATALOGUE = new URL('./testdata/catalogue.yaml', import.meta.url).pathname;

export interface LedgerHandle {
  ledger: Ledger;
  /** Close and open the same store again (adapters that persist). */
  reopen?: () => Promise<Ledger>;
  dispose: () => Promise<void>;
}
export type LedgerFactory = (catalogue: Catalogue) => Promise<LedgerHandle>;

const P1 = residentIdAt(0);
const P2 = residentIdAt(1);
const F1 = usccAt(0);
const ABSENT = 'r0123456789abcdef';

/** A small ledger exercising every field, unicode, characters that need escaping, and the edge days. */
export function fixtureRecords(): CreditRecord[] {
  const r1 = makeRecord({
    subject: P1,
    kind: 'traffic.drunk_driving',
    occurredAt: '2024-01-10',
    reportedAt: '2024-01-12',
    agency: '荣成市公安局',
    basis: '荣公（2024）12号',
    severity: 'warning',
    level: 'county',
  });
  const r2 = makeRecord({
    subject: P1,
    kind: 'tax.arrears',
    occurredAt: '2023-05-01',
    reportedAt: '2024-02-01',
    agency: 'Tax bureau, "Weihai"',
    basis: 'Art. 32\ttab\nnewline \\ backslash, comma; 引号"',
    amount: 1234.56,
    level: 'province',
  });
  const r3 = makeRecord({
    subject: P1,
    kind: 'volunteer.service',
    occurredAt: '2024-01-10',
    reportedAt: '2024-01-11',
    agency: '荣成市民政局',
    basis: 'Wendeng Attachment 1 §3',
    amount: 12,
  });
  const r4 = makeRecord({
    subject: F1,
    kind: 'market.abnormal_operation',
    occurredAt: '2022-03-03',
    reportedAt: '2022-03-05',
    agency: '威海市市场监督管理局',
    basis: '企业信息公示暂行条例 第17条',
    severity: 'serious',
    level: 'prefecture_dept',
  });
  const r5 = makeRecord({
    subject: F1,
    kind: 'court.defaulter',
    occurredAt: '2021-07-01',
    reportedAt: '2021-07-02',
    agency: '荣成市人民法院',
    basis: '（2021）鲁1082执123号 😀',
    level: 'county',
  });
  const c1 = makeRecord({
    ...r2,
    id: undefined,
    amount: 1000,
    reportedAt: '2024-03-01',
    status: 'correction',
    supersedes: r2.id,
  });
  const w1 = makeRecord({
    ...r1,
    id: undefined,
    severity: undefined,
    reportedAt: '2024-04-01',
    status: 'withdrawal',
    supersedes: r1.id,
  });
  const orphan = makeRecord({
    subject: P2,
    kind: 'tax.arrears',
    occurredAt: '2024-05-01',
    reportedAt: '2024-05-01',
    agency: '荣成市税务局',
    basis: '更正',
    amount: 5,
    status: 'correction',
    supersedes: ABSENT,
  });
  const r6 = makeRecord({
    subject: P2,
    kind: 'court.defaulter',
    occurredAt: '1970-01-01',
    reportedAt: '1970-01-01',
    agency: 'A',
    basis: 'B',
  });
  const r7 = makeRecord({
    subject: P2,
    kind: 'tax.arrears',
    occurredAt: '2149-06-06',
    reportedAt: '2149-06-06',
    agency: 'A',
    basis: 'B',
    amount: 0,
  });
  const r8 = makeRecord({
    subject: P2,
    kind: 'tax.arrears',
    occurredAt: '2024-06-01',
    reportedAt: '2024-06-02',
    agency: 'A',
    basis: 'B',
    amount: 0.1 + 0.2,
  });
  return [r1, r2, r3, r4, r5, c1, w1, orphan, r6, r7, r8];
}

export function fixtureSubjects(): Subject[] {
  return [
    {
      id: P1,
      type: 'natural',
      name: '张三',
      jurisdiction: '371082',
      hukou: 'rural',
      roles: ['party_member', 'village_cadre'],
      birthDate: `${P1.slice(6, 10)}-${P1.slice(10, 12)}-${P1.slice(12, 14)}`,
      sex: Number(P1[16]) % 2 === 1 ? 'M' : 'F',
      consents: ['rongcheng-2021'],
      parents: [],
    },
    { id: P2, type: 'natural', jurisdiction: '371003', roles: [] },
    {
      id: F1,
      type: 'legal',
      name: '荣成市某某水产有限公司 "Ltd", \t tab',
      jurisdiction: '371082',
      roles: [],
      legalRepresentative: P1,
      actualController: P2,
      directlyResponsible: [P1, P2],
      district: '港湾街道',
    },
  ];
}

/** Decode scan row i back into the fields a scan carries (everything but id and basis). */
function decodeRow(c: RecordColumns, cat: Catalogue, i: number): Record<string, unknown> {
  const k = c.kind[i]!;
  const amount = c.amount[i]!;
  return {
    subject: c.subjects[c.subject[i]!],
    kind: cat.kinds[k]!.code,
    occurredAt: fromEpochDay(c.occurred[i]!),
    reportedAt: fromEpochDay(c.reported[i]!),
    agency: c.agencies[c.agency[i]!],
    amount: Number.isNaN(amount) ? undefined : amount,
    severity: cat.severityName(k, c.severity[i]!),
    level: c.level[i] ? ISSUER_LEVELS[c.level[i]! - 1] : undefined,
    status: RECORD_STATUSES[c.status[i]!],
  };
}

function scanFields(r: CreditRecord): Record<string, unknown> {
  return {
    subject: r.subject,
    kind: r.kind,
    occurredAt: r.occurredAt,
    reportedAt: r.reportedAt,
    agency: r.agency,
    amount: r.amount,
    severity: r.severity,
    level: r.level,
    status: r.status,
  };
}

/** Read an export back: Parquet and CSV through DuckDB's readers, JSONL line by line with JSON.parse. */
export async function readExport(file: string, format: ExportFormat): Promise<CreditRecord[]> {
  let rows: Record<string, unknown>[];
  if (format === 'jsonl') {
    const text = readFileSync(file, 'utf8');
    rows = text
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } else {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      const src =
        format === 'parquet'
          ? `read_parquet('${file}')`
          : `read_csv('${file}', header = true, allow_quoted_nulls = false, columns = {
              'id': 'VARCHAR', 'subject': 'VARCHAR', 'kind': 'VARCHAR', 'occurredAt': 'DATE', 'reportedAt': 'DATE',
              'agency': 'VARCHAR', 'basis': 'VARCHAR', 'amount': 'DOUBLE', 'severity': 'VARCHAR',
              'level': 'VARCHAR', 'status': 'VARCHAR', 'supersedes': 'VARCHAR'})`;
      const res = await con.runAndReadAll(
        `SELECT id, subject, kind, strftime(occurredAt, '%Y-%m-%d') AS occurredAt,
                strftime(reportedAt, '%Y-%m-%d') AS reportedAt, agency, basis, amount, severity, level, status,
                supersedes FROM ${src}`,
      );
      rows = res.getRowObjectsJS() as Record<string, unknown>[];
    } finally {
      con.closeSync();
      db.closeSync();
    }
  }
  return rows.map((row) => {
    const r: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) if (v !== null) r[k] = v;
    return r as unknown as CreditRecord;
  });
}

function expectIssue(err: unknown, code: string, path: (string | number)[]): void {
  expect(err).toBeInstanceOf(MosaicError);
  const issues = (err as MosaicError).issues;
  expect(issues.map((i) => [i.code, i.location?.path])).toContainEqual([code, path]);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

export function ledgerContract(name: string, factory: LedgerFactory): void {
  describe(`Ledger contract: ${name}`, () => {
    const cat = loadCatalogue(TEST_CATALOGUE);
    let h: LedgerHandle;
    let ledger: Ledger;
    const tmp = mkdtempSync(join(tmpdir(), `mosaic-contract-${name}-`));
    beforeEach(async () => {
      h = await factory(cat);
      ledger = h.ledger;
    });
    afterEach(async () => {
      await h.dispose();
    });
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    it('starts empty', async () => {
      expect(ledger.adapter).toBe(name);
      expect(await ledger.count()).toBe(0);
      const c = await ledger.scan();
      expect(c.length).toBe(0);
      expect(c.subject.length).toBe(0);
      expect(c.supersedeFrom.length).toBe(0);
      expect(await ledger.readSubject(P1)).toEqual([]);
      expect(await ledger.subjects()).toEqual([]);
      expect(await ledger.getSubject(P1)).toBeUndefined();
      for (const f of ['csv', 'jsonl', 'parquet'] as const) {
        const file = join(tmp, `empty.${f}`);
        expect(await ledger.export(f, file)).toBe(0);
        expect(await readExport(file, f)).toEqual([]);
      }
    });

    it('appends and reads a subject back in occurredAt, reportedAt, id order', async () => {
      const recs = fixtureRecords();
      expect(await ledger.append(recs)).toEqual({ inserted: recs.length, duplicates: 0 });
      expect(await ledger.count()).toBe(recs.length);
      for (const s of [P1, P2, F1]) {
        const expected = recs
          .filter((r) => r.subject === s)
          .sort((a, b) =>
            a.occurredAt !== b.occurredAt
              ? a.occurredAt < b.occurredAt
                ? -1
                : 1
              : a.reportedAt !== b.reportedAt
                ? a.reportedAt < b.reportedAt
                  ? -1
                  : 1
                : a.id < b.id
                  ? -1
                  : 1,
          );
        expect(await ledger.readSubject(s)).toEqual(expected);
      }
      expect(await ledger.readSubject(usccAt(7))).toEqual([]);
      expect((await ledger.agencies()).sort()).toEqual([...new Set(recs.map((r) => r.agency))].sort());
    });

    it('is idempotent within a batch and across batches', async () => {
      const recs = fixtureRecords();
      expect(await ledger.append([recs[0]!, recs[1]!, recs[0]!, { ...recs[1]! }])).toEqual({
        inserted: 2,
        duplicates: 2,
      });
      expect(await ledger.append(recs)).toEqual({ inserted: recs.length - 2, duplicates: 2 });
      expect(await ledger.append(recs)).toEqual({ inserted: 0, duplicates: recs.length });
      // Re-reporting the same statement later is the same record: reportedAt is not part of the id.
      expect(await ledger.append([{ ...recs[2]!, reportedAt: '2025-01-01' }])).toEqual({
        inserted: 0,
        duplicates: 1,
      });
      expect(await ledger.count()).toBe(recs.length);
      expect((await ledger.readSubject(P1)).filter((r) => r.id === recs[0]!.id)).toHaveLength(1);
      expect(await ledger.append([])).toEqual({ inserted: 0, duplicates: 0 });
    });

    it('rejects a whole batch for one bad record, locating every problem, and stores nothing', async () => {
      const recs = fixtureRecords();
      await ledger.append(recs.slice(0, 3));
      const batch: CreditRecord[] = [...recs.slice(3)];
      const padding = Array.from({ length: 20 }, (_, i) =>
        makeRecord({
          subject: usccAt(100 + i),
          kind: 'court.defaulter',
          occurredAt: '2024-01-01',
          reportedAt: '2024-01-02',
          agency: `新机构${i}`,
          basis: `新依据${i}`,
        }),
      );
      batch.push(...padding);
      batch[17] = { ...batch[17]!, kind: 'no.such_kind' };
      batch[18] = { ...batch[18]!, id: 'r0000000000000000' };
      batch[19] = { ...batch[19]!, occurredAt: '1969-12-31', reportedAt: '1969-12-31' };
      const err = await rejection(ledger.append(batch));
      expectIssue(err, 'record.unknown_kind', ['records', 17, 'kind']);
      expectIssue(err, 'record.bad_id', ['records', 18, 'id']);
      expectIssue(err, 'record.date_out_of_range', ['records', 19, 'occurredAt']);
      expect(
        (err as MosaicError).issues.every((i) => [17, 18, 19].includes(i.location?.path?.[1] as number)),
      ).toBe(true);
      expect(await ledger.count()).toBe(3);
      expect(await ledger.readSubject(usccAt(100))).toEqual([]);
      const c = await ledger.scan();
      expect(c.length).toBe(3);
      expect(c.agencies).not.toContain('新机构0');
      expect(c.subjects).not.toContain(usccAt(100));
      // The good part of the batch goes in afterwards, with nothing left over from the failed attempt.
      expect(await ledger.append([...recs.slice(3), ...padding])).toEqual({
        inserted: recs.length - 3 + padding.length,
        duplicates: 0,
      });
      const after = await ledger.scan();
      expect(after.length).toBe(recs.length + padding.length);
      expect(new Set(after.agencies).size).toBe(after.agencies.length);
    });

    it('rejects records that are not records, with coded reasons', async () => {
      const good = fixtureRecords()[0]!;
      const cases: [unknown, string, string][] = [
        [{ ...good, agency: '' }, 'record.missing_agency', 'agency'],
        [{ ...good, subject: P1.slice(0, 17) + (P1[17] === '0' ? '1' : '0') }, 'id.check_digit', 'subject'],
        [{ ...good, severity: 'detention!' }, 'record.unknown_severity', 'severity'],
        [{ ...good, amount: -1 }, 'record.bad_amount', 'amount'],
        [{ ...good, reportedAt: '2024-01-09' }, 'record.reported_before_occurred', 'reportedAt'],
        [{ ...good, occurredAt: '2024-02-30' }, 'record.bad_date', 'occurredAt'],
        [{ ...good, status: 'correction' }, 'record.missing_supersedes', 'supersedes'],
        [{ ...good, supersedes: 'R123' }, 'record.bad_supersedes', 'supersedes'],
        [{ ...good, amount: '12' }, 'record.bad_type', 'amount'],
      ];
      for (const [bad, code, field] of cases) {
        const err = await rejection(ledger.append([good, bad as CreditRecord]));
        expectIssue(err, code, ['records', 1, field]);
      }
      expectIssue(await rejection(ledger.append([null as unknown as CreditRecord])), 'record.not_object', [
        'records',
        0,
      ]);
      expect(await ledger.count()).toBe(0);
    });

    it('reads as of a date by reportedAt (knowledge time)', async () => {
      const recs = fixtureRecords();
      await ledger.append(recs);
      const asOf = (d: string) => ledger.readSubject(P1, d).then((rs) => rs.map((r) => r.id).sort());
      const known = (d: string) =>
        recs
          .filter((r) => r.subject === P1 && r.reportedAt <= d)
          .map((r) => r.id)
          .sort();
      // Before 1970 and after 2149 too: outside the stored day range, not an error (a server must not answer 5xx).
      for (const d of [
        '1900-01-01',
        '2000-01-01',
        '2024-01-11',
        '2024-01-12',
        '2024-02-29',
        '2024-03-01',
        '2024-12-31',
        '2200-01-01',
      ])
        expect(await asOf(d), d).toEqual(known(d));
      expect(await asOf('2024-01-11')).toHaveLength(1);
      expectIssue(
        await rejection(ledger.readSubject(P1, '2024-13-01')),
        'ledger.bad_date',
        undefined as never,
      );
    });

    it('links supersession pairs in the scan, including a target that arrives later', async () => {
      const recs = fixtureRecords();
      const [r1, r2, , , , c1, w1, orphan] = recs;
      await ledger.append(recs);
      const c = await ledger.scan();
      const row = (r: CreditRecord) => recs.indexOf(r);
      const pairs = [...c.supersedeFrom].map((f, i) => [f, c.supersedeTo[i]]);
      expect(pairs.sort((a, b) => a[0]! - b[0]!)).toEqual([
        [row(c1!), row(r2!)],
        [row(w1!), row(r1!)],
        [row(orphan!), -1],
      ]);
      expect(c.status[row(c1!)]).toBe(1);
      expect(c.status[row(w1!)]).toBe(2);
      // The orphan's target turns up: the pair resolves.
      const target = makeRecord({
        subject: P2,
        kind: 'court.defaulter',
        occurredAt: '2020-01-01',
        reportedAt: '2020-01-01',
        agency: 'A',
        basis: 'B',
      });
      const late = makeRecord({ ...orphan!, id: undefined, basis: 'later', supersedes: target.id });
      await ledger.append([late, target]);
      const c2 = await ledger.scan();
      const pairs2 = [...c2.supersedeFrom].map((f, i) => [f, c2.supersedeTo[i]]);
      expect(pairs2).toContainEqual([recs.length, recs.length + 1]);
      expect((await ledger.readSubject(P2)).find((r) => r.id === late.id)?.supersedes).toBe(target.id);
    });

    it('scans the same records the row reads return, in append order', async () => {
      const recs = fixtureRecords();
      await ledger.append(recs.slice(0, 4));
      await ledger.append(recs.slice(2));
      const c = await ledger.scan();
      expect(c.length).toBe(recs.length);
      for (const col of [
        c.subject,
        c.kind,
        c.agency,
        c.occurred,
        c.reported,
        c.amount,
        c.severity,
        c.level,
        c.status,
      ])
        expect(col.length).toBe(c.length);
      const decoded = Array.from({ length: c.length }, (_, i) => decodeRow(c, cat, i));
      expect(decoded).toEqual(recs.map(scanFields));
      const rows = (await Promise.all([P1, P2, F1].map((s) => ledger.readSubject(s)))).flat();
      expect(rows.map(scanFields).sort(byJson)).toEqual(decoded.sort(byJson));
    });

    it('exports Parquet, CSV and JSONL that read back to the stored records, byte-identical across adapters', async () => {
      const recs = fixtureRecords();
      await ledger.append(recs);
      const reference = new MemoryLedger(cat);
      await reference.append(recs);
      for (const f of ['parquet', 'csv', 'jsonl'] as const) {
        const file = join(tmp, `all-${name}.${f}`);
        expect(await ledger.export(f, file)).toBe(recs.length);
        expect(await readExport(file, f)).toEqual(recs);
        if (f !== 'parquet') {
          const ref = join(tmp, `ref.${f}`);
          await reference.export(f, ref);
          expect(readFileSync(file, 'utf8')).toBe(readFileSync(ref, 'utf8'));
        }
      }
    });

    it('keeps a subject register: insert, replace, read back', async () => {
      const subs = fixtureSubjects();
      await ledger.putSubjects(subs);
      expect(await ledger.getSubject(P1)).toEqual(subs[0]);
      expect(await ledger.getSubject(F1)).toEqual(subs[2]);
      expect(await ledger.subjects()).toEqual([...subs].sort((a, b) => (a.id < b.id ? -1 : 1)));
      const moved = {
        ...subs[1]!,
        jurisdiction: '110101',
        roles: ['state_personnel' as const],
        name: '李四',
      };
      await ledger.putSubjects([moved]);
      expect(await ledger.getSubject(P2)).toEqual(moved);
      expect(await ledger.subjects()).toHaveLength(3);
      // Within one call the last entry for an id wins.
      await ledger.putSubjects([
        { ...moved, name: 'first' },
        { ...moved, name: 'last' },
      ]);
      expect((await ledger.getSubject(P2))?.name).toBe('last');
      const err = await rejection(ledger.putSubjects([subs[0]!, { ...subs[2]!, type: 'natural' }]));
      expectIssue(err, 'subject.type_mismatch', ['subjects', 1, 'type']);
      expect((await ledger.getSubject(F1))?.type).toBe('legal');
    });

    it('finds register entries by name prefix, ordered by name then id, limited, never by substring', async () => {
      const [a, b, c] = fixtureSubjects();
      const more: Subject[] = [
        { ...b!, name: '荣成市某某渔业公司' },
        { ...c!, id: usccAt(1), name: '荣成市某某水产有限公司 "Ltd", \t tab' },
        { ...c!, id: usccAt(2), name: '威海荣成市场' },
        { ...c!, id: usccAt(3), name: '荣成%_公司' },
        { ...c!, id: usccAt(4), name: '荣成' },
      ];
      await ledger.putSubjects([a!, c!, ...more]);
      const ids = async (prefix: string, limit = 10) =>
        (await ledger.findSubjects(prefix, limit)).map((s) => s.id);
      const byName = [c!, ...more]
        .filter((s) => s.name!.startsWith('荣成'))
        .sort((x, y) => Buffer.compare(Buffer.from(x.name!), Buffer.from(y.name!)) || (x.id < y.id ? -1 : 1))
        .map((s) => s.id);
      expect(byName).toHaveLength(5);
      expect(await ids('荣成')).toEqual(byName);
      expect(await ids('荣成', 2)).toEqual(byName.slice(0, 2));
      // Same name, two ids: id order. A name that only contains the text is not found; LIKE's wildcards are text.
      expect(await ids('荣成市某某水产')).toEqual([c!.id, usccAt(1)].sort());
      expect(await ids('成市')).toEqual([]);
      expect(await ids('荣成%')).toEqual([usccAt(3)]);
      expect(await ids('荣成_')).toEqual([]);
      expect(await ids('张三')).toEqual([a!.id]);
      expect(await ids('荣成', 0)).toEqual([]);
      expect(await ids('荣成\u0000')).toEqual([]);
      // Whole entries come back, as getSubject reads them.
      expect(await ledger.findSubjects('张', 1)).toEqual([await ledger.getSubject(a!.id)]);
    });

    it('keeps register lists and text exact: [] vs [""], quotes, commas, newlines', async () => {
      const [a, b, c] = fixtureSubjects();
      const odd = [
        { ...a!, parents: [''], consents: ['a,b', 'say "x"'], name: 'line\nbreak, "q"' },
        { ...b!, parents: [], consents: [''], name: '' },
        { ...c!, name: ',' },
      ];
      await ledger.putSubjects(odd);
      expect(await ledger.getSubject(P1)).toEqual(odd[0]);
      expect(await ledger.getSubject(P2)).toEqual(odd[1]);
      expect(await ledger.getSubject(F1)).toEqual(odd[2]);
      const err = await rejection(ledger.putSubjects([{ ...a!, parents: ['x\u001fy'] }]));
      expectIssue(err, 'subject.control_character', ['subjects', 0, 'parents']);
      expect(await ledger.getSubject(P1)).toEqual(odd[0]);
    });

    it('stores batches handed over without waiting, in call order (the last entry for an id wins)', async () => {
      const [a, b, c] = fixtureSubjects();
      const pending = [
        ledger.putSubjects([{ ...a!, name: 'one' }, b!]),
        ledger.putSubjects([{ ...a!, name: 'two' }]),
        ledger.append(fixtureRecords().slice(0, 2)),
        ledger.putSubjects([c!, { ...b!, name: 'three' }]),
        ledger.putSubjects([{ ...a!, name: 'four' }]),
      ];
      await Promise.all(pending);
      expect((await ledger.getSubject(P1))?.name).toBe('four');
      expect((await ledger.getSubject(P2))?.name).toBe('three');
      expect(await ledger.getSubject(F1)).toEqual(c);
      expect(await ledger.subjects()).toHaveLength(3);
    });

    it('keeps unicode and escaping-prone text intact end to end', async () => {
      const recs = fixtureRecords();
      await ledger.append(recs);
      const got = await ledger.readSubject(P1);
      const r2 = got.find((r) => r.id === recs[1]!.id)!;
      expect(r2.basis).toBe('Art. 32\ttab\nnewline \\ backslash, comma; 引号"');
      expect(r2.agency).toBe('Tax bureau, "Weihai"');
      expect((await ledger.readSubject(F1)).map((r) => r.basis)).toContain('（2021）鲁1082执123号 😀');
      expect((await ledger.scan()).agencies).toContain('荣成市公安局');
    });

    it('survives close and reopen, still idempotent', async (ctx) => {
      if (!h.reopen) return ctx.skip();
      const recs = fixtureRecords();
      await ledger.append(recs.slice(0, 6));
      await ledger.putSubjects(fixtureSubjects());
      ledger = await h.reopen();
      expect(await ledger.count()).toBe(6);
      expect(await ledger.append(recs)).toEqual({ inserted: recs.length - 6, duplicates: 6 });
      expect(await ledger.readSubject(P1)).toHaveLength(recs.filter((r) => r.subject === P1).length);
      expect(await ledger.getSubject(F1)).toEqual(fixtureSubjects()[2]);
      const c = await ledger.scan();
      expect(Array.from({ length: c.length }, (_, i) => decodeRow(c, cat, i))).toEqual(recs.map(scanFields));
    });

    it('tells the subject of each stored id in one lookup, leaving out unknown and malformed ids', async () => {
      const recs = fixtureRecords();
      await ledger.append(recs);
      const unknown = 'r' + 'f'.repeat(16);
      const got = await ledger.subjectsOf!([...recs.map((r) => r.id), unknown, 'nope', 'R0000000000000000']);
      expect(got).toEqual(new Map(recs.map((r) => [r.id, r.subject])));
      // Halves at and above 2^31 (stored signed by PostgreSQL) come back as the same ids.
      expect(recs.some((r) => parseInt(r.id.slice(1, 9), 16) >= 2 ** 31)).toBe(true);
      if (h.reopen) ledger = await h.reopen();
      expect((await ledger.subjectsOf!([recs[0]!.id])).get(recs[0]!.id)).toBe(recs[0]!.subject);
      expect(await ledger.subjectsOf!([])).toEqual(new Map());
    });

    it('keeps receipts of files stored in full, across a reopen', async () => {
      const receipt = { key: 'sha256:ab:12:cat@1', rows: 12, records: 11, at: '2026-12-04T18:00:00.000Z' };
      expect(await ledger.fileReceipt!('sha256:ab:12:cat@1')).toBeUndefined();
      expect(await ledger.fileReceiptEnding!(':12:cat@1')).toBe(false);
      await ledger.putFileReceipt!(receipt);
      await ledger.putFileReceipt!({ ...receipt, records: 12 });
      if (h.reopen) ledger = await h.reopen();
      if (h.reopen || name === 'memory')
        expect(await ledger.fileReceipt!(receipt.key)).toEqual({ ...receipt, records: 12 });
      expect(await ledger.fileReceipt!('sha256:ab:12:cat@2')).toBeUndefined();
      // The size-and-catalogue look-up ingest makes before deciding to hash a file up front.
      expect(await ledger.fileReceiptEnding!(':12:cat@1')).toBe(true);
      expect(await ledger.fileReceiptEnding!(':12:cat@2')).toBe(false);
      expect(await ledger.fileReceiptEnding!(':2:cat@1')).toBe(false);
      expect(await ledger.fileReceiptEnding!("'%_:12:cat@1")).toBe(false);
    });

    it('bulk path (appendEncoded): stores what append stores, idempotent with append and across a reopen', async (ctx) => {
      if (!ledger.appendEncoded) return ctx.skip();
      const recs = fixtureRecords();
      // Batches of 3: a duplicate inside a batch, across batches, and supersession targets in earlier batches.
      const enc = encodeRecords(cat, [recs[0]!, ...recs, recs[1]!], 3);
      let inserted = 0;
      let duplicates = 0;
      for (const b of enc.batches) {
        const res = await ledger.appendEncoded(b);
        inserted += res.inserted;
        duplicates += res.duplicates;
      }
      expect({ inserted, duplicates }).toEqual({ inserted: recs.length, duplicates: 2 });
      const ref = new MemoryLedger(cat);
      await ref.append(recs);
      for (const s of [P1, P2, F1]) expect(await ledger.readSubject(s)).toEqual(await ref.readSubject(s));
      const c = await ledger.scan();
      expect(Array.from({ length: c.length }, (_, i) => decodeRow(c, cat, i))).toEqual(recs.map(scanFields));
      expect([...c.supersedeFrom]).toEqual([...(await ref.scan()).supersedeFrom]);
      expect([...c.supersedeTo]).toEqual([...(await ref.scan()).supersedeTo]);
      expect(await ledger.append(recs)).toEqual({ inserted: 0, duplicates: recs.length });
      if (h.reopen) ledger = await h.reopen();
      const again = encodeRecords(cat, recs);
      expect(await ledger.appendEncoded!(again.batches[0]!)).toEqual({
        inserted: 0,
        duplicates: recs.length,
      });
      expect(await ledger.count()).toBe(recs.length);
      // A batch filled by anything but EncodedRecords.push (unchecked columns) is refused.
      const forged = new EncodedBatch(again.strings, 1);
      forged.length = 1;
      // A row longer than the adapters' write pieces (PostgreSQL's are 64 KiB), with text that needs escaping.
      const long = makeRecord({
        subject: P2,
        kind: 'court.defaulter',
        occurredAt: '2024-03-01',
        reportedAt: '2024-03-02',
        agency: '法院\t' + 'a'.repeat(40),
        basis: 'x\\y\n'.repeat(30_000),
      });
      expect(await ledger.appendEncoded!(encodeRecords(cat, [long]).batches[0]!)).toEqual({
        inserted: 1,
        duplicates: 0,
      });
      expect((await ledger.readSubject(P2)).find((r) => r.id === long.id)).toEqual(long);
      const err = await rejection(ledger.appendEncoded!(forged));
      expect(err).toBeInstanceOf(MosaicError);
      expect((err as MosaicError).issues.map((i) => i.code)).toEqual(['ledger.internal']);
    });

    it('appends past every internal growth boundary, reopens, and appends again about the same subjects', async () => {
      // Boundaries: the subject-type table and the id indexes start at 1,024 entries and double; the DuckDB appender
      // writes 2,048-row chunks; the memory ledger's basis column widens past 65,536 distinct bases. 5,000 subjects
      // (legal persons above index 4,000) with 14 records each and one basis per record crosses all of them.
      const S = 5_000;
      const subjectAt = (i: number) => (i < 4_000 ? residentIdAt(i) : usccAt(i));
      const recordAt = (i: number, round: number) =>
        makeRecord({
          subject: subjectAt(i % S),
          kind: 'court.defaulter',
          occurredAt: fromEpochDay(19_000 + round),
          reportedAt: fromEpochDay(19_000 + round),
          agency: `机构${i % 97}`,
          basis: `依据 ${round}-${i}`,
        });
      const first = Array.from({ length: S * 14 }, (_, i) => recordAt(i, Math.floor(i / S)));
      // Where the adapter has the bulk path, every other batch goes through it: both cross the boundaries.
      const put = (rs: CreditRecord[], bulk: boolean) =>
        bulk && ledger.appendEncoded
          ? ledger.appendEncoded(encodeRecords(cat, rs, rs.length).batches[0]!)
          : ledger.append(rs);
      for (let i = 0; i < first.length; i += 20_000)
        expect(await put(first.slice(i, i + 20_000), i % 40_000 === 20_000)).toEqual({
          inserted: Math.min(20_000, first.length - i),
          duplicates: 0,
        });
      if (h.reopen) ledger = await h.reopen();
      // Re-running the whole input stores nothing; new statements about stored subjects (every index, far past
      // 1,024) go in; a subject's type is still enforced after the reopen.
      expect(await ledger.append(first.slice(0, 30_000))).toEqual({ inserted: 0, duplicates: 30_000 });
      expect(await put(first.slice(0, 30_000), true)).toEqual({ inserted: 0, duplicates: 30_000 });
      const later = Array.from({ length: S }, (_, i) => recordAt(S - 1 - i, 99));
      expect(await put([...later.slice(0, 2_500), ...first.slice(30_000, 40_000)], true)).toEqual({
        inserted: 2_500,
        duplicates: 10_000,
      });
      expect(await ledger.append([...later, ...first.slice(30_000)])).toEqual({
        inserted: S - 2_500,
        duplicates: first.length - 30_000 + 2_500,
      });
      const drunkFirm = makeRecord({
        subject: subjectAt(S - 1),
        kind: 'traffic.drunk_driving',
        occurredAt: '2024-01-01',
        reportedAt: '2024-01-01',
        agency: 'A',
        basis: 'B',
      });
      expectIssue(await rejection(ledger.append([drunkFirm])), 'record.subject_type', [
        'records',
        0,
        'subject',
      ]);
      expect(await ledger.count()).toBe(first.length + S);
      for (const i of [0, 1_023, 1_024, 1_025, 2_048, 4_095, 4_096, S - 1])
        expect((await ledger.readSubject(subjectAt(i))).map((r) => r.basis).sort()).toEqual(
          [...first.filter((r) => r.subject === subjectAt(i)), recordAt(i, 99)].map((r) => r.basis).sort(),
        );
      const c = await ledger.scan();
      expect(c.length).toBe(first.length + S);
      expect(new Set(c.subjects).size).toBe(S);
      expect((await ledger.agencies()).length).toBe(97);
    }, 60_000);
  });
}

function byJson(a: unknown, b: unknown): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
