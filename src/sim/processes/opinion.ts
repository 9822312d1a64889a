// Opinion of the credit systems and political trust (issue 16 §4): each adult has a political trust, a media habit
// and a support for the systems. Support has direct terms for political trust, media, income, education, hukou and
// Party membership with the directions Liu (2022) found (inputs, society.yaml opinion.correlates), and moves with
// experience — a perk grade or a grade below A they know of, perks used, being listed or restricted, ties listed.
// Once a year a simulated survey samples urban adults and records the 8-item support index with Liu's covariates;
// nothing here writes the survey's fit: whether experience masks or flips the inputs' signs is what it measures.
import type { Rng } from '../../core/rng.js';
import { GRADE_NONE } from '../../schemes/municipal/types.js';
import type { DistrictContext } from '../district-context.js';
import { F_RESTRICTED } from '../snapshot.js';
import { EDU_NAMES, ROLE_PARTY, ageYears } from '../world.js';
import { BELOW_A_MIN, perkGradeMax } from './awareness.js';
import type { DistrictProcess } from './process.js';

export class OpinionProcess implements DistrictProcess {
  readonly name = 'opinion';
  private readonly c: DistrictContext;
  /** Latent support before experience (index points). */
  private readonly base: Float32Array;
  /** Political trust, standard normal. */
  private readonly trust: Float32Array;
  private readonly media: Uint8Array;
  /** Running experience (index points, exponentially smoothed). */
  private readonly exp: Float32Array;
  /** Score when first seen scored (NaN before): the reference for the points a resident has gained or lost. */
  private readonly first: Float32Array;
  /** Respondents this district contributes to each wave. */
  private readonly quota: number;

  constructor(c: DistrictContext) {
    this.c = c;
    const n = c.d.personCap;
    this.base = new Float32Array(n);
    this.trust = new Float32Array(n);
    this.media = new Uint8Array(n);
    this.exp = new Float32Array(n);
    this.first = new Float32Array(n).fill(NaN);
    const O = c.s.society.opinion;
    const r = c.rng.society;
    // Everyone, newborns' slots included, draws now: the draw order does not depend on who is born when.
    for (let k = 0; k < n; k++) {
      this.base[k] = O.baseline.mean + O.baseline.sd * r.normal();
      this.trust[k] = r.normal();
      this.media[k] = r.next() < O.media.share ? 1 : 0;
    }
    this.quota = surveyQuota(c);
  }

  monthly(day: number, month: number): void {
    const c = this.c;
    const P = c.w.persons;
    const O = c.s.society.opinion;
    const X = O.experience;
    const m = O.memory.value;
    const snap = c.snap;
    const o = c.d.personStart;
    const perkMax = perkGradeMax(c);
    for (let i = o; i < c.nextSlot; i++) {
      if (P.death[i]! <= day || ageYears(P.birth[i]!, day) < c.m.adultAge) continue;
      const k = i - o;
      let x = 0;
      if (!c.aware || c.aware[k]) {
        const g = snap.grade[i]!;
        if (g !== GRADE_NONE && g <= perkMax) x += X.perkGrade;
        if (c.perkUsed?.[k]) x += X.perkUsed;
        else if (g !== GRADE_NONE && g >= BELOW_A_MIN) x += X.belowA;
        // points gained (bonuses) or lost (deductions) since first scored: the rules' verdict on one's own conduct
        const s = snap.score[i]!;
        if (Number.isFinite(s)) {
          if (Number.isNaN(this.first[k]!)) this.first[k] = s;
          x += X.perPoint * (s - this.first[k]!);
        }
      }
      if (snap.lists[i]! & c.defaulterMask) x += X.listed;
      if (snap.flags[i]! & F_RESTRICTED) x += X.restricted;
      if (X.tieListed !== 0) x += X.tieListed * Math.min(X.maxTiesCounted, c.listedTies(i));
      // Platform notices seen (issue 17; the trust module's points, absent when it is off).
      if (c.trustLinks) x += c.trustLinks.support[k]!;
      this.exp[k] = (1 - m) * this.exp[k]! + m * X.scale * x;
    }
    if (month === O.survey.month && this.quota > 0) this.surveyWave(day);
  }

  /** The district's respondents: a uniform sample of its living adults (reservoir sampling), each answering 8 items. */
  private surveyWave(day: number): void {
    const c = this.c;
    const P = c.w.persons;
    const r = c.rng.society;
    const picked = new Int32Array(this.quota);
    let seen = 0;
    for (let i = c.d.personStart; i < c.nextSlot; i++) {
      if (P.death[i]! <= day || ageYears(P.birth[i]!, day) < c.m.adultAge) continue;
      if (seen < picked.length) picked[seen] = i;
      else {
        const j = r.int(seen + 1);
        if (j < picked.length) picked[j] = i;
      }
      seen++;
    }
    const n = Math.min(seen, picked.length);
    for (let q = 0; q < n; q++) {
      const i = picked[q]!;
      const x = covariates(c, i);
      c.survey.push(
        day,
        this.answer(i, x, r),
        this.trust[i - c.d.personStart]!,
        x.logIncome,
        x.tertiary,
        x.urban,
        x.party,
        this.media[i - c.d.personStart]!,
      );
    }
  }

  /** The index (Liu 2022: 8 items): each item the latent support plus noise, rounded to the 1-5 scale; the index is their mean. */
  private answer(i: number, x: Covariates, r: Rng): number {
    const O = this.c.s.society.opinion;
    const C = O.correlates;
    const k = i - this.c.d.personStart;
    const latent =
      this.base[k]! +
      O.trustEffect.value * this.trust[k]! +
      O.media.effect * this.media[k]! +
      C.income * x.logIncome +
      C.tertiary * x.tertiary +
      C.urban * x.urban +
      C.party * x.party +
      this.exp[k]!;
    let sum = 0;
    const items = O.survey.items.value;
    const top = O.survey.points.value;
    for (let t = 0; t < items; t++)
      sum += Math.min(top, Math.max(1, Math.round(latent + O.itemSd.value * r.normal())));
    return sum / items;
  }
}

/** A respondent's covariates of Liu (2022)'s model: the survey records them and support has a term in each. */
interface Covariates {
  logIncome: number;
  tertiary: number;
  urban: number;
  party: number;
}

const TERTIARY = EDU_NAMES.indexOf('tertiary');

function covariates(c: DistrictContext, i: number): Covariates {
  const P = c.w.persons;
  return {
    logIncome: Math.log1p(P.income[i]! / c.meanIncome),
    tertiary: P.education[i] === TERTIARY ? 1 : 0,
    urban: P.hukou[i] ? 0 : 1,
    party: P.roles[i]! & ROLE_PARTY ? 1 : 0,
  };
}

/** This district's share of the survey's respondents: the frame is the urban districts, by initial population. */
function surveyQuota(c: DistrictContext): number {
  const S = c.s.society.opinion.survey;
  const city = c.s.scenario.city.districts;
  const frame = c.w.layout.districts.filter((d) => city[d.index]!.rural <= S.urbanDistrictMaxRural);
  if (!frame.some((d) => d.index === c.d.index)) return 0;
  const total = frame.reduce((s, d) => s + d.personInitial, 0);
  // Largest-remainder split, so the districts' quotas add up to the respondents exactly.
  const exact = frame.map((d) => (S.respondents.value * d.personInitial) / total);
  const floor = exact.map(Math.floor);
  const left = S.respondents.value - floor.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, j) => j)
    .sort((a, b) => exact[b]! - floor[b]! - (exact[a]! - floor[a]!) || a - b);
  for (let j = 0; j < left; j++) floor[order[j]!]!++;
  return floor[frame.findIndex((d) => d.index === c.d.index)]!;
}
