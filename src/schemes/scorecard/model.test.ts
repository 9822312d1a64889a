// A saved scorecard is data: it round-trips, refuses hand edits and malformed bins, and scores identically after.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScorecardConfig } from './config.js';
import { fitScorecard } from './fit.js';
import { loadModel, parseModel, saveModel } from './model.js';
import { scoreRecord } from './score.js';
import { syntheticLoans } from './synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'issue-15-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scorecard model files', () => {
  const { model } = fitScorecard(syntheticLoans(5000, 11), loadScorecardConfig(), {
    name: 'demo',
    version: '2026.1',
    target: 'default',
  });

  it('round-trips and scores the same', () => {
    const f = join(dir, 'm.json');
    saveModel(model, f);
    const back = loadModel(f);
    expect(back).toEqual(model);
    const rec = { debt_to_income: 0.8, enquiries_3m: 4, age: 25 };
    expect(scoreRecord(back, rec).score).toBe(scoreRecord(model, rec).score);
  });

  it('refuses an edited model and names the field', () => {
    const f = join(dir, 'edited.json');
    const j = JSON.parse(JSON.stringify(model));
    j.variables[0].points[0] += 10;
    writeFileSync(f, JSON.stringify(j));
    expect(() => loadModel(f)).toThrow(/scorecard.model_tampered/);
    j.variables[0].points.pop();
    try {
      parseModel(JSON.stringify(j), f);
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('scorecard.model_bins');
    }
    expect(() => parseModel('{', f)).toThrow(/scorecard.model_json/);
    expect(readFileSync(join(dir, 'm.json'), 'utf8')).toContain('mosaic.scorecard/1');
  });
});
