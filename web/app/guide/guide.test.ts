// The guide's content is data: every claim in both languages, with a public source, a section of the domain
// reference and a marker, and every live example pointing at a page the app routes.
import { describe, expect, it } from 'vitest';
import guide from './guide.json';

const ROUTES = /^#\/(|me|lists(\/[a-z_]+)?|console|guide|entity\/[^/?]+)(\?.*)?$/;

interface Claim {
  source: string;
  marker: string;
  section: string;
}
const claims: Claim[] = [...guide.systems, guide.pointOfService, guide.municipalCounts, ...guide.myths];

describe('guide content', () => {
  it('has a version, four systems and the three myths the issue names', () => {
    expect(guide.version).toMatch(/^guide@\d{4}\.\d+$/);
    expect(guide.systems.map((s) => s.code)).toEqual(['financial', 'lists', 'municipal', 'platform']);
    const myths = guide.myths.map((m) => m.mythEn).join(' ');
    for (const w of ['one national', 'Everyone is scored', 'social media']) expect(myths).toContain(w);
  });

  it('gives every claim a public source, a DOMAIN section and a marker', () => {
    for (const c of claims) {
      expect(new URL(c.source).protocol, c.source).toMatch(/^https?:$/);
      expect(c.section, c.source).toMatch(/^DOMAIN §\d/);
      expect(['V', 'P', 'U'], c.source).toContain(c.marker);
    }
  });

  it('says everything in both languages, the Chinese in Chinese', () => {
    const pairs: [string, string][] = [
      ...guide.systems.flatMap((s): [string, string][] => [
        [s.en, s.zh],
        [s.ownerEn, s.ownerZh],
        [s.dataEn, s.dataZh],
        [s.outputEn, s.outputZh],
        [s.effectEn, s.effectZh],
        [s.exampleEn, s.exampleZh],
      ]),
      [guide.pointOfService.en, guide.pointOfService.zh],
      [guide.municipalCounts.en, guide.municipalCounts.zh],
      ...guide.myths.flatMap((m): [string, string][] => [
        [m.mythEn, m.mythZh],
        [m.findingEn, m.findingZh],
      ]),
    ];
    for (const [en, zh] of pairs) {
      expect(en.trim().length, zh).toBeGreaterThan(3);
      expect(zh, en).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('links every live example to a page the app routes', () => {
    for (const x of [...guide.systems, guide.pointOfService, guide.municipalCounts])
      expect(x.example).toMatch(ROUTES);
  });
});
