// Loader and lint: the shipped packs are clean; every check reports a stable code at file:line:column, all at once.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { MosaicError, type Issue } from '../../core/errors.js';
import { shipped } from '../../core/paths.js';
import { diffSchemePacks, formatSchemeDiff } from './diff.js';
import { checkSchemePack, loadSchemePack, type PackFiles, type PackReader } from './load.js';
import { lintSchemePack } from './pack-kind.js';
import { schemeStore } from './registry.js';
import { shippedSchemePacks } from './scheme.contract.js';
import { PACK_FILES, type PackFileName } from './schema.js';

const catalogue = loadCatalogue(defaultCataloguePath());
const WENDENG = shipped('policies', 'wendeng-points', '2020');

function readFiles(dir: string): PackFiles['files'] {
  const files: PackFiles['files'] = {};
  for (const f of PACK_FILES) {
    try {
      files[f] = readFileSync(join(dir, f), 'utf8');
    } catch {
      // absent in a child pack
    }
  }
  return files;
}

const base = readFiles(WENDENG);

/** An in-memory file system of packs: dir → files. */
function reader(packs: Record<string, PackFiles['files']>): PackReader {
  return (dir) => {
    const files = packs[resolve(dir)];
    return files ? { dir, files } : undefined;
  };
}

function check(edit: Partial<Record<PackFileName, (text: string) => string>>): Issue[] {
  const files = { ...base };
  for (const [f, fn] of Object.entries(edit)) files[f as PackFileName] = fn!(files[f as PackFileName] ?? '');
  return checkSchemePack('/v/a/2020', catalogue, reader({ '/v/a/2020': files })).issues;
}

const codes = (issues: Issue[]) => [...new Set(issues.map((i) => i.code))].sort();

describe('shipped packs', () => {
  it.each(shippedSchemePacks())('%s lints clean', (dir) => {
    expect(lintSchemePack(dir, catalogue)).toEqual([]);
  });

  it('Haibei differs from Wendeng only in metadata and bands; Rongcheng replaces the rule table', () => {
    const w = loadSchemePack(WENDENG, catalogue);
    const h = loadSchemePack(shipped('policies', 'weihai-haibei', '2020'), catalogue);
    const r = loadSchemePack(shipped('policies', 'rongcheng-points', '2021'), catalogue);
    const dh = diffSchemePacks(w, h);
    // Haibei scores individuals only (issue 11 fix 5): it drops the legal-person lines and changes nothing else.
    const legal = (x: { subjects: string[] }) => x.subjects.includes('legal_person');
    expect(dh.rules).toEqual({ added: [], removed: w.rules.filter(legal).map((x) => x.id), changed: [] });
    expect(dh.direct).toEqual({ added: [], removed: w.direct.filter(legal).map((x) => x.id), changed: [] });
    expect(h.rules.some(legal) || h.direct.some(legal) || h.repairs.some(legal)).toBe(false);
    expect(dh.bands.map((c) => c.field)).toEqual([
      'band AAA',
      'band AA',
      'band A',
      'band B',
      'band C',
      'band D',
    ]);
    expect(formatSchemeDiff(dh)).toContain('  band AAA: ≥ 1050 → ≥ 1150');
    expect(h.chain).toEqual(['weihai-haibei@2020', 'wendeng-points@2020']);
    expect(h.rules.every((x) => x.origin === 'wendeng-points@2020')).toBe(true);
    const dr = diffSchemePacks(w, r);
    expect(dr.rules.removed).toContain('W1-01-01');
    expect(dr.rules.added).toContain('R-C-11');
    expect(dr.direct.removed).toHaveLength(w.direct.length);
    expect(dr.meta.map((c) => c.field)).toContain('consentRequired');
  });

  it('Rongcheng 2021 extends the ~2018 text with the consent rule only (issue 11 fix 6)', () => {
    const r18 = loadSchemePack(shipped('policies', 'rongcheng-points', '2018'), catalogue);
    const r21 = loadSchemePack(shipped('policies', 'rongcheng-points', '2021'), catalogue);
    expect(r18.meta.consentRequired).toBe(false);
    expect(r21.chain).toEqual(['rongcheng-points@2021', 'rongcheng-points@2018', 'wendeng-points@2020']);
    expect(r21.rules.every((x) => x.origin === 'rongcheng-points@2018')).toBe(true);
    const d = diffSchemePacks(r18, r21);
    expect(d.rules).toEqual({ added: [], removed: [], changed: [] });
    expect(d.direct).toEqual({ added: [], removed: [], changed: [] });
    expect(d.bands).toEqual([]);
    expect(d.meta.find((c) => c.field === 'consentRequired')).toMatchObject({ from: false, to: true });
    // The pack says that the 2021 text's own lines could not be confirmed.
    expect(r21.meta.notes.join('\n')).toMatch(/could NOT be confirmed/);
  });
});

describe('lint checks', () => {
  it('accepts the unedited copy (the harness itself is sound)', () => {
    expect(check({})).toEqual([]);
  });

  it('unknown record kind, with its position', () => {
    const issues = check({
      'rules.yaml': (t) => t.replace('kind: commerce.contract_nonperformance', 'kind: commerce.no_such_kind'),
    });
    expect(codes(issues)).toEqual(['policy.unknown_kind']);
    const text = base['rules.yaml']!;
    const line = text.slice(0, text.indexOf('kind: commerce.contract_nonperformance')).split('\n').length;
    expect(issues[0]!.location).toMatchObject({ file: '/v/a/2020/rules.yaml', line, column: 11 });
  });

  it('duplicate rule id', () => {
    expect(codes(check({ 'rules.yaml': (t) => t.replace('id: W1-01-02', 'id: W1-01-01') }))).toEqual([
      'policy.duplicate_id',
    ]);
  });

  it('gapped and overlapping grade bands', () => {
    expect(
      codes(
        check({
          'scheme.yaml': (t) =>
            t.replace('{ grade: AA, min: 1030, max: 1049 }', '{ grade: AA, min: 1030, max: 1048 }'),
        }),
      ),
    ).toEqual(['policy.band_gap']);
    expect(
      codes(
        check({
          'scheme.yaml': (t) =>
            t.replace('{ grade: B, min: 850, max: 959 }', '{ grade: B, min: 850, max: 965 }'),
        }),
      ),
    ).toEqual(['policy.band_overlap']);
    expect(codes(check({ 'scheme.yaml': (t) => t.replace('  - { grade: D, max: 599 }\n', '') }))).toEqual([
      'policy.bad_bands',
    ]);
  });

  it('gapped and overlapping amount bands', () => {
    expect(
      codes(
        check({
          'rules.yaml': (t) =>
            t.replace(
              '{ severity: fine, amount: { over: 500, below: 2000 }, points: -20,',
              '{ severity: fine, amount: { over: 600, below: 2000 }, points: -20,',
            ),
        }),
      ),
    ).toEqual(['policy.band_gap']);
    expect(
      codes(
        check({
          'rules.yaml': (t) =>
            t.replace(
              '{ severity: fine, amount: { over: 500, below: 2000 }, points: -20,',
              '{ severity: fine, amount: { atLeast: 500, below: 2000 }, points: -20,',
            ),
        }),
      ),
    ).toEqual(['policy.overlapping_cases']);
  });

  it('deduction validity bands must cover every magnitude', () => {
    expect(
      codes(check({ 'validity.yaml': (t) => t.replace('{ over: 40, years: 2 }', '{ over: 50, years: 2 }') })),
    ).toEqual(['policy.band_gap']);
  });

  it('two rules that can score the same record', () => {
    const extra = `  - id: W-I-99
    domain: commercial
    subItem: duplicate
    zh: 重复
    en: duplicate
    kind: commerce.contract_nonperformance
    subjects: [party_member]
    points: -1
    basis: test
    source: test
    marker: U
`;
    expect(codes(check({ 'rules.yaml': (t) => t + extra }))).toEqual(['policy.overlapping_rules']);
    // A legal-person rule on a kind about natural persons only is a different error.
    expect(
      codes(check({ 'rules.yaml': (t) => t + extra.replace('[party_member]', '[legal_person]') })),
    ).toEqual(['policy.subject_kind_mismatch']);
  });

  it('overlapping rules are reported once per record kind, not once per pair (1,500 rules: one issue, not a million)', () => {
    const rule = (i: number) => `  - id: W-X-${i}
    domain: commercial
    subItem: duplicate
    zh: 重复
    en: duplicate
    kind: commerce.contract_nonperformance
    subjects: [party_member]
    points: -1
    basis: test
    source: test
    marker: U
`;
    const extra = Array.from({ length: 1500 }, (_, i) => rule(i)).join('');
    const issues = check({ 'rules.yaml': (t) => t + extra }).filter(
      (i) => i.code === 'policy.overlapping_rules',
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(
      /^\d[\d,]* pairs of rules can both score the same commerce\.contract_nonperformance record/,
    );
    expect(issues[0]!.message.length).toBeLessThan(400);
    expect(issues[0]!.location?.line).toBeGreaterThan(0);
  });

  it('a blank or whitespace-only basis', () => {
    const issues = check({ 'rules.yaml': (t) => t.replace(/basis: .*/, "basis: '   '") });
    expect(codes(issues)).toEqual(['policy.invalid']);
    expect(issues[0]!.message).toContain('basis must not be blank');
    expect(issues[0]!.location?.line).toBeGreaterThan(0);
  });

  it('malformed formula, located inside the formula text', () => {
    const issues = check({
      'rules.yaml': (t) =>
        t.replace('formula: "min(10, floor(amount / 100))"', 'formula: "min(10, floor(amount / 100)"'),
    });
    expect(codes(issues)).toEqual(['policy.formula_syntax']);
    // The node starts at the opening quote; the error is just past the 27-character text (formula column 28).
    const text = base['rules.yaml']!;
    const at = text.indexOf('formula: "min(10, floor(amount / 100))"');
    const lineStart = text.lastIndexOf('\n', at) + 1;
    expect(issues[0]!.location!.column).toBe(at - lineStart + 'formula: '.length + 1 + 28);
    expect(
      codes(check({ 'rules.yaml': (t) => t.replace('"min(10, floor(amount / 100))"', '"eval(amount)"') })),
    ).toEqual(['policy.formula_unknown_name']);
    const injected = check({
      'rules.yaml': (t) => t.replace('formula: "min(10, floor(amount / 100))"', 'formula: "process.exit(1)"'),
    });
    expect(codes(injected)).toEqual(['policy.formula_syntax']);
    expect(
      codes(
        check({
          'rules.yaml': (t) => t.replace('"min(10, floor(amount / 400))"', '"amount / (amount - 1)"'),
        }),
      ),
    ).toEqual(['policy.formula_division']);
  });

  it('unknown subject type, bad range, unknown severity, effect forms', () => {
    expect(
      codes(
        check({ 'rules.yaml': (t) => t.replace('subjects: [party_member]', 'subjects: [party_members]') }),
      ),
    ).toEqual(['policy.invalid_value']);
    expect(codes(check({ 'rules.yaml': (t) => t.replace('range: [-30, -5]', 'range: [-5, -30]') }))).toEqual([
      'policy.bad_range',
    ]);
    expect(codes(check({ 'rules.yaml': (t) => t.replace('range: [-30, -5]', 'range: [-30, 5]') }))).toEqual([
      'policy.bad_range',
    ]);
    expect(
      codes(
        check({
          'rules.yaml': (t) => t.replace('when: { severity: late_payment }', 'when: { severity: late }'),
        }),
      ),
    ).toEqual(['policy.unknown_severity']);
    expect(
      codes(
        check({
          'rules.yaml': (t) =>
            t.replace(
              '    points: -20\n    basis: Wendeng 2020 Attachment 1 (个人信用信息评价标准), 商务领域失信信息 / 合同履行, line 1\n',
              '    basis: Wendeng 2020 Attachment 1 (个人信用信息评价标准), 商务领域失信信息 / 合同履行, line 1\n',
            ),
        }),
      ),
    ).toEqual(['policy.effect_count']);
    expect(
      codes(
        check({
          'rules.yaml': (t) =>
            t.replace(
              '    kind: honesty.refusing_investigation\n    subjects: [individual]\n',
              '    kind: honesty.refusing_investigation\n    subjects: [individual]\n    amount_band: 3\n',
            ),
        }),
      ),
    ).toEqual(['policy.unknown_field']);
  });

  it('dangling references in repairs and exclusions', () => {
    expect(
      codes(check({ 'repairs.yaml': (t) => t.replace('cancels: [W-LD-02]', 'cancels: [W-LD-99]') })),
    ).toEqual(['policy.unknown_reference']);
    expect(
      codes(
        check({
          'interactions.yaml': (t) =>
            t.replace(
              'kinds: [honour.association_award, honour.hobby_contest_result]',
              'kinds: [honour.association_award, health.blood_donation]',
            ),
        }),
      ),
    ).toEqual(['policy.excluded_kind_scored']);
  });

  it('YAML syntax errors are coded and located', () => {
    const issues = check({ 'labels.yaml': () => 'grades: { AAA: [\n' });
    expect(codes(issues)).toEqual(['yaml.syntax']);
    expect(issues[0]!.location!.file).toBe('/v/a/2020/labels.yaml');
    expect(issues[0]!.location!.line).toBeGreaterThan(0);
  });

  it('reports every problem at once, across files', () => {
    const issues = check({
      'rules.yaml': (t) =>
        t
          .replace('kind: commerce.contract_nonperformance', 'kind: x.y')
          .replace('id: W1-01-02', 'id: W1-02-01'),
      'scheme.yaml': (t) =>
        t
          .replace('max: 1048', 'max: 1048')
          .replace('{ grade: AA, min: 1030, max: 1049 }', '{ grade: AA, min: 1031, max: 1049 }'),
      'repairs.yaml': (t) => t.replace('cancels: [W-LD-02]', 'cancels: [nope]'),
    });
    expect(codes(issues)).toEqual([
      'policy.band_gap',
      'policy.duplicate_id',
      'policy.unknown_kind',
      'policy.unknown_reference',
    ]);
    for (const i of issues) expect(i.location?.file).toMatch(/^\/v\/a\/2020\/(rules|scheme|repairs)\.yaml$/);
  });

  it('extends: resolution, cycles, broken parents, removals', () => {
    const child = (ext: string, extra = '') => `scheme: c\nversion: "1"\nextends: ${ext}\n${extra}`;
    const ok = checkSchemePack(
      '/v/c/1',
      catalogue,
      reader({ '/v/a/2020': base, '/v/c/1': { 'scheme.yaml': child('../../a/2020') } }),
    );
    expect(ok.issues).toEqual([]);
    expect(ok.pack!.rules.length).toBe(loadSchemePack(WENDENG, catalogue).rules.length);
    const removed = checkSchemePack(
      '/v/c/1',
      catalogue,
      reader({
        '/v/a/2020': base,
        '/v/c/1': {
          'scheme.yaml': child('../../a/2020'),
          'rules.yaml': 'remove: [W1-01-01, W-I-00]\nrules: []\n',
        },
      }),
    );
    expect(codes(removed.issues)).toEqual(['policy.unknown_reference']);
    const cycle = checkSchemePack(
      '/v/c/1',
      catalogue,
      reader({
        '/v/c/1': { 'scheme.yaml': child('../../d/1') },
        '/v/d/1': { 'scheme.yaml': child('../../c/1') },
      }),
    );
    expect(codes(cycle.issues)).toContain('policy.extends_cycle');
    const broken = checkSchemePack(
      '/v/c/1',
      catalogue,
      reader({
        '/v/a/2020': { ...base, 'labels.yaml': 'nope: 1' },
        '/v/c/1': { 'scheme.yaml': child('../../a/2020') },
      }),
    );
    expect(codes(broken.issues)).toEqual(['policy.bad_extends', 'policy.unknown_field']);
    const missing = checkSchemePack(
      '/v/c/1',
      catalogue,
      reader({ '/v/c/1': { 'scheme.yaml': child('../../zz/1') } }),
    );
    expect(codes(missing.issues)).toEqual(['policy.bad_extends', 'policy.missing_file']);
  });
});

describe('schemeStore', () => {
  it('keeps what is loaded when a new version fails to load', () => {
    const good = { ...base };
    const bad = { ...base, 'rules.yaml': base['rules.yaml']!.replace('points: -20', 'points: "twenty"') };
    const packs: Record<string, PackFiles['files']> = { '/v/a/2020': good, '/v/a/2021': bad };
    const store = schemeStore(catalogue, reader(packs));
    const first = store.load('/v/a/2020');
    const snap = store.snapshot();
    let err: unknown;
    try {
      store.load('/v/a/2021');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MosaicError);
    expect((err as MosaicError).issues[0]!.code).toBe('policy.invalid_type');
    expect(store.get('wendeng-points')).toBe(first);
    expect(store.snapshot()).toBe(snap);
    expect(store.keys()).toEqual(['wendeng-points']);
  });
});
