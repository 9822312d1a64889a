// Rule-text reach on the shipped Wendeng pack, checked against counts read from the source text itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { shipped } from '../../core/paths.js';
import { loadSchemePack } from './load.js';
import { canReach, formatReach, onlyFor, reachLines, reachTable, type ReachLine } from './reach.js';
import { parseSourceText } from './source-text.js';

const DIR = shipped('policies', 'wendeng-points', '2020');
const pack = loadSchemePack(DIR, loadCatalogue(defaultCataloguePath()));
const text = parseSourceText(readFileSync(join(DIR, 'source.zh.md'), 'utf8'));
const t = reachTable(pack);
const group = (g: string) => t.groups.find((x) => x.group === g)!;
const inSub = (att: number, ...subs: string[]) =>
  text.points.filter((l) => l.attachment === att && subs.includes(l.subsection));

describe('rule reach', () => {
  it('counts one line per published line, and every direct-grading item', () => {
    // Every point line of the text but the three credit-repair lines (they are Art. 19 repairs).
    expect(t.lines).toBe(text.points.length - 3);
    expect(t.direct).toBe(text.direct.length);
  });

  it('legal persons are reached by Attachment 2 and Arts. 14-16 only', () => {
    const a2 = text.points.filter((l) => l.attachment === 2 && l.subsection !== '信用修复');
    expect(group('legal_person').lines).toBe(a2.length);
    expect(group('legal_person').direct).toBe(text.direct.filter((d) => d.article >= 14).length);
    expect(group('legal_person').only).toHaveLength(a2.length);
  });

  it('state personnel alone are reached by the accountability, sanction, job-conduct and civil-servant lines', () => {
    const own =
      inSub(1, '问责处理', '政务处分', '国家公职人员岗位管理').length +
      inSub(1, '国家公职人员考核').filter((l) => l.zh.startsWith('公务员')).length;
    expect(group('state_personnel').only).toHaveLength(own);
    // Art. 11's twelve items are theirs alone.
    expect(group('state_personnel').directOnly).toHaveLength(
      text.direct.filter((d) => d.article === 11).length,
    );
    // Party discipline (up to -150, 留党察看) reaches them; the largest deduction for everyone is -100.
    expect(group('state_personnel').maxDeduction).toBe(-150);
    expect(group('everyone').maxDeduction).toBe(-100);
  });

  it("rural and urban residents: each is reached by its own management lines, never by the other's", () => {
    const rural = inSub(
      1,
      '农村管理',
      '村居管理',
      '党建领域（农村领域）',
      '党建领域（农村党组织书记、村委会主任）',
      '党建领域（农村党员)',
    );
    const urban = inSub(1, '社区管理');
    const byRef = t.byRef;
    const onlyRural = group('rural').only.map((r) => byRef.get(r)!);
    const onlyUrban = group('urban').only.map((r) => byRef.get(r)!);
    expect(onlyRural).toHaveLength(rural.length);
    expect(onlyUrban).toHaveLength(urban.length);
    expect(onlyRural.some((l) => canReach(l, 'urban'))).toBe(false);
    expect(onlyUrban.some((l) => canReach(l, 'rural'))).toBe(false);
    // The collector who fabricates: -50 in a village, -20 in an urban community.
    const collector = (g: 'rural' | 'urban') =>
      (g === 'rural' ? onlyRural : onlyUrban).find((l) => l.audience.includes('collector') && l.worst < 0)!;
    expect([collector('rural').worst, collector('urban').worst]).toEqual([-50, -20]);
  });

  it("a line with no conditions reaches everyone and is nobody's alone", () => {
    const relatives = reachLines(pack).find((l) => l.zh.includes('信访人直系亲属'))!;
    expect(relatives.worst).toBe(-20);
    for (const g of ['everyone', 'rural', 'urban', 'state_personnel', 'village_cadre'] as const)
      expect(canReach(relatives, g)).toBe(true);
    expect(onlyFor(relatives, 'rural')).toBe(false);
    expect(canReach(relatives, 'legal_person')).toBe(false);
  });

  it('a village-cadre line reaches only cadres among the groups it singles out', () => {
    const l: ReachLine = {
      id: 'x',
      ref: 'x',
      zh: '',
      en: '',
      kind: 'points',
      subjects: ['village_cadre'],
      audience: ['rural', 'village_cadre'],
      worst: -5,
      best: 0,
    };
    expect(canReach(l, 'everyone')).toBe(false);
    expect(canReach(l, 'urban')).toBe(false);
    expect(onlyFor(l, 'village_cadre')).toBe(true);
    expect(onlyFor(l, 'party_member')).toBe(false);
  });

  it('prints the table in English and Chinese', () => {
    const en = formatReach(t, 'en');
    expect(en[0]).toContain(`${t.lines} point lines and ${t.direct} direct-grading items`);
    expect(en.some((l) => l.startsWith('rural household registration'))).toBe(true);
    expect(en.some((l) => l.startsWith('Only for village cadres'))).toBe(true);
    expect(formatReach(t, 'zh', false)).toHaveLength(2 + t.groups.length);
  });
});
