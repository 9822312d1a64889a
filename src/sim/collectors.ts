// Collectors: a map from a name to a function of the month's state, each returning (group, value) rows. The run
// writes them in long format (date, collector, group, value); add a collector by adding an entry here.
import { GRADE_CODES, GRADE_NONE } from '../schemes/municipal/types.js';
import type { Snapshot } from './snapshot.js';
import { ROLE_CADRE, ROLE_PARTY, ROLE_STATE, ageYears, type World } from './world.js';

/** Person groups every by-group collector reports; a person belongs to several. */
export const GROUPS = [
  'all',
  'hukou=urban',
  'hukou=rural',
  'role=state_personnel',
  'role=village_cadre',
  'role=party_member',
  'role=none',
  'sex=M',
  'sex=F',
] as const;
const G_ALL = 0;
const G_URBAN = 1;
const G_RURAL = 2;
const G_STATE = 3;
const G_CADRE = 4;
const G_PARTY = 5;
const G_NONE = 6;
const G_MALE = 7;
const G_FEMALE = 8;

/** Groups of person i as a list of indexes into GROUPS (fills `out`, returns its length). */
export function groupsOf(w: World, i: number, out: Int32Array): number {
  const P = w.persons;
  let n = 0;
  out[n++] = G_ALL;
  out[n++] = P.hukou[i] ? G_RURAL : G_URBAN;
  const r = P.roles[i]!;
  if (r & ROLE_STATE) out[n++] = G_STATE;
  if (r & ROLE_CADRE) out[n++] = G_CADRE;
  if (r & ROLE_PARTY) out[n++] = G_PARTY;
  if (!(r & (ROLE_STATE | ROLE_CADRE | ROLE_PARTY))) out[n++] = G_NONE;
  out[n++] = P.sex[i] ? G_MALE : G_FEMALE;
  return n;
}

/** Counts gathered while merging an epoch: by event type × group, and by group. */
export class MonthCounts {
  readonly types: number;
  trueEvents: Float64Array;
  recordedEvents: Float64Array;
  fabricated: Float64Array;
  records: Float64Array;
  /** Records of a positive kind (bonuses, volunteering, honours): the mobilising side of the records. */
  positiveRecords: Float64Array;
  denied: Float64Array;
  firmRecords = 0;
  births = 0;
  deaths = 0;
  constructor(types: number) {
    this.types = types;
    this.trueEvents = new Float64Array(types * GROUPS.length);
    this.recordedEvents = new Float64Array(types * GROUPS.length);
    this.fabricated = new Float64Array(types * GROUPS.length);
    this.records = new Float64Array(GROUPS.length);
    this.positiveRecords = new Float64Array(GROUPS.length);
    this.denied = new Float64Array(GROUPS.length);
  }
  reset(): void {
    this.trueEvents.fill(0);
    this.recordedEvents.fill(0);
    this.fabricated.fill(0);
    this.records.fill(0);
    this.positiveRecords.fill(0);
    this.denied.fill(0);
    this.firmRecords = 0;
    this.births = 0;
    this.deaths = 0;
  }
}

/** One pass over the population at month end: group sizes, adults, scored adults, grades, score sums, listed. */
export interface MonthState {
  day: number;
  world: World;
  snap: Snapshot;
  counts: MonthCounts;
  eventTypes: string[];
  listIds: string[];
  listSizes: number[];
  alive: Float64Array;
  adults: Float64Array;
  scored: Float64Array;
  scoreSum: Float64Array;
  /** grade (0..8) × group */
  grades: Float64Array;
  onList: Float64Array;
  firmGrades: Float64Array;
  firmsScored: number;
}

export function monthState(
  day: number,
  world: World,
  snap: Snapshot,
  counts: MonthCounts,
  eventTypes: string[],
  listIds: string[],
  listSizes: number[],
  adultAge: number,
): MonthState {
  const G = GROUPS.length;
  const st: MonthState = {
    day,
    world,
    snap,
    counts,
    eventTypes,
    listIds,
    listSizes,
    alive: new Float64Array(G),
    adults: new Float64Array(G),
    scored: new Float64Array(G),
    scoreSum: new Float64Array(G),
    grades: new Float64Array(GRADE_CODES.length * G),
    onList: new Float64Array(listIds.length * G),
    firmGrades: new Float64Array(GRADE_CODES.length),
    firmsScored: 0,
  };
  const P = world.persons;
  const gs = new Int32Array(G);
  for (let i = 0; i < P.length; i++) {
    if (P.birth[i]! > day || P.death[i]! <= day) continue;
    const n = groupsOf(world, i, gs);
    const adult = ageYears(P.birth[i]!, day) >= adultAge;
    const g = snap.grade[i]!;
    const lists = snap.lists[i]!;
    for (let k = 0; k < n; k++) {
      const x = gs[k]!;
      st.alive[x]!++;
      if (!adult) continue;
      st.adults[x]!++;
      if (g !== GRADE_NONE) {
        st.scored[x]!++;
        st.scoreSum[x]! += snap.score[i]!;
        st.grades[g * G + x]!++;
      }
      if (lists) for (let l = 0; l < listIds.length; l++) if (lists & (1 << l)) st.onList[l * G + x]!++;
    }
  }
  for (let f = 0; f < world.firms.length; f++) {
    const g = snap.grade[P.length + f]!;
    if (g !== GRADE_NONE) {
      st.firmGrades[g]!++;
      st.firmsScored++;
    }
  }
  return st;
}

export type Row = [group: string, value: number];
export type Collector = (s: MonthState) => Row[];

const byGroup = (f: (g: number) => number): Row[] => GROUPS.map((name, g) => [name, f(g)] as Row);
const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** The collectors of every run, by name (Mesa's DataCollector model_reporters, STYLE.md example 12). */
export const collectors: Record<string, Collector> = {
  residents: (s) => byGroup((g) => s.alive[g]!),
  adults: (s) => byGroup((g) => s.adults[g]!),
  scored_share: (s) => byGroup((g) => ratio(s.scored[g]!, s.adults[g]!)),
  mean_score: (s) => byGroup((g) => ratio(s.scoreSum[g]!, s.scored[g]!)),
  grade_share: (s) => {
    const G = GROUPS.length;
    const rows: Row[] = [];
    GROUPS.forEach((name, g) =>
      GRADE_CODES.forEach((code, c) =>
        rows.push([`${name};grade=${code}`, ratio(s.grades[c * G + g]!, s.scored[g]!)]),
      ),
    );
    return rows;
  },
  firm_grade_share: (s) =>
    GRADE_CODES.map((code, c) => [`grade=${code}`, ratio(s.firmGrades[c]!, s.firmsScored)] as Row),
  list_size: (s) => s.listIds.map((id, l) => [`list=${id}`, s.listSizes[l]!] as Row),
  listed_share: (s) => {
    const G = GROUPS.length;
    const rows: Row[] = [];
    s.listIds.forEach((id, l) =>
      GROUPS.forEach((name, g) =>
        rows.push([`${name};list=${id}`, ratio(s.onList[l * G + g]!, s.adults[g]!)]),
      ),
    );
    return rows;
  },
  measures_applied: (s) => byGroup((g) => s.counts.denied[g]!),
  records_per_person: (s) => byGroup((g) => ratio(s.counts.records[g]!, s.alive[g]!)),
  positive_records_per_person: (s) => byGroup((g) => ratio(s.counts.positiveRecords[g]!, s.alive[g]!)),
  firm_records: (s) => [['firms', s.counts.firmRecords]],
  true_events: (s) => eventRows(s, s.counts.trueEvents),
  recorded_events: (s) => eventRows(s, s.counts.recordedEvents),
  fabricated_records: (s) => eventRows(s, s.counts.fabricated),
  births: (s) => [['all', s.counts.births]],
  deaths: (s) => [['all', s.counts.deaths]],
};

/** Event counts by family (the part of the event type before the dot) for 'all', urban and rural. */
function eventRows(s: MonthState, a: Float64Array): Row[] {
  const G = GROUPS.length;
  const fam = new Map<string, [number, number, number]>();
  s.eventTypes.forEach((t, k) => {
    const f = t.slice(0, t.indexOf('.') < 0 ? t.length : t.indexOf('.'));
    const acc = fam.get(f) ?? [0, 0, 0];
    acc[0] += a[k * G + G_ALL]!;
    acc[1] += a[k * G + G_URBAN]!;
    acc[2] += a[k * G + G_RURAL]!;
    fam.set(f, acc);
  });
  const rows: Row[] = [];
  for (const [f, [all, u, r]] of fam) {
    if (all === 0 && u === 0 && r === 0) continue;
    rows.push([`family=${f}`, all], [`family=${f};hukou=urban`, u], [`family=${f};hukou=rural`, r]);
  }
  return rows;
}
