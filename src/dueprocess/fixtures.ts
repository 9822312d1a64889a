// Test fixtures for due process: fictional subjects (valid check digits, nobody's), records and a service over real
// in-memory adapters.
import { defaultCataloguePath, loadCatalogue } from '../core/catalogue.js';
import { orgCodeCheckChar, residentIdCheckChar, usccCheckChar } from '../core/identifiers.js';
import { makeRecord, type CreditRecord, type RecordInput } from '../core/types.js';
import type { Ledger } from '../ledger/ledger.js';
import { openLedger } from '../ledger/open.js';
import type { DueProcessLog } from './log.js';
import { MemoryLog } from './log.js';
import { DueProcessService } from './service.js';

/** A resident ID in Weihai Wendeng (371081) with a valid check character; `seq` varies the serial. */
export function fictionalPerson(seq = 1, region = '371081'): string {
  const body = `${region}19900101${String(100 + (seq % 900)).padStart(3, '0')}`;
  return body + residentIdCheckChar(body);
}

/** A USCC for an enterprise (type 91) registered in Weihai. */
export function fictionalFirm(seq = 1, region = '371000'): string {
  const org8 = `MA${String(seq).padStart(6, '0')}`;
  const body = `91${region}${org8}${orgCodeCheckChar(org8)}`;
  return body + usccCheckChar(body);
}

export function penalty(subject: string, over: Partial<RecordInput> = {}): CreditRecord {
  return makeRecord({
    subject,
    kind: 'admin.penalty',
    occurredAt: '2025-01-06',
    reportedAt: '2025-01-06',
    agency: 'wendeng-market-regulator',
    basis: 'Wen Shi Jian Fa [2025] No. 1',
    severity: 'fine_low',
    ...over,
  });
}

let catalogue: ReturnType<typeof loadCatalogue> | undefined;
export async function memoryLedger(): Promise<Ledger> {
  catalogue ??= loadCatalogue(defaultCataloguePath());
  return openLedger({ adapter: 'memory', catalogue });
}

export async function memoryService(
  log: DueProcessLog = new MemoryLog(),
  ledger?: Ledger,
): Promise<DueProcessService> {
  return DueProcessService.open(ledger ?? (await memoryLedger()), log);
}
