// Fuzzes the pack loader with generated malformed packs: it must never throw or hang, only return coded issues.
// The default run is small; MOSAIC_FUZZ_RUNS=100000 runs the full campaign (docs/decisions/0032-policy-loader-fuzz.md).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { checkSchemePack, type PackFiles } from './load.js';
import { PACK_FILES, type PackFileName } from './schema.js';

const catalogue = loadCatalogue(defaultCataloguePath());
const RUNS = Number(process.env.MOSAIC_FUZZ_RUNS ?? 2000);

/** A small valid pack: every file present, a few rules of each form. Mutations start from here. */
const SEED: Record<PackFileName, string> = {
  'scheme.yaml': `scheme: fz
version: "1"
title: { zh: 测, en: test }
jurisdiction: { division: "371003", zh: 文登, en: Wendeng }
effective: { from: "2020-01-01" }
baseScore: 1000
subjects: [individual, legal_person]
eligibility: { minAge: 18, residence: { divisions: ["3710"] } }
consentRequired: false
bands:
  - { grade: AAA, min: 1050 }
  - { grade: AA, min: 1030, max: 1049 }
  - { grade: A, min: 960, max: 1029 }
  - { grade: B, min: 850, max: 959 }
  - { grade: C, min: 600, max: 849 }
  - { grade: D, max: 599 }
basis: b
source: s
marker: V
`,
  'rules.yaml': `rules:
  - { id: F-1, domain: d, subItem: s, zh: z, en: e, kind: commerce.contract_nonperformance, subjects: [individual], points: -20, basis: b, source: s, marker: V }
  - id: F-2
    domain: d
    subItem: s
    zh: z
    en: e
    kind: traffic.public_security_penalty
    subjects: [individual]
    cases:
      - { severity: warning, points: -5 }
      - { severity: fine, amount: { upTo: 500 }, points: -10 }
      - { severity: fine, amount: { over: 500 }, formula: "max(-40, -floor(amount / 100))" }
    basis: b
    source: s
    marker: P
  - { id: F-3, domain: d, subItem: s, zh: z, en: e, kind: volunteer.service_hours, subjects: [individual], tiers: [{ atLeast: 10, points: 2 }, { atLeast: 20, points: 5 }], basis: b, source: s, marker: P }
  - { id: F-4, domain: d, subItem: s, zh: z, en: e, kind: commerce.other_untrustworthy, subjects: [individual], range: [-30, -5], annualCap: 40, basis: b, source: s, marker: V }
`,
  'direct-grading.yaml': `direct:
  - { id: F-D1, grade: D, zh: z, en: e, kind: court.defaulter_listed, subjects: [individual, legal_person], basis: b, source: s, marker: V }
  - { id: F-D2, grade: B, zh: z, en: e, kind: traffic.drink_driving, subjects: [individual], basis: b, source: s, marker: V }
`,
  'validity.yaml': `deductions: [{ upTo: 40, years: 1 }, { over: 40, years: 2 }]
bonuses: { byLevel: { county: 1, national: 5 }, default: 1 }
direct: { B: 2, C: 3, D: 5 }
basis: b
source: s
marker: V
`,
  'interactions.yaml': `interactions:
  - { id: F-X1, zh: z, en: e, effect: freeze_bonuses, while: { directGrades: [B, C, D] }, basis: b, source: s, marker: V }
exclusions:
  - { id: F-X2, zh: z, en: e, kinds: [honour.association_award], basis: b, source: s, marker: V }
`,
  'repairs.yaml': `repairs:
  - id: F-R1
    zh: z
    en: e
    triggers: [{ kind: court.defaulter_deleted, when: { severity: performed } }]
    subjects: [individual]
    cancels: [F-D1]
    effect: { points: -50, years: 2 }
    basis: b
    source: s
    marker: V
`,
  'labels.yaml': `grades:
  AAA: { zh: a, en: a }
  AA: { zh: a, en: a }
  A: { zh: a, en: a }
  B: { zh: a, en: a }
  C: { zh: a, en: a }
  D: { zh: a, en: a }
domains:
  d: { zh: d, en: d }
`,
};

// Tokens that tend to break things when spliced in: YAML syntax, wrong types, references, formula injections.
const TOKENS = [
  ':',
  '- ',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '\n',
  '  ',
  '#',
  '&a',
  '*a',
  '!!binary',
  '~',
  'null',
  '-1',
  '1e999',
  'NaN',
  '.inf',
  '0x10',
  'W1-01-01',
  'F-1',
  'F-D1',
  'extends: ../fz',
  'extends: .',
  '__proto__',
  'constructor',
  'points',
  'range',
  'formula: "process.exit(1)"',
  'formula: "amount / 0"',
  'formula: "((((((((((((((((((((((((((amount"',
  'kind: no.such',
  'subjects: [martian]',
  'grade: E',
  'severity: [x]',
  'level: galaxy',
  'amount: { over: 5, upTo: 1 }',
  'mode: replace',
  'remove: [F-9]',
  'years: 0',
  'min: 1100',
  'tiers: []',
  'cases: []',
  '\t',
  '\u0000',
  '😀',
];

const mutateText = (text: string) =>
  fc
    .array(
      fc.record({
        at: fc.nat(),
        del: fc.nat({ max: 12 }),
        ins: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 6 })),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((edits) => {
      let t = text;
      for (const e of edits) {
        const at = e.at % (t.length + 1);
        t = t.slice(0, at) + e.ins + t.slice(at + e.del);
      }
      return t;
    });

// A YAML value of arbitrary shape, for files whose structure is entirely wrong.
const junkValue = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.constantFrom(
      null,
      true,
      0,
      -1,
      1e308,
      'x',
      '',
      'F-1',
      'commerce.contract_nonperformance',
      'AAA',
      'individual',
    ),
    fc.double(),
    fc.string({ maxLength: 8 }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(
      fc.constantFrom(
        'id',
        'rules',
        'kind',
        'points',
        'cases',
        'bands',
        'grade',
        'min',
        'max',
        'scheme',
        'x',
      ),
      tie('v'),
      { maxKeys: 5 },
    ),
  ),
})).v;

const fileContent = (name: PackFileName) =>
  fc.oneof(
    { weight: 6, arbitrary: mutateText(SEED[name]) },
    { weight: 1, arbitrary: junkValue.map((v) => stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

// One or two files broken at a time, the rest left valid: errors must be found wherever they are, and the unchanged
// files hit the loader's parse cache, which keeps a 100k campaign within minutes.
const packArb = fc
  .tuple(fc.constantFrom(...PACK_FILES), fc.option(fc.constantFrom(...PACK_FILES), { freq: 4 }))
  .chain(([a, b]) =>
    fc.tuple(
      fc.constant(a),
      fileContent(a),
      fc.constant(b),
      b === null ? fc.constant(undefined) : fileContent(b),
    ),
  )
  .map(([a, ca, b, cb]) => {
    const files: PackFiles['files'] = { ...SEED };
    if (ca === undefined) delete files[a];
    else files[a] = ca;
    if (b !== null) {
      if (cb === undefined) delete files[b];
      else files[b] = cb;
    }
    return files;
  })
  .filter((files) => PACK_FILES.some((f) => files[f] !== SEED[f]));

describe('pack loader fuzz', () => {
  it(
    `never throws or hangs on ${RUNS} malformed packs, and every issue is coded and located`,
    () => {
      let failing = 0;
      fc.assert(
        fc.property(packArb, (files) => {
          const t0 = performance.now();
          const res = checkSchemePack('/fz/p/1', catalogue, (dir) =>
            dir === '/fz/p/1' ? { dir, files } : undefined,
          );
          expect(performance.now() - t0).toBeLessThan(2000);
          if (res.pack) expect(res.issues).toEqual([]);
          else {
            failing++;
            expect(res.issues.length).toBeGreaterThan(0);
            for (const i of res.issues) {
              expect(i.code).toMatch(/^[a-z]+\.[a-z_]+$/);
              expect(typeof i.message).toBe('string');
              expect(i.location?.file).toMatch(/^\/fz\//);
            }
          }
        }),
        { numRuns: RUNS, seed: 20260101 },
      );
      // Most generated packs really are malformed (the campaign is not testing valid input).
      expect(failing).toBeGreaterThan(RUNS * 0.6);
    },
    Math.max(60_000, RUNS * 20),
  );

  it('the seed pack itself is valid', () => {
    const files: PackFiles['files'] = { ...SEED };
    expect(checkSchemePack('/fz/p/1', catalogue, () => ({ dir: '/fz/p/1', files })).issues).toEqual([]);
  });
});
