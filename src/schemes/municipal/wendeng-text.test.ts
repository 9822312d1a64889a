// The Wendeng 2020 pack against its primary text: every published line, item and clause encoded once, verbatim, with
// its value and place; the counts per attachment and article are printed and must match the text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultCataloguePath, loadCatalogue } from '../../core/catalogue.js';
import { shipped } from '../../core/paths.js';
import { loadCases } from './corpus.js';
import { loadSchemePack } from './load.js';
import {
  countValues,
  parseSourceText,
  splitPointLine,
  type SourcePointLine,
  type SourceValue,
} from './source-text.js';
import type { Effect, PointRule } from './types.js';

const DIR = shipped('policies', 'wendeng-points', '2020');
const catalogue = loadCatalogue(defaultCataloguePath());
const pack = loadSchemePack(DIR, catalogue);
const text = parseSourceText(readFileSync(join(DIR, 'source.zh.md'), 'utf8'));

/** One encoded line: the rule, and the case or tier that carries the line (undefined for a one-line rule). */
interface Encoded {
  rule: PointRule;
  zh: string;
  attachment: number;
  section: string;
  subsection: string;
  position: number;
  effects: (Effect | { type: 'tier'; points: number })[];
}

function encodedLines(): Encoded[] {
  const out = new Map<string, Encoded>();
  for (const rule of pack.rules) {
    const p = rule.place!;
    const add = (zh: string, position: number, e: Encoded['effects'][number]) => {
      const key = `${p.attachment}|${p.section}|${p.subsection}|${position}`;
      const prev = out.get(key);
      if (prev) {
        expect(prev.rule.id, `line ${key} encoded by two rules`).toBe(rule.id);
        expect(prev.zh).toBe(zh);
        prev.effects.push(e);
      } else
        out.set(key, {
          rule,
          zh,
          attachment: p.attachment,
          section: p.section!,
          subsection: p.subsection!,
          position,
          effects: [e],
        });
    };
    if (rule.tiers) for (const t of rule.tiers) add(t.zh!, t.position!, { type: 'tier', points: t.points });
    else if (rule.cases.length === 1 && rule.cases[0]!.zh === undefined)
      add(rule.zh, p.position!, rule.cases[0]!.effect);
    else for (const c of rule.cases) add(c.zh!, c.position!, c.effect);
  }
  return [...out.values()];
}

function valueMatches(v: SourceValue, e: Encoded['effects'][number]): boolean {
  if ('range' in v) return e.type === 'range' && e.min === v.range[0] && e.max === v.range[1];
  if (e.type === 'fixed' || e.type === 'tier') return e.points === v.points;
  // A donation band prints the most it can give: the formula caps at that value.
  return e.type === 'formula' && e.text.startsWith(`min(${v.points},`);
}

describe('the Wendeng 2020 text', () => {
  it('has the published counts (printed)', () => {
    const a1 = text.points.filter((l) => l.attachment === 1);
    const a2 = text.points.filter((l) => l.attachment === 2);
    const perArticle = [10, 11, 12, 13, 14, 15, 16].map(
      (a) => text.direct.filter((d) => d.article === a).length,
    );
    console.log(
      `Wendeng 2020 text: Attachment 1 ${a1.length} lines / ${countValues(a1)} point values; ` +
        `Attachment 2 ${a2.length} lines / ${countValues(a2)} point values; ` +
        `direct grading ${text.direct.length} items (Arts. 10-16: ${perArticle.join(', ')}); ` +
        `Art. 19 ${text.repairs.length} repairs; Art. 20 ${text.validity.length} clauses`,
    );
    expect([a1.length, countValues(a1), a2.length, countValues(a2)]).toEqual([424, 432, 129, 129]);
    expect(perArticle).toEqual([21, 12, 27, 14, 16, 16, 11]);
    expect(text.repairs).toHaveLength(5);
    expect(text.validity).toHaveLength(5);
  });

  it('splits lines the transcription runs together and keeps ranking values on one line', () => {
    expect(splitPointLine('甲的(-20)乙的(-50)')).toEqual([
      { zh: '甲的', values: [{ points: -20 }] },
      { zh: '乙的', values: [{ points: -50 }] },
    ]);
    expect(splitPointLine('前三名的(+5)(+3)(+2)')[0]!.values).toHaveLength(3);
    expect(splitPointLine('视情节减分 (-5至-30）')[0]!.values).toEqual([{ range: [-30, -5] }]);
  });
});

describe('the Wendeng 2020 pack encodes every line of the text', () => {
  const encoded = encodedLines();
  const byPlace = new Map(
    encoded.map((e) => [`${e.attachment}|${e.section}|${e.subsection}|${e.position}`, e]),
  );
  const repairPlaces = new Set(
    pack.repairs.flatMap((r) =>
      (r.place ?? []).map((p) => `${p.attachment}|${p.section}|${p.subsection}|${p.position}`),
    ),
  );

  it('every point line verbatim, with its value(s), once', () => {
    const missing: string[] = [];
    let encodedValues = 0;
    let asRepairs = 0;
    for (const l of text.points) {
      const key = `${l.attachment}|${l.section}|${l.subsection}|${l.position}`;
      if (repairPlaces.has(key)) {
        asRepairs++;
        continue;
      }
      const e = byPlace.get(key);
      if (!e) {
        missing.push(`${key} ${l.zh}`);
        continue;
      }
      expect(e.zh, key).toBe(l.zh);
      checkValues(l, e);
      encodedValues += l.values.length;
    }
    expect(missing).toEqual([]);
    // Nothing encoded that the text does not print.
    expect(encoded.length + asRepairs).toBe(text.points.length);
    console.log(
      `Wendeng 2020 pack: ${pack.rules.length} point rules encode ${encoded.length} lines (${encodedValues} values); ` +
        `${asRepairs} credit-repair lines are Art. 19 repairs`,
    );
  });

  it('every direct-grading item of Arts. 10-16 verbatim, with its grade', () => {
    const grade: Record<number, string> = { 10: 'B', 11: 'B', 12: 'C', 13: 'D', 14: 'B', 15: 'C', 16: 'D' };
    for (const item of text.direct) {
      const d = pack.direct.filter((x) => x.place?.article === item.article && x.place.item === item.item);
      expect(d, `Art. ${item.article}(${item.item})`).toHaveLength(1);
      expect(d[0]!.zh).toBe(item.zh);
      expect(d[0]!.grade).toBe(grade[item.article]);
    }
    expect(pack.direct).toHaveLength(text.direct.length);
  });

  it('every repair of Art. 19 and every clause of Art. 20 verbatim', () => {
    for (const item of text.repairs) {
      const rs = pack.repairs.filter((r) => r.place?.some((p) => p.article === 19 && p.item === item.item));
      expect(rs.length, `Art. 19(${item.item})`).toBeGreaterThan(0);
      for (const r of rs) expect(r.zh).toBe(item.zh);
    }
    const validity = parse(readFileSync(join(DIR, 'validity.yaml'), 'utf8')) as {
      clauses: { place: { article: number; item: number }; zh: string }[];
    };
    expect(validity.clauses.map((c) => [c.place.article, c.place.item, c.zh])).toEqual(
      text.validity.map((v) => [20, v.item, v.zh]),
    );
  });

  it('every rule, case and item has an English translation and a marker', () => {
    for (const r of pack.rules) {
      expect(r.en.length).toBeGreaterThan(0);
      for (const c of r.cases) if (c.zh !== undefined) expect(c.en, `${r.id}`).toBeTruthy();
      for (const t of r.tiers ?? []) expect(t.en, `${r.id}`).toBeTruthy();
    }
    for (const d of pack.direct) expect(d.en.length).toBeGreaterThan(0);
  });

  it('every line and item has a case in the corpus', () => {
    const { cases, issues } = loadCases(DIR, pack);
    expect(issues).toEqual([]);
    const keys = cases.flatMap((c) => [...(c.expect.lines ?? [])]);
    for (const r of pack.rules)
      expect(
        keys.some((k) => k.includes(` ${r.id} `)),
        r.id,
      ).toBe(true);
    for (const d of pack.direct) expect(keys.some((k) => k.startsWith(`direct ${d.id} `))).toBe(true);
    for (const r of pack.repairs) expect(keys.some((k) => k.includes(` ${r.id} `))).toBe(true);
  });
});

function checkValues(l: SourcePointLine, e: Encoded): void {
  // A line printing several values (ranking places) has one case per value, in order; a line may also be encoded by
  // several cases with the same value (investment: industry or agriculture).
  if (l.values.length > 1) {
    expect(e.effects.length, e.rule.id).toBe(l.values.length);
    l.values.forEach((v, i) =>
      expect(valueMatches(v, e.effects[i]!), `${e.rule.id} value ${i + 1}`).toBe(true),
    );
  } else for (const eff of e.effects) expect(valueMatches(l.values[0]!, eff), e.rule.id).toBe(true);
}
