// The fast evaluator's scoring loop: the ledger regrouped by subject once, then every subject scored as of a day
// from the tables compile-tables.ts built (a branch-free scan for simple records, side structures for the rest).
import { MosaicError } from '../../core/errors.js';
import type { RecordColumns } from '../../ledger/ledger.js';
import { finishPoints } from '../../policy/expr.js';
import { rangePoints } from './interpreter.js';
import {
  birthDayCutoff,
  finalGradeCode,
  subjectClassBits,
  toMilli,
  windowEnd,
  windowStartBound,
} from './semantics.js';
import { NO_BIRTH_DAY, type SubjectColumns } from './subjects.js';
import { GRADE_NONE, type SchemePack } from './types.js';
import {
  admits,
  L,
  NEVER,
  T_FIXED,
  T_RANGE,
  T_TIER,
  WITHDRAWAL,
  type SchemeTables,
} from './compile-tables.js';
import { CONTRIB, type ContributionSink, type ScoreTable } from './score-table.js';
import type { CompiledScheme } from './compile.js';

/** The scoring function of a compiled scheme, closing over its tables (as locals, so the JIT sees constants). */
export function makeScorer(pack: SchemePack, t: SchemeTables): CompiledScheme['scoreAll'] {
  const {
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
  } = t;

  /**
   * The ledger regrouped for this scheme, built once per RecordColumns object and reused by every as-of call:
   * records of kinds the scheme never reads and withdrawals are dropped, the rest grouped by subject (a counting
   * sort), with kind, severity and level folded into one slot base and supersession folded into one day. Scoring
   * then streams through memory subject by subject instead of jumping to a random subject for every record.
   */
  interface Prepared {
    length: number;
    subjects: number;
    /** Records of subject s are rows start[s] .. start[s + 1] - 1. */
    start: Uint32Array;
    slotBase: Int32Array;
    occurred: Uint16Array;
    /**
     * The days the record counts as a standing statement, packed in one word so one load filters a record:
     * low 16 bits the first day (reported, or occurred if later), high 16 bits the first day it no longer stands
     * (superseded; NEVER if it stands for good).
     */
    span: Int32Array;
    amount: Float64Array;
    /** RecordColumns row of each record (contribution rows name it). */
    row: Int32Array;
    /** slotWord of each record for its subject's type (natural or legal), read in order instead of by lookup. */
    word: Int32Array;
    /** The subject types `word` was built for; rebuilt when a call passes different types. */
    types: Uint8Array;
  }
  const prepCache = new WeakMap<RecordColumns, Prepared>();
  function prepare(cols: RecordColumns): Prepared {
    const cached = prepCache.get(cols);
    if (cached && cached.length === cols.length) return cached;
    const n = cols.length;
    const sup = new Uint16Array(n).fill(NEVER);
    const st = cols.status;
    for (let i = 0; i < n; i++) if (st[i] === WITHDRAWAL) sup[i] = 0;
    for (let j = 0; j < cols.supersedeFrom.length; j++) {
      const t = cols.supersedeTo[j]!;
      if (t < 0) continue;
      const d = cols.reported[cols.supersedeFrom[j]!]!;
      if (d < sup[t]!) sup[t] = d;
    }
    const nS = cols.subjects.length;
    const start = new Uint32Array(nS + 1);
    const { subject, kind, severity, level } = cols;
    let kept = 0;
    for (let i = 0; i < n; i++)
      if (kindBase[kind[i]!]! >= 0 && sup[i] !== 0) {
        start[subject[i]! + 1]!++;
        kept++;
      }
    for (let s = 0; s < nS; s++) start[s + 1]! += start[s]!;
    const fill = start.slice(0, nS);
    const p: Prepared = {
      length: n,
      subjects: nS,
      start,
      slotBase: new Int32Array(kept),
      occurred: new Uint16Array(kept),
      span: new Int32Array(kept),
      amount: new Float64Array(kept),
      row: new Int32Array(kept),
      word: new Int32Array(kept),
      types: new Uint8Array(0),
    };
    for (let i = 0; i < n; i++) {
      const kb = kindBase[kind[i]!]!;
      if (kb < 0 || sup[i] === 0) continue;
      const r = fill[subject[i]!]!++;
      p.slotBase[r] = kb + (severity[i]! * L + level[i]!) * 2;
      p.occurred[r] = cols.occurred[i]!;
      p.span[r] = Math.max(cols.reported[i]!, cols.occurred[i]!) | (sup[i]! << 16);
      p.amount[r] = cols.amount[i]!;
      p.row[r] = i;
    }
    prepCache.set(cols, p);
    return p;
  }

  function prepareWords(cols: RecordColumns, p: Prepared, type: Uint8Array): Prepared {
    let same = p.types.length === p.subjects;
    for (let s = 0; same && s < p.subjects; s++) if (p.types[s] !== type[s]) same = false;
    if (same) return p;
    // Resolving words overwrites amounts of pre-resolved records: new subject types need a fresh copy.
    if (p.types.length) {
      prepCache.delete(cols);
      p = prepare(cols);
    }
    for (let s = 0; s < p.subjects; s++) {
      const legal = type[s] === 1 ? 1 : 0;
      for (let i = p.start[s]!; i < p.start[s + 1]!; i++) {
        const slot = p.slotBase[i]! + legal;
        const w = slotWord[slot]!;
        p.word[i] = (w & 2) !== 0 ? recordWord(slot, w, p.amount, i) : w;
      }
    }
    p.types = type.slice(0, p.subjects);
    return p;
  }

  /**
   * A record in a slot with amount bands, ranges or formulas usually still has one fixed outcome: its amount never
   * changes, so the band, the decided points and the window length are resolved here once and the record joins the
   * branch-free path. Resolved exactly as the general loop would: the first entry whose band holds the amount. Left
   * general (returns `w`) when entries differ in subject classes (the match depends on the subject's roles) or the
   * entry feeds a cap or a tier (which need the subject's other records).
   */
  function recordWord(slot: number, w: number, amounts: Float64Array, i: number): number {
    const a = amounts[i]!;
    const e0 = pStart[slot]!;
    const e1 = e0 + pCount[slot]!;
    for (let e = e0 + 1; e < e1; e++) if (pMask[e] !== pMask[e0]) return w;
    const keep = w & 12;
    for (let e = e0; e < e1; e++) {
      if (!admits(pBands, e, a)) continue;
      const t = pType[e]!;
      if (t === T_TIER) {
        // Pre-resolved tier record: flag 16, the entry in the high bits, the milli-amount in place of the amount.
        if (a !== a || e >= 32768) return a !== a ? keep : w;
        amounts[i] = Math.max(0, toMilli(a));
        return keep | 2 | 16 | (e << 16);
      }
      let pts: number;
      if (t === T_FIXED) pts = pPts[e]!;
      else if (a !== a) return keep;
      else if (t === T_RANGE) pts = rangePoints(pMin[e]!, pMax[e]!, a);
      else pts = finishPoints(eFn[pFn[e]!]!(a));
      if (pts === 0) return keep;
      const y = pRuleYears[e]! || (pts < 0 ? dedYears[-pts]! : pBonusYears[e]!);
      if (pCap[e]! >= 0) {
        // Pre-resolved capped record: flag 16, window length, entry; the points in place of the amount.
        if (e >= 32768 || y >= 128) return w;
        amounts[i] = pts;
        return keep | 2 | 16 | (y << 9) | (e << 16);
      }
      if (pts < -32768 || pts > 32767 || y >= 128) return w;
      return keep | 1 | (pMask[e]! << 4) | (y << 9) | (pts << 16);
    }
    return keep;
  }

  // Per-subject scratch for the rare constructs, reused across subjects and calls.
  const capSpan = maxYears + 1;
  const capAcc = new Int32Array(Math.max(1, capGroups.length) * capSpan);
  const nTier = tierRules.length;
  const tierWidth = tierDistinct.map((d) => 1 + d.length);
  const tierOffset = tierWidth.map((_, r) => tierWidth.slice(0, r).reduce((a, w) => a + w, 0));
  const tierAcc = new Float64Array(
    Math.max(
      1,
      tierWidth.reduce((a, w) => a + w, 0),
    ),
  );
  // Causes and triggers of the current subject (a subject has few; the arrays grow when one has more).
  let cRule = new Int32Array(64);
  let cStart = new Int32Array(64);
  let tRep = new Int32Array(64);
  let tDay = new Int32Array(64);
  // Effects: at most one per cause, so they grow with the causes.
  let effRep = new Int32Array(64);
  let effDay = new Int32Array(64);

  const acc = new Int32Array(2);
  let rareRows = new Int32Array(256);

  /**
   * The hot loop, kept small so the JIT compiles it tightly: adds the simple entries of one subject's records to
   * acc (deductions, bonuses) and lists the standing records that need more (bands, formulas, caps, tiers, direct
   * grading, repairs). Branch-free on the dates: whether a record stands on D and is inside its window varies at
   * random from one record to the next, so branches on them would mispredict constantly.
   */
  function scanSimple(
    from: number,
    to: number,
    D: number,
    b: number,
    word: Int32Array,
    span: Int32Array,
    occurred: Uint16Array,
    lo: Int32Array,
    acc: Int32Array,
    rare: Int32Array,
  ): number {
    let ded = 0;
    let bon = 0;
    let nRare = 0;
    for (let i = from; i < to; i++) {
      const w = span[i]!;
      const sw = word[i]!;
      // Stands on D iff first day <= D < superseded day: both differences non-negative.
      const stands = (((D - (w & 0xffff)) | ((w >>> 16) - D - 1)) >>> 31) ^ 1;
      const counts =
        stands & ((lo[(sw >> 9) & 127]! - occurred[i]! - 1) >>> 31) & (-((sw >> 4) & b & 31) >>> 31) & sw;
      const p = (sw >> 16) * counts;
      const neg = p >> 31;
      ded += p & neg;
      bon += p & ~neg;
      if ((sw & 14) !== 0 && stands !== 0) {
        if (nRare === rare.length) {
          rareRows = grown(rareRows);
          rare = rareRows;
        }
        rare[nRare++] = i;
      }
    }
    acc[0] = ded;
    acc[1] = bon;
    return nRare;
  }

  // ---- contributions (only with a sink) ----
  const nRules = pack.rules.length;
  const nDirect = pack.direct.length;
  const lineCapped = Uint8Array.from(pack.rules, (r) => (r.annualCap !== undefined ? 1 : 0));
  const tierLine = Int32Array.from(tierRules, (r) => pack.rules.indexOf(r));
  // Per cap cell (group × year): the first counted record (prepared row, -1 = none) and its rule line.
  const capFirst = new Int32Array(capAcc.length);
  const capFirstLine = new Int32Array(capAcc.length);
  // Prepared row of each cause, for its direct-grading row.
  let cRow = new Int32Array(64);

  /** Rule line of a record on the branch-free path: its slot's one entry, or the first whose band holds it. */
  function simpleLine(slot: number, a: number): number {
    const e0 = pStart[slot]!;
    if ((slotWord[slot]! & 1) !== 0) return pLine[e0]!;
    const e1 = e0 + pCount[slot]!;
    for (let e = e0; e < e1; e++) if (admits(pBands, e, a)) return pLine[e]!;
    return -1;
  }

  /** scanSimple with a row per counted record: branches instead of masks, as it also writes to the sink. */
  function scanSimpleSink(
    from: number,
    to: number,
    D: number,
    b: number,
    legalBit: number,
    P: Prepared,
    lo: Int32Array,
    sink: ContributionSink,
    s: number,
  ): number {
    const { word, span, occurred, slotBase, amount, row } = P;
    let ded = 0;
    let bon = 0;
    let nRare = 0;
    for (let i = from; i < to; i++) {
      const w = span[i]!;
      if (D < (w & 0xffff) || D >= w >>> 16) continue;
      const sw = word[i]!;
      if ((sw & 14) !== 0) {
        if (nRare === rareRows.length) rareRows = grown(rareRows);
        rareRows[nRare++] = i;
      }
      if ((sw & 1) === 0 || ((sw >> 4) & b & 31) === 0 || occurred[i]! < lo[(sw >> 9) & 127]!) continue;
      const p = sw >> 16;
      if (p === 0) continue;
      if (p < 0) ded += p;
      else bon += p;
      sink.push(s, simpleLine(slotBase[i]! + legalBit, amount[i]!), p, 0, row[i]!, CONTRIB.points);
    }
    acc[0] = ded;
    acc[1] = bon;
    return nRare;
  }

  function scoreAll(
    cols: RecordColumns,
    subj: SubjectColumns,
    D: number,
    out?: ScoreTable,
    sink?: ContributionSink,
  ): ScoreTable {
    const n = Math.max(subj.length, cols.subjects.length);
    if (subj.length < cols.subjects.length)
      throw new MosaicError({
        code: 'policy.subject_columns_short',
        message: `subject columns hold ${subj.length} rows but the ledger has ${cols.subjects.length} subjects`,
      });
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
    const { score, grade, status: stOut, frozen } = res;
    const P = prepareWords(cols, prepare(cols), subj.type);
    const { start, slotBase, occurred, span, amount, word, row } = P;
    sink?.clear();
    const reported = cols.reported;
    // The interpreter's record order (occurredAt, reportedAt, id): rows stand for ids `row<i>` (columnsToRecords),
    // compared as strings, so the first record of a cap group is the one the interpreter names.
    const before = (i: number, j: number): boolean =>
      occurred[i] !== occurred[j]
        ? occurred[i]! < occurred[j]!
        : reported[row[i]!] !== reported[row[j]!]
          ? reported[row[i]!]! < reported[row[j]!]!
          : String(row[i]) < String(row[j]);

    const inForce = D >= effFrom && D <= effTo;
    const cutoff = minAge !== undefined ? birthDayCutoff(D, minAge) : 0;
    // Window bounds: an entry of `y` years that started on day o counts iff o >= lo[y] (and o <= D).
    const lo = new Int32Array(maxYears + 1);
    for (let y = 1; y <= maxYears; y++) lo[y] = windowStartBound(D, y);
    const yearD = yearOfDay[D]!;

    // Hoisted: property loads inside the subject loop are not always lifted by the JIT.
    const { type: sType, roles: sRoles, birthDay: sBirth, resident: sResident, consent: sConsent } = subj;
    const ageCheck = minAge !== undefined;
    const nPrepared = P.subjects;
    const notInForce = inForce ? 0 : ST.not_in_force;
    for (let s = 0; s < n; s++) {
      // ---- eligibility ----
      const legal = sType[s] === 1;
      let status = notInForce;
      if (status === 0) {
        if (legal ? !coversLegal : !coversNatural) status = ST.not_covered;
        else if (!legal && ageCheck && sBirth[s] === NO_BIRTH_DAY) status = ST.age_unknown;
        else if (!legal && ageCheck && sBirth[s]! > cutoff) status = ST.under_age;
        else if (sResident[s] !== 1) status = ST.not_resident;
        else if (needConsent && sConsent[s] !== 1) status = ST.no_consent;
      }
      stOut[s] = status;
      if (status !== 0) {
        score[s] = 0;
        grade[s] = GRADE_NONE;
        frozen[s] = 0;
        continue;
      }
      const b = subjectClassBits(legal, sRoles[s]!);
      const legalBit = b >> 4;
      let dWorst = -1;
      let nonD = -1;
      let other = -1;
      let freeze = 0;
      let capUsed = false;
      let tierUsed = false;
      let nC = 0;
      let nT = 0;

      const r0 = sink ? sink.length : 0;
      const nRare =
        s >= P.subjects
          ? 0
          : sink
            ? scanSimpleSink(start[s]!, start[s + 1]!, D, b, legalBit, P, lo, sink, s)
            : scanSimple(start[s]!, start[s + 1]!, D, b, word, span, occurred, lo, acc, rareRows);
      let ded = s < nPrepared ? acc[0]! : 0;
      let bon = s < nPrepared ? acc[1]! : 0;
      for (let k = 0; k < nRare; k++) {
        const i = rareRows[k]!;
        const o = occurred[i]!;
        const sk = word[i]! & 15;
        const slot = slotBase[i]! + legalBit;
        const a = amount[i]!;
        const sw = word[i]!;
        if ((sw & 18) === 18) {
          // Pre-resolved (see recordWord): the entry matched on the amount, whose place holds the prepared value.
          const e = sw >>> 16;
          if ((pMask[e]! & b) !== 0) {
            if (pType[e] === T_TIER) {
              const r = pTier[e]!;
              if (!tierUsed) {
                for (let z = 0; z < tierAcc.length; z++) tierAcc[z] = 0;
                tierUsed = true;
              }
              const off = tierOffset[r]!;
              const ys = tierDistinct[r]!;
              tierAcc[off]! += a;
              for (let j = 0; j < ys.length; j++) if (o < lo[ys[j]!]!) tierAcc[off + 1 + j]! += a;
            } else if (o >= lo[(sw >> 9) & 127]!) {
              if (!capUsed) {
                for (let z = 0; z < capAcc.length; z++) capAcc[z] = 0;
                if (sink) capFirst.fill(-1);
                capUsed = true;
              }
              const cell = pCap[e]! * capSpan + (yearD - yearOfDay[o]!);
              capAcc[cell]! += a;
              if (sink) {
                sink.push(s, pLine[e]!, a, 0, row[i]!, CONTRIB.points);
                if (capFirst[cell]! < 0 || before(i, capFirst[cell]!)) {
                  capFirst[cell] = i;
                  capFirstLine[cell] = pLine[e]!;
                }
              }
            }
          }
        } else if ((sk & 2) !== 0) {
          const pe = pStart[slot]! + pCount[slot]!;
          for (let e = pStart[slot]!; e < pe; e++) {
            if ((pMask[e]! & b) === 0) continue;
            if (!admits(pBands, e, a)) continue;
            const t = pType[e]!;
            if (t === T_TIER) {
              if (a === a) {
                // Cumulative amounts: the total by D, and the total before each window length's bound.
                const r = pTier[e]!;
                if (!tierUsed) {
                  for (let z = 0; z < tierAcc.length; z++) tierAcc[z] = 0;
                  tierUsed = true;
                }
                const off = tierOffset[r]!;
                const ys = tierDistinct[r]!;
                const m = Math.max(0, toMilli(a));
                tierAcc[off]! += m;
                for (let j = 0; j < ys.length; j++) if (o < lo[ys[j]!]!) tierAcc[off + 1 + j]! += m;
              }
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
            if (cg >= 0) {
              if (!capUsed) {
                for (let z = 0; z < capAcc.length; z++) capAcc[z] = 0;
                if (sink) capFirst.fill(-1);
                capUsed = true;
              }
              const cell = cg * capSpan + (yearD - yearOfDay[o]!);
              capAcc[cell]! += p;
              if (sink && (capFirst[cell]! < 0 || before(i, capFirst[cell]!))) {
                capFirst[cell] = i;
                capFirstLine[cell] = pLine[e]!;
              }
            } else if (p < 0) ded += p;
            else bon += p;
            sink?.push(s, pLine[e]!, p, 0, row[i]!, CONTRIB.points);
            break;
          }
        }
        if ((sk & 4) !== 0) {
          const de = dStart[slot]! + dCount[slot]!;
          for (let d = dStart[slot]!; d < de; d++) {
            if ((drMask[d]! & b) === 0) continue;
            if (!admits(drBands, d, a)) continue;
            const r = drRule[d]!;
            if (cancellable[r] === 1) {
              if (nC === cRule.length) {
                cRule = grown(cRule);
                cStart = grown(cStart);
                cRow = grown(cRow);
                effRep = grown(effRep);
                effDay = grown(effDay);
              }
              cRule[nC] = r;
              cRow[nC] = i;
              cStart[nC++] = o;
            } else if (o >= lo[dYears[r]!]!) {
              const g = dRank[r]!;
              if (g > dWorst) dWorst = g;
              if (g < 5 && g > nonD) nonD = g;
              if (dFreeze[r] === 1) freeze = 1;
              sink?.push(s, nRules + r, 0, g + 1, row[i]!, CONTRIB.direct);
            }
            // No break: every matching direct-grading line applies, as in the interpreter.
          }
        }
        if ((sk & 8) !== 0) {
          const te = tStart[slot]! + tCount[slot]!;
          for (let t = tStart[slot]!; t < te; t++) {
            if ((trMask[t]! & b) === 0) continue;
            if (!admits(trBands, t, a)) continue;
            if (nT === tRep.length) {
              tRep = grown(tRep);
              tDay = grown(tDay);
            }
            tRep[nT] = trRepair[t]!;
            tDay[nT++] = o;
          }
        }
      }

      // ---- annual caps: per group and calendar year, at most the cap ----
      if (capUsed)
        for (let g = 0; g < capGroups.length; g++) {
          const cap = capLimit[g]!;
          for (let y = 0; y < capSpan; y++) {
            const raw = capAcc[g * capSpan + y]!;
            let sum = raw;
            if (sum > cap) sum = cap;
            else if (sum < -cap) sum = -cap;
            if (sum < 0) ded += sum;
            else bon += sum;
            if (sink && sum !== raw)
              sink.push(s, capFirstLine[g * capSpan + y]!, sum - raw, 0, -1, CONTRIB.cap);
          }
        }

      // ---- cumulative tiers: tier k counts iff the total by D reaches it and the total before its window did not ----
      if (tierUsed)
        for (let r = 0; r < nTier; r++) {
          const off = tierOffset[r]!;
          const all = tierAcc[off]!;
          const thr = tierThr[r]!;
          for (let k = 0; k < thr.length; k++) {
            if (all < thr[k]!) break;
            if (tierAcc[off + 1 + tierYearSlot[r]![k]!]! >= thr[k]!) continue;
            const p = tierPts[r]![k]!;
            if (p < 0) ded += p;
            else bon += p;
            if (sink && p !== 0) sink.push(s, tierLine[r]!, p, 0, -1, CONTRIB.tier);
          }
        }

      // ---- repairs: each cause converted by the earliest trigger in force (ties: first repair of the pack) ----
      if (nC > 0) {
        // One effect per repair rule and converting day; at most one per cause.
        let nE = 0;
        for (let c = 0; c < nC; c++) {
          const r = cRule[c]!;
          const cs = cStart[c]!;
          const ce = windowEnd(cs, dYears[r]!);
          let conv = -1;
          let by = -1;
          for (let t = 0; t < nT; t++) {
            const day = tDay[t]!;
            if (cancels[tRep[t]!]![r] !== 1 || day < cs || day >= ce) continue;
            if (conv < 0 || day < conv || (day === conv && tRep[t]! < by)) {
              conv = day;
              by = tRep[t]!;
            }
          }
          if (by >= 0) {
            let seen = false;
            for (let k = 0; k < nE; k++) if (effRep[k] === by && effDay[k] === conv) seen = true;
            if (!seen) {
              effRep[nE] = by;
              effDay[nE++] = conv;
            }
          } else if (D < ce) {
            const g = dRank[r]!;
            if (g > dWorst) dWorst = g;
            if (g < 5 && g > nonD) nonD = g;
            if (dFreeze[r] === 1) freeze = 1;
            sink?.push(s, nRules + r, 0, g + 1, row[cRow[c]!]!, CONTRIB.direct);
          }
        }
        for (let k = 0; k < nE; k++) {
          const rp = effRep[k]!;
          if (D >= windowEnd(effDay[k]!, rYears[rp]!)) continue;
          if (rGrade[rp]! >= 0) {
            if (rGrade[rp]! > other) other = rGrade[rp]!;
            sink?.push(s, nRules + nDirect + rp, 0, rGrade[rp]! + 1, -1, CONTRIB.repair);
          } else {
            if (rPoints[rp]! < 0) ded += rPoints[rp]!;
            else bon += rPoints[rp]!;
            if (sink && rPoints[rp]! !== 0)
              sink.push(s, nRules + nDirect + rp, rPoints[rp]!, 0, -1, CONTRIB.repair);
          }
        }
      }

      // ---- frozen bonuses: each bonus the interpreter counts gets a row cancelling it ----
      if (sink && freeze) {
        const r1 = sink.length;
        for (let k = r0; k < r1; k++) {
          const p = sink.points[k]!;
          if (p <= 0) continue;
          const kind = sink.kind[k]!;
          if (kind === CONTRIB.points && lineCapped[sink.line[k]!] === 0)
            sink.push(s, sink.line[k]!, -p, 0, sink.record[k]!, CONTRIB.frozen);
          else if (kind === CONTRIB.tier) sink.push(s, sink.line[k]!, -p, 0, -1, CONTRIB.frozenTier);
          else if (kind === CONTRIB.repair) sink.push(s, sink.line[k]!, -p, 0, -1, CONTRIB.frozenRepair);
        }
        if (capUsed)
          for (let g = 0; g < capGroups.length; g++) {
            const cap = capLimit[g]!;
            for (let y = 0; y < capSpan; y++) {
              const cell = g * capSpan + y;
              const sum = Math.max(-cap, Math.min(cap, capAcc[cell]!));
              if (capFirst[cell]! >= 0 && sum > 0)
                sink.push(s, capFirstLine[cell]!, -sum, 0, row[capFirst[cell]!]!, CONTRIB.frozenCap);
            }
          }
      }

      // ---- total and grade ----
      const sc = base + ded + (freeze ? 0 : bon);
      score[s] = sc;
      frozen[s] = freeze;
      let band = 0;
      while (sc < bandMin[band]!) band++;
      grade[s] = dWorst < 0 && other < 0 ? band : finalGradeCode(band, dWorst, other, nonD);
    }
    return res;
  }

  return scoreAll;
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const next = new Int32Array(a.length * 2);
  next.set(a);
  return next;
}
