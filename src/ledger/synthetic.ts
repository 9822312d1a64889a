// Deterministic synthetic ledgers for benchmarks and kill tests: valid fictional subjects and records from a seed.
import type { Catalogue } from '../core/catalogue.js';
import { fromEpochDay } from '../core/dates.js';
import {
  FICTIONAL_ORG_PREFIX,
  FICTIONAL_SEQUENCE_MAX,
  FICTIONAL_SEQUENCE_MIN,
} from '../core/identifiers-gen.js';
import { orgCodeCheckChar, residentIdCheckChar, usccCheckChar } from '../core/identifiers.js';
import { Rng } from '../core/rng.js';
import { ISSUER_LEVELS, makeRecord, type CreditRecord, type IssuerLevel } from '../core/types.js';
import { dayString } from './codec.js';

// County-level division codes (GB/T 2260) around the schemes Mosaic models (DOMAIN §2, §3).
const DIVISIONS = ['371082', '371003', '371002', '370102', '110101', '440305', '330106', '320505'];
const AGENCY_NAMES = ['人民法院', '公安局', '税务局', '市场监督管理局', '生态环境局', '人力资源和社会保障局'];
const BIRTH_EPOCH_DAY = -7305; // 1950-01-01
const BIRTH_SPAN = 20_000; // days, ~55 years

/**
 * The i-th fictional resident ID: unique for i < 8 × 96 × 20,000, valid under GB 11643 (checked in tests).
 * Address, sequence and birth date are a bijection of i, so no set is needed to avoid repeats. Sequence codes stay
 * in 900–995, away from real issuance (docs/decisions/0020).
 */
export function residentIdAt(i: number): string {
  const addr = DIVISIONS[i % DIVISIONS.length]!;
  const rest = Math.floor(i / DIVISIONS.length);
  const span = FICTIONAL_SEQUENCE_MAX - FICTIONAL_SEQUENCE_MIN + 1;
  const seq = FICTIONAL_SEQUENCE_MIN + (rest % span);
  const dayIdx = Math.floor(rest / span);
  const birth = fromEpochDay(BIRTH_EPOCH_DAY + ((dayIdx * 7919) % BIRTH_SPAN)).replace(/-/g, '');
  const first17 = addr + birth + String(seq);
  return flat(first17, residentIdCheckChar(first17));
}

/**
 * a + b as one flat string, as a file or request parser hands ids over. `+` would give a V8 cons string (a pair of
 * pointers), which benchmarks would then measure instead of the ids real callers pass.
 */
function flat(a: string, b: string): string {
  return [a, b].join('');
}

/** The i-th fictional USCC of an enterprise (type 91), valid under GB 32100 and GB 11714; body starts with Y. */
export function usccAt(i: number): string {
  const division = DIVISIONS[i % DIVISIONS.length]!;
  const body = FICTIONAL_ORG_PREFIX + String(10_000_000 + Math.floor(i / DIVISIONS.length)).slice(-7);
  const first17 = '91' + division + body + orgCodeCheckChar(body);
  return flat(first17, usccCheckChar(first17));
}

export interface SyntheticOptions {
  records: number;
  subjects: number;
  seed?: number;
  /** Share of subjects that are legal persons. */
  legalShare?: number;
  /** Share of records that correct or withdraw an earlier record of the same subject. */
  correctionShare?: number;
  /** First occurred-at day (epoch day) and span in days. */
  startDay?: number;
  days?: number;
  agencies?: number;
  bases?: number;
}

/** Subject ids: natural persons first, then legal persons, in a fixed order. */
export function syntheticSubjectIds(count: number, legalShare = 0.1): string[] {
  const legal = Math.round(count * legalShare);
  const out: string[] = [];
  for (let i = 0; i < count - legal; i++) out.push(residentIdAt(i));
  for (let i = 0; i < legal; i++) out.push(usccAt(i));
  return out;
}

/**
 * Generate valid records against `cat` (any catalogue: kinds are chosen among those the subject's type allows).
 * Same options, same records, in the same order.
 */
export function syntheticRecords(cat: Catalogue, opts: SyntheticOptions): CreditRecord[] {
  const rng = new Rng(opts.seed ?? 1);
  const legalShare = opts.legalShare ?? 0.1;
  const ids = syntheticSubjectIds(opts.subjects, legalShare);
  const naturalCount = opts.subjects - Math.round(opts.subjects * legalShare);
  const kindsFor = (natural: boolean) =>
    cat.kinds.filter((k) => k.subjects.includes(natural ? 'natural' : 'legal'));
  const naturalKinds = kindsFor(true);
  const legalKinds = kindsFor(false);
  const agencies = Array.from(
    { length: opts.agencies ?? 400 },
    (_, i) =>
      `${DIVISIONS[i % DIVISIONS.length]}${AGENCY_NAMES[i % AGENCY_NAMES.length]}${Math.floor(i / 48) || ''}`,
  );
  const bases = Array.from(
    { length: opts.bases ?? 5000 },
    (_, i) => `鲁${2018 + (i % 7)}〔${1 + (i % 97)}〕${i}号`,
  );
  const start = opts.startDay ?? 17_532; // 2018-01-01
  const span = opts.days ?? 2_500;
  const corrections = opts.correctionShare ?? 0.01;
  const recent: CreditRecord[] = [];
  const out: CreditRecord[] = new Array(opts.records);
  for (let i = 0; i < opts.records; i++) {
    if (recent.length > 16 && rng.next() < corrections) {
      const target = recent[rng.int(recent.length)]!;
      const withdraw = rng.next() < 0.3;
      const occurred = target.occurredAt;
      const reportedDay = Math.min(
        65_535,
        Math.round(Date.parse(target.reportedAt) / 86_400_000) + 1 + rng.int(90),
      );
      out[i] = makeRecord({
        subject: target.subject,
        kind: target.kind,
        occurredAt: occurred,
        reportedAt: dayString(reportedDay),
        agency: target.agency,
        // A fresh basis (the correcting decision's number) keeps every generated statement distinct.
        basis: `${target.basis}（更正${i}）`,
        amount: withdraw ? undefined : target.amount,
        severity: target.severity,
        level: target.level,
        status: withdraw ? 'withdrawal' : 'correction',
        supersedes: target.id,
      });
      continue;
    }
    const sIx = rng.int(ids.length);
    const natural = sIx < naturalCount;
    const kinds = natural ? naturalKinds : legalKinds;
    const kind = kinds[rng.int(kinds.length)]!;
    const occurred = start + rng.int(span);
    const reported = occurred + rng.int(30);
    let amount: number | undefined;
    if (kind.unit === 'yuan') amount = rng.int(2_000_000) / 100;
    else if (kind.unit) amount = 1 + rng.int(200);
    const severity = kind.severities?.length ? kind.severities[rng.int(kind.severities.length)] : undefined;
    const level: IssuerLevel | undefined = rng.next() < 0.7 ? ISSUER_LEVELS[rng.int(3)] : undefined;
    const rec = makeRecord({
      subject: ids[sIx]!,
      kind: kind.code,
      occurredAt: dayString(occurred),
      reportedAt: dayString(reported),
      agency: agencies[rng.int(agencies.length)]!,
      basis: bases[rng.int(bases.length)]!,
      amount,
      severity,
      level,
    });
    out[i] = rec;
    if (recent.length < 1024) recent.push(rec);
    else recent[rng.int(1024)] = rec;
  }
  return out;
}
