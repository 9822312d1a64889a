// Scenario loading: the shipped scenario validates; bad scenarios fail with coded issues at file:line:column.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MosaicError } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { loadScenario } from './scenario.js';

const MERITOWN = shipped('scenarios', 'meritown');

function copyScenario(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mosaic-scn-'));
  cpSync(MERITOWN, dir, { recursive: true });
  return dir;
}
function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const p = join(dir, file);
  const text = readFileSync(p, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit of ${file} did not apply`);
  writeFileSync(p, next);
}
function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof MosaicError) return e.issues;
    throw e;
  }
  throw new Error('expected a MosaicError');
}

describe('loadScenario', () => {
  it('validates the shipped Meritown scenario, every number with provenance', () => {
    const s = loadScenario(MERITOWN);
    expect(s.scenario.scenario).toBe('meritown');
    expect(s.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(s.behaviour.families.length).toBeGreaterThan(10);
  });

  it('hash changes with overrides and is stable without', () => {
    const a = loadScenario(MERITOWN).hash;
    expect(loadScenario(MERITOWN).hash).toBe(a);
    const b = loadScenario(MERITOWN, { overrides: { 'behaviour.families.drink_driving.rate.value': 0.05 } });
    expect(b.hash).not.toBe(a);
    expect(b.behaviour.families.find((f) => f.id === 'drink_driving')!.rate.value).toBe(0.05);
  });

  it('reports an unsourced number at its line and column', () => {
    const dir = copyScenario();
    edit(dir, 'firms.yaml', /age:\n {2}assumption: [^\n]*\n/, 'age:\n');
    const issues = issuesOf(() => loadScenario(dir));
    const unsourced = issues.filter((i) => i.code === 'scenario.unsourced');
    expect(unsourced.length).toBe(2);
    expect(unsourced[0]!.location?.file).toBe(join(dir, 'firms.yaml'));
    expect(unsourced[0]!.location?.line).toBeGreaterThan(1);
    expect(unsourced[0]!.location?.column).toBeGreaterThan(0);
  });

  it('reports every problem at once: wrong type, unknown field, unknown agency, missing marker', () => {
    const dir = copyScenario();
    edit(dir, 'scenario.yaml', 'population: 100000', 'population: many');
    edit(dir, 'population.yaml', 'maxChildren: 3', 'maxChildren: 3\n  twins: 0.01');
    edit(dir, 'behaviour.yaml', 'agency: police_traffic', 'agency: police_trafic');
    edit(dir, 'agencies.yaml', /(source: "Wendeng Art. 20 \(records entered[^"]*"), marker: V/, '$1');
    const issues = issuesOf(() => loadScenario(dir));
    const codes = issues.map((i) => i.code);
    expect(codes).toContain('scenario.invalid_type');
    expect(codes).toContain('scenario.unknown_field');
    expect(codes).toContain('scenario.missing_marker');
    const pop = issues.find((i) => i.code === 'scenario.invalid_type')!;
    const line =
      readFileSync(join(dir, 'scenario.yaml'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('population: many')) + 1;
    expect(pop.location?.line).toBe(line);
  });

  it('reports cross-file references once the files parse', () => {
    const dir = copyScenario();
    edit(dir, 'behaviour.yaml', 'agency: police_traffic', 'agency: police_trafic');
    const issues = issuesOf(() => loadScenario(dir));
    expect(issues.map((i) => i.code)).toEqual(['scenario.unknown_agency']);
    expect(issues[0]!.location?.line).toBeGreaterThan(1);
  });

  it('rejects a bad override and a missing folder with codes', () => {
    expect(issuesOf(() => loadScenario(MERITOWN, { overrides: { 'nope.x': 1 } }))[0]!.code).toBe(
      'scenario.bad_override',
    );
    expect(
      issuesOf(() => loadScenario(MERITOWN, { overrides: { 'population.party.nope': 1 } }))[0]!.code,
    ).toBe('scenario.bad_override');
    expect(issuesOf(() => loadScenario('/nonexistent/x'))[0]!.code).toBe('scenario.not_found');
  });
});

describe('compileModel', () => {
  it('checks every record kind, severity and amount against the catalogue, with positions', async () => {
    const { loadCatalogue, defaultCataloguePath } = await import('../core/catalogue.js');
    const { compileModel } = await import('./model.js');
    const cat = loadCatalogue(defaultCataloguePath());
    expect(compileModel(loadScenario(MERITOWN), cat).eventTypes.length).toBeGreaterThan(40);
    const dir = copyScenario();
    edit(dir, 'behaviour.yaml', 'kind: traffic.drink_driving }', 'kind: traffic.drunk_flying }');
    edit(
      dir,
      'behaviour.yaml',
      'kind: health.blood_donation }',
      'kind: health.blood_donation, severity: plasma }',
    );
    edit(
      dir,
      'behaviour.yaml',
      'kind: charity.donation, amount: { dist: lognormal, mean: 800, sigma: 1.2, round: int } }',
      'kind: charity.donation }',
    );
    const issues = issuesOf(() => compileModel(loadScenario(dir), cat));
    expect(issues.map((i) => i.code).sort()).toEqual([
      'scenario.missing_amount',
      'scenario.unknown_kind',
      'scenario.unknown_severity',
    ]);
    const unknown = issues.find((i) => i.code === 'scenario.unknown_kind')!;
    const line =
      readFileSync(join(dir, 'behaviour.yaml'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('drunk_flying')) + 1;
    expect(unknown.location?.line).toBe(line);
  });
});
