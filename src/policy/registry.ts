// The pack-kind registry: each kind of policy folder (points scheme, lists, memoranda, measure catalogues) plugs in here.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Issue } from '../core/errors.js';

/**
 * One kind of policy pack. `mosaic policy lint DIR` asks every registered kind whether it recognises DIR and runs the
 * lint of each that does, so a new kind of policy data never needs an edit to the policy command.
 *
 * Register from a module your CLI `register(program)` function imports (or from inside it): the command modules are
 * all registered before any command runs.
 *
 * @example
 * registerPackKind({
 *   name: 'lists',
 *   describe: 'blacklists and redlists',
 *   detect: (dir) => existsSync(join(dir, 'list.yaml')),
 *   lint: (dir) => lintListPack(dir),
 * });
 */
export interface PackKind {
  /** Stable short name, shown in lint output (e.g. 'points-scheme', 'lists'). */
  name: string;
  describe: string;
  /** Cheap check: does this folder hold a pack of this kind? Must not throw. */
  detect(dir: string): boolean;
  /** Every problem in the pack; empty means clean. Report all issues at once; never throw for bad input. */
  lint(dir: string): Issue[] | Promise<Issue[]>;
  /** Optional: run the pack's case corpus (`mosaic policy test DIR`). */
  test?(dir: string): Promise<PackTestResult>;
}

export interface PackTestResult {
  passed: number;
  failed: number;
  /** One line per failing case (or per case when verbose). */
  lines: string[];
}

const kinds = new Map<string, PackKind>();

/** Register a pack kind. Registering the same name twice replaces the earlier entry (idempotent re-imports). */
export function registerPackKind(kind: PackKind): void {
  kinds.set(kind.name, kind);
}

export function packKinds(): PackKind[] {
  return [...kinds.values()];
}

/** Kinds that recognise `dir` itself. */
export function detectPackKinds(dir: string): PackKind[] {
  return packKinds().filter((k) => {
    try {
      return k.detect(dir);
    } catch {
      return false;
    }
  });
}

export interface FoundPack {
  dir: string;
  kind: PackKind;
}

/**
 * Packs at or below `dir`: a folder recognised by some kind is a pack and is not searched further; otherwise its
 * sub-folders are searched (to `maxDepth`), so `mosaic policy lint policies/` lints everything shipped.
 */
export function findPacks(dir: string, maxDepth = 4): FoundPack[] {
  const here = detectPackKinds(dir);
  if (here.length) return here.map((kind) => ({ dir, kind }));
  if (maxDepth <= 0) return [];
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const out: FoundPack[] = [];
  for (const e of entries) {
    if (e.startsWith('.') || e === 'cases' || e === 'node_modules') continue;
    const sub = join(dir, e);
    if (isDirectory(sub)) out.push(...findPacks(sub, maxDepth - 1));
  }
  return out;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
