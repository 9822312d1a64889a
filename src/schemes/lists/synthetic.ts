// Seeded random list worlds (people, firms, families, messy lifecycle statements) and their columnar form, for
// differential and property tests. Deliberately includes what real ledgers contain: late reports, extensions out of
// range or after the term, deletions in the wrong case, corrections and withdrawals.
import type { Catalogue } from '../../core/catalogue.js';
import { addYears, fromEpochDay, toEpochDay } from '../../core/dates.js';
import { generateResidentId, generateUscc, randomBirthDate } from '../../core/identifiers-gen.js';
import type { Rng } from '../../core/rng.js';
import {
  RECORD_STATUSES,
  makeRecord,
  type CreditRecord,
  type RecordInput,
  type Subject,
} from '../../core/types.js';
import { allocColumns, type RecordColumns } from '../../ledger/ledger.js';
import type { ListPolicy } from './policy.js';

export interface WorldOptions {
  naturals: number;
  entities: number;
  /** Subjects that receive lifecycle statements. */
  listed: number;
  /** Epoch-day range of decisions. */
  from: string;
  to: string;
}

export interface ListWorld {
  subjects: Subject[];
  records: CreditRecord[];
}

const CASES = ['c1', 'c2', 'c3'];

/** A random world. Same seed, same world. */
export function randomListWorld(rng: Rng, policy: ListPolicy, o: WorldOptions): ListWorld {
  const subjects: Subject[] = [];
  const adults: string[] = [];
  for (let i = 0; i < o.naturals; i++) {
    const birthDate = randomBirthDate(rng, '1950-01-01', '2016-12-31');
    const sex = rng.bernoulli(0.5) ? 'M' : 'F';
    const id = generateResidentId(rng, { addressCode: '110105', birthDate, sex });
    const s: Subject = { id, type: 'natural', jurisdiction: '110105', roles: [], birthDate, sex };
    if (birthDate > '1998-01-01' && adults.length) {
      s.parents = [rng.pick(adults)];
      if (rng.bernoulli(0.5)) s.parents.push(rng.pick(adults));
      s.parents = [...new Set(s.parents)];
    }
    if (birthDate < '1990-01-01') adults.push(id);
    subjects.push(s);
  }
  for (let i = 0; i < o.entities; i++) {
    const id = generateUscc(rng, { typePair: '91', divisionCode: '110108' });
    const s: Subject = { id, type: 'legal', jurisdiction: '110108', roles: [] };
    if (adults.length) {
      s.legalRepresentative = rng.pick(adults);
      if (rng.bernoulli(0.5)) s.principal = rng.pick(adults);
      if (rng.bernoulli(0.3)) s.actualController = rng.pick(adults);
      // Every fourth entity names a person directly responsible for its debt; chosen without the RNG so the rest of
      // the synthetic data stays as it was.
      if (i % 4 === 0) s.directlyResponsible = [adults[(i * 7919) % adults.length]!];
    }
    subjects.push(s);
  }
  const lo = toEpochDay(o.from);
  const hi = toEpochDay(o.to);
  const byId = new Map<string, CreditRecord>();
  const put = (r: RecordInput) => {
    const rec = makeRecord(r);
    byId.set(rec.id, rec);
    return rec;
  };
  for (let n = 0; n < o.listed; n++) {
    const s = rng.pick(subjects);
    const lists = policy.lists.filter((l) => l.subjects.includes(s.type));
    const acts = 1 + rng.int(3);
    for (let k = 0; k < acts; k++) {
      const list = rng.pick(lists);
      const kase = rng.pick(CASES);
      const day = rng.range(Math.max(lo, toEpochDay(list.in_force)), hi);
      const iso = (d: number) => fromEpochDay(Math.min(d, 65_000));
      const late = (d: number) => iso(d + (rng.bernoulli(0.7) ? 0 : rng.int(30)));
      const base = { subject: s.id, agency: list.owner.agency, basis: kase };
      if (list.kinds.warning && rng.bernoulli(0.8))
        put({ ...base, kind: list.kinds.warning, occurredAt: iso(day - rng.int(60)), reportedAt: iso(day) });
      const crit = list.criteria?.length ? rng.pick(list.criteria).code : undefined;
      const listing = put({
        ...base,
        kind: list.kinds.listing,
        occurredAt: iso(day),
        reportedAt: late(day),
        ...(crit ? { severity: crit } : {}),
      });
      if (list.kinds.publication && rng.bernoulli(0.5))
        put({
          ...base,
          kind: list.kinds.publication,
          occurredAt: iso(day + rng.int(10)),
          reportedAt: iso(day + 10),
        });
      const ext = list.extension;
      if (ext && list.kinds.extension && rng.bernoulli(0.4)) {
        const d = day + rng.int(900);
        put({
          ...base,
          kind: list.kinds.extension,
          occurredAt: iso(d),
          reportedAt: late(d),
          amount: rng.pick([6, 12, 24, 36, 48]),
        });
      }
      if (rng.bernoulli(0.5)) {
        const d = day + rng.int(1200) - (rng.bernoulli(0.1) ? 100 : 0);
        const ground = rng.pick(list.deletion.grounds).code;
        put({
          ...base,
          kind: list.kinds.deletion,
          occurredAt: iso(Math.max(d, lo)),
          reportedAt: late(Math.max(d, lo)),
          severity: ground,
        });
      }
      if (list.kinds.expiry && rng.bernoulli(0.3)) {
        const d = addYears(day, 2);
        const sev = list.kinds.expiry.severity;
        put({
          ...base,
          kind: list.kinds.expiry.kind,
          occurredAt: iso(d),
          reportedAt: late(d),
          ...(sev ? { severity: sev } : {}),
        });
      }
      if (rng.bernoulli(0.15)) {
        const r = day + 1 + rng.int(400);
        const corrected = list.criteria?.length ? rng.pick(list.criteria).code : undefined;
        if (rng.bernoulli(0.5))
          put({
            ...base,
            kind: list.kinds.listing,
            occurredAt: listing.occurredAt,
            reportedAt: iso(r),
            status: 'withdrawal',
            supersedes: listing.id,
          });
        else
          put({
            ...base,
            kind: list.kinds.listing,
            occurredAt: listing.occurredAt,
            reportedAt: iso(r),
            status: 'correction',
            supersedes: listing.id,
            ...(corrected ? { severity: corrected } : {}),
          });
      }
    }
  }
  const records = [...byId.values()].sort((a, b) =>
    a.reportedAt < b.reportedAt ? -1 : a.reportedAt > b.reportedAt ? 1 : a.id < b.id ? -1 : 1,
  );
  return { subjects, records };
}

/** The columnar form of records, as a ledger's scan() returns it (for tests and benchmarks without a ledger). */
export function columnsOf(records: readonly CreditRecord[], cat: Catalogue): RecordColumns {
  const n = records.length;
  const subjects: string[] = [];
  const sIdx = new Map<string, number>();
  const agencies: string[] = [];
  const aIdx = new Map<string, number>();
  const row = new Map<string, number>();
  const dict = (m: Map<string, number>, arr: string[], k: string) => {
    let i = m.get(k);
    if (i === undefined) {
      i = arr.length;
      arr.push(k);
      m.set(k, i);
    }
    return i;
  };
  const cols: RecordColumns = allocColumns(n, subjects, agencies);
  const from: number[] = [];
  const to: number[] = [];
  records.forEach((r, i) => {
    row.set(r.id, i);
    const k = cat.index(r.kind);
    cols.subject[i] = dict(sIdx, subjects, r.subject);
    cols.kind[i] = k;
    cols.agency[i] = dict(aIdx, agencies, r.agency);
    cols.occurred[i] = toEpochDay(r.occurredAt);
    cols.reported[i] = toEpochDay(r.reportedAt);
    cols.amount[i] = r.amount ?? NaN;
    cols.severity[i] = cat.severityCode(k, r.severity);
    cols.level[i] = 0;
    cols.status[i] = RECORD_STATUSES.indexOf(r.status);
  });
  records.forEach((r, i) => {
    if (r.supersedes === undefined) return;
    from.push(i);
    to.push(row.get(r.supersedes) ?? -1);
  });
  cols.supersedeFrom = Int32Array.from(from);
  cols.supersedeTo = Int32Array.from(to);
  return cols;
}
