// Test helper: the code of the MosaicError a call throws ('ok' when it throws nothing), so a test asserts the code.
import { MosaicError } from './errors.js';

/** The code of the MosaicError `f` throws, 'ok' when it returns; any other error is rethrown. */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof MosaicError) return e.code;
    throw e;
  }
  return 'ok';
}

/** `codeOf` for an async call. */
export async function codeOfAsync(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (e instanceof MosaicError) return e.code;
    throw e;
  }
  return 'ok';
}
