// A record lacking the severity or level every rule line of its kind needs is found once per kind, and the policy
// explanation names the missing field and the line instead of blaming the source.
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { shipped } from '../../core/paths.js';
import { makeRecord } from '../../core/types.js';
import { renderEvaluation } from './explain.js';
import { describeNeed, FieldNeeds } from './field-needs.js';
import { evaluateSubject } from './interpreter.js';
import { loadSchemePack } from './load.js';

const catalogue = loadCatalogue(defaultCataloguePath());
const wendeng = loadSchemePack(shipped('policies', 'wendeng-points', '2020'), catalogue);
const needs = new FieldNeeds([wendeng]);
const subject = { id: 'S1', isLegal: false, roles: 0, birthDay: 3000, consented: true, resident: true };
const rec = (kind: string, extra: { severity?: string; level?: 'county' } = {}) =>
  makeRecord({
    subject: 'S1',
    kind,
    occurredAt: '2024-03-01',
    reportedAt: '2024-03-02',
    agency: 'a',
    basis: 'b',
    ...extra,
  });

describe('FieldNeeds', () => {
  it('names the severity every line of a kind needs, and nothing once the record has one', () => {
    const n = needs.missing(rec('admin.penalty'));
    expect(n).toMatchObject({
      field: 'severity',
      pack: 'wendeng-points@2020',
      rule: 'W1-17-01',
      values: ['warning'],
    });
    expect(describeNeed(n!)).toContain('the record has no `severity`; rule line W1-17-01');
    expect(describeNeed(n!, 'zh')).toContain('处以警告行政处罚的');
    expect(needs.missing(rec('admin.penalty', { severity: 'warning' }))).toBeUndefined();
    // A kind some line scores without a severity (or a kind no line uses) needs nothing.
    expect(needs.missing(rec('commerce.contract_nonperformance'))).toBeUndefined();
    expect(needs.missing(rec('no.such_kind'))).toBeUndefined();
  });

  it('names the level a line needs when the record has its severity but no level', () => {
    const n = needs.missing(rec('samr.contract_abiding_listed'));
    expect(n).toMatchObject({ field: 'level', rule: 'W2-34-02' });
  });

  it('agrees with the interpreter: every record it names scores nothing', () => {
    // Every kind of the pack, without severity and level.
    const kinds = [...new Set([...wendeng.rules.map((r) => r.kind), ...wendeng.direct.map((d) => d.kind)])];
    let named = 0;
    for (const kind of kinds) {
      const r = rec(kind);
      if (!needs.missing(r)) continue;
      named++;
      const ev = evaluateSubject(wendeng, subject, [r], '2024-06-01');
      // (A line for other subject classes leaves it unmatched for that reason first; the lint cannot know the class.)
      const detail = ev.lines.find((l) => l.type === 'unmatched')?.detail;
      expect({ kind, detail }).toEqual({ kind, detail: expect.stringMatching(/^(no_case|subject_class)$/) });
      expect(ev.lines.filter((l) => l.points !== undefined)).toEqual([]);
    }
    expect(named).toBeGreaterThan(50);
  });
});

describe('policy explanation of a record lacking a field', () => {
  it('names the field and the rule line, not "the source may be silent"', () => {
    const ev = evaluateSubject(wendeng, subject, [rec('admin.penalty')], '2024-06-01');
    const text = renderEvaluation(ev, wendeng, 'en').join('\n');
    expect(text).toContain(
      'the record has no `severity`; rule line W1-17-01 (wendeng-points@2020) needs severity warning',
    );
    expect(text).not.toContain('the source may be silent');
    const zh = renderEvaluation(ev, wendeng, 'zh').join('\n');
    expect(zh).toContain('记录缺少 `severity`');
    expect(zh).not.toContain('原文可能未规定');
  });
});
