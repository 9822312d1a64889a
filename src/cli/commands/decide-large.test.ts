// `decide --receipt` on a ledger of more than 1,024 subjects, reopened: the receipt about a subject far past the
// first growth boundary is stored (it failed with ledger.internal before the subject dictionary kept every type slot).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateResidentId } from '../../core/identifiers-gen.js';
import { Rng } from '../../core/rng.js';
import { makeRecord } from '../../core/types.js';
import { openLedger } from '../../ledger/open.js';
import { runCli } from '../run-cli.testkit.js';

afterEach(() => vi.restoreAllMocks());

describe('decide --receipt on a large ledger', () => {
  it('appends the receipt about subject 1,100 after a reopen, and the same receipt again stores nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mosaic-decide-large-'));
    const rng = new Rng('decide-large');
    // Distinct birth dates make distinct identifiers.
    const ids = Array.from({ length: 1_100 }, (_, i) =>
      generateResidentId(rng, {
        addressCode: '110105',
        birthDate: new Date(Date.UTC(1960, 0, 1 + i * 7)).toISOString().slice(0, 10),
        sex: 'M',
      }),
    );
    expect(new Set(ids).size).toBe(1_100);
    const at = (subject: string, kind: string, extra: { severity?: string } = {}) =>
      makeRecord({
        subject,
        kind,
        occurredAt: '2024-03-15',
        reportedAt: '2024-03-15',
        agency: 'court',
        basis: `(2024)J0105Z${subject.slice(-6)}`,
        ...extra,
      });
    const ledger = await openLedger({ adapter: 'duckdb', dataDir: dir });
    await ledger.append(ids.map((s) => at(s, 'court.enforcement_warning')));
    const last = ids[ids.length - 1]!;
    await ledger.append([at(last, 'court.defaulter_listed', { severity: 'e2' })]);
    await ledger.close();

    const g = ['--ledger', 'duckdb', '--data-dir', dir];
    const r = await runCli(...g, 'decide', last, 'fly', '--date', '2024-06-01', '--receipt');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('DENY');
    expect((await runCli(...g, 'decide', last, 'fly', '--date', '2024-06-01', '--receipt')).code).toBe(0);
    const again = await openLedger({ adapter: 'duckdb', dataDir: dir });
    const receipts = (await again.readSubject(last)).filter((x) => x.kind.startsWith('receipt.'));
    expect(await again.count()).toBe(1_102);
    await again.close();
    expect(receipts).toHaveLength(1);
  });
});
