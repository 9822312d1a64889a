// Generates the shipped sample: a small, deterministic register of fictional subjects and their credit records.
import { writeFileSync } from 'node:fs';
import type { Catalogue, RecordKind } from '../core/catalogue.js';
import type { WorkingCalendar } from '../core/calendar.js';
import { fromEpochDay, toEpochDay } from '../core/dates.js';
import { MosaicError } from '../core/errors.js';
import { generateResidentId, generateUscc, randomBirthDate } from '../core/identifiers-gen.js';
import { Rng } from '../core/rng.js';
import { shipped } from '../core/paths.js';
import {
  ISSUER_LEVELS,
  makeRecord,
  type CreditRecord,
  type Hukou,
  type IssuerLevel,
  type Role,
  type Sex,
  type Subject,
} from '../core/types.js';

export const SAMPLE_SEED = 'mosaic-sample-v1';

/** Weihai prefecture, Shandong (DOMAIN §2): the home of the Rongcheng and Wendeng schemes. Codes per GB/T 2260 [U]. */
export const SAMPLE_PLACES = {
  rongcheng: '371082',
  wendeng: '371003',
  huancui: '371002',
} as const;

export function sampleDir(): string {
  return shipped('scenarios', 'sample');
}

interface PersonPlan {
  surname: string;
  sex: Sex;
  hukou: Hukou;
  place: keyof typeof SAMPLE_PLACES;
  born: [string, string];
  roles: Role[];
}

// Names follow the convention of published Chinese judgments, which replace given names by 某 ("so-and-so").
const PEOPLE: PersonPlan[] = [
  {
    surname: '王',
    sex: 'M',
    hukou: 'urban',
    place: 'rongcheng',
    born: ['1975-01-01', '1985-12-31'],
    roles: ['state_personnel', 'party_member'],
  },
  {
    surname: '李',
    sex: 'M',
    hukou: 'rural',
    place: 'rongcheng',
    born: ['1965-01-01', '1975-12-31'],
    roles: ['village_cadre', 'party_member'],
  },
  {
    surname: '张',
    sex: 'F',
    hukou: 'urban',
    place: 'rongcheng',
    born: ['1980-01-01', '1990-12-31'],
    roles: ['legal_representative'],
  },
  {
    surname: '刘',
    sex: 'M',
    hukou: 'urban',
    place: 'wendeng',
    born: ['1970-01-01', '1980-12-31'],
    roles: ['legal_representative'],
  },
  {
    surname: '陈',
    sex: 'F',
    hukou: 'rural',
    place: 'rongcheng',
    born: ['1990-01-01', '2000-12-31'],
    roles: [],
  },
  {
    surname: '杨',
    sex: 'M',
    hukou: 'rural',
    place: 'wendeng',
    born: ['1955-01-01', '1965-12-31'],
    roles: [],
  },
  {
    surname: '赵',
    sex: 'F',
    hukou: 'urban',
    place: 'huancui',
    born: ['1985-01-01', '1995-12-31'],
    roles: ['party_member'],
  },
  {
    surname: '黄',
    sex: 'M',
    hukou: 'urban',
    place: 'rongcheng',
    born: ['1992-01-01', '2002-12-31'],
    roles: [],
  },
  {
    surname: '周',
    sex: 'F',
    hukou: 'rural',
    place: 'wendeng',
    born: ['1978-01-01', '1988-12-31'],
    roles: [],
  },
  {
    surname: '吴',
    sex: 'M',
    hukou: 'rural',
    place: 'rongcheng',
    born: ['1960-01-01', '1970-12-31'],
    roles: ['legal_representative'],
  },
  {
    surname: '徐',
    sex: 'F',
    hukou: 'urban',
    place: 'wendeng',
    born: ['1982-01-01', '1992-12-31'],
    roles: ['state_personnel'],
  },
  {
    surname: '孙',
    sex: 'M',
    hukou: 'urban',
    place: 'huancui',
    born: ['1988-01-01', '1998-12-31'],
    roles: [],
  },
  {
    surname: '朱',
    sex: 'M',
    hukou: 'rural',
    place: 'wendeng',
    born: ['1968-01-01', '1978-12-31'],
    roles: ['party_member'],
  },
  {
    surname: '胡',
    sex: 'F',
    hukou: 'urban',
    place: 'rongcheng',
    born: ['1950-01-01', '1958-12-31'],
    roles: [],
  },
  {
    surname: '马',
    sex: 'F',
    hukou: 'rural',
    place: 'rongcheng',
    born: ['1998-01-01', '2004-12-31'],
    roles: [],
  },
];

interface FirmPlan {
  name: string;
  typePair: string;
  place: keyof typeof SAMPLE_PLACES;
  /** Index into PEOPLE of the legal representative. */
  representative: number;
}

const FIRMS: FirmPlan[] = [
  { name: '荣成某某食品有限公司', typePair: '91', place: 'rongcheng', representative: 2 },
  { name: '威海某某建筑工程有限公司', typePair: '91', place: 'wendeng', representative: 3 },
  { name: '荣成市某某海产品专业合作社', typePair: '93', place: 'rongcheng', representative: 9 },
  { name: '文登区某某小吃店', typePair: '92', place: 'wendeng', representative: 3 },
];

export interface Sample {
  subjects: Subject[];
  records: CreditRecord[];
}

export interface SampleOptions {
  seed?: string | number;
  /** Records drawn at random on top of the scripted stories. */
  records?: number;
  /** The window occurrences are drawn from; must lie inside the calendar. */
  from?: string;
  to?: string;
}

/**
 * A deterministic sample for the given catalogue: the same seed and catalogue give the same files. Record kinds are
 * taken from the catalogue at run time, so the sample follows the catalogue as it grows; a few scripted stories
 * (a listing and its deletion, a correction, a withdrawal) are added when their kinds exist.
 */
export function generateSample(
  catalogue: Catalogue,
  calendar: WorkingCalendar,
  options: SampleOptions = {},
): Sample {
  const rng = new Rng(options.seed ?? SAMPLE_SEED);
  const idRng = rng.fork('ids');
  const from = toEpochDay(options.from ?? '2024-03-01');
  const to = toEpochDay(options.to ?? '2026-06-30');
  const subjects: Subject[] = [];
  const people: Subject[] = PEOPLE.map((p, i) => {
    const birthDate = randomBirthDate(idRng, p.born[0], p.born[1]);
    const id = generateResidentId(idRng, { addressCode: SAMPLE_PLACES[p.place], birthDate, sex: p.sex });
    return {
      id,
      type: 'natural',
      name: p.surname + (i % 2 ? '某' : '某某'),
      jurisdiction: SAMPLE_PLACES[p.place],
      hukou: p.hukou,
      roles: [...p.roles],
      birthDate,
      sex: p.sex,
    };
  });
  subjects.push(...people);
  // A child of the first two urban residents' household, for relational measures on children (DOMAIN §4.1).
  const childBirth = randomBirthDate(idRng, '2012-01-01', '2014-12-31');
  subjects.push({
    id: generateResidentId(idRng, { addressCode: SAMPLE_PLACES.rongcheng, birthDate: childBirth, sex: 'F' }),
    type: 'natural',
    name: '王某',
    jurisdiction: SAMPLE_PLACES.rongcheng,
    hukou: 'urban',
    roles: [],
    birthDate: childBirth,
    sex: 'F',
    parents: [people[0]!.id, people[2]!.id],
  });
  const firms: Subject[] = FIRMS.map((f) => ({
    id: generateUscc(idRng, { typePair: f.typePair, divisionCode: SAMPLE_PLACES[f.place] }),
    type: 'legal',
    name: f.name,
    jurisdiction: SAMPLE_PLACES[f.place],
    roles: [],
    legalRepresentative: people[f.representative]!.id,
  }));
  subjects.push(...firms);

  const records: CreditRecord[] = [];
  const recRng = rng.fork('records');
  const day = () => from + recRng.int(to - from + 1);
  const report = (occurred: number) => fromEpochDay(calendar.addWorkingDays(occurred, recRng.range(1, 7)));
  const caseNo = (court: string, year: number) => `(${year})鲁${court}执${recRng.range(100, 999)}号`;

  // Scripted stories, each only when the catalogue has its kinds: a listing and what follows from it.
  const has = (...codes: string[]) => codes.every((c) => catalogue.has(c));
  const story = (
    subj: Subject,
    steps: [string, number, string | undefined][],
    agency: string,
    basis: string,
  ) => {
    let at = Math.max(from, day() - 250);
    for (const [kind, gap, severity] of steps) {
      at = calendar.addWorkingDays(at, gap);
      if (has(kind))
        records.push(rec(subj, kind, at, report(at), agency, basis, catalogue, recRng, severity));
    }
  };
  if (has('court.defaulter_listed', 'court.defaulter_deleted'))
    for (const subj of [firms[1]!, people[5]!]) {
      const court = subj.jurisdiction === SAMPLE_PLACES.wendeng ? '1003' : '1082';
      story(
        subj,
        [
          ['court.enforcement_warning', 1, undefined],
          ['court.defaulter_listed', 15, 'e2'],
          ['court.defaulter_published', 1, undefined],
          ['court.consumption_restricted', 1, undefined],
          ['court.defaulter_deleted', 120, 'performed'],
          ['court.consumption_restriction_lifted', 1, 'performed'],
        ],
        'court',
        caseNo(court, 2024),
      );
    }
  if (has('samr.abnormal_listed', 'samr.abnormal_exited'))
    story(
      firms[0]!,
      [
        ['samr.abnormal_listed', 1, 'annual_report_missing'],
        ['samr.abnormal_exited', 60, 'duty_fulfilled'],
      ],
      'samr',
      `荣市监异〔2025〕${recRng.range(10, 99)}号`,
    );
  if (has('tax.a_grade_listed'))
    story(firms[2]!, [['tax.a_grade_listed', 1, undefined]], 'tax', `威税A〔2025〕${recRng.range(10, 99)}号`);

  // Random draws avoid the list lifecycles (they only make sense as stories) when other kinds exist.
  let pool = catalogue.kinds.filter((k) => !LIST_LIFECYCLE.test(k.code));
  if (!pool.length) pool = catalogue.kinds.filter((k) => !SCRIPTED_ONLY.test(k.code));
  if (!pool.length)
    throw new MosaicError({
      code: 'sample.no_kinds',
      message: `catalogue ${catalogue.version} has no kinds to sample`,
    });
  const want = options.records ?? 85;
  // Children (entries with parents) get no random records; role-specific kinds go only to holders of the role.
  const adults = subjects.filter((x) => !x.parents);
  for (let n = 0; n < want; n++) {
    const subj = adults[recRng.int(adults.length)]!;
    const kinds = pool.filter((k) => k.subjects.includes(subj.type));
    const weights = kinds.map((k) => kindWeight(k, subj));
    if (!weights.some((w) => w > 0)) continue;
    const kind = kinds[recRng.weighted(weights)]!;
    const occurred = day();
    const domain = kind.code.split('.')[0]!;
    const basis = `${domain}-${fromEpochDay(occurred).slice(0, 4)}-${String(recRng.range(1, 999)).padStart(3, '0')}`;
    records.push(rec(subj, kind.code, occurred, report(occurred), domain, basis, catalogue, recRng));
  }

  // A correction and a withdrawal: new statements that supersede earlier ones (nothing is updated in place).
  let originals = records.filter((r) => r.status === 'original' && !LIST_LIFECYCLE.test(r.kind));
  if (originals.length < 2)
    originals = records.filter((r) => r.status === 'original' && !SCRIPTED_ONLY.test(r.kind));
  if (originals.length >= 2) {
    const a = originals[recRng.int(originals.length)]!;
    const corrected: CreditRecord = makeRecord({
      ...withoutId(a),
      status: 'correction',
      supersedes: a.id,
      reportedAt: fromEpochDay(calendar.addWorkingDays(toEpochDay(a.reportedAt), 10)),
      ...(a.amount !== undefined ? { amount: Math.round(a.amount / 2) } : {}),
    });
    records.push(corrected);
    const b = originals.find((r) => r.id !== a.id)!;
    records.push(
      makeRecord({
        subject: b.subject,
        kind: b.kind,
        occurredAt: b.occurredAt,
        reportedAt: fromEpochDay(calendar.addWorkingDays(toEpochDay(b.reportedAt), 20)),
        agency: b.agency,
        basis: `${b.basis} (revoked)`,
        status: 'withdrawal',
        supersedes: b.id,
      }),
    );
  }
  records.sort((x, y) =>
    x.reportedAt < y.reportedAt ? -1 : x.reportedAt > y.reportedAt ? 1 : x.id < y.id ? -1 : 1,
  );
  return { subjects, records };
}

/** Kinds of the list lifecycles (policies/catalogue/30-lists.yaml): drawn at random only if nothing else exists. */
const LIST_LIFECYCLE = /^(court|samr|receipt)\.|^tax\.a_grade_/;

/** Lifecycle kinds that only make sense inside a story (a deletion needs a listing), never drawn at random. */
const SCRIPTED_ONLY =
  /^(court\.(defaulter_(deleted|listing_expired|listing_extended|correction_\w+|published)|consumption_\w+)|receipt\.\w+|\w+\.\w+_(removed|revoked|exited|lifted))$/;

function withoutId(r: CreditRecord): Omit<CreditRecord, 'id'> {
  const { id: _id, ...rest } = r;
  return rest;
}

const LEVEL_WEIGHTS = [5, 3, 2, 1, 1, 1];

function rec(
  subj: Subject,
  kindCode: string,
  occurred: number,
  reportedAt: string,
  agency: string,
  basis: string,
  catalogue: Catalogue,
  rng: Rng,
  severity?: string,
): CreditRecord {
  const kind = catalogue.get(kindCode)!;
  const level: IssuerLevel = ISSUER_LEVELS[rng.weighted(LEVEL_WEIGHTS)]!;
  const sev = severity ?? (kind.severities?.length ? rng.pick(kind.severities) : undefined);
  const amount = amountFor(kind, rng);
  return makeRecord({
    subject: subj.id,
    kind: kindCode,
    occurredAt: fromEpochDay(occurred),
    reportedAt,
    agency,
    basis: `${basis}; ${kind.basis}`,
    level,
    ...(sev !== undefined ? { severity: sev } : {}),
    ...(amount !== undefined ? { amount } : {}),
  });
}

/** Kind-code prefixes that only apply to subjects with a role or household type (municipal catalogue). */
const GATES: [RegExp, (s: Subject) => boolean][] = [
  [/^civil_servant\./, (s) => s.roles.includes('state_personnel')],
  [/^cadre\./, (s) => s.roles.includes('village_cadre')],
  [/^party\./, (s) => s.roles.includes('party_member')],
  [/^rural\./, (s) => s.hukou === 'rural'],
  [/^officer\./, (s) => s.roles.includes('legal_representative')],
];
/** Everyday kinds drawn more often, so the sample looks like a ledger rather than a catalogue tour. */
const COMMON =
  /^(traffic\.|volunteer\.|charity\.|health\.blood|utility\.fee|finance\.loan|admin\.penalty$|community\.garbage|tax\.|firm\.(police|fire)|civic\.good)/;

function kindWeight(k: RecordKind, s: Subject): number {
  for (const [re, ok] of GATES) if (re.test(k.code)) return ok(s) ? 4 : 0;
  return COMMON.test(k.code) ? 6 : k.polarity === 'positive' ? 2 : 1;
}

function amountFor(kind: RecordKind, rng: Rng): number | undefined {
  switch (kind.unit) {
    case 'yuan':
      return rng.range(2, 500) * 100;
    case 'hours':
      return rng.range(1, 40);
    case 'months':
      return rng.range(12, 36);
    case 'days':
      return rng.range(1, 30);
    case 'count':
      return rng.range(1, 5);
    case undefined:
      return undefined;
    default:
      // A unit this generator does not know yet (e.g. 'points'): a small positive amount still validates.
      return rng.range(1, 10);
  }
}

/** Serialise as JSONL, one object per line with a stable key order. */
export function toJsonl(items: readonly object[]): string {
  return items.map((x) => JSON.stringify(x)).join('\n') + (items.length ? '\n' : '');
}

/** Write subjects.jsonl and records.jsonl into `dir`. */
export function writeSample(sample: Sample, dir: string): { subjects: string; records: string } {
  const subjects = `${dir}/subjects.jsonl`;
  const records = `${dir}/records.jsonl`;
  writeFileSync(subjects, toJsonl(sample.subjects));
  writeFileSync(records, toJsonl(sample.records));
  return { subjects, records };
}
