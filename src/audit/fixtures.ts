// A hand-made ten-person population with known disparities; its expected audit figures are worked out by hand in tests.
import { Catalogue, levelCode, type RecordKind } from '../core/catalogue.js';
import { toEpochDay } from '../core/dates.js';
import { RECORD_STATUSES, type CreditRecord } from '../core/types.js';
import type { RecordColumns } from '../ledger/ledger.js';
import { buildPopulation } from './population.js';
import type { PointsView, PopulationView, RuleLineInfo } from './views.js';

export const SMALL_LINES: RuleLineInfo[] = [
  {
    id: 'traffic.fine',
    family: 'traffic',
    en: 'Traffic fine',
    zh: '交通罚款',
    appliesTo: [],
    polarity: 'negative',
  },
  {
    id: 'rural.straw',
    family: 'rural',
    en: 'Burning straw',
    zh: '焚烧秸秆',
    appliesTo: ['rural'],
    polarity: 'negative',
  },
  {
    id: 'petition.beijing',
    family: 'petition',
    en: 'Petitioning in Beijing',
    zh: '进京上访',
    appliesTo: [],
    polarity: 'negative',
  },
  {
    id: 'petition.province',
    family: 'petition',
    en: 'Petitioning at the province',
    zh: '赴省上访',
    appliesTo: [],
    polarity: 'negative',
  },
  {
    id: 'volunteer',
    family: 'bonus',
    en: 'Volunteer hours',
    zh: '志愿服务',
    appliesTo: [],
    polarity: 'positive',
  },
  {
    id: 'drink_driving',
    family: 'direct',
    en: 'Drink-driving',
    zh: '酒后驾驶',
    appliesTo: [],
    polarity: 'direct',
  },
];

/** u0..u4 urban, r0..r4 rural; sexes alternate F, M. */
export const SMALL_IDS = ['u0', 'u1', 'u2', 'u3', 'u4', 'r0', 'r1', 'r2', 'r3', 'r4'];

export function smallPopulation(): PopulationView {
  return buildPopulation(
    {
      ids: SMALL_IDS,
      hukou: SMALL_IDS.map((id) => (id.startsWith('u') ? 'urban' : 'rural')),
      sex: SMALL_IDS.map((_, i) => (i % 2 ? 'M' : 'F')),
      roles: { state_personnel: Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 0, 0, 0]) },
    },
    '2024-01-01',
  );
}

/** [subject, line, points, direct grade index + 1 or 0] — the counted contributions as of the audit date. */
const ROWS: [number, number, number, number][] = [
  [0, 0, -10, 0], // u0 990 A
  [1, 4, 5, 0], // u1 1005 A
  [3, 5, 0, 4], // u3 drink-driving → B, score 1000
  [5, 2, -50, 0], // r0 950 B
  [6, 1, -5, 0], // r1 straw ×2, Beijing → 940 B
  [6, 1, -5, 0],
  [6, 2, -50, 0],
  [7, 1, -5, 0], // r2 straw, volunteer → 1000 A
  [7, 4, 5, 0],
  [8, 2, -50, 0], // r3 Beijing, volunteer → 955 B
  [8, 4, 5, 0],
  [9, 0, -10, 0], // r4 three fines, province → 950 B
  [9, 0, -10, 0],
  [9, 0, -10, 0],
  [9, 3, -20, 0],
];

export function smallPoints(): PointsView {
  const n = SMALL_IDS.length;
  const grades = ['AAA', 'AA', 'A', 'B', 'C', 'D'];
  const bandMin = [1050, 1030, 960, 850, 600, -Infinity];
  const score = new Int32Array(n).fill(1000);
  const direct = new Int32Array(n).fill(-1);
  for (const [s, , p, d] of ROWS) {
    score[s] += p;
    if (d) direct[s] = Math.max(direct[s]!, d - 1);
  }
  const grade = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let g = bandMin.findIndex((m) => score[i]! >= m);
    if (direct[i]! > g) g = direct[i]!;
    grade[i] = g;
  }
  return {
    scheme: 'small',
    label: { en: 'Small test scheme', zh: '测试方案' },
    asOf: '2024-01-01',
    base: 1000,
    grades,
    bandMin,
    scored: new Uint8Array(n).fill(1),
    score,
    grade,
    contrib: {
      length: ROWS.length,
      subject: Uint32Array.from(ROWS.map((r) => r[0])),
      line: Int32Array.from(ROWS.map((r) => r[1])),
      points: Int32Array.from(ROWS.map((r) => r[2])),
      direct: Uint8Array.from(ROWS.map((r) => r[3])),
      record: new Int32Array(ROWS.length).fill(-1),
    },
    lines: SMALL_LINES,
  };
}

// ---- A hand-made ledger for the data-quality, legality and scrutiny checks ----

export const SMALL_KINDS: RecordKind[] = [
  kind('traffic.fine', 'negative', true, { unit: 'yuan' }),
  kind('rural.straw_burning', 'negative', false),
  kind('honour.volunteer_hours', 'positive', true, { unit: 'hours' }),
  kind('discipline.party', 'negative', true, { severities: ['warning', 'serious_warning'] }),
];

function kind(
  code: string,
  polarity: RecordKind['polarity'],
  national: boolean,
  extra: Partial<RecordKind> = {},
): RecordKind {
  return {
    code,
    category: code.split('.')[0]!,
    national,
    subjects: ['natural'],
    polarity,
    zh: code,
    en: code,
    basis: 'test',
    source: 'test',
    marker: 'V',
    ...extra,
  };
}

export function smallCatalogue(): Catalogue {
  return new Catalogue(SMALL_KINDS, 'small@1');
}

/** A columnar snapshot built directly from records (the shape Ledger.scan returns), for checks that need no engine. */
export function columnsOf(records: readonly CreditRecord[], cat: Catalogue): RecordColumns {
  const subjects = [...new Set(records.map((r) => r.subject))].sort();
  const agencies = [...new Set(records.map((r) => r.agency))].sort();
  const byId = new Map(records.map((r, i) => [r.id, i]));
  const sup = records.flatMap((r, i) => (r.supersedes ? [[i, byId.get(r.supersedes) ?? -1]] : []));
  return {
    length: records.length,
    subject: Uint32Array.from(records, (r) => subjects.indexOf(r.subject)),
    kind: Uint16Array.from(records, (r) => cat.index(r.kind)),
    agency: Uint16Array.from(records, (r) => agencies.indexOf(r.agency)),
    occurred: Uint16Array.from(records, (r) => toEpochDay(r.occurredAt)),
    reported: Uint16Array.from(records, (r) => toEpochDay(r.reportedAt)),
    amount: Float64Array.from(records, (r) => r.amount ?? NaN),
    severity: Uint8Array.from(records, (r) => cat.severityCode(cat.index(r.kind), r.severity)),
    level: Uint8Array.from(records, (r) => levelCode(r.level)),
    status: Uint8Array.from(records, (r) => RECORD_STATUSES.indexOf(r.status)),
    supersedeFrom: Int32Array.from(sup, (p) => p[0]!),
    supersedeTo: Int32Array.from(sup, (p) => p[1]!),
    subjects,
    agencies,
  };
}
