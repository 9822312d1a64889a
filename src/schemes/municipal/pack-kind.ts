// Registers points-scheme packs with the policy pack-kind registry, so `mosaic policy lint|test` handle them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultCataloguePath, loadCatalogue, type Catalogue } from '../../core/catalogue.js';
import { MosaicError, type Issue } from '../../core/errors.js';
import { registerPackKind, type PackKind, type PackTestResult } from '../../policy/registry.js';
import { compileScheme } from './compile.js';
import { runCorpus } from './corpus.js';
import { checkSchemePack } from './load.js';

function catalogueOrIssues(): { catalogue?: Catalogue; issues: Issue[] } {
  try {
    return { catalogue: loadCatalogue(defaultCataloguePath()), issues: [] };
  } catch (err) {
    if (err instanceof MosaicError) return { issues: err.issues };
    throw err;
  }
}

/** Every problem in a points-scheme pack: its files, its cross-references, compilation and its case files. */
export function lintSchemePack(dir: string, catalogue?: Catalogue): Issue[] {
  const cat = catalogue ? { catalogue, issues: [] } : catalogueOrIssues();
  if (!cat.catalogue) return cat.issues;
  const res = checkSchemePack(dir, cat.catalogue);
  if (!res.pack) return res.issues;
  try {
    compileScheme(res.pack, cat.catalogue);
  } catch (err) {
    if (err instanceof MosaicError) return err.issues;
    throw err;
  }
  return runCorpus(dir, res.pack, cat.catalogue, { run: false }).issues;
}

export async function testSchemePack(dir: string, catalogue?: Catalogue): Promise<PackTestResult> {
  const cat = catalogue ? { catalogue, issues: [] } : catalogueOrIssues();
  if (!cat.catalogue) throw new MosaicError(cat.issues);
  const res = checkSchemePack(dir, cat.catalogue);
  if (!res.pack) throw new MosaicError(res.issues);
  const report = runCorpus(dir, res.pack, cat.catalogue);
  if (report.issues.length) throw new MosaicError(report.issues);
  return report.result;
}

export const POINTS_SCHEME_KIND: PackKind = {
  name: 'points-scheme',
  describe:
    'municipal points scheme (scheme.yaml, rules, direct grading, validity, interactions, repairs, labels)',
  detect: (dir) => existsSync(join(dir, 'scheme.yaml')),
  lint: (dir) => lintSchemePack(dir),
  test: (dir) => testSchemePack(dir),
};

registerPackKind(POINTS_SCHEME_KIND);
