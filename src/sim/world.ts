// The shape of Meritown's shared state: person and firm columns, the district layout and the social network.
import { ROLE } from './roles.js';
import { allocColumns, columnBuffers, viewColumns, type ColumnBuffers, type Columns } from './columns.js';

/** A slot whose person is not born yet (births fill the tail of each district's range). */
export const NOT_BORN = 0x7fffffff;
export const ALIVE = 0x7fffffff;

// Role bits by name, for the hot loops (defined in roles.ts).
export const ROLE_STATE = ROLE.state_personnel;
export const ROLE_CADRE = ROLE.village_cadre;
export const ROLE_PARTY = ROLE.party_member;
export const ROLE_LEGAL_REP = ROLE.legal_representative;
export const ROLE_COLLECTOR = ROLE.collector;

export const OCC = {
  child: 0,
  student: 1,
  farmer: 2,
  worker: 3,
  self_employed: 4,
  civil_servant: 5,
  public_institution: 6,
  retired: 7,
  unemployed: 8,
} as const;
export const OCC_NAMES = Object.keys(OCC) as (keyof typeof OCC)[];
export const EDU_NAMES = ['none', 'primary', 'junior', 'senior', 'tertiary'] as const;

/** Register attributes and propensities of natural persons. Written at setup and by births; read everywhere. */
export const PERSON = {
  birth: Int32Array,
  death: Int32Array,
  sex: Uint8Array,
  district: Uint8Array,
  village: Int32Array,
  household: Int32Array,
  hukou: Uint8Array,
  education: Uint8Array,
  income: Float32Array,
  occupation: Uint8Array,
  roles: Uint8Array,
  consent: Uint8Array,
  mother: Int32Array,
  father: Int32Array,
  spouse: Int32Array,
  employer: Int32Array,
  seq: Uint16Array,
  driver: Uint8Array,
  tTraffic: Float32Array,
  tFinance: Float32Array,
  tCivic: Float32Array,
  tGrievance: Float32Array,
  tCompliance: Float32Array,
  tCustom: Float32Array,
};
export type PersonCols = Columns<typeof PERSON> & { length: number };

export const FIRM = {
  sector: Uint8Array,
  size: Uint8Array,
  founded: Int32Array,
  district: Uint8Array,
  village: Int32Array,
  legalRep: Int32Array,
  controller: Int32Array,
  counter: Uint32Array,
  employees: Uint32Array,
  tCompliance: Float32Array,
  tFinance: Float32Array,
};
export type FirmCols = Columns<typeof FIRM> & { length: number };

export interface DistrictLayout {
  index: number;
  code: string;
  name: string;
  /** Persons live in [personStart, personStart + personCap); the first personInitial exist at the start. */
  personStart: number;
  personInitial: number;
  personCap: number;
  firmStart: number;
  firmCount: number;
  villageStart: number;
  villageCount: number;
}

export interface Layout {
  startDay: number;
  persons: number;
  firms: number;
  villages: number;
  households: number;
  districts: DistrictLayout[];
}

/** Undirected friendship and co-worker ties in compressed sparse rows (both directions stored). */
export interface Network {
  rowPtr: Uint32Array;
  col: Int32Array;
}

export interface World {
  layout: Layout;
  persons: PersonCols;
  firms: FirmCols;
  net: Network;
  /** Sector and size names, in the order of the codes stored in FIRM.sector / FIRM.size. */
  sectorNames: string[];
  sizeNames: string[];
  typePairs: string[];
}

/** What is posted to a worker: everything shared, nothing copied but the layout. */
export interface WorldTransfer {
  layout: Layout;
  persons: ColumnBuffers;
  firms: ColumnBuffers;
  net: { rowPtr: SharedArrayBuffer; col: SharedArrayBuffer; rows: number; edges: number };
  sectorNames: string[];
  sizeNames: string[];
  typePairs: string[];
}

export function allocPersons(n: number): PersonCols {
  return allocColumns(PERSON, n);
}
export function allocFirms(n: number): FirmCols {
  return allocColumns(FIRM, n);
}

export function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
}
export function sharedUint32(n: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
}

export function transferWorld(w: World): WorldTransfer {
  return {
    layout: w.layout,
    persons: columnBuffers(PERSON, w.persons),
    firms: columnBuffers(FIRM, w.firms),
    net: {
      rowPtr: w.net.rowPtr.buffer as SharedArrayBuffer,
      col: w.net.col.buffer as SharedArrayBuffer,
      rows: w.net.rowPtr.length,
      edges: w.net.col.length,
    },
    sectorNames: w.sectorNames,
    sizeNames: w.sizeNames,
    typePairs: w.typePairs,
  };
}

export function receiveWorld(t: WorldTransfer): World {
  return {
    layout: t.layout,
    persons: viewColumns(PERSON, t.persons),
    firms: viewColumns(FIRM, t.firms),
    net: {
      rowPtr: new Uint32Array(t.net.rowPtr, 0, t.net.rows),
      col: new Int32Array(t.net.col, 0, t.net.edges),
    },
    sectorNames: t.sectorNames,
    sizeNames: t.sizeNames,
    typePairs: t.typePairs,
  };
}

/** Age in whole years on `day` (365.2425-day years: exact enough for eligibility bands, and branch-free). */
export function ageYears(birth: number, day: number): number {
  return Math.floor((day - birth) / 365.2425);
}

/** True when the person exists on `day`: born on or before it and not dead. */
export function alive(p: PersonCols, i: number, day: number): boolean {
  return p.birth[i]! <= day && p.death[i]! > day;
}
