// openLedger: adapter choice (argument, environment, default), file placement, and coded refusals.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadCatalogue } from '../core/catalogue.js';
import { MosaicError } from '../core/errors.js';
import { fixtureRecords, TEST_CATALOGUE } from './ledger.contract.js';
import { openLedger } from './open.js';

const catalogue = loadCatalogue(TEST_CATALOGUE);

describe('openLedger', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'mosaic-open-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    vi.unstubAllEnvs();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('defaults to DuckDB in <dataDir>/mosaic.duckdb', async () => {
    vi.stubEnv('MOSAIC_LEDGER', undefined as unknown as string);
    const dir = join(tmp(), 'nested', 'data');
    const ledger = await openLedger({ dataDir: dir, catalogue });
    try {
      expect(ledger.adapter).toBe('duckdb');
      expect(existsSync(join(dir, 'mosaic.duckdb'))).toBe(true);
      await ledger.append(fixtureRecords());
      // A second ledger on the same file in this process would trust a stale id set: refused.
      await expect(openLedger({ dataDir: dir, catalogue })).rejects.toMatchObject({
        code: 'ledger.already_open',
      });
    } finally {
      await ledger.close();
    }
    const again = await openLedger({ dataDir: dir, catalogue });
    expect(await again.count()).toBe(fixtureRecords().length);
    await again.close();
  });

  it('takes the adapter from MOSAIC_LEDGER, and the argument over it', async () => {
    vi.stubEnv('MOSAIC_LEDGER', 'memory');
    const mem = await openLedger({ catalogue });
    expect(mem.adapter).toBe('memory');
    const duck = await openLedger({ adapter: 'duckdb', file: join(tmp(), 'x.duckdb'), catalogue });
    expect(duck.adapter).toBe('duckdb');
    await duck.close();
  });

  it('refuses an unknown adapter and an unreachable server with coded errors', async () => {
    const err = await openLedger({ adapter: 'sqlite', catalogue }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MosaicError);
    expect((err as MosaicError).code).toBe('ledger.unknown_adapter');
    await expect(
      openLedger({ adapter: 'postgres', pgUrl: 'postgres://postgres@127.0.0.1:1/test', catalogue }),
    ).rejects.toMatchObject({ code: 'ledger.pg_unreachable' });
  });
});
