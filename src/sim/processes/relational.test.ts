// Relational punishment and greying: a single tie's response follows closeness and context as the parameters say,
// and a run with the module on counts responses by kind of tie and feeds pressure into paying (it is off by default).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { shipped } from '../../core/paths.js';
import { runSimulation } from '../engine.js';
import { loadScenario } from '../scenario.js';
import { Response, respondOnce } from './relational.js';

const MERITOWN = shipped('scenarios', 'meritown');
const base = loadScenario(MERITOWN).society.relational;

/** Share of `n` responses of one kind that apply the label (press or shun), among those who learned. */
function applied(R: typeof base, kind: 'family' | 'business', n = 20000): number {
  const r = new Rng(42);
  let learned = 0;
  let app = 0;
  for (let t = 0; t < n; t++) {
    const x = respondOnce(r, R, kind, 1);
    if (x === Response.unaware) continue;
    learned++;
    if (x === Response.pressed || x === Response.ostracised) app++;
  }
  return app / learned;
}

describe('one tie responds', () => {
  it('close ties discount the label more than business ties when context follows closeness', () => {
    expect(applied(base, 'business') - applied(base, 'family')).toBeGreaterThan(0.3);
  });

  it('with context independent of closeness the gap vanishes (the mechanism, not a set outcome)', () => {
    const flat = { ...base, context: { ...base.context, base: 0.5, slope: 0 } };
    expect(Math.abs(applied(flat, 'business') - applied(flat, 'family'))).toBeLessThan(0.02);
  });

  it('nobody discounts when no one who knows discounts, and an unaware tie does nothing', () => {
    const none = { ...base, discountIfContext: { ...base.discountIfContext, value: 0 } };
    expect(applied(none, 'family')).toBe(1);
    expect(respondOnce(new Rng(1), base, 'family', 0)).toBe(Response.unaware);
  });
});

describe('a run with the relational module', () => {
  const on = [
    'consumption',
    'credit',
    'annualReports',
    'appraisal',
    'vital',
    'conduct',
    'petitioning',
    'collectors',
    'relational',
  ];

  it('is off in the default scenario: no society counts', async () => {
    const r = await runSimulation({
      scenarioDir: MERITOWN,
      workers: 0,
      population: 1500,
      years: 0.5,
      seed: 2,
    });
    expect(r.society).toEqual({});
  }, 120_000);

  it('counts each listed person’s ties by kind and their responses', async () => {
    const r = await runSimulation({
      scenarioDir: MERITOWN,
      workers: 0,
      population: 4000,
      years: 1.5,
      seed: 3,
      overrides: { 'scenario.processes': on },
    });
    const s = r.society;
    expect(s['relational.listed']).toBeGreaterThan(0);
    let learned = 0;
    let responses = 0;
    for (const k of ['family', 'friend', 'neighbour', 'colleague', 'business']) {
      const l = s[`relational.${k}.learned`] ?? 0;
      expect(l).toBeLessThanOrEqual(s[`relational.${k}.ties`] ?? 0);
      learned += l;
      responses +=
        (s[`relational.${k}.discounted`] ?? 0) +
        (s[`relational.${k}.pressed`] ?? 0) +
        (s[`relational.${k}.ostracised`] ?? 0);
    }
    // every tie who learned did exactly one thing (helping is a kind of discounting)
    expect(responses).toBe(learned);
    expect(learned).toBeGreaterThan(0);
  }, 120_000);

  it('pressure feeds back: when pressing ties weigh heavily, listed debtors pay sooner', async () => {
    const run = (odds: number) =>
      runSimulation({
        scenarioDir: MERITOWN,
        workers: 0,
        population: 4000,
        years: 1.5,
        seed: 3,
        overrides: {
          'scenario.processes': on,
          'society.relational.effects.payOddsPerPressingTie': odds,
          'society.relational.effects.payOddsPerHelpingTie': 0,
        },
      });
    const none = await run(0);
    const heavy = await run(50);
    expect(heavy.society['relational.paid_pressed'] ?? 0).toBeGreaterThan(
      none.society['relational.paid_pressed'] ?? 0,
    );
  }, 120_000);
});
