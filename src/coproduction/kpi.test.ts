// The KPI form adds up, scores each item by its rule (or says it is not measured), and reads agencies' reporting
// from ledger columns; true coverage is computed beside it from the simulation's events.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedCalendar } from '../core/calendar.js';
import { toEpochDay } from '../core/dates.js';
import { MosaicError } from '../core/errors.js';
import { shipped } from '../core/paths.js';
import type { RecordColumns } from '../ledger/ledger.js';
import { agencyReporting, loadKpiForm, scoreKpi, trueCoverage } from './kpi.js';

const form = loadKpiForm();

describe('the department KPI form', () => {
  it('adds up to 100 + 10 and refuses a form that does not', () => {
    expect(form.items.filter((i) => !i.bonus).reduce((s, i) => s + i.points, 0)).toBe(100);
    const f = join(mkdtempSync(join(tmpdir(), 'kpi-')), 'k.yaml');
    const text = readFileSync(shipped('policies', 'coproduction', 'kpi', 'suzhou-department.yaml'), 'utf8');
    writeFileSync(f, text.replace('points: 14', 'points: 15'));
    try {
      loadKpiForm(f);
      expect.unreachable();
    } catch (e) {
      expect((e as MosaicError).issues.map((i) => i.code)).toEqual(['kpi_form.total']);
    }
  });

  it('scores measured items by their rules and leaves the rest unmeasured', () => {
    const s = scoreKpi(form, {
      frontend_processor: 0,
      volume_vs_quota: 0.5,
      timely_share: 0.75,
      valid_entry_rate: 0.96,
      complete_share: 1,
      list_reporting: 0,
    });
    const by = (id: string) => s.lines.find((l) => l.item === id)!;
    expect(by('method').earned).toBe(1);
    expect(by('volume').earned).toBe(4);
    expect(by('timeliness').earned).toBe(3);
    expect(by('valid_entry_rate').earned).toBe(6);
    expect(by('list_reporting').earned).toBe(0);
    expect(by('severity_flagging')).toMatchObject({ earned: null });
    expect(by('publicity')).toMatchObject({ earned: null, why: 'not measured: no ledger shows it' });
    expect(s.measured).toBe(29);
    expect(s.earned).toBe(20);
  });

  it('reads reporting from ledger columns and true coverage from events', () => {
    const d = (s: string) => toEpochDay(s);
    // Agency 0: three originals, one reported late, one later withdrawn (record 3 withdraws record 1).
    const cols: RecordColumns = {
      length: 4,
      subject: Uint32Array.from([0, 0, 1, 0]),
      kind: Uint16Array.from([0, 1, 0, 0]),
      agency: Uint16Array.from([0, 0, 0, 0]),
      occurred: Uint16Array.from([d('2025-03-03'), d('2025-03-03'), d('2025-03-03'), d('2025-03-03')]),
      reported: Uint16Array.from([d('2025-03-05'), d('2025-03-05'), d('2025-04-30'), d('2025-05-01')]),
      amount: new Float64Array(4).fill(NaN),
      severity: Uint8Array.from([0, 2, 0, 0]),
      level: new Uint8Array(4),
      status: Uint8Array.from([0, 0, 0, 2]),
      supersedeFrom: Int32Array.from([3]),
      supersedeTo: Int32Array.from([1]),
      subjects: ['a', 'b'],
      agencies: ['police'],
    };
    const [r] = agencyReporting(cols, {
      calendar: shippedCalendar({ fallback: 'weekends' }),
      quota: () => 6,
      years: 1,
      limit: 7,
      frontendProcessor: true,
      hasSeverities: (k) => k === 1,
      isListKind: () => false,
    });
    expect(r).toEqual({
      agency: 'police',
      submitted: 3,
      metrics: {
        frontend_processor: 1,
        volume_vs_quota: 0.5,
        severity_flagged: 1,
        timely_share: 2 / 3,
        valid_entry_rate: 2 / 3,
        complete_share: 1,
        list_reporting: 0,
      },
    });
    const cov = trueCoverage({
      length: 5,
      agency: Uint16Array.from([0, 0, 0, 0, 0]),
      agencies: ['police'],
      recorded: Uint8Array.from([1, 0, 0, 0, 1]),
      fabricated: Uint8Array.from([0, 0, 0, 0, 1]),
    });
    expect(cov.get('police')).toEqual({ events: 4, coverage: 0.25, fabricated: 0.5 });
  });
});
