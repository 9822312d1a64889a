// The classification of actions a person can choose is data: the shipped file loads against the catalogue, classifies
// every kind a shipped pack could propose, and a bad file is refused with a code and a line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../core/catalogue.js';
import { MosaicError } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { loadSchemePack } from '../schemes/municipal/load.js';
import { loadChoices } from './choices.js';
import { bonusOptions } from './counterfactual.js';

const catalogue = loadCatalogue(defaultCataloguePath());
const choices = loadChoices(undefined, catalogue);

describe('choosable actions (policies/counterfactual/choosable.yaml)', () => {
  it('classifies every kind a shipped points pack could propose, each with a reason and marker', () => {
    const packs = [
      ['wendeng-points', '2020'],
      ['weihai-haibei', '2020'],
      ['rongcheng-points', '2021'],
    ].map(([s, v]) => loadSchemePack(shipped('policies', s!, v!), catalogue));
    const proposable = new Set(
      packs.flatMap((p) => [
        ...bonusOptions(p, choices).map((o) => o.kind),
        ...p.rules.filter((r) => r.tiers && r.subjects.includes('individual')).map((r) => r.kind),
        ...p.repairs
          .filter((r) => r.subjects.includes('individual'))
          .flatMap((r) => r.triggers.map((t) => t.kind)),
      ]),
    );
    const unclassified = [...proposable].filter((k) => !choices.of(k));
    expect(unclassified).toEqual([]);
  });

  it('never proposes gifts of the body or heroic acts; proposes volunteering, blood donation and paying a debt', () => {
    for (const k of [
      'health.organ_donation',
      'health.marrow_donation',
      'civic.bravery',
      'honour.government_honour',
    ])
      expect([k, choices.choosable(k)]).toEqual([k, false]);
    for (const k of ['volunteer.service_hours', 'health.blood_donation', 'court.defaulter_deleted'])
      expect([k, choices.choosable(k)]).toEqual([k, true]);
    expect(choices.whyNot('health.organ_donation')).toMatch(/gift of the body/);
    expect(choices.choosable('no.such_kind')).toBe(false);
  });

  it('refuses a file with an unknown or repeated kind, naming the line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-choices-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(
      file,
      [
        'choices: counterfactual',
        'version: "1"',
        'source: test',
        'kinds:',
        '  - { kind: health.blood_donation, choosable: true, marker: P, reason: x }',
        '  - { kind: health.blood_donation, choosable: false, marker: P, reason: y }',
        '  - { kind: health.blood_donaton, choosable: true, marker: P, reason: z }',
        '',
      ].join('\n'),
    );
    const err = (() => {
      try {
        loadChoices(file, catalogue);
      } catch (e) {
        return e as MosaicError;
      }
    })();
    expect(err).toBeInstanceOf(MosaicError);
    expect(err!.issues.map((i) => [i.code, i.location?.line])).toEqual([
      ['choices.duplicate_kind', 6],
      ['choices.unknown_kind', 7],
    ]);
    writeFileSync(
      file,
      'choices: counterfactual\nversion: "1"\nsource: t\nkinds:\n  - { kind: a.b, choosable: true, marker: P, reason: "  " }\n',
    );
    expect(() => loadChoices(file)).toThrow(/choices\./);
  });
});
