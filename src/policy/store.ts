// An atomic registry of loaded policies: a load that fails changes nothing already loaded.
import { MosaicError, type Issue } from '../core/errors.js';

export type PolicyLoader<T> = (source: string) => { key: string; value: T } | { issues: Issue[] };

/**
 * Holds the current version of each policy by key. `load` builds and checks the whole policy first and only then
 * swaps it in, replacing the map in one assignment, so readers never see a half-loaded policy and an invalid policy
 * leaves the previous one in place.
 */
export class PolicyStore<T> {
  #current: ReadonlyMap<string, T> = new Map();
  readonly #loader: PolicyLoader<T>;

  constructor(loader: PolicyLoader<T>) {
    this.#loader = loader;
  }

  /** Load (or reload) a policy; throws MosaicError with every issue and keeps the previous state on failure. */
  load(source: string): T {
    let res: ReturnType<PolicyLoader<T>>;
    try {
      res = this.#loader(source);
    } catch (err) {
      if (err instanceof MosaicError) throw err;
      throw new MosaicError({
        code: 'policy.load_failed',
        message: (err as Error).message,
        location: { file: source },
      });
    }
    if ('issues' in res)
      throw new MosaicError(
        res.issues.length
          ? res.issues
          : [{ code: 'policy.load_failed', message: 'the policy did not load', location: { file: source } }],
      );
    const next = new Map(this.#current);
    next.set(res.key, res.value);
    this.#current = next;
    return res.value;
  }

  get(key: string): T | undefined {
    return this.#current.get(key);
  }

  keys(): string[] {
    return [...this.#current.keys()];
  }

  /** The state at this moment; later loads never change a snapshot already taken. */
  snapshot(): ReadonlyMap<string, T> {
    return this.#current;
  }
}
