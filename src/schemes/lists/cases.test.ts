// The lists case corpus (policies/lists/cases): every case passes through the reference and the decision index.
import { describe, expect, it } from 'vitest';
import { shippedCalendar } from '../../core/calendar.js';
import { shipped } from '../../core/paths.js';
import { runCases } from './cases.js';
import { shippedListPolicy } from './policy.js';

describe('lists case corpus', () => {
  const results = runCases(
    shippedListPolicy(),
    shippedCalendar({ fallback: 'weekends' }),
    shipped('policies', 'lists', 'cases'),
  );

  it('holds at least 30 cases', () => {
    expect(results.length).toBeGreaterThanOrEqual(30);
  });

  for (const r of results)
    it(r.name, () => {
      expect(r.failures).toEqual([]);
    });
});
