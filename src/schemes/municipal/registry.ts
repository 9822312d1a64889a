// The live set of points schemes: each loaded, checked and compiled before it atomically replaces the previous one.
import type { Catalogue } from '../../core/catalogue.js';
import { MosaicError } from '../../core/errors.js';
import { PolicyStore } from '../../policy/store.js';
import { compileScheme, type CompiledScheme } from './compile.js';
import { checkSchemePack, fsPackReader, type PackReader } from './load.js';
import type { SchemePack } from './types.js';

export interface LoadedScheme {
  pack: SchemePack;
  compiled: CompiledScheme;
}

/** A store keyed by scheme id (e.g. 'wendeng-points'): loading a new version of a scheme replaces the old one. */
export function schemeStore(
  catalogue: Catalogue,
  reader: PackReader = fsPackReader,
): PolicyStore<LoadedScheme> {
  return new PolicyStore<LoadedScheme>((dir) => {
    const res = checkSchemePack(dir, catalogue, reader);
    if (!res.pack) return { issues: res.issues };
    try {
      return {
        key: res.pack.meta.scheme,
        value: { pack: res.pack, compiled: compileScheme(res.pack, catalogue) },
      };
    } catch (err) {
      if (err instanceof MosaicError) return { issues: err.issues };
      throw err;
    }
  });
}
