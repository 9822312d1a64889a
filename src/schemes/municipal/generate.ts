// Seeded random ledgers in columnar form, shaped by a pack's rules: for differential tests and the benchmark.
import type { Catalogue } from '../../core/catalogue.js';
import { toEpochDay } from '../../core/dates.js';
import { Rng } from '../../core/rng.js';
import { ISSUER_LEVELS } from '../../core/types.js';
import { allocColumns, type RecordColumns } from '../../ledger/ledger.js';
import type { Interval } from '../../policy/interval.js';
import { allocSubjectColumns, type SubjectColumns } from './subjects.js';
import { classMask, subjectClassBits } from './semantics.js';
import type { Conditions, SchemePack, SubjectClass } from './types.js';

export interface GenerateOptions {
  subjects: number;
  records: number;
  seed: number | string;
  /** First occurred day and span (default 2016-01-01, 8 years). */
  startDay?: number;
  days?: number;
  legalShare?: number;
  /** Share of records that correct or withdraw an earlier record of the same subject. */
  correctionShare?: number;
  /** Share of records whose kind no rule of the pack uses (noise the engine must skip). */
  noiseShare?: number;
}

export interface GeneratedLedger {
  cols: RecordColumns;
  subjects: SubjectColumns;
}

/**
 * Records land in random subject and time order, as a time-ordered ingest of a city would look to a scan. Kinds are
 * those the pack uses, with direct-grading causes and repair triggers rarer than point items; amounts favour the
 * pack's band edges so inclusive and exclusive bounds are exercised.
 */
export function generateLedger(pack: SchemePack, catalogue: Catalogue, o: GenerateOptions): GeneratedLedger {
  const rng = new Rng(o.seed);
  const nS = o.subjects;
  const n = o.records;
  const start = o.startDay ?? toEpochDay('2016-01-01');
  const days = o.days ?? 8 * 365;
  const legalShare = o.legalShare ?? 0.1;
  const corrShare = o.correctionShare ?? 0.02;
  const noiseShare = o.noiseShare ?? 0.05;

  const pointKinds = [...new Set(pack.rules.map((r) => r.kind))].map((k) => catalogue.index(k));
  const directKinds = [...new Set(pack.direct.map((r) => r.kind))].map((k) => catalogue.index(k));
  const triggerKinds = [...new Set(pack.repairs.flatMap((r) => r.triggers.map((t) => t.kind)))].map((k) =>
    catalogue.index(k),
  );
  const used = new Set([...pointKinds, ...directKinds, ...triggerKinds]);
  const noiseKinds = catalogue.kinds.map((_, i) => i).filter((i) => !used.has(i));
  const edges = new Map<number, number[]>();
  const addEdges = (kind: string, iv: Interval | undefined) => {
    if (!iv) return;
    const k = catalogue.index(kind);
    const l = edges.get(k) ?? [];
    for (const x of [iv.over, iv.atLeast, iv.upTo, iv.below])
      if (x !== undefined) l.push(x, x + 0.5, Math.max(0, x - 0.5));
    edges.set(k, l);
  };
  for (const r of pack.rules) for (const c of r.cases) addEdges(r.kind, c.when.amount);
  for (const r of pack.rules) for (const t of r.tiers ?? []) addEdges(r.kind, { atLeast: t.atLeast });
  // Every rule line and direct-grading item is drawn with the severity, level and amount of one of its cases, so a
  // ledger of a few thousand records uses every line (a kind drawn alone would mostly miss the lines of a big table).
  const L = ISSUER_LEVELS.length + 1;
  const draws: Draw[] = [];
  const drawOf = (kind: string, c: Conditions, classes: readonly SubjectClass[]): Draw => {
    const k = catalogue.index(kind);
    return {
      kind: k,
      mask: classMask(classes),
      severity: (c.severity ?? []).map((sv) => catalogue.severityCode(k, sv)).filter((x) => x > 0),
      level: (c.level ?? []).map((l) => ISSUER_LEVELS.indexOf(l) + 1),
      amount: c.amount,
    };
  };
  for (const r of pack.rules)
    if (r.tiers) draws.push(drawOf(r.kind, r.cases[0]?.when ?? {}, r.subjects));
    else for (const c of r.cases) draws.push(drawOf(r.kind, c.when, r.subjects));
  const directDraws = pack.direct.map((d) => drawOf(d.kind, d.when, d.subjects));

  const subjects = allocSubjectColumns(nS);
  const ids: string[] = new Array(nS);
  const d0 = toEpochDay('1940-01-01');
  const d1 = toEpochDay('2012-12-31');
  for (let s = 0; s < nS; s++) {
    ids[s] = `S${s}`;
    const legal = rng.next() < legalShare;
    subjects.type[s] = legal ? 1 : 0;
    if (!legal) {
      subjects.roles[s] =
        (rng.next() < 0.06 ? 1 : 0) | (rng.next() < 0.04 ? 2 : 0) | (rng.next() < 0.1 ? 4 : 0);
      subjects.birthDay[s] = rng.range(d0, d1);
    }
    subjects.consent[s] = rng.next() < 0.8 ? 1 : 0;
    subjects.resident[s] = rng.next() < 0.95 ? 1 : 0;
  }

  const cols: RecordColumns = allocColumns(n, ids, ['court', 'police', 'tax', 'samr', 'district', 'village']);
  const last = new Int32Array(nS).fill(-1);
  // Rows holding repairable causes, by the trigger kinds that repair them (a trigger with no cause converts nothing).
  const causeKindsOf = new Map<number, Set<number>>();
  const triggerSeverities = new Map<number, string[]>();
  for (const rp of pack.repairs)
    for (const t of rp.triggers) {
      const tk = catalogue.index(t.kind);
      const set = causeKindsOf.get(tk) ?? new Set<number>();
      for (const id of rp.cancels) set.add(catalogue.index(pack.direct.find((d) => d.id === id)!.kind));
      causeKindsOf.set(tk, set);
      triggerSeverities.set(tk, [...(triggerSeverities.get(tk) ?? []), ...(t.when.severity ?? [])]);
    }
  const repairable = [...new Set([...causeKindsOf.values()].flatMap((x) => [...x]))];
  const causeRows = new Map<number, number[]>();
  // Kinds whose records add up per subject (annual caps, cumulative tiers) come in longer runs.
  const runKinds = new Set(
    pack.rules.filter((r) => r.annualCap !== undefined || r.tiers).map((r) => catalogue.index(r.kind)),
  );
  const from: number[] = [];
  const to: number[] = [];
  for (let i = 0; i < n; i++) {
    // A few busy subjects and a long tail, as in a real city.
    let s = rng.next() < 0.3 ? rng.int(Math.max(1, nS >> 6)) : rng.int(nS);
    cols.subject[i] = s;
    cols.agency[i] = rng.int(cols.agencies.length);
    const prev = last[s]!;
    if (prev >= 0 && rng.next() < corrShare) {
      // A correction or withdrawal of this subject's previous record, reported later.
      const withdrawal = rng.next() < 0.4;
      cols.kind[i] = cols.kind[prev]!;
      cols.occurred[i] = cols.occurred[prev]!;
      cols.reported[i] = Math.min(0xfffe, cols.reported[prev]! + 1 + rng.int(200));
      cols.severity[i] = cols.severity[prev]!;
      cols.level[i] = cols.level[prev]!;
      cols.amount[i] = withdrawal ? cols.amount[prev]! : tweak(rng, cols.amount[prev]!);
      cols.status[i] = withdrawal ? 2 : 1;
      from.push(i);
      to.push(prev);
      last[s] = i;
      continue;
    }
    if (i > 0 && cols.status[i - 1] === 0 && rng.next() < (runKinds.has(cols.kind[i - 1]!) ? 0.8 : 0.15)) {
      // A run of the same conduct by the same subject (donations in one year, hours adding up, repeated fines).
      const p = i - 1;
      cols.subject[i] = cols.subject[p]!;
      cols.kind[i] = cols.kind[p]!;
      cols.severity[i] = cols.severity[p]!;
      cols.level[i] = cols.level[p]!;
      const kind = catalogue.kinds[cols.kind[p]!]!;
      cols.amount[i] = kind.unit ? amountFor(rng, kind.unit, edges.get(cols.kind[p]!)) : NaN;
      cols.occurred[i] = Math.min(start + days - 1, cols.occurred[p]! + rng.int(60));
      cols.reported[i] = Math.min(0xfffe, cols.occurred[i]! + rng.int(31));
      cols.status[i] = 0;
      last[cols.subject[i]!] = i;
      continue;
    }
    const u = rng.next();
    // A line's own draw most of the time; otherwise any severity and level of the kind (records no case fits).
    // Direct items are rarer than point lines (about 6% of records) but each is drawn often enough to be used.
    const v = rng.next();
    const draw =
      u >= noiseShare + 0.025 && v < 0.85
        ? v < 0.05 && directDraws.length
          ? rng.pick(directDraws)
          : rng.pick(draws)
        : u >= noiseShare && u < noiseShare + 0.01 && directDraws.length && v < 0.85
          ? rng.pick(directDraws)
          : undefined;
    const k = draw
      ? draw.kind
      : u < noiseShare && noiseKinds.length
        ? rng.pick(noiseKinds)
        : u < noiseShare + 0.01 && directKinds.length
          ? rng.pick(directKinds)
          : u < noiseShare + 0.02 && triggerKinds.length
            ? rng.pick(triggerKinds)
            : u < noiseShare + 0.025 && repairable.length
              ? rng.pick(repairable)
              : rng.pick(pointKinds);
    if (draw)
      // A line for a role (village cadres, state personnel, legal persons) goes to a subject who has it.
      for (
        let t = 0;
        t < 40 && !(draw.mask & subjectClassBits(subjects.type[s] === 1, subjects.roles[s]!));
        t++
      )
        cols.subject[i] = s = rng.int(nS);
    const kind = catalogue.kinds[k]!;
    cols.kind[i] = k;
    const nSev = kind.severities?.length ?? 0;
    cols.severity[i] = draw?.severity.length
      ? rng.pick(draw.severity)
      : nSev
        ? rng.next() < 0.05
          ? 0
          : 1 + rng.int(nSev)
        : 0;
    cols.level[i] = draw?.level.length ? rng.pick(draw.level) : rng.next() < 0.5 ? 0 : rng.int(L);
    cols.amount[i] = !kind.unit
      ? NaN
      : draw?.amount && rng.next() < 0.7
        ? inside(rng, draw.amount)
        : amountFor(rng, kind.unit, edges.get(k));
    let occ = start + rng.int(days);
    const causeKinds = [...(causeKindsOf.get(k) ?? [])].filter((ck) => causeRows.has(ck));
    if (causeKinds.length && rng.next() < 0.8) {
      // Most triggers follow a cause of the same subject, some inside its window and some after it.
      const c = rng.pick(causeRows.get(rng.pick(causeKinds))!);
      cols.subject[i] = cols.subject[c]!;
      occ = Math.min(start + days - 1, cols.occurred[c]! + rng.int(1500));
      const want = triggerSeverities.get(k) ?? [];
      if (want.length && rng.next() < 0.7) cols.severity[i] = catalogue.severityCode(k, rng.pick(want));
    }
    if (causeRows.has(k) || repairable.includes(k)) {
      const l = causeRows.get(k) ?? [];
      l.push(i);
      causeRows.set(k, l);
    }
    cols.occurred[i] = occ;
    const lag = rng.next() < 0.05 ? 30 + rng.int(400) : rng.int(31);
    cols.reported[i] = Math.min(0xfffe, occ + lag);
    cols.status[i] = 0;
    last[cols.subject[i]!] = i;
  }
  cols.supersedeFrom = Int32Array.from(from);
  cols.supersedeTo = Int32Array.from(to);
  return { cols, subjects };
}

interface Draw {
  kind: number;
  /** Subject classes the line applies to (classMask). */
  mask: number;
  /** Severity codes (1-based) and level codes (1-based) a case accepts; empty = any. */
  severity: number[];
  level: number[];
  amount: Interval | undefined;
}

/** An amount inside a band: a bound itself when the band includes it, else just past it. */
function inside(rng: Rng, iv: Interval): number {
  const lo = iv.atLeast ?? (iv.over !== undefined ? iv.over + 0.5 : 0);
  const hi = iv.upTo ?? (iv.below !== undefined ? iv.below - 0.5 : lo * 2 + 100);
  const u = rng.next();
  return u < 0.25
    ? lo
    : u < 0.5
      ? Math.max(lo, hi)
      : Math.round((lo + rng.next() * Math.max(0, hi - lo)) * 100) / 100;
}

function amountFor(rng: Rng, unit: string, edges: number[] | undefined): number {
  if (edges?.length && rng.next() < 0.3) return rng.pick(edges);
  switch (unit) {
    case 'yuan':
      return Math.round(Math.exp(rng.next() * 16) * 100) / 100;
    case 'hours':
      return Math.round(rng.next() * 400) / 10;
    case 'months':
      return 1 + rng.int(24);
    case 'points':
      return rng.int(70);
    default:
      return rng.int(100);
  }
}

function tweak(rng: Rng, a: number): number {
  if (Number.isNaN(a)) return a;
  return Math.round(a * (0.5 + rng.next()) * 100) / 100;
}
