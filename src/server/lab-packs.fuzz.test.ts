// Fuzz the lab's pack edits (the one place the lab writes a pack): any band table and any lines switched off either
// give a derived pack the loader accepts — the same folder for the same edits, in any order, with exactly the lines
// asked for gone — or a coded refusal located in the request; never another error, never a shipped file touched.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MosaicError } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { LAB_PACKS, packAt, packInfo, preparePack, type PackChoice } from './lab-packs.js';

const RUNS = Number(process.env.MOSAIC_FUZZ_RUNS_LAB ?? 40);
const GRADES = ['AAA', 'AA', 'A', 'B', 'C', 'D'] as const;

describe('lab pack edits (fuzz)', () => {
  const root = mkdtempSync(join(tmpdir(), 'mosaic-lab-packs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const lines = packInfo('meritown-2021').lines.map((l) => l.id);
  const shippedText = readFileSync(
    shipped('scenarios', 'meritown', 'points', 'meritown-2021', 'scheme.yaml'),
    'utf8',
  );

  const band = fc.record(
    {
      grade: fc.constantFrom(...GRADES),
      min: fc.integer({ min: 0, max: 1300 }),
      max: fc.integer({ min: 0, max: 1300 }),
    },
    { requiredKeys: ['grade'] },
  );
  // Near-valid tables too: the six grades in order with increasing cut-offs, sometimes with one cut-off moved.
  const ordered = fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: 1299 }), { minLength: 5, maxLength: 5 }),
      fc.integer({ min: -2, max: 2 }),
    )
    .map(([cuts, jiggle]) => {
      const c = [...cuts].sort((a, b) => b - a);
      c[2] = c[2]! + jiggle;
      return GRADES.map((grade, i) => ({
        grade,
        ...(i < 5 ? { min: c[i]! } : {}),
        ...(i > 0 ? { max: c[i - 1]! - 1 } : {}),
      }));
    });
  const choice: fc.Arbitrary<PackChoice> = fc.record(
    {
      pack: fc.constantFrom(...LAB_PACKS),
      bands: fc.oneof(fc.array(band, { maxLength: 7 }), ordered),
      off: fc.array(fc.oneof(fc.constantFrom(...lines), fc.stringMatching(/^[A-Z0-9-]{1,10}$/)), {
        maxLength: 6,
      }),
    },
    { requiredKeys: ['pack'] },
  );

  it(`${RUNS} edits: a loadable derived pack with the lines gone, or a coded refusal in the request`, () => {
    const seen = { made: 0, refused: 0 };
    fc.assert(
      fc.property(choice, fc.integer({ min: 0, max: 1 }), (c, at) => {
        let dir: string;
        try {
          dir = preparePack(root, c, at).dir;
        } catch (e) {
          expect(e).toBeInstanceOf(MosaicError);
          for (const i of (e as MosaicError).issues) {
            expect(i.code).toMatch(/^(policy|lab)\.[a-z_]+$/);
            expect(i.location?.path?.slice(0, 2)).toEqual(['packs', at]);
          }
          seen.refused++;
          return;
        }
        seen.made++;
        const pack = packAt(dir);
        const off = new Set(c.off ?? []);
        for (const r of [...pack.rules, ...pack.direct]) expect(off.has(r.id)).toBe(false);
        // The same edits in another order name the same folder.
        const again = preparePack(
          root,
          { ...c, off: [...(c.off ?? [])].reverse(), bands: [...(c.bands ?? [])].reverse() },
          at,
        );
        expect(again.dir).toBe(dir);
      }),
      { numRuns: RUNS, seed: 14 },
    );
    // Both outcomes were exercised (a generator that only ever fails would prove nothing).
    expect(seen.made).toBeGreaterThan(RUNS / 10);
    expect(seen.refused).toBeGreaterThan(RUNS / 10);
    expect(
      readFileSync(shipped('scenarios', 'meritown', 'points', 'meritown-2021', 'scheme.yaml'), 'utf8'),
    ).toBe(shippedText);
  }, 120_000);
});
