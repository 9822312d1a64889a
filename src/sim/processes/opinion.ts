// Opinion of the credit systems and political trust (issue 16 §4): each adult has a political trust, a media habit
// and a support for the systems. Support has direct terms for political trust, media, income, education, hukou and
// Party membership with the directions Liu (2022) found (inputs, society.yaml opinion.correlates), and moves with
// experience — a perk grade or a grade below A they know of, perks used, being listed or restricted, ties listed.
// Once a year a simulated survey samples urban adults and records the 8-item support index with Liu's covariates;
// nothing here writes the survey's fit: whether experience masks or flips the inputs' signs is what it measures.
// Beside it, Xu et al. (2022)'s information experiment: another sample, a random part of it shown the restrictions the
// systems impose, which moves their answer through the experience channel (the effect is measured, not set).
import { Rng } from '../../core/rng.js';
import { GRADE_NONE } from '../../schemes/municipal/types.js';
import type { DistrictContext } from '../district-context.js';
import { SURVEY_ARMS } from '../society-schema.js';
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
  /** The information experiment's respondents from this district (0 when it is not fielded), and its own stream, so
   * fielding it moves no other draw. */
  private readonly infoQuota: number;
  private readonly info: Rng;

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
    this.quota = surveyQuota(c, O.survey.respondents.value);
    const E = O.informationExperiment;
    this.infoQuota = E ? surveyQuota(c, E.respondents.value) : 0;
    this.info = new Rng(c.seed).fork('informationExperiment');
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
    // Read once per walk rather than once per person (the arithmetic is unchanged).
    const adultAge = c.m.adultAge;
    const aware = c.aware;
    const perkUsed = c.perkUsed;
    const mask = c.defaulterMask;
    const death = P.death;
    const birth = P.birth;
    const grade = snap.grade;
    const score = snap.score;
    const lists = snap.lists;
    const flags = snap.flags;
    const first = this.first;
    const exp = this.exp;
    const { perkGrade, belowA, perPoint, tieListed, scale } = X;
    const { perkUsed: perkUsedX, listed: listedX, restricted: restrictedX, maxTiesCounted: maxTies } = X;
    const end = c.nextSlot;
    for (let i = o; i < end; i++) {
      if (death[i]! <= day || ageYears(birth[i]!, day) < adultAge) continue;
      const k = i - o;
      let x = 0;
      if (!aware || aware[k]) {
        const g = grade[i]!;
        if (g !== GRADE_NONE && g <= perkMax) x += perkGrade;
        if (perkUsed?.[k]) x += perkUsedX;
        else if (g !== GRADE_NONE && g >= BELOW_A_MIN) x += belowA;
        // points gained (bonuses) or lost (deductions) since first scored: the rules' verdict on one's own conduct
        const s = score[i]!;
        if (Number.isFinite(s)) {
          if (Number.isNaN(first[k]!)) first[k] = s;
          x += perPoint * (s - first[k]!);
        }
      }
      if (lists[i]! & mask) x += listedX;
      if (flags[i]! & F_RESTRICTED) x += restrictedX;
      if (tieListed !== 0) x += tieListed * Math.min(maxTies, c.listedTies(i));
      // Platform notices seen (issue 17; the trust module's points, absent when it is off).
      if (c.trustLinks) x += c.trustLinks.support[k]!;
      exp[k] = (1 - m) * exp[k]! + m * scale * x;
    }
    if (month === O.survey.month && this.quota > 0) this.surveyWave(day);
    if (month === O.survey.month && this.infoQuota > 0) this.informationExperiment(day);
  }

  /** The district's respondents: a uniform sample of its living adults, each answering 8 items. */
  private surveyWave(day: number): void {
    const c = this.c;
    const r = c.rng.society;
    for (const i of this.sample(day, this.quota, r)) this.respond(day, i, r, 0, SURVEY_SURVEY);
  }

  /**
   * Xu et al. (2022)'s experiment: its own uniform sample; each respondent is shown the restrictions with the
   * experiment's share, then answers as in the survey. Being shown counts as experience (see `shown`).
   */
  private informationExperiment(day: number): void {
    const E = this.c.s.society.opinion.informationExperiment!;
    const r = this.info;
    for (const i of this.sample(day, this.infoQuota, r)) {
      const shown = r.next() < E.shown.value;
      this.respond(day, i, r, shown ? this.shown(i) : 0, shown ? SURVEY_SHOWN : SURVEY_CONTROL);
    }
  }

  /**
   * The shift in support of a respondent shown what a listing does: the information enters as `salience` months of
   * one's own listing and restriction, weighted like a month of experience (memory × scale). Who already lives it —
   * listed, restricted, or with a listed tie — learns nothing new.
   */
  private shown(i: number): number {
    const c = this.c;
    const O = c.s.society.opinion;
    const X = O.experience;
    if (c.snap.lists[i]! & c.defaulterMask || c.snap.flags[i]! & F_RESTRICTED || c.listedTies(i) > 0)
      return 0;
    return O.memory.value * X.scale * O.informationExperiment!.salience.value * (X.listed + X.restricted);
  }

  /** A uniform sample of up to `quota` of the district's living adults (reservoir sampling on `r`). */
  private sample(day: number, quota: number, r: Rng): Int32Array {
    const c = this.c;
    const P = c.w.persons;
    const picked = new Int32Array(quota);
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
    return picked.subarray(0, Math.min(seen, picked.length));
  }

  /** One respondent's row (SURVEY_FIELDS order). */
  private respond(day: number, i: number, r: Rng, shift: number, arm: number): void {
    const c = this.c;
    const x = covariates(c, i);
    const k = i - c.d.personStart;
    c.survey.push(
      day,
      this.answer(i, x, r, shift),
      this.trust[k]!,
      x.logIncome,
      x.tertiary,
      x.urban,
      x.party,
      this.media[k]!,
      arm,
    );
  }

  /** The index (Liu 2022: 8 items): each item the latent support plus noise, rounded to the 1-5 scale; the index is their mean. */
  private answer(i: number, x: Covariates, r: Rng, shift: number): number {
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
      this.exp[k]! +
      shift;
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

const SURVEY_SURVEY = SURVEY_ARMS.indexOf('survey');
const SURVEY_CONTROL = SURVEY_ARMS.indexOf('control');
const SURVEY_SHOWN = SURVEY_ARMS.indexOf('shown');

/** This district's share of a survey's `respondents`: the frame is the urban districts, by initial population. */
function surveyQuota(c: DistrictContext, respondents: number): number {
  const S = c.s.society.opinion.survey;
  const city = c.s.scenario.city.districts;
  const frame = c.w.layout.districts.filter((d) => city[d.index]!.rural <= S.urbanDistrictMaxRural);
  if (!frame.some((d) => d.index === c.d.index)) return 0;
  const total = frame.reduce((s, d) => s + d.personInitial, 0);
  // Largest-remainder split, so the districts' quotas add up to the respondents exactly.
  const exact = frame.map((d) => (respondents * d.personInitial) / total);
  const floor = exact.map(Math.floor);
  const left = respondents - floor.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, j) => j)
    .sort((a, b) => exact[b]! - floor[b]! - (exact[a]! - floor[a]!) || a - b);
  for (let j = 0; j < left; j++) floor[order[j]!]!++;
  return floor[frame.findIndex((d) => d.index === c.d.index)]!;
}
