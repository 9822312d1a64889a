// Reads the flattened primary text of a points scheme (headings + one rule a line with its bracketed value) into lines.
// Used to prove a pack encodes every published line verbatim (see wendeng-text.test.ts) and to draft pack skeletons.

/** A value as printed after a line: fixed points, or a range decided by the reporting body ("(-5至-30)"). */
export type SourceValue = { points: number } | { range: [number, number] };

/** One published point line: its place in the text and its value(s) (sports rankings print three). */
export interface SourcePointLine {
  /** 1 = individuals (个人信用信息评价标准), 2 = legal persons (社会法人信用信息评价标准). */
  attachment: 1 | 2;
  section: string;
  subsection: string;
  /** 1-based position of the line within its sub-section. */
  position: number;
  zh: string;
  values: SourceValue[];
  /** A 备注 (remark) printed below the line's sub-section, if any. */
  remark?: string;
  /** 1-based line of the source file. */
  lineNo: number;
}

/** A numbered item of an article (direct grading, repairs, validity clauses). */
export interface SourceItem {
  article: number;
  heading: string;
  /** 1-based item number as printed. */
  item: number;
  zh: string;
  lineNo: number;
}

export interface SourceText {
  points: SourcePointLine[];
  /** Arts. 10-16 (direct grading), keyed by article. */
  direct: SourceItem[];
  /** Art. 19 items. */
  repairs: SourceItem[];
  /** Art. 20 clauses. */
  validity: SourceItem[];
}

const CN_DIGITS: Record<string, number> = {
  一: 1,
  二: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/** 第十条 → 10, 第二十二条 → 22 (articles up to 99). */
export function articleNumber(s: string): number | undefined {
  const m = /^第([一二三四五六七八九十]+)条$/.exec(s.trim());
  if (!m) return undefined;
  const t = m[1]!;
  const i = t.indexOf('十');
  if (i < 0) return CN_DIGITS[t];
  const tens = i === 0 ? 1 : CN_DIGITS[t.slice(0, i)]!;
  const ones = i === t.length - 1 ? 0 : CN_DIGITS[t.slice(i + 1)]!;
  return tens * 10 + ones;
}

// A value in half- or full-width brackets: (-20), （-40）, (-5至-30）, (+1至+20).
const VALUE = /[(（]\s*([+-]\d+)(?:\s*至\s*([+-]\d+))?\s*[)）]/g;

function parseValue(m: RegExpExecArray): SourceValue {
  const a = Number(m[1]);
  if (m[2] === undefined) return { points: a };
  const b = Number(m[2]);
  return { range: [Math.min(a, b), Math.max(a, b)] };
}

/**
 * Split one physical line into (text, values) segments. Text between two values starts a new line (the source runs
 * two rules together in a few places); values with no text between them belong to the same line (rankings).
 */
export function splitPointLine(line: string): { zh: string; values: SourceValue[] }[] {
  const out: { zh: string; values: SourceValue[] }[] = [];
  let last = 0;
  VALUE.lastIndex = 0;
  for (let m = VALUE.exec(line); m; m = VALUE.exec(line)) {
    const text = line.slice(last, m.index).trim();
    if (text === '' && out.length) out[out.length - 1]!.values.push(parseValue(m));
    else out.push({ zh: text, values: [parseValue(m)] });
    last = m.index + m[0].length;
  }
  if (line.slice(last).trim() !== '') throw new Error(`text after the last value: ${line}`);
  return out;
}

/** Parse the flattened text: `# 《title》` documents, `## section`, `### sub-section`, then lines. */
export function parseSourceText(text: string): SourceText {
  const raw = text.replace(/<!--[\s\S]*?-->/, (c) => c.replace(/[^\n]/g, '')).split('\n');
  // A value broken over two lines ("(-50" + ")") is rejoined.
  const lines: { s: string; no: number }[] = [];
  for (let i = 0; i < raw.length; i++) {
    let s = raw[i]!;
    const no = i + 1;
    while (/[(（]\s*[+-]?\d*\s*$/.test(s) && /^\s*[)）]/.test(raw[i + 1] ?? '')) s += raw[++i]!.trim();
    lines.push({ s, no });
  }
  const out: SourceText = { points: [], direct: [], repairs: [], validity: [] };
  let doc = 0;
  let section = '';
  let subsection = '';
  let position = 0;
  let article: number | undefined;
  let subStart = 0;
  for (const { s, no } of lines) {
    const t = s.trim();
    if (t === '') continue;
    if (t.startsWith('# ')) {
      doc++;
      section = subsection = '';
      continue;
    }
    if (t.startsWith('## ')) {
      section = t.slice(3).trim();
      subsection = '';
      continue;
    }
    if (t.startsWith('### ')) {
      subsection = t.slice(4).trim();
      position = 0;
      subStart = out.points.length;
      article = undefined;
      continue;
    }
    if (doc === 1) {
      const a = articleNumber(t);
      if (a !== undefined) {
        article = a;
        continue;
      }
      if (article === undefined) continue;
      const target =
        article >= 10 && article <= 16
          ? out.direct
          : article === 19
            ? out.repairs
            : article === 20
              ? out.validity
              : null;
      if (!target) continue;
      // Art. 19 prints its heading and item 1 on one line ("信用修复规定： 1.…").
      const body = article === 19 ? t.replace(/^信用修复规定：\s*/, '') : t;
      const m = /^(\d+)\s*[.、．]\s*(.*)$/.exec(body);
      if (!m) continue;
      if (target.some((x) => x.article === article && x.item === Number(m[1]))) continue; // Art. 9/17 repeated
      target.push({ article, heading: subsection, item: Number(m[1]), zh: m[2]!.trim(), lineNo: no });
      continue;
    }
    if (doc !== 2 && doc !== 3) continue;
    if (/^备注[:：]/.test(t)) {
      // The remark is printed under the line it qualifies (some qualify a whole block; the pack says so).
      const prev = out.points[out.points.length - 1];
      if (prev && out.points.length > subStart) prev.remark = t.replace(/^备注[:：]\s*/, '');
      continue;
    }
    for (const seg of splitPointLine(t))
      out.points.push({
        attachment: doc === 2 ? 1 : 2,
        section,
        subsection,
        position: ++position,
        zh: seg.zh,
        values: seg.values,
        lineNo: no,
      });
  }
  return out;
}

/** Number of printed point values (a ranking line prints three; a range is one value). */
export function countValues(lines: readonly SourcePointLine[]): number {
  return lines.reduce((n, l) => n + l.values.length, 0);
}
