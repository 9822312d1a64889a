// Relational punishment and greying: a single tie's response follows closeness and context as the parameters say,
// and a run with the module on counts responses by kind of tie and feeds pressure into paying (it is off by default).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { shipped } from '../../core/paths.js';
import { runSimulation } from '../engine.js';
import { loadScenario } from '../scenario.js';
import { DistrictContext } from '../district-context.js';
import { MSG_LISTED } from '../messages.js';
import { RelationalProcess, Response, respondOnce } from './relational.js';

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

/**
 * A hand-built district of five residents: 0 is the listed person, with mother 1, spouse 2 and network friends 3 and 4
 * (whose ties back to 0 are in their own rows). Every other resident is listed too, so each counts as a listed tie.
 */
function tinyDistrict(R: typeof base) {
  const n = 5;
  const col = Int32Array.from([3, 4, 0, 0]);
  const rowPtr = Uint32Array.from([0, 2, 2, 2, 3, 4]);
  const none = () => new Int32Array(n).fill(-1);
  const persons = {
    length: n,
    death: new Int32Array(n).fill(1e9),
    mother: Int32Array.from([1, -1, -1, -1, -1]),
    father: none(),
    spouse: Int32Array.from([2, -1, 0, -1, -1]),
    employer: none(),
    village: none(),
    household: Int32Array.from([0, 1, 0, 3, 4]),
    roles: new Uint8Array(n),
    income: new Float32Array(n).fill(100),
  };
  const society: Record<string, number> = {};
  const c = {
    d: { personStart: 0, personCap: n },
    w: { persons, net: { rowPtr, col } },
    s: { society: { relational: R } },
    rng: { society: new Rng(7) },
    snap: { lists: new Uint32Array(n).fill(1) },
    defaulterMask: 1,
    society,
    tally: (k: string, v = 1) => (society[k] = (society[k] ?? 0) + v),
    ties: undefined,
    severed: undefined,
  } as unknown as DistrictContext;
  return {
    c,
    col,
    rowPtr,
    society,
    listedTies: (i: number) => DistrictContext.prototype.listedTies.call(c, i),
  };
}

describe('ostracism costs ties (without touching the shared network)', () => {
  // everyone learns, nobody discounts, nobody presses: every tie who responds shuns
  const shun = {
    ...base,
    learn: { ...base.learn, notified: 1, shamed: 1 },
    discountIfContext: { ...base.discountIfContext, value: 0 },
    pressure: { ...base.pressure, value: 0 },
  };

  it('a shunning tie is cut: it no longer responds to a later listing nor counts as a listed tie', () => {
    const t = tinyDistrict({ ...shun, effects: { ...shun.effects, severIfOstracised: 1 } });
    const colBefore = Array.from(t.col);
    const rowBefore = Array.from(t.rowPtr);
    const p = new RelationalProcess(t.c);
    expect(t.listedTies(0)).toBe(4); // mother, spouse, two friends
    p.receive(MSG_LISTED, 0, 10);
    expect(t.society['relational.family.cut']).toBe(2);
    expect(t.society['relational.friend.cut']).toBe(2);
    expect(t.listedTies(0)).toBe(0);
    // the second listing reaches no one: every tie is gone
    p.receive(MSG_LISTED, 0, 20);
    expect(t.society['relational.family.ties']).toBe(2);
    expect(t.society['relational.friend.ties']).toBe(2);
    // the friends' own rows (their ties back to 0) and the shared arrays are untouched
    expect(t.listedTies(3)).toBe(1);
    expect(Array.from(t.col)).toEqual(colBefore);
    expect(Array.from(t.rowPtr)).toEqual(rowBefore);
  });

  it('with no severing the same ties shun again at the next listing and still count', () => {
    const t = tinyDistrict({ ...shun, effects: { ...shun.effects, severIfOstracised: 0 } });
    const p = new RelationalProcess(t.c);
    p.receive(MSG_LISTED, 0, 10);
    p.receive(MSG_LISTED, 0, 20);
    expect(t.society['relational.family.ostracised']).toBe(4);
    expect(t.society['relational.friend.ostracised']).toBe(4);
    expect(t.society['relational.family.cut']).toBeUndefined();
    expect(t.listedTies(0)).toBe(4);
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
