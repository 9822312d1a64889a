// The due-process log: append-only, idempotent, atomic batches; the file adapter survives a restart and a torn write.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MosaicError } from '../core/errors.js';
import { fictionalPerson, memoryLedger, penalty } from './fixtures.js';
import { FileLog, MemoryLog, type DueProcessLog } from './log.js';
import { DueProcessService } from './service.js';
import { makeStatement, type ObjectionWithdrawn } from './statements.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'issue-13-log-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const w = (objection: string, day: string) =>
  makeStatement<ObjectionWithdrawn>({ type: 'objection.withdrawn', objection, day });

function contract(name: string, make: () => DueProcessLog) {
  describe(`${name} log`, () => {
    it('stores a statement once however often it is appended', async () => {
      const log = make();
      const a = w('o1', '2025-01-02');
      expect(await log.append([a, a])).toEqual({ inserted: 1, duplicates: 1 });
      expect(await log.append([a])).toEqual({ inserted: 0, duplicates: 1 });
      expect(await log.read()).toEqual([a]);
      await log.close();
    });
    it('reads as of a day, in append order', async () => {
      const log = make();
      const a = w('o1', '2025-01-02');
      const b = w('o2', '2025-01-05');
      await log.append([a, b]);
      expect(await log.read('2025-01-04')).toEqual([a]);
      expect(await log.read('2025-01-05')).toEqual([a, b]);
      await log.close();
    });
    it('refuses a whole batch when one statement id does not match its content', async () => {
      const log = make();
      const a = w('o1', '2025-01-02');
      const forged = { ...w('o2', '2025-01-02'), objection: 'o3' };
      const e = await log.append([a, forged]).catch((x: unknown) => x);
      expect((e as MosaicError).code).toBe('dueprocess.bad_statement_id');
      expect(await log.read()).toEqual([]);
      await log.close();
    });
  });
}

contract('memory', () => new MemoryLog());
contract('file', () => new FileLog(join(tempDir(), 'dueprocess.jsonl')));

describe('file log durability', () => {
  it('a restart mid-objection loses nothing: the service rebuilds the open objection and its deadline', async () => {
    const file = join(tempDir(), 'dp', 'dueprocess.jsonl');
    const ledger = await memoryLedger();
    const subject = fictionalPerson(21);
    const rec = penalty(subject, { occurredAt: '2026-02-02', reportedAt: '2026-02-02' });
    await ledger.append([rec]);
    await ledger.putSubjects([{ id: subject, type: 'natural', jurisdiction: '371081', roles: [] }]);
    const svc = await DueProcessService.open(ledger, new FileLog(file));
    const o = await svc.fileObjection({
      subject,
      target: { type: 'record', ref: rec.id },
      reasons: 'not me',
      day: '2026-02-12',
    });
    await svc.referObjection(o.id, '2026-02-13', 'needs the tax bureau');
    const before = await svc.state();
    await svc.log.close();

    const again = await DueProcessService.open(ledger, new FileLog(file));
    expect(await again.state()).toEqual(before);
    const decided = await again.decideObjection({
      objection: o.id,
      day: '2026-02-26',
      outcome: 'upheld',
      reasons: 'confirmed',
      corrections: [{ record: rec.id, action: 'withdraw' }],
    });
    expect(decided.objection.status).toBe('upheld');
    await again.log.close();
  });

  it('ignores a torn last line (never acknowledged) and keeps appending after it', async () => {
    const file = join(tempDir(), 'dueprocess.jsonl');
    const log = new FileLog(file);
    const a = w('o1', '2025-01-02');
    await log.append([a]);
    await log.close();
    appendFileSync(file, '[{"id":"o12'); // a crash in the middle of a write
    const reopened = new FileLog(file);
    expect(await reopened.read()).toEqual([a]);
    const b = w('o2', '2025-01-03');
    await reopened.append([b]);
    await reopened.close();
    expect(await new FileLog(file).read()).toEqual([a, b]);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('refuses a log corrupted before its last line', async () => {
    const file = join(tempDir(), 'dueprocess.jsonl');
    const log = new FileLog(file);
    await log.append([w('o1', '2025-01-02')]);
    await log.close();
    appendFileSync(file, 'garbage\n' + JSON.stringify([w('o2', '2025-01-03')]) + '\n');
    expect(() => new FileLog(file)).toThrow(MosaicError);
  });
});
