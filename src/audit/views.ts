// The audit's inputs as columns: what each engine's outcome looks like once evaluated over a population as of a date.
import type { Attribute } from './groups.js';

/** A rule line of a points scheme, as the audit needs it. */
export interface RuleLineInfo {
  id: string;
  /** The rule family the line belongs to (domain or sector), for coarser decompositions. */
  family: string;
  en: string;
  zh: string;
  /** Subject selectors beyond "any natural person", e.g. ['state_personnel']; empty = applies to everyone. */
  appliesTo: string[];
  polarity: 'negative' | 'positive' | 'direct';
}

/**
 * One points scheme's outcome over the audited population as of one date. `contrib` holds one row per counted
 * (record, rule line) pair with the points it counts as of that date, as the scheme's fast evaluator computes them.
 */
export interface PointsView {
  scheme: string;
  label: { en: string; zh: string };
  asOf: string;
  base: number;
  /** Grades from best to worst, e.g. AAA, AA, A, B, C, D. */
  grades: string[];
  /** Lower bound of each grade's point band (same order; the worst grade's is −Infinity). */
  bandMin: number[];
  scored: Uint8Array;
  score: Int32Array;
  grade: Uint8Array;
  contrib: {
    length: number;
    subject: Uint32Array;
    line: Int32Array;
    points: Int32Array;
    /** 0 = no direct grading; else 1 + index in `grades` of the grade this record directly sets (while in force). */
    direct: Uint8Array;
    /** Index of the ledger record (RecordColumns row) this contribution came from, or -1. */
    record: Int32Array;
  };
  lines: RuleLineInfo[];
  /** Who the rule text lets each line reach, per group (no simulation): `mosaic policy reach`. */
  reach?: RuleReach;
}

/** The rule-text reach of one scheme (src/schemes/municipal/reach.ts), as the audit reports it. */
export interface RuleReach {
  lines: number;
  direct: number;
  groups: {
    group: string;
    en: string;
    zh: string;
    lines: number;
    only: number;
    maxDeduction: number;
    maxBonus: number;
    direct: number;
    directOnly: number;
    worstGrade?: string;
  }[];
}

/** List entries, measures in force and actions denied, as of one date, from the lists/decisions engine. */
export interface ListsView {
  asOf: string;
  lists: { id: string; en: string; zh: string }[];
  entries: { length: number; subject: Uint32Array; list: Uint16Array };
  measures: { id: string; en: string; zh: string; basis: string; inCatalogue: boolean }[];
  applied: {
    length: number;
    subject: Uint32Array;
    measure: Uint16Array;
    /** The list whose entry triggered the measure, or -1. */
    list: Int32Array;
  };
  actions: { id: string; en: string; zh: string }[];
  denied: { length: number; subject: Uint32Array; action: Uint16Array };
}

/** The audited population: natural persons with their attributes (columns aligned with `ids`). */
export interface PopulationView {
  ids: string[];
  index: Map<string, number>;
  attributes: Attribute[];
  /** Group memberships used by scrutiny (state_personnel, village_cadre, party_member): 0/1 per subject. */
  roles: Map<string, Uint8Array>;
}
