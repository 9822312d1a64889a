// Building the fast evaluator's tables from a pack: one slot per (kind, severity, issuer level, legal-person bit),
// entry lists with their amount bands, validity lookups, and the direct-grading, repair, cap and tier side tables.
// The scoring loop that reads them is in compile-score.ts; compile.ts puts the two together.
import type { Catalogue } from '../../core/catalogue.js';
import { MosaicError } from '../../core/errors.js';
import { ISSUER_LEVELS, RECORD_STATUSES } from '../../core/types.js';
import { compileFormula } from '../../policy/expr.js';
import { normalize, type Interval } from '../../policy/interval.js';
import {
  bonusYears,
  classMask,
  deductionYears,
  directYears,
  GRADE_RANK,
  pointsYears,
  toMilli,
} from './semantics.js';
import { GRADES, SCORE_STATUSES, type Conditions, type SchemePack } from './types.js';
import { toEpochDay } from '../../core/dates.js';

export const L = ISSUER_LEVELS.length + 1;
export const WITHDRAWAL = RECORD_STATUSES.indexOf('withdrawal');
export const T_FIXED = 0;
export const T_RANGE = 1;
export const T_FORMULA = 2;
export const T_TIER = 3;
export const NEVER = 0xffff;

/** Entry lists per slot: the same layout for point cases, direct-grading rules and repair triggers. */
class Entries {
  start: number[] = [];
  count: number[] = [];
  mask: number[] = [];
  hasAmt: number[] = [];
  lo: number[] = [];
  hi: number[] = [];
  loIncl: number[] = [];
  hiIncl: number[] = [];
  payload: number[] = [];
  add(mask: number, amount: Interval | undefined, payload: number): void {
    const n = normalize(amount);
    this.mask.push(mask);
    this.hasAmt.push(amount ? 1 : 0);
    this.lo.push(n.lo);
    this.hi.push(n.hi);
    this.loIncl.push(n.loIncl ? 1 : 0);
    this.hiIncl.push(n.hiIncl ? 1 : 0);
    this.payload.push(payload);
  }
}

/** Frozen amount bands of an entry table (point cases, direct-grading lines or repair triggers). */
export interface Bands {
  has: Uint8Array;
  lo: Float64Array;
  hi: Float64Array;
  loIncl: Uint8Array;
  hiIncl: Uint8Array;
}

function freezeBands(x: Entries): Bands {
  return {
    has: Uint8Array.from(x.hasAmt),
    lo: Float64Array.from(x.lo),
    hi: Float64Array.from(x.hi),
    loIncl: Uint8Array.from(x.loIncl),
    hiIncl: Uint8Array.from(x.hiIncl),
  };
}

/** The one amount-band test: does entry e admit amount a (always, when the entry has no band)? */
export function admits(t: Bands, e: number, a: number): boolean {
  return (
    t.has[e] === 0 ||
    ((a > t.lo[e]! || (t.loIncl[e] === 1 && a === t.lo[e])) &&
      (a < t.hi[e]! || (t.hiIncl[e] === 1 && a === t.hi[e])))
  );
}

function severityMatches(c: Conditions, sevName: string | undefined, lvlName: string | undefined): boolean {
  if (c.severity && (sevName === undefined || !c.severity.includes(sevName))) return false;
  if (c.level && (lvlName === undefined || !(c.level as string[]).includes(lvlName))) return false;
  return true;
}

/** Resolve a pack against a catalogue into lookup tables. Throws MosaicError if the pack names a kind it lacks. */
export function buildTables(pack: SchemePack, catalogue: Catalogue) {
  const missing = [
    ...pack.rules.map((r) => r.kind),
    ...pack.direct.map((r) => r.kind),
    ...pack.repairs.flatMap((r) => r.triggers.map((t) => t.kind)),
  ].filter((k) => !catalogue.has(k));
  if (missing.length)
    throw new MosaicError(
      [...new Set(missing)].map((k) => ({
        code: 'policy.unknown_kind',
        message: `pack ${pack.id} uses kind ${k}, which catalogue ${catalogue.version} lacks`,
      })),
    );
  const v = pack.validity;

  // ---- per-kind slot blocks ----
  const usedKinds = new Set<string>([
    ...pack.rules.map((r) => r.kind),
    ...pack.direct.map((r) => r.kind),
    ...pack.repairs.flatMap((r) => r.triggers.map((t) => t.kind)),
  ]);
  const kindBase = new Int32Array(catalogue.kinds.length).fill(-1);
  const kindSevs = new Int32Array(catalogue.kinds.length);
  let slots = 0;
  for (const code of usedKinds) {
    const k = catalogue.index(code);
    const nSev = (catalogue.kinds[k]!.severities?.length ?? 0) + 1;
    kindBase[k] = slots;
    kindSevs[k] = nSev;
    slots += nSev * L * 2;
  }

  const P = new Entries();
  const Dr = new Entries();
  const Tr = new Entries();
  // Point entry payload fields (index = entry).
  const eType: number[] = [];
  const ePts: number[] = [];
  const eYears: number[] = [];
  const eRuleYears: number[] = [];
  const eBonusYears: number[] = [];
  const eMin: number[] = [];
  const eMax: number[] = [];
  const eFn: ((a: number) => number)[] = [];
  const eFnIdx: number[] = [];
  const eCap: number[] = [];
  const eTier: number[] = [];
  // Rule line (index in pack.rules) of each point entry, read only when contributions are asked for.
  const eLine: number[] = [];
  const capGroups: string[] = [];
  const capLimit: number[] = [];
  const tierRules = pack.rules.filter((r) => r.tiers);
  const fnCache = new Map<object, number>();

  const directIdx = new Map(pack.direct.map((d, i) => [d.id, i]));
  const cancellable = new Uint8Array(pack.direct.length);
  const cancels: Uint8Array[] = pack.repairs.map((r) => {
    const row = new Uint8Array(pack.direct.length);
    for (const id of r.cancels) {
      const i = directIdx.get(id)!;
      row[i] = 1;
      cancellable[i] = 1;
    }
    return row;
  });

  const pStart = new Int32Array(slots).fill(-1);
  const pCount = new Uint8Array(slots);
  const dStart = new Int32Array(slots).fill(-1);
  const dCount = new Uint8Array(slots);
  const tStart = new Int32Array(slots).fill(-1);
  const tCount = new Uint8Array(slots);

  for (const code of usedKinds) {
    const k = catalogue.index(code);
    const kind = catalogue.kinds[k]!;
    const rules = pack.rules.filter((r) => r.kind === code);
    const directs = pack.direct.map((d, i) => ({ d, i })).filter(({ d }) => d.kind === code);
    const reps = pack.repairs.flatMap((rp, i) =>
      rp.triggers.filter((t) => t.kind === code).map((t) => ({ rp, i, t })),
    );
    for (let sev = 0; sev < kindSevs[k]!; sev++) {
      const sevName = sev === 0 ? undefined : kind.severities![sev - 1];
      for (let lvl = 0; lvl < L; lvl++) {
        const lvlName = lvl === 0 ? undefined : ISSUER_LEVELS[lvl - 1];
        for (let legal = 0; legal < 2; legal++) {
          const slot = kindBase[k]! + (sev * L + lvl) * 2 + legal;
          const legalOk = (m: number) => (legal ? (m & 16) !== 0 : (m & 15) !== 0);
          const p0 = P.mask.length;
          for (const rule of rules) {
            const mask = classMask(rule.subjects) & (legal ? 16 : 15);
            if (!legalOk(mask)) continue;
            if (rule.tiers) {
              const when = rule.cases[0]?.when ?? {};
              if (!severityMatches(when, sevName, lvlName)) continue;
              P.add(mask, when.amount, 0);
              pushPoint(T_TIER, 0, 0, 0, 0, 0, 0, undefined, -1, tierRules.indexOf(rule));
              eLine.push(pack.rules.indexOf(rule));
              continue;
            }
            for (const c of rule.cases) {
              if (!severityMatches(c.when, sevName, lvlName)) continue;
              P.add(mask, c.when.amount, 0);
              const ruleYears = rule.validityYears ?? 0;
              const bonus = bonusYears(v, lvlName as never);
              let cap = -1;
              if (rule.annualCap !== undefined) {
                cap = capGroups.indexOf(rule.capGroup!);
                if (cap < 0) {
                  cap = capGroups.push(rule.capGroup!) - 1;
                  capLimit.push(rule.annualCap);
                }
              }
              const e = c.effect;
              eLine.push(pack.rules.indexOf(rule));
              if (e.type === 'fixed') {
                const y = ruleYears || pointsYears(v, e.points, lvlName as never);
                pushPoint(T_FIXED, e.points, y, ruleYears, bonus, 0, 0, undefined, cap, -1);
              } else if (e.type === 'range') {
                pushPoint(T_RANGE, 0, 0, ruleYears, bonus, e.min, e.max, undefined, cap, -1);
              } else {
                pushPoint(T_FORMULA, 0, 0, ruleYears, bonus, 0, 0, e.expr, cap, -1);
              }
            }
          }
          if (P.mask.length > p0) {
            pStart[slot] = p0;
            pCount[slot] = P.mask.length - p0;
          }
          const d0 = Dr.mask.length;
          for (const { d, i } of directs) {
            const mask = classMask(d.subjects) & (legal ? 16 : 15);
            if (!legalOk(mask) || !severityMatches(d.when, sevName, lvlName)) continue;
            Dr.add(mask, d.when.amount, i);
          }
          if (Dr.mask.length > d0) {
            dStart[slot] = d0;
            dCount[slot] = Dr.mask.length - d0;
          }
          const t0 = Tr.mask.length;
          for (const { rp, i, t } of reps) {
            const mask = classMask(rp.subjects) & (legal ? 16 : 15);
            if (!legalOk(mask) || !severityMatches(t.when, sevName, lvlName)) continue;
            Tr.add(mask, t.when.amount, i);
          }
          if (Tr.mask.length > t0) {
            tStart[slot] = t0;
            tCount[slot] = Tr.mask.length - t0;
          }
        }
      }
    }
  }

  function pushPoint(
    type: number,
    pts: number,
    years: number,
    ruleYears: number,
    bonus: number,
    min: number,
    max: number,
    expr: object | undefined,
    cap: number,
    tier: number,
  ): void {
    eType.push(type);
    ePts.push(pts);
    eYears.push(years);
    eRuleYears.push(ruleYears);
    eBonusYears.push(bonus);
    eMin.push(min);
    eMax.push(max);
    let fi = -1;
    if (expr) {
      fi = fnCache.get(expr) ?? -1;
      if (fi < 0) {
        fi = eFn.push(compileFormula(expr as never)) - 1;
        fnCache.set(expr, fi);
      }
    }
    eFnIdx.push(fi);
    eCap.push(cap);
    eTier.push(tier);
  }

  // ---- frozen typed tables ----
  const pMask = Uint8Array.from(P.mask);
  const pBands = freezeBands(P);
  const pHasAmt = pBands.has;
  const pType = Uint8Array.from(eType);
  const pPts = Int32Array.from(ePts);
  const pYears = Uint8Array.from(eYears);
  const pRuleYears = Uint8Array.from(eRuleYears);
  const pBonusYears = Uint8Array.from(eBonusYears);
  const pMin = Int32Array.from(eMin);
  const pMax = Int32Array.from(eMax);
  const pFn = Int16Array.from(eFnIdx);
  const pCap = Int16Array.from(eCap);
  const pTier = Int16Array.from(eTier);
  const pLine = Int32Array.from(eLine);
  const drMask = Uint8Array.from(Dr.mask);
  const drBands = freezeBands(Dr);
  const drRule = Int32Array.from(Dr.payload);
  const trMask = Uint8Array.from(Tr.mask);
  const trBands = freezeBands(Tr);
  const trRepair = Int32Array.from(Tr.payload);

  // Slot kinds: most records resolve to one fixed-points entry with no amount band and no cap, kept in the slot
  // itself so the hot loop reads no entry tables. bit 1 = that simple case, 2 = general point entries,
  // 4 = direct-grading entries, 8 = repair-trigger entries.
  // One word per slot, read once per record: bits 0-3 the slot kind, 4-8 the subject-class mask and 9-15 the window
  // length of the simple entry, 16-31 its points (signed).
  const slotWord = new Int32Array(slots);
  for (let sl = 0; sl < slots; sl++) {
    const e = pStart[sl]!;
    let w = 0;
    if (e >= 0) {
      const simple =
        pCount[sl] === 1 &&
        pType[e] === T_FIXED &&
        pHasAmt[e] === 0 &&
        pCap[e]! < 0 &&
        pPts[e]! >= -32768 &&
        pPts[e]! <= 32767 &&
        pYears[e]! < 128;
      w = simple ? 1 | (pMask[e]! << 4) | (pYears[e]! << 9) | (pPts[e]! << 16) : 2;
    }
    if (dStart[sl]! >= 0) w |= 4;
    if (tStart[sl]! >= 0) w |= 8;
    slotWord[sl] = w;
  }
  // Calendar year of an epoch day (annual caps group by year of occurrence).
  const yearOfDay = new Uint16Array(0x10000);
  for (let d = 0, y = 1970, next = toEpochDay('1971-01-01'); d < 0x10000; d++) {
    if (d === next) {
      y++;
      next = toEpochDay(`${y + 1}-01-01`);
    }
    yearOfDay[d] = y;
  }

  // Direct rules: grade rank, years, whether they freeze bonuses.
  const freezeGrades = new Set(
    pack.interactions.filter((i) => i.effect === 'freeze_bonuses').flatMap((i) => i.whileDirect),
  );
  const dRank = Int8Array.from(pack.direct.map((d) => GRADE_RANK[d.grade]));
  const dYears = Uint8Array.from(pack.direct.map((d) => d.validityYears ?? directYears(v, d.grade)));
  const dFreeze = Uint8Array.from(pack.direct.map((d) => (freezeGrades.has(d.grade) ? 1 : 0)));
  const rYears = Uint8Array.from(pack.repairs.map((r) => r.effect.years));
  const rPoints = Int32Array.from(pack.repairs.map((r) => ('points' in r.effect ? r.effect.points : 0)));
  const rGrade = Int8Array.from(
    pack.repairs.map((r) => ('grade' in r.effect ? GRADE_RANK[r.effect.grade] : -1)),
  );

  // Deduction validity by magnitude, as a table (points are bounded by lint).
  let maxMag = 0;
  for (const p of ePts) maxMag = Math.max(maxMag, Math.abs(p));
  for (const m of [...eMin, ...eMax]) maxMag = Math.max(maxMag, Math.abs(m));
  const dedYears = new Uint8Array(100_001);
  for (let m = 1; m <= 100_000; m++) dedYears[m] = deductionYears(v, m);

  // Tier rules: thresholds (milli-units) and the distinct window lengths their tiers use.
  const tierThr = tierRules.map((r) => r.tiers!.map((t) => toMilli(t.atLeast)));
  const tierPts = tierRules.map((r) => r.tiers!.map((t) => t.points));
  const tierYears = tierRules.map((r) =>
    r.tiers!.map((t) => r.validityYears ?? pointsYears(v, t.points, undefined)),
  );
  const tierDistinct = tierYears.map((ys) => [...new Set(ys)]);
  const tierYearSlot = tierYears.map((ys, i) => ys.map((y) => tierDistinct[i]!.indexOf(y)));

  // The longest window any entry can have: every validity lookup indexes a table of this size.
  const maxYears = Math.max(
    1,
    v.bonusDefault,
    ...Object.values(v.bonusByLevel).map((b) => b ?? 0),
    ...v.deductions.map((d) => d.years),
    ...eRuleYears,
    ...dYears,
    ...rYears,
    ...tierYears.flat(),
  );
  void maxMag;

  const base = pack.meta.baseScore;
  // Lowest score of each grade's band, best grade first (the bottom band has -Infinity): lint guarantees coverage.
  const bandMin = Float64Array.from(
    GRADES.map((g) => pack.meta.bands.find((x) => x.grade === g)!.min ?? -Infinity),
  );
  const effFrom = toEpochDay(pack.meta.effective.from);
  const effTo = pack.meta.effective.to !== undefined ? toEpochDay(pack.meta.effective.to) : Infinity;
  const coversNatural = pack.meta.subjects.includes('individual');
  const coversLegal = pack.meta.subjects.includes('legal_person');
  const minAge = pack.meta.eligibility.minAge;
  const needConsent = pack.meta.consentRequired;
  const ST = Object.fromEntries(SCORE_STATUSES.map((s, i) => [s, i])) as Record<
    (typeof SCORE_STATUSES)[number],
    number
  >;

  return {
    kindBase,
    eFn,
    capGroups,
    capLimit,
    tierRules,
    cancellable,
    cancels,
    pStart,
    pCount,
    dStart,
    dCount,
    tStart,
    tCount,
    pMask,
    pBands,
    pType,
    pPts,
    pRuleYears,
    pBonusYears,
    pMin,
    pMax,
    pFn,
    pCap,
    pTier,
    pLine,
    drMask,
    drBands,
    drRule,
    trMask,
    trBands,
    trRepair,
    slotWord,
    yearOfDay,
    dRank,
    dYears,
    dFreeze,
    rYears,
    rPoints,
    rGrade,
    dedYears,
    tierThr,
    tierPts,
    tierDistinct,
    tierYearSlot,
    maxYears,
    base,
    bandMin,
    effFrom,
    effTo,
    coversNatural,
    coversLegal,
    minAge,
    needConsent,
    ST,
    usedKinds,
    slots,
  };
}

/** The resolved tables of one pack. */
export type SchemeTables = ReturnType<typeof buildTables>;
