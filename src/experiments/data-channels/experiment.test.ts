// The data-channels experiment: its figures follow from the engine (more noise, more error; coarser cells, less
// error; thresholds hide small areas), its report carries the assumptions and the closing note, and it is deterministic.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closingNote, writeDataChannelsReport } from './report.js';
import { loadDataChannelsSpec, runDataChannels } from './sweep.js';

const spec = loadDataChannelsSpec();
const r = runDataChannels(spec, { passengers: 3000, seeds: 2 });
const by = (id: string) => r.policies.find((p) => p.policy === id)!;

describe('mosaic experiment data-channels', () => {
  it('sees everything without protection, and loses small areas to the threshold', () => {
    expect(by('raw-k1')).toMatchObject({ subjectsCovered: 1, countError: 0, sumError: 0, rhoPerRequest: 0 });
    expect(by('k10').cellsReleased).toBeLessThan(by('raw-k1').cellsReleased);
    expect(by('k10').subjectsCovered).toBeLessThan(1);
  });

  it('pays for privacy in error: error falls as ε rises, and coarser areas are more accurate', () => {
    expect(by('k10-lap-e0.1').sumError).toBeGreaterThan(by('k10-lap-e1').sumError);
    expect(by('k10-lap-e1').sumError).toBeGreaterThan(by('k10-lap-e2').sumError);
    expect(by('k10-lap-e1-pref').sumError).toBeLessThan(by('k10-lap-e1').sumError);
  });

  it('accounts each request against the shipped yearly budget', () => {
    // ρ = measures · ε²/2; the shipped budget is ρ = 2 a year.
    expect(by('k10-lap-e1')).toMatchObject({ rhoPerRequest: 1, epsilon: 2, requestsPerYear: 2 });
    expect(by('k10-lap-e2').requestsPerYear).toBe(0);
    expect(by('k10-gauss-r0.5').epsilon).toBeCloseTo(1 + 2 * Math.sqrt(Math.log(1e6)), 9);
  });

  it('writes the report with its assumptions and closing note, the same on every run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'data-channels-'));
    writeDataChannelsReport(r, dir);
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('<h2>Assumptions</h2>');
    expect(readFileSync(join(dir, 'assumptions.csv'), 'utf8')).toContain('policy k10-lap-e1,');
    for (const l of closingNote(r)) expect(html).toContain(l.slice(0, 40));
    expect(runDataChannels(spec, { passengers: 3000, seeds: 2 })).toEqual(r);
  });
});
