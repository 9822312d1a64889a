// The fast evaluator runs the shared contract, reuses its buffers, and can never run code from a policy file.
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { toEpochDay } from '../../core/dates.js';
import { shipped } from '../../core/paths.js';
import { UnsafeCodegenError } from '../../policy/expr.js';
import { compileScheme } from './compile.js';
import { makeRecord } from '../../core/types.js';
import { runFast, runInterpreter } from './corpus.js';
import { generateLedger } from './generate.js';
import { loadSchemePack } from './load.js';
import { schemeContract } from './scheme.contract.js';
import type { SchemePack } from './types.js';

schemeContract({
  name: 'fast evaluator',
  prepare: (pack, catalogue) => {
    const compiled = compileScheme(pack, catalogue);
    return (c) => runFast(compiled, catalogue, c);
  },
});

describe('compileScheme', () => {
  const catalogue = loadCatalogue(defaultCataloguePath());
  const pack = loadSchemePack(shipped('policies', 'wendeng-points', '2020'), catalogue);

  it('resolves every rule line into lookup tables', () => {
    const c = compileScheme(pack, catalogue);
    expect(c.stats.kinds).toBeGreaterThan(100);
    expect(c.stats.pointEntries).toBeGreaterThan(pack.rules.length);
    expect(c.stats.directEntries).toBeGreaterThanOrEqual(pack.direct.length);
    expect(c.stats.triggerEntries).toBeGreaterThanOrEqual(pack.repairs.length);
  });

  it('gives the same table when an output buffer is reused', () => {
    const c = compileScheme(pack, catalogue);
    const g = generateLedger(pack, catalogue, { subjects: 500, records: 8000, seed: 7 });
    const a = c.scoreAll(g.cols, g.subjects, toEpochDay('2021-06-30'));
    const copy = { score: a.score.slice(), grade: a.grade.slice(), status: a.status.slice() };
    c.scoreAll(g.cols, g.subjects, toEpochDay('2019-01-31'), a);
    const b = c.scoreAll(g.cols, g.subjects, toEpochDay('2021-06-30'), a);
    expect(b.score).toEqual(copy.score);
    expect(b.grade).toEqual(copy.grade);
    expect(b.status).toEqual(copy.status);
  });

  it('rebuilds its prepared copy when subject types change between calls', () => {
    const c = compileScheme(pack, catalogue);
    const g = generateLedger(pack, catalogue, { subjects: 300, records: 6000, seed: 11 });
    const day = toEpochDay('2021-06-30');
    c.scoreAll(g.cols, g.subjects, day);
    const flipped = { ...g.subjects, type: g.subjects.type.map((t) => 1 - t) as Uint8Array };
    const again = c.scoreAll(g.cols, flipped, day);
    const fresh = compileScheme(pack, catalogue).scoreAll(g.cols, flipped, day);
    expect(again.score).toEqual(fresh.score);
    expect(again.grade).toEqual(fresh.grade);
    expect(again.status).toEqual(fresh.status);
  });

  it('refuses subject columns shorter than the ledger dictionary', () => {
    const c = compileScheme(pack, catalogue);
    const g = generateLedger(pack, catalogue, { subjects: 50, records: 100, seed: 1 });
    const short = { ...g.subjects, length: 10 };
    expect(() => c.scoreAll(g.cols, short, toEpochDay('2021-01-01'))).toThrow(/subject columns hold 10 rows/);
  });

  it('applies every matching direct-grading line, as the interpreter does', () => {
    // Two direct lines on one record (a pack object built in memory: the loader refuses overlapping lines, so this
    // guards the engine itself). Before the fix the fast evaluator stopped at the first line (B); the worst is C.
    const drink = pack.direct.find((d) => d.id === 'W-B-04')!;
    const twice: SchemePack = { ...pack, direct: [...pack.direct, { ...drink, id: 'X-C', grade: 'C' }] };
    const compiled = compileScheme(twice, catalogue);
    const subject = {
      id: 'S',
      type: 'natural' as const,
      jurisdiction: '371003',
      birthDate: '1980-06-15',
      roles: [],
    };
    const c = {
      name: 'two-direct-lines',
      file: 'memory',
      asOf: '2021-06-01',
      subject,
      records: [
        makeRecord({
          subject: 'S',
          kind: 'traffic.drink_driving',
          occurredAt: '2021-03-01',
          reportedAt: '2021-03-01',
          agency: 'police',
          basis: 'test',
        }),
      ],
      expect: {},
    };
    const ref = runInterpreter(twice, c);
    expect(ref.grade).toBe('C');
    expect(runFast(compiled, catalogue, c)).toMatchObject({ grade: ref.grade, score: ref.score });
  });

  it('refuses a pack whose kinds the catalogue lacks', () => {
    const bad: SchemePack = { ...pack, rules: [{ ...pack.rules[0]!, kind: 'nowhere.kind' }] };
    expect(() => compileScheme(bad, catalogue)).toThrow(/nowhere.kind/);
  });

  it('emits no code from a formula that did not come from the formula parser', () => {
    // A pack object forged in memory (bypassing the loader) with text where a number belongs.
    const rule = pack.rules.find((r) => r.id === 'W1-57-01')!;
    const forged: SchemePack = {
      ...pack,
      rules: pack.rules.map((r) =>
        r === rule
          ? {
              ...r,
              cases: [
                {
                  when: {},
                  effect: {
                    type: 'formula',
                    text: 'x',
                    expr: { t: 'num', v: '0;globalThis.pwned=1' as unknown as number },
                  },
                },
              ],
            }
          : r,
      ),
    };
    expect(() => compileScheme(forged, catalogue)).toThrow(UnsafeCodegenError);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
  });
});
