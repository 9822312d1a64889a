// The interpreter runs the shared contract, and its explanations carry rule, basis, marker and window.
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { makeRecord } from '../../core/types.js';
import { outcomeOf, runInterpreter } from './corpus.js';
import { evaluateSubject } from './interpreter.js';
import { loadSchemePack } from './load.js';
import { schemeContract } from './scheme.contract.js';
import { shipped } from '../../core/paths.js';

schemeContract({
  name: 'interpreter',
  prepare: (pack) => (c) => {
    const ev = runInterpreter(pack, c);
    return { ...outcomeOf(ev), keys: ev.lines.map((l) => l.key) };
  },
});

describe('interpreter explanations', () => {
  const catalogue = loadCatalogue(defaultCataloguePath());
  const pack = loadSchemePack(shipped('policies', 'wendeng-points', '2020'), catalogue);
  const subject = { id: 'S1', isLegal: false, roles: 0, birthDay: 3000, consented: false, resident: true };
  const rec = (kind: string, occurredAt: string, extra: Partial<Parameters<typeof makeRecord>[0]> = {}) =>
    makeRecord({
      subject: 'S1',
      kind,
      occurredAt,
      reportedAt: occurredAt,
      agency: 'a',
      basis: 'b',
      ...extra,
    });

  it('links each record to its rule line, legal basis, marker and window', () => {
    const ev = evaluateSubject(
      pack,
      subject,
      [rec('commerce.contract_nonperformance', '2021-03-15')],
      '2021-06-01',
    );
    const line = ev.lines.find((l) => l.type === 'points')!;
    expect(line.ruleId).toBe('W1-01-01');
    expect(line.from).toBe('2021-03-15');
    expect(line.until).toBe('2022-03-15');
    const rule = pack.rules.find((r) => r.id === line.ruleId)!;
    expect(rule.basis).toMatch(/Attachment 1 .*合同履行, line 1/);
    expect(rule.place).toEqual({
      attachment: 1,
      section: '商务领域失信信息',
      subsection: '合同履行',
      position: 1,
    });
    expect(rule.marker).toBe('V');
    expect(rule.loc.line).toBeGreaterThan(0);
  });

  it('says when a decided value was clamped to the source range', () => {
    const ev = evaluateSubject(
      pack,
      subject,
      [rec('commerce.other_untrustworthy', '2021-03-15', { amount: 45 })],
      '2021-06-01',
    );
    expect(ev.lines.find((l) => l.type === 'points')!.detail).toMatch(/clamped to \[-30, -5\]/);
  });

  it('ignores statements of other subjects and rejects a malformed date', () => {
    const other = makeRecord({
      subject: 'S2',
      kind: 'traffic.drink_driving',
      occurredAt: '2021-01-01',
      reportedAt: '2021-01-01',
      agency: 'a',
      basis: 'b',
    });
    expect(outcomeOf(evaluateSubject(pack, subject, [other], '2021-06-01')).grade).toBe('A');
    expect(() => evaluateSubject(pack, subject, [], '2021-13-01')).toThrow(/policy.bad_date|not YYYY-MM-DD/);
  });
});
