// The fast evaluator: a pack resolved into typed lookup tables that rescore every subject of a columnar ledger at once.
//
// Each record is resolved by one table lookup on (kind, severity, level, legal-person bit) to a short list of
// entries (rule cases with their amount bands and precomputed validity), then accumulated per subject. Validity is a
// comparison of the record's day against one precomputed bound per window length. The rare constructs whose result
// depends on several records of one subject (repairs of direct causes, annual caps, cumulative tiers) are gathered
// into small side structures and resolved per subject afterwards. Explanations come only from the interpreter; the
// differential tests prove both give the same scores and grades.
import type { Catalogue } from '../../core/catalogue.js';
import { MosaicError } from '../../core/errors.js';
import { ISSUER_LEVELS, RECORD_STATUSES } from '../../core/types.js';
import type { RecordColumns } from '../../ledger/ledger.js';
import { compileFormula, finishPoints } from '../../policy/expr.js';
import { normalize, type Interval } from '../../policy/interval.js';
import { rangePoints } from './interpreter.js';
import {
  bandRank,
  birthDayCutoff,
  bonusYears,
  classMask,
  deductionYears,
  directYears,
  finalGradeCode,
  GRADE_RANK,
  pointsYears,
  subjectClassBits,
  toMilli,
  windowEnd,
  windowStartBound,
} from './semantics.js';
import { NO_BIRTH_DAY, type SubjectColumns } from './subjects.js';
import { GRADE_NONE, SCORE_STATUSES, type Conditions, type SchemePack } from './types.js';
import { toEpochDay } from '../../core/dates.js';

/** Scores of every subject as of one day. Index i is subject i of the RecordColumns dictionary / SubjectColumns. */
export interface ScoreTable {
  length: number;
  /** Points; 0 when not scored (see status). */
  score: Int32Array;
  /** Index into GRADE_CODES (AAA…D, DA, DB, DC); GRADE_NONE (255) when not scored. */
  grade: Uint8Array;
  /** Index into SCORE_STATUSES (0 = scored). */
  status: Uint8Array;
  /** 1 when bonuses were frozen by an interaction rule. */
  frozen: Uint8Array;
}

export interface CompiledScheme {
  pack: SchemePack;
  catalogueVersion: string;
  /** Rescore every subject as of `asOfDay` (epoch day). `out` may be passed to reuse its arrays. */
  scoreAll(cols: RecordColumns, subjects: SubjectColumns, asOfDay: number, out?: ScoreTable): ScoreTable;
  /** Sizes of the resolved tables (for tests and benchmarks). */
  stats: {
    kinds: number;
    slots: number;
    pointEntries: number;
    directEntries: number;
    triggerEntries: number;
  };
}

const L = ISSUER_LEVELS.length + 1;
const WITHDRAWAL = RECORD_STATUSES.indexOf('withdrawal');
const T_FIXED = 0;
const T_RANGE = 1;
const T_FORMULA = 2;
const T_TIER = 3;
const NEVER = 0xffff;

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

function severityMatches(c: Conditions, sevName: string | undefined, lvlName: string | undefined): boolean {
  if (c.severity && (sevName === undefined || !c.severity.includes(sevName))) return false;
  if (c.level && (lvlName === undefined || !(c.level as string[]).includes(lvlName))) return false;
  return true;
}

/** Resolve a pack against a catalogue into lookup tables. Throws MosaicError if the pack names a kind it lacks. */
export function compileScheme(pack: SchemePack, catalogue: Catalogue): CompiledScheme {
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
  const pHasAmt = Uint8Array.from(P.hasAmt);
  const pLo = Float64Array.from(P.lo);
  const pHi = Float64Array.from(P.hi);
  const pLoIncl = Uint8Array.from(P.loIncl);
  const pHiIncl = Uint8Array.from(P.hiIncl);
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
  const drMask = Uint8Array.from(Dr.mask);
  const drHasAmt = Uint8Array.from(Dr.hasAmt);
  const drLo = Float64Array.from(Dr.lo);
  const drHi = Float64Array.from(Dr.hi);
  const drLoIncl = Uint8Array.from(Dr.loIncl);
  const drHiIncl = Uint8Array.from(Dr.hiIncl);
  const drRule = Int32Array.from(Dr.payload);
  const trMask = Uint8Array.from(Tr.mask);
  const trHasAmt = Uint8Array.from(Tr.hasAmt);
  const trLo = Float64Array.from(Tr.lo);
  const trHi = Float64Array.from(Tr.hi);
  const trLoIncl = Uint8Array.from(Tr.loIncl);
  const trHiIncl = Uint8Array.from(Tr.hiIncl);
  const trRepair = Int32Array.from(Tr.payload);

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

  let maxYears = 1;
  for (const y of [
    ...eYears,
    ...eRuleYears,
    ...eBonusYears,
    ...dYears,
    ...rYears,
    ...dedYears.subarray(1, maxMag + 1),
  ])
    maxYears = Math.max(maxYears, y);
  for (const b of Object.values(v.bonusByLevel)) maxYears = Math.max(maxYears, b ?? 0);
  maxYears = Math.max(maxYears, v.bonusDefault);

  const base = pack.meta.baseScore;
  const bands = pack.meta.bands;
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

  // Workspace reused across calls (the simulation rescores every month).
  let ws: ReturnType<typeof workspace> | undefined;
  function workspace(n: number) {
    return {
      n,
      bits: new Uint8Array(n),
      st: new Uint8Array(n),
      ded: new Int32Array(n),
      bon: new Int32Array(n),
      dWorst: new Int8Array(n),
      nonD: new Int8Array(n),
      other: new Int8Array(n),
      freeze: new Uint8Array(n),
      capBlock: new Int32Array(n),
      tierBlock: new Int32Array(n * Math.max(1, tierRules.length)),
    };
  }

  const supCache = new WeakMap<RecordColumns, Uint16Array>();
  function supersededAt(cols: RecordColumns): Uint16Array {
    let sup = supCache.get(cols);
    if (sup && sup.length === cols.length) return sup;
    sup = new Uint16Array(cols.length).fill(NEVER);
    const from = cols.supersedeFrom;
    const to = cols.supersedeTo;
    for (let j = 0; j < from.length; j++) {
      const t = to[j]!;
      if (t < 0) continue;
      const d = cols.reported[from[j]!]!;
      if (d < sup[t]!) sup[t] = d;
    }
    supCache.set(cols, sup);
    return sup;
  }

  function scoreAll(cols: RecordColumns, subj: SubjectColumns, D: number, out?: ScoreTable): ScoreTable {
    const n = Math.max(subj.length, cols.subjects.length);
    if (subj.length < cols.subjects.length)
      throw new MosaicError({
        code: 'policy.subject_columns_short',
        message: `subject columns hold ${subj.length} rows but the ledger has ${cols.subjects.length} subjects`,
      });
    if (!ws || ws.n !== n) ws = workspace(n);
    const { bits, st, ded, bon, dWorst, nonD, other, freeze, capBlock, tierBlock } = ws;
    const res: ScoreTable =
      out && out.length === n
        ? out
        : {
            length: n,
            score: new Int32Array(n),
            grade: new Uint8Array(n),
            status: new Uint8Array(n),
            frozen: new Uint8Array(n),
          };

    // ---- subjects: eligibility and class bits ----
    const inForce = D >= effFrom && D <= effTo;
    const cutoff = minAge !== undefined ? birthDayCutoff(D, minAge) : 0;
    for (let s = 0; s < n; s++) {
      const legal = subj.type[s] === 1;
      bits[s] = subjectClassBits(legal, subj.roles[s]!);
      let status = 0;
      if (!inForce) status = ST.not_in_force;
      else if (legal ? !coversLegal : !coversNatural) status = ST.not_covered;
      else if (!legal && minAge !== undefined && subj.birthDay[s] === NO_BIRTH_DAY) status = ST.age_unknown;
      else if (!legal && minAge !== undefined && subj.birthDay[s]! > cutoff) status = ST.under_age;
      else if (subj.resident[s] !== 1) status = ST.not_resident;
      else if (needConsent && subj.consent[s] !== 1) status = ST.no_consent;
      st[s] = status;
    }
    ded.fill(0);
    bon.fill(0);
    dWorst.fill(-1);
    nonD.fill(-1);
    other.fill(-1);
    freeze.fill(0);
    capBlock.fill(-1);
    tierBlock.fill(-1);

    // Window bounds: an entry of `y` years that started on day o counts iff o >= lo[y] (and o <= D).
    const lo = new Int32Array(maxYears + 1);
    for (let y = 1; y <= maxYears; y++) lo[y] = windowStartBound(D, y);
    const yearD = new Date(D * 86_400_000).getUTCFullYear();
    const capSpan = maxYears + 1;

    // Side structures, grown on demand.
    let capAcc = new Int32Array(1024);
    let capUsed = 0;
    let tierAcc = new Float64Array(1024);
    let tierUsed = 0;
    let evS = new Int32Array(256);
    let evKind = new Uint8Array(256);
    let evIdx = new Int32Array(256);
    let evDay = new Int32Array(256);
    let evN = 0;
    const pushEvent = (s: number, kind: number, idx: number, day: number) => {
      if (evN === evS.length) {
        evS = grow(evS);
        evKind = grow(evKind);
        evIdx = grow(evIdx);
        evDay = grow(evDay);
      }
      evS[evN] = s;
      evKind[evN] = kind;
      evIdx[evN] = idx;
      evDay[evN] = day;
      evN++;
    };

    const sup = supersededAt(cols);
    const { subject, kind, occurred, reported, amount, severity, level, status } = cols;
    const len = cols.length;
    for (let i = 0; i < len; i++) {
      if (reported[i]! > D || sup[i]! <= D) continue;
      const kb = kindBase[kind[i]!]!;
      if (kb < 0) continue;
      const o = occurred[i]!;
      if (o > D || status[i] === WITHDRAWAL) continue;
      const s = subject[i]!;
      if (st[s] !== 0) continue;
      const b = bits[s]!;
      const slot = kb + (severity[i]! * L + level[i]!) * 2 + (b >> 4);
      let e = pStart[slot]!;
      if (e >= 0) {
        const end = e + pCount[slot]!;
        const a = amount[i]!;
        for (; e < end; e++) {
          if ((pMask[e]! & b) === 0) continue;
          if (
            pHasAmt[e] === 1 &&
            !(
              (a > pLo[e]! || (pLoIncl[e] === 1 && a === pLo[e])) &&
              (a < pHi[e]! || (pHiIncl[e] === 1 && a === pHi[e]))
            )
          )
            continue;
          const t = pType[e]!;
          if (t === T_FIXED && pCap[e]! < 0) {
            if (o >= lo[pYears[e]!]!) {
              const p = pPts[e]!;
              if (p < 0) ded[s] += p;
              else bon[s] += p;
            }
            break;
          }
          if (t === T_TIER) {
            if (a === a) addTier(s, pTier[e]!, a, o);
            break;
          }
          let p: number;
          if (t === T_FIXED) p = pPts[e]!;
          else if (a !== a) break;
          else if (t === T_RANGE) p = rangePoints(pMin[e]!, pMax[e]!, a);
          else p = finishPoints(eFn[pFn[e]!]!(a));
          if (p === 0) break;
          const y = pRuleYears[e]! || (p < 0 ? dedYears[-p]! : pBonusYears[e]!);
          if (o < lo[y]!) break;
          const cg = pCap[e]!;
          if (cg >= 0) addCap(s, cg, o, p);
          else if (p < 0) ded[s] += p;
          else bon[s] += p;
          break;
        }
      }
      let d = dStart[slot]!;
      if (d >= 0) {
        const end = d + dCount[slot]!;
        const a = amount[i]!;
        for (; d < end; d++) {
          if ((drMask[d]! & b) === 0) continue;
          if (
            drHasAmt[d] === 1 &&
            !(
              (a > drLo[d]! || (drLoIncl[d] === 1 && a === drLo[d])) &&
              (a < drHi[d]! || (drHiIncl[d] === 1 && a === drHi[d]))
            )
          )
            continue;
          const r = drRule[d]!;
          if (cancellable[r] === 1) pushEvent(s, 0, r, o);
          else if (o >= lo[dYears[r]!]!) {
            const g = dRank[r]!;
            if (g > dWorst[s]!) dWorst[s] = g;
            if (g < 5 && g > nonD[s]!) nonD[s] = g;
            if (dFreeze[r] === 1) freeze[s] = 1;
          }
          break;
        }
      }
      let t = tStart[slot]!;
      if (t >= 0) {
        const end = t + tCount[slot]!;
        const a = amount[i]!;
        for (; t < end; t++) {
          if ((trMask[t]! & b) === 0) continue;
          if (
            trHasAmt[t] === 1 &&
            !(
              (a > trLo[t]! || (trLoIncl[t] === 1 && a === trLo[t])) &&
              (a < trHi[t]! || (trHiIncl[t] === 1 && a === trHi[t]))
            )
          )
            continue;
          pushEvent(s, 1, trRepair[t]!, o);
        }
      }
    }

    function addCap(s: number, g: number, o: number, p: number): void {
      let blk = capBlock[s]!;
      if (blk < 0) {
        blk = capUsed;
        capUsed += capGroups.length * capSpan;
        if (capUsed > capAcc.length) {
          const next = new Int32Array(Math.max(capUsed, capAcc.length * 2));
          next.set(capAcc);
          capAcc = next;
        }
        capBlock[s] = blk;
      }
      const year = new Date(o * 86_400_000).getUTCFullYear();
      capAcc[blk + g * capSpan + (yearD - year)]! += p;
    }

    function addTier(s: number, r: number, a: number, o: number): void {
      const ti = s * tierRules.length + r;
      let blk = tierBlock[ti]!;
      const width = 1 + tierDistinct[r]!.length;
      if (blk < 0) {
        blk = tierUsed;
        tierUsed += width;
        if (tierUsed > tierAcc.length) {
          const next = new Float64Array(Math.max(tierUsed, tierAcc.length * 2));
          next.set(tierAcc);
          tierAcc = next;
        }
        tierBlock[ti] = blk;
      }
      const m = Math.max(0, toMilli(a));
      tierAcc[blk]! += m;
      const ys = tierDistinct[r]!;
      for (let j = 0; j < ys.length; j++) if (o < lo[ys[j]!]!) tierAcc[blk + 1 + j]! += m;
    }

    // ---- annual caps ----
    if (capUsed > 0)
      for (let s = 0; s < n; s++) {
        const blk = capBlock[s]!;
        if (blk < 0) continue;
        for (let g = 0; g < capGroups.length; g++) {
          const cap = capLimit[g]!;
          for (let y = 0; y < capSpan; y++) {
            let sum = capAcc[blk + g * capSpan + y]!;
            if (sum > cap) sum = cap;
            else if (sum < -cap) sum = -cap;
            if (sum < 0) ded[s] += sum;
            else bon[s] += sum;
          }
        }
      }

    // ---- cumulative tiers: tier k counts iff the total by D reaches it and the total before its window did not ----
    if (tierUsed > 0)
      for (let s = 0; s < n; s++)
        for (let r = 0; r < tierRules.length; r++) {
          const blk = tierBlock[s * tierRules.length + r]!;
          if (blk < 0) continue;
          const all = tierAcc[blk]!;
          const thr = tierThr[r]!;
          for (let k = 0; k < thr.length; k++) {
            if (all < thr[k]!) break;
            if (tierAcc[blk + 1 + tierYearSlot[r]![k]!]! >= thr[k]!) continue;
            const p = tierPts[r]![k]!;
            if (p < 0) ded[s] += p;
            else bon[s] += p;
          }
        }

    // ---- repairs and cancellable direct causes, per subject ----
    if (evN > 0) resolveEvents(evN, evS, evKind, evIdx, evDay, D, ded, bon, dWorst, nonD, other, freeze);

    // ---- totals and grades ----
    const { score, grade, status: stOut, frozen } = res;
    for (let s = 0; s < n; s++) {
      const stt = st[s]!;
      stOut[s] = stt;
      if (stt !== 0) {
        score[s] = 0;
        grade[s] = GRADE_NONE;
        frozen[s] = 0;
        continue;
      }
      const fz = freeze[s]!;
      const sc = base + ded[s]! + (fz ? 0 : bon[s]!);
      score[s] = sc;
      frozen[s] = fz;
      grade[s] = finalGradeCode(bandRank(bands, sc), dWorst[s]!, other[s]!, nonD[s]!);
    }
    return res;
  }

  function resolveEvents(
    evN: number,
    evS: Int32Array,
    evKind: Uint8Array,
    evIdx: Int32Array,
    evDay: Int32Array,
    D: number,
    ded: Int32Array,
    bon: Int32Array,
    dWorst: Int8Array,
    nonD: Int8Array,
    other: Int8Array,
    freeze: Uint8Array,
  ): void {
    const order = Array.from({ length: evN }, (_, i) => i).sort((a, b) => evS[a]! - evS[b]! || a - b);
    let i = 0;
    while (i < evN) {
      const s = evS[order[i]!]!;
      let j = i;
      while (j < evN && evS[order[j]!] === s) j++;
      const causes: { r: number; start: number; end: number; conv: number; by: number }[] = [];
      const trig: { rp: number; day: number }[] = [];
      for (let k = i; k < j; k++) {
        const e = order[k]!;
        if (evKind[e] === 0) {
          const r = evIdx[e]!;
          causes.push({ r, start: evDay[e]!, end: windowEnd(evDay[e]!, dYears[r]!), conv: -1, by: -1 });
        } else trig.push({ rp: evIdx[e]!, day: evDay[e]! });
      }
      const effects = new Set<string>();
      for (const c of causes) {
        for (const t of trig) {
          if (cancels[t.rp]![c.r] !== 1 || t.day < c.start || t.day >= c.end) continue;
          if (c.conv < 0 || t.day < c.conv || (t.day === c.conv && t.rp < c.by)) {
            c.conv = t.day;
            c.by = t.rp;
          }
        }
        if (c.by >= 0) effects.add(`${c.by},${c.conv}`);
        else if (D < c.end) {
          const g = dRank[c.r]!;
          if (g > dWorst[s]!) dWorst[s] = g;
          if (g < 5 && g > nonD[s]!) nonD[s] = g;
          if (dFreeze[c.r] === 1) freeze[s] = 1;
        }
      }
      for (const key of effects) {
        const [rp, day] = key.split(',').map(Number) as [number, number];
        if (D >= windowEnd(day, rYears[rp]!)) continue;
        if (rGrade[rp]! >= 0) {
          if (rGrade[rp]! > other[s]!) other[s] = rGrade[rp]!;
        } else if (rPoints[rp]! < 0) ded[s] += rPoints[rp]!;
        else bon[s] += rPoints[rp]!;
      }
      i = j;
    }
  }

  return {
    pack,
    catalogueVersion: catalogue.version,
    scoreAll,
    stats: {
      kinds: usedKinds.size,
      slots,
      pointEntries: pMask.length,
      directEntries: drMask.length,
      triggerEntries: trMask.length,
    },
  };
}

function grow<T extends Int32Array | Uint8Array>(a: T): T {
  const next = new (a.constructor as new (n: number) => T)(a.length * 2);
  next.set(a);
  return next;
}
