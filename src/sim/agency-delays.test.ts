// Reporting delays in the Meritown scenario: each cites a source about reporting or recording, or is an assumption.
import { describe, expect, it } from 'vitest';
import { shipped } from '../core/paths.js';
import { loadScenario } from './scenario.js';

describe('Meritown reporting delays', () => {
  const agencies = loadScenario(shipped('scenarios', 'meritown')).agencies.list;

  it("the court's delay is an assumption, not the 3-day deletion rule (issue 11 fix 10)", () => {
    const court = agencies.find((a) => a.id === 'court');
    expect(court?.delay.assumption).toBeTruthy();
    expect(court?.delay.source).toBeUndefined();
  });

  it('no delay rests on a rule about deleting or lifting a record', () => {
    for (const a of agencies)
      if (a.delay.source) expect(a.delay.source, a.id).not.toMatch(/delet|lift|remov|repair/i);
  });
});
