// The shipped lists policy loads and lints clean; bad policies are refused with coded, located issues.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shipped } from '../../core/paths.js';
import { readListPolicy } from './load.js';
import { findPacks } from '../../policy/registry.js';
import { isListPackDir, lintListPolicy, lintListRoot } from './lint.js';
import { shippedListPolicy } from './policy.js';

describe('shipped lists policy', () => {
  it('loads with no issues and lints clean', () => {
    const { data, issues } = readListPolicy();
    expect(issues).toEqual([]);
    expect(lintListPolicy(data!)).toEqual([]);
  });

  it('lists the same action ids in the action catalogue and in every receipt kind', () => {
    const p = shippedListPolicy();
    const ids = p.actions.map((a) => a.id);
    for (const k of ['receipt.denied', 'receipt.restricted', 'receipt.incentive', 'receipt.allowed'])
      expect(p.catalogue.get(k)?.severities, k).toEqual(ids);
  });

  it('ships the 2016 defaulter memorandum with 44 signatories and an incentive memorandum for a redlist', () => {
    const p = shippedListPolicy();
    const m141 = p.memoranda.find((m) => m.number === 'Fa Gai Cai Jin [2016] No. 141')!;
    expect(m141.signatories_count).toBe(44);
    expect(m141.signatories_complete).toBe(false);
    expect(m141.measures_complete).toBe(false);
    const inc = p.memoranda.filter((m) => m.type === 'incentive');
    expect(inc.length).toBeGreaterThan(0);
    for (const m of inc) for (const t of m.target_lists) expect(p.list(t)?.type).toBe('redlist');
  });

  it('lints clean and runs its corpus through the policy pack registry', async () => {
    const packs = findPacks(shipped('policies')).filter((p) => p.kind.name === 'lists');
    expect(packs.map((p) => p.dir.split('/').pop()).sort()).toEqual([
      'actions',
      'lists',
      'measures',
      'memoranda',
    ]);
    for (const p of packs) expect(await p.kind.lint(p.dir)).toEqual([]);
    const lists = packs.find((p) => p.dir.endsWith('lists'))!;
    const res = await lists.kind.test!(lists.dir);
    expect(res.failed).toBe(0);
    expect(res.passed).toBeGreaterThanOrEqual(30);
  });

  it('recognises the four policy folders as lists packs', () => {
    for (const d of ['lists', 'memoranda', 'measures', 'actions'])
      expect(isListPackDir(shipped('policies', d))).toBe(true);
    expect(isListPackDir(shipped('policies', 'calendar'))).toBe(false);
  });
});

describe('bad policies', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
  const copy = (): string => {
    const root = mkdtempSync(join(tmpdir(), 'mosaic-lists-'));
    roots.push(root);
    for (const d of ['lists', 'memoranda', 'measures', 'actions', 'catalogue'])
      cpSync(shipped('policies', d), join(root, d), { recursive: true });
    return root;
  };

  it('flags a measure outside the catalogue or without legal basis, at file:line:column', () => {
    const root = copy();
    const file = join(root, 'memoranda', 'zz-bad.yaml');
    writeFileSync(
      file,
      `memorandum: bad-memo
number: X [2026] No. 1
number_marker: U
type: punishment
zh: 坏
en: Bad
date: "2026-01-01"
date_marker: U
in_force: "2026-01-01"
signatories_count: 2
signatories: [A, B]
signatories_complete: true
target_lists: [spc_defaulters]
legal_basis:
  - doc: none
    marker: U
measures_complete: true
measures:
  - id: m1
    catalogue: shaming_posters
    zh: 张贴
    en: Posters at home
    agency: neighbourhood committee
    legal_basis: a local notice
    applies_to: [listed_subject]
    effect: prohibit
    actions: [fly]
    marker: U
    source: test
  - id: m2
    catalogue: restrict_exit
    zh: 无依据
    en: No basis
    agency: police
    applies_to: [listed_subject, child]
    effect: restrict
    actions: [exit_border, fly]
    marker: U
    source: test
source: test
marker: U
`,
    );
    const issues = lintListRoot(root);
    const got = issues.map((i) => `${i.code}@${i.location?.line}:${i.location?.column}`);
    expect(got.sort()).toEqual([
      'measure.action_not_permitted@37:28',
      'measure.basis_undated@19:9',
      'measure.basis_undated@30:9',
      'measure.effect_not_permitted@36:13',
      'measure.no_legal_basis@30:9',
      'measure.not_in_catalogue@20:16',
      'measure.reach_not_permitted@35:34',
    ]);
    for (const i of issues) expect(i.location?.file).toBe(file);
  });

  it('refuses a memorandum measure resting on a basis that came into force after the memorandum (issue 11 fix 7)', () => {
    const root = copy();
    const file = join(root, 'memoranda', 'fgcj-2016-141.yaml');
    const text = readFileSync(file, 'utf8');
    // The Sept 2016 Opinions, which d05 used to cite, for a memorandum in force from January 2016.
    const later = text.replace(/(- id: d05_exit[\s\S]*?basis_in_force: )"2013-01-01"/, '$1"2016-09-25"');
    expect(later).not.toBe(text);
    writeFileSync(file, later.replace(/(in_force: )2015-07-22/, '$12016-09-25'));
    const issues = lintListRoot(root).filter((i) => i.code.startsWith('measure.basis'));
    const lineOf = (needle: RegExp) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l, i, all) => needle.test(all.slice(0, i + 1).join('\n'))) + 1;
    expect(issues.map((i) => `${i.code}@${i.location?.line}`).sort()).toEqual(
      [
        `measure.basis_after_in_force@${lineOf(/in_force: 2016-09-25$/)}`,
        `measure.basis_after_in_force@${lineOf(/- id: d05_exit[\s\S]*basis_in_force: "2016-09-25"$/)}`,
      ].sort(),
    );
    for (const i of issues) expect(i.location?.file).toBe(file);
    expect(issues.map((i) => i.message).join('\n')).toContain(
      'measure d05_exit rests on a basis in force from 2016-09-25',
    );
  });

  it('reports schema and cross-reference errors all at once', () => {
    const root = copy();
    const file = join(root, 'lists', 'zz-bad.yaml');
    writeFileSync(
      file,
      `list: spc_defaulters
version: "x"
type: greylist
zh: 坏
en: Bad
`,
    );
    writeFileSync(
      join(root, 'memoranda', 'zz-bad.yaml'),
      `memorandum: m
number: "1"
number_marker: U
type: incentive
zh: a
en: b
date: "2026-01-01"
date_marker: U
in_force: "2026-01-01"
signatories_count: 1
signatories: [A, B]
signatories_complete: true
target_lists: [no_such_list]
legal_basis: [{doc: d, marker: U}]
measures_complete: true
measures:
  - {id: x, catalogue: waive_deposits, zh: a, en: b, agency: c, legal_basis: d, applies_to: [listed_subject], effect: waive_deposit, actions: [teleport], marker: U, source: s}
source: s
marker: U
`,
    );
    const { issues } = readListPolicy(root);
    const codes = issues.map((i) => i.code);
    expect(codes).toContain('lists.invalid_value');
    expect(codes).toContain('memoranda.unknown_list');
    expect(codes).toContain('memoranda.signatory_count');
    expect(codes).toContain('measures.unknown_action');
    expect(issues.find((i) => i.code === 'lists.invalid_value')?.location).toMatchObject({ file, line: 3 });
  });
});
