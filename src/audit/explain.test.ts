// `explain` on one subject: each scheme's counted lines add up to its score, list entries and measures carry their
// legal basis, text comes in both languages, and the counterfactual plans are the verified ones.
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../core/catalogue.js';
import { residentIdCheckChar } from '../core/identifiers.js';
import { shipped } from '../core/paths.js';
import { makeRecord, type Subject } from '../core/types.js';
import { loadListPolicy } from '../schemes/lists/policy.js';
import { loadSchemePack } from '../schemes/municipal/load.js';
import { explainSubject, renderExplanation } from './explain.js';

const catalogue = loadCatalogue(defaultCataloguePath());
const wendeng = loadSchemePack(shipped('policies', 'wendeng-points', '2020'), catalogue);
const policy = loadListPolicy(undefined, catalogue);
const body = '37100319800505001';
const id = body + residentIdCheckChar(body);
const person: Subject = {
  id,
  type: 'natural',
  jurisdiction: '371003',
  roles: [],
  birthDate: '1980-05-05',
  sex: 'M',
};
const rec = (kind: string, day: string, extra: object = {}) =>
  makeRecord({
    subject: id,
    kind,
    occurredAt: day,
    reportedAt: day,
    agency: 'court',
    basis: '(2024) Lu 1003 Zhi 77',
    ...extra,
  });

describe('explainSubject', () => {
  const records = [
    rec('online.bad_information', '2024-02-01', { agency: 'police', basis: 'decision 1' }),
    rec('court.enforcement_warning', '2024-03-01'),
    rec('court.defaulter_listed', '2024-04-01', { severity: 'e2' }),
  ];
  const r = explainSubject({ id, register: [person], records, packs: [wendeng], policy, asOf: '2024-06-30' });

  it('shows the points scheme with each counted record and rule, and the direct downgrade', () => {
    const s = r.schemes[0]!;
    expect(s.status).toBe('scored');
    expect(s.score).toBe(950);
    const pts = s.lines.filter((l) => l.type === 'points');
    expect(pts.map((l) => [l.rule, l.points, l.kind, l.until])).toEqual([
      ['W1-24-01', -50, 'online.bad_information', '2026-02-01'],
    ]);
    expect(s.lines.find((l) => l.type === 'direct')).toMatchObject({ rule: 'W-D-02', grade: 'D' });
    expect(s.grade).toMatch(/^D/);
    // Counterfactual: performing converts the listing (W-R-01), verified inside counterfactuals().
    expect(s.counterfactual.plans.some((p) => p.changes[0]!.type === 'repair')).toBe(true);
  });

  it('lists the entry on the defaulter list and the measures in force, each with a legal basis', () => {
    expect(r.lists.map((e) => e.list)).toContain('spc_defaulters');
    const fly = r.measures.filter((m) => m.action === 'fly');
    expect(fly.length).toBeGreaterThan(0);
    expect(fly.every((m) => m.legalBasis.length > 0)).toBe(true);
    expect(fly[0]!.outcome).toBe('deny');
  });

  it('renders bilingual text', () => {
    const en = renderExplanation(r, 'en');
    const zh = renderExplanation(r, 'zh');
    expect(en).toContain('Publishing or spreading harmful information through WeChat');
    expect(en).toContain('never merges them into one score');
    expect(zh).toContain('利用微信、论坛、博客等互联网技术发布、传播不良信息的');
    expect(zh).toContain('绝不合并为单一分数');
    expect(zh).toContain('法律依据');
  });

  it('says no plan applies to a subject the scheme does not score, rather than that none was found', () => {
    const outsider = { ...person, jurisdiction: '110105' };
    const o = explainSubject({ id, register: [outsider], records, packs: [wendeng], asOf: '2024-06-30' });
    expect(o.schemes[0]!.status).toBe('not_resident');
    const text = renderExplanation(o, 'en');
    expect(text).toContain('no plan applies: the scheme gives this subject no score');
    expect(text).not.toContain('no lawful plan found');
  });
});
