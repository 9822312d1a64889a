// Awareness and opinion: off by default; with them on, awareness grows from contact with the system, grade-chasing
// needs knowing one's grade, and the yearly survey samples the configured number of urban adults with their answers
// on the 1-5 scale.
import { describe, expect, it } from 'vitest';
import { shipped } from '../../core/paths.js';
import { runSimulation, type SimOptions } from '../engine.js';
import { SOCIETY_FIGURES, surveyFit } from '../../experiments/society-figures.js';
import { SURVEY_ARMS, SURVEY_FIELDS, SURVEY_ROW } from '../society-schema.js';

const MERITOWN = shipped('scenarios', 'meritown');
const BASE = [
  'consumption',
  'credit',
  'annualReports',
  'appraisal',
  'vital',
  'conduct',
  'petitioning',
  'collectors',
];
const opts = (extra: string[], o: Record<string, unknown> = {}): SimOptions => ({
  scenarioDir: MERITOWN,
  workers: 0,
  population: 3000,
  years: 1,
  seed: 4,
  overrides: { 'scenario.processes': [...BASE, ...extra], ...o },
});

describe('awareness and opinion', () => {
  it('the survey samples the configured respondents from the urban districts, answers on 1-5', async () => {
    const r = await runSimulation(
      opts(['awareness', 'opinion'], { 'society.opinion.survey.respondents.value': 300 }),
    );
    const support = SURVEY_FIELDS.indexOf('support');
    const urban = SURVEY_FIELDS.indexOf('urban');
    const arm = SURVEY_FIELDS.indexOf('arm');
    // the survey's rows come first in each district; the information experiment's are a separate sample (arms 1, 2)
    const rows = [];
    for (let q = 0; q < r.survey.length / SURVEY_ROW; q++)
      if (r.survey[q * SURVEY_ROW + arm] === SURVEY_ARMS.indexOf('survey')) rows.push(q);
    expect(rows.length).toBe(300);
    let rural = 0;
    for (const q of rows) {
      const s = r.survey[q * SURVEY_ROW + support]!;
      expect(s).toBeGreaterThanOrEqual(1);
      expect(s).toBeLessThanOrEqual(5);
      if (!r.survey[q * SURVEY_ROW + urban]) rural++;
    }
    // urban districts hold some rural-hukou residents (10-25 %), so hukou varies in the sample
    expect(rural).toBeGreaterThan(0);
    expect(rural).toBeLessThan(150);
  }, 120_000);

  it('contact with the system makes residents learn their grade: more contact, more who know', async () => {
    const low = await runSimulation(opts(['awareness'], { 'society.awareness.initial': 0 }));
    const high = await runSimulation(
      opts(['awareness'], { 'society.awareness.initial': 0, 'society.awareness.monthly.background': 0.2 }),
    );
    const share = (r: typeof low) => r.society['awareness.aware']! / r.society['awareness.adults']!;
    expect(share(low)).toBeGreaterThan(0);
    expect(share(high)).toBeGreaterThan(share(low) + 0.3);
  }, 120_000);

  it('grade-chasing needs knowing the grade: everyone aware runs as without the module, nobody aware differs', async () => {
    const never = {
      'society.awareness.initial': 0,
      'society.awareness.monthly.background': 0,
      'society.awareness.monthly.perk': 0,
      'society.awareness.monthly.denial': 0,
      'society.awareness.monthly.notice': 0,
      'society.awareness.monthly.publicSector': 0,
    };
    const all = await runSimulation(opts([]));
    const none = await runSimulation(opts(['awareness'], never));
    expect(none.society['awareness.aware']).toBe(0);
    const everyone = await runSimulation(
      opts(['awareness'], { 'society.awareness.initial': 1, 'society.awareness.forget': 0 }),
    );
    expect(none.manifest.digests.events).not.toBe(all.manifest.digests.events);
    expect(everyone.manifest.digests.events).toBe(all.manifest.digests.events);
    expect(everyone.manifest.digests.records).toBe(all.manifest.digests.records);
  }, 120_000);

  it('the information experiment: those shown the restrictions answer lower, through the experience channel only', async () => {
    const run = (salience: number, scale = 1) =>
      runSimulation(
        opts(['awareness', 'opinion'], {
          'society.opinion.informationExperiment.salience.value': salience,
          'society.opinion.experience.scale': scale,
        }),
      );
    const blind = await run(0);
    const shown = await run(1);
    const arm = SURVEY_FIELDS.indexOf('arm');
    const support = SURVEY_FIELDS.indexOf('support');
    // the experiment has its own sample and stream: the survey's rows are those of a run without it
    const liu = (r: typeof blind) => r.survey.filter((_, j) => r.survey[j - (j % SURVEY_ROW) + arm] === 0);
    expect(liu(shown)).toEqual(liu(blind));
    // same respondents, same assignment, same item noise: control rows equal, shown rows never higher
    let lower = 0;
    let shownRows = 0;
    for (let q = 0; q < blind.survey.length; q += SURVEY_ROW) {
      const a = blind.survey[q + arm]!;
      if (a === SURVEY_ARMS.indexOf('survey')) continue;
      if (a === SURVEY_ARMS.indexOf('control'))
        expect(shown.survey[q + support]).toBe(blind.survey[q + support]);
      else {
        shownRows++;
        expect(shown.survey[q + support]).toBeLessThanOrEqual(blind.survey[q + support]!);
        if (shown.survey[q + support]! < blind.survey[q + support]!) lower++;
      }
    }
    expect(shownRows).toBeGreaterThan(300);
    expect(lower).toBeGreaterThan(shownRows / 4);
    const effect = SOCIETY_FIGURES.info_effect_pct!.measure;
    expect(effect(shown)).toBeLessThan(-3);
    // no experience weight, no effect: the information acts only through the experience channel
    expect(Math.abs(effect(await run(1, 0)))).toBeLessThan(2);
  }, 240_000);

  it('Liu’s correlates are inputs: the survey reads back the sign each is given (a calibration check)', async () => {
    const run = (t: number) =>
      runSimulation(opts(['awareness', 'opinion'], { 'society.opinion.correlates.tertiary': t }));
    const up = surveyFit(await run(1.5)).b;
    const down = surveyFit(await run(-1.5)).b;
    expect(up.tertiary).toBeGreaterThan(0.7);
    expect(down.tertiary).toBeLessThan(-0.7);
  }, 120_000);
});

describe('perk take-up', () => {
  // every grade from A up earns one perk, used every month by whoever knows their grade
  const perk = {
    'society.perks.list': [{ code: 'test', grade: 'A', monthly: 1, assumption: 'test: always used' }],
    'society.awareness.forget': 0,
  };
  const nobodyKnows = {
    'society.awareness.initial': 0,
    'society.awareness.monthly.background': 0,
    'society.awareness.monthly.perk': 0,
    'society.awareness.monthly.denial': 0,
    'society.awareness.monthly.notice': 0,
    'society.awareness.monthly.publicSector': 0,
  };

  it('only residents who know their grade take up perks, and using them raises support', async () => {
    const none = await runSimulation(opts(['awareness', 'perks'], { ...perk, ...nobodyKnows }));
    expect(none.society['perks.eligible']).toBeGreaterThan(1000);
    expect(none.society['perks.users'] ?? 0).toBe(0);
    const all = (used: number) =>
      runSimulation(
        opts(['awareness', 'perks', 'opinion'], {
          ...perk,
          'society.awareness.initial': 1,
          'society.opinion.experience.perkUsed': used,
        }),
      );
    const plain = await all(0);
    const pleased = await all(1);
    expect(plain.society['perks.users']).toBe(plain.society['perks.eligible']);
    expect(plain.society['perks.test.used']).toBe(plain.society['perks.users']);
    // counted in the run's manifest too
    expect(plain.manifest.counts['perks.users']).toBe(plain.society['perks.users']);
    expect(surveyFit(pleased).mean).toBeGreaterThan(surveyFit(plain).mean + 0.3);
  }, 240_000);
});
