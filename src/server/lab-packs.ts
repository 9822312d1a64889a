// The lab's points packs: the shipped packs a run may be scored by, and a reader's edits (a band table, rule lines
// switched off) written as a derived pack that `extends` the shipped one — never an edit of a shipped file — checked
// by the pack loader itself, and named by the hash of the edits so the same edits give the same pack.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCataloguePath, loadCatalogue, type Catalogue } from '../core/catalogue.js';
import { MosaicError, type Issue } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import { checkSchemePack } from '../schemes/municipal/load.js';
import { reachLines, reachTable, REACH_GROUPS } from '../schemes/municipal/reach.js';
import { GRADES, type Grade, type SchemePack } from '../schemes/municipal/types.js';

/** The packs the lab offers: Meritown's own and its Weihai-bands sibling (the rural-disadvantage experiment's pair). */
export const LAB_PACKS = ['meritown-2021', 'meritown-2021-weihai-bands'] as const;
export type LabPackId = (typeof LAB_PACKS)[number];

export interface LabBand {
  grade: Grade;
  min?: number;
  max?: number;
}

/** One side of a run: a shipped pack, optionally with its band table replaced and some rule lines switched off. */
export interface PackChoice {
  pack: LabPackId;
  bands?: LabBand[];
  off?: string[];
}

/** The scenario's path for a shipped pack (relative, so an unedited run has the scenario's own hash). */
export const shippedPackPath = (id: LabPackId) => `./points/${id}`;
const shippedDir = (id: LabPackId) => shipped('scenarios', 'meritown', 'points', id);

/** Canonical form: bands in grade order, lines off sorted and unique, empty edits left out. */
export function canonicalChoice(c: PackChoice): PackChoice {
  const out: PackChoice = { pack: c.pack };
  if (c.bands?.length)
    out.bands = [...c.bands]
      .sort((a, b) => GRADES.indexOf(a.grade) - GRADES.indexOf(b.grade))
      .map((b) => ({
        grade: b.grade,
        ...(b.min !== undefined ? { min: b.min } : {}),
        ...(b.max !== undefined ? { max: b.max } : {}),
      }));
  if (c.off?.length) out.off = [...new Set(c.off)].sort();
  return out;
}

const edited = (c: PackChoice) => Boolean(c.bands?.length || c.off?.length);

let catalogue: Catalogue | undefined;
const cat = () => (catalogue ??= loadCatalogue(defaultCataloguePath()));
const packs = new Map<string, SchemePack>();

function check(dir: string): SchemePack {
  const have = packs.get(dir);
  if (have) return have;
  const res = checkSchemePack(dir, cat());
  if (!res.pack) throw new MosaicError(res.issues);
  packs.set(dir, res.pack);
  return res.pack;
}

/**
 * The folder of the pack a choice means: the shipped one, or a derived pack under `root` written once (whole, then
 * renamed) and checked by the loader. Bad edits (a line the pack does not have, a band table with a gap) throw
 * MosaicError with the loader's codes and the choice's location, before anything runs.
 */
export function preparePack(root: string, choice: PackChoice, at = 0): { dir: string; path: string } {
  const c = canonicalChoice(choice);
  const base = shippedDir(c.pack);
  if (!edited(c)) return { dir: base, path: shippedPackPath(c.pack) };
  const parent = check(base);
  const rules = new Set(parent.rules.map((r) => r.id));
  const direct = new Set(parent.direct.map((d) => d.id));
  const issues: Issue[] = [];
  (c.off ?? []).forEach((id) => {
    if (!rules.has(id) && !direct.has(id))
      issues.push({
        code: 'lab.unknown_line',
        message: `${c.pack} has no rule line or direct-grading item ${id}`,
        location: { file: 'request', path: ['packs', at, 'off'] },
      });
  });
  if (issues.length) throw new MosaicError(issues);
  const hash = createHash('sha256').update(JSON.stringify(c)).digest('hex').slice(0, 16);
  const dir = join(root, 'packs', `${c.pack}-${hash}`);
  if (!existsSync(dir)) {
    const tmp = `${dir}.tmp${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    // JSON is YAML: the loader reads these files as it reads any pack.
    const scheme: Record<string, unknown> = {
      // The same scheme id: subjects consent to a scheme, and the edit is a version of it, not another scheme.
      scheme: parent.meta.scheme,
      version: `lab-${hash.slice(0, 12)}`,
      extends: base,
      notes: [`A lab edit of ${c.pack}: ${JSON.stringify(c)}. Not a published rule set.`],
      basis: `lab edit of ${c.pack}`,
      source: 'a reader of the Mosaic lab (an experiment, not a published measure)',
      marker: 'U',
    };
    if (c.bands) scheme.bands = c.bands;
    writeFileSync(join(tmp, 'scheme.yaml'), JSON.stringify(scheme, null, 1));
    const offRules = (c.off ?? []).filter((id) => rules.has(id));
    const offDirect = (c.off ?? []).filter((id) => direct.has(id));
    if (offRules.length)
      writeFileSync(join(tmp, 'rules.yaml'), JSON.stringify({ remove: offRules, rules: [] }));
    if (offDirect.length)
      writeFileSync(join(tmp, 'direct-grading.yaml'), JSON.stringify({ remove: offDirect, direct: [] }));
    const res = checkSchemePack(tmp, cat());
    if (!res.pack) {
      rmSync(tmp, { recursive: true, force: true });
      // The loader's locations point into a temporary file; the reader's location is the request's edits.
      throw new MosaicError(
        res.issues.map((i) => ({ ...i, location: { file: 'request', path: ['packs', at, 'bands'] } })),
      );
    }
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another request wrote the same pack first
    }
  }
  check(dir);
  return { dir, path: dir };
}

/** The pack behind a prepared folder (cached: packs are immutable once written). */
export const packAt = (dir: string): SchemePack => check(dir);

/** What the lab's form needs of a shipped pack: its bands, its lines, its reach. */
export function packInfo(id: LabPackId) {
  const p = check(shippedDir(id));
  const lines = new Map<string, { id: string; zh: string; en: string; kind: 'points' | 'direct' }>();
  for (const l of reachLines(p))
    if (!lines.has(l.id)) lines.set(l.id, { id: l.id, zh: l.zh, en: l.en, kind: l.kind });
  return {
    id,
    scheme: p.id,
    title: p.meta.title,
    baseScore: p.meta.baseScore,
    bands: p.meta.bands,
    lines: [...lines.values()],
    reach: reachView(p),
  };
}

/** The "who the rules can reach" table as JSON (src/schemes/municipal/reach.ts), groups labelled in both languages. */
export function reachView(p: SchemePack) {
  const t = reachTable(p);
  return {
    pack: t.pack,
    lines: t.lines,
    direct: t.direct,
    groups: t.groups.map((g) => {
      const label = REACH_GROUPS.find((r) => r.id === g.group)!;
      return {
        group: g.group,
        zh: label.zh,
        en: label.en,
        lines: g.lines,
        only: g.only.length,
        maxDeduction: g.maxDeduction,
        maxBonus: g.maxBonus,
        direct: g.direct,
        ...(g.worstGrade ? { worstGrade: g.worstGrade } : {}),
      };
    }),
  };
}
