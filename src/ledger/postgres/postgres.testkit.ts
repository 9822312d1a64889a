// Test helper: run a suite against the real PostgreSQL, say loudly when it cannot, and fail when MOSAIC_REQUIRE_PG=1.
import pg from 'pg';
import { describe, it } from 'vitest';
import { DEFAULT_PG_URL } from '../open.js';

export const pgTestUrl = process.env.MOSAIC_PG_URL ?? process.env.DATABASE_URL ?? DEFAULT_PG_URL;

/** Why PostgreSQL cannot be reached, or undefined when it can. */
async function unreachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Declares `suite` (which registers its own describe blocks) when PostgreSQL answers. Otherwise a failing test under
 * MOSAIC_REQUIRE_PG=1 (CI), or a visible skip with the reason.
 */
export async function onPostgres(name: string, suite: (url: string) => void): Promise<void> {
  const url = pgTestUrl;
  const problem = await unreachable(url);
  if (problem === undefined) suite(url);
  else if (process.env.MOSAIC_REQUIRE_PG === '1')
    describe(name, () => {
      it(`reaches PostgreSQL at ${url} (MOSAIC_REQUIRE_PG=1)`, () => {
        throw new Error(`cannot reach PostgreSQL at ${url}: ${problem}`);
      });
    });
  else {
    const reason = `${name} SKIPPED: cannot reach ${url} (${problem}) (set MOSAIC_REQUIRE_PG=1 to make this fail)`;
    console.warn(reason);
    describe.skip(reason, () => {
      it(`runs the ${name} against PostgreSQL`, () => undefined);
    });
  }
}
