// Property tests for the workflows: for any sequence of objections, outcomes, publications and repairs, reports and
// KPIs as of any earlier day are unchanged by later events, refused commands change nothing, and a restart rebuilds
// the same state.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromEpochDay, toEpochDay } from '../core/dates.js';
import { MosaicError } from '../core/errors.js';
import type { CreditRecord } from '../core/types.js';
import { fictionalPerson, memoryLedger, penalty } from './fixtures.js';
import { MemoryLog } from './log.js';
import { DueProcessService } from './service.js';

const OPS = [
  'file',
  'refer',
  'decide',
  'withdraw',
  'publish',
  'correct',
  'apply',
  'forward',
  'decideRepair',
] as const;
const command = fc.record({
  op: fc.constantFrom(...OPS),
  pick: fc.nat(50),
  step: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 4, max: 40 })),
  outcome: fc.constantFrom('upheld', 'partly_upheld', 'rejected'),
  granted: fc.boolean(),
  facts: fc.array(fc.constantFrom(true, true, true, false), { minLength: 3, maxLength: 3 }),
  target: fc.constantFrom('record', 'publication', 'repair'),
  cls: fc.constantFrom('general', 'general', 'serious', 'minor'),
});
type Command = typeof command extends fc.Arbitrary<infer T> ? T : never;

const subjects = [fictionalPerson(11), fictionalPerson(12)];
const nth = <T>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);
/** Mostly a candidate the transition allows (so long workflows happen), sometimes any (so refusals happen too). */
const pickFrom = <T>(xs: readonly T[], ok: (x: T) => boolean, i: number): T | undefined => {
  const good = xs.filter(ok);
  return i % 5 === 0 || !good.length ? nth(xs, i) : nth(good, i);
};

async function run(svc: DueProcessService, c: Command, day: string, records: CreditRecord[]): Promise<void> {
  const st = await svc.state();
  const objections = [...st.objections.values()];
  const pubs = [...st.publications.values()];
  const repairs = [...st.repairs.values()];
  const rec = nth(records, c.pick)!;
  const facts = {
    corrected: c.facts[0]!,
    credit_commitment: c.facts[1]!,
    other_legal_conditions: c.facts[2]!,
  };
  switch (c.op) {
    case 'file': {
      const target =
        c.target === 'record'
          ? { type: 'record' as const, ref: rec.id, subject: rec.subject }
          : c.target === 'publication'
            ? nth(pubs, c.pick) && {
                type: 'publication' as const,
                ref: nth(pubs, c.pick)!.id,
                subject: nth(pubs, c.pick)!.subject,
              }
            : nth(repairs, c.pick) && {
                type: 'repair' as const,
                ref: nth(repairs, c.pick)!.id,
                subject: nth(repairs, c.pick)!.subject,
              };
      if (!target) return;
      await svc.fileObjection({ subject: target.subject, target, reasons: 'wrong', day });
      return;
    }
    case 'refer': {
      const o = pickFrom(
        objections,
        (x) => x.status === 'open' && x.channel === 'shandong_public_credit',
        c.pick,
      );
      if (o) await svc.referObjection(o.id, day, 'other units');
      return;
    }
    case 'decide': {
      const o = pickFrom(objections, (x) => x.status === 'open', c.pick);
      if (!o) return;
      const ref = o.target.type === 'record' ? o.target.ref : undefined;
      await svc.decideObjection({
        objection: o.id,
        day,
        outcome: c.outcome,
        reasons: 'reasons',
        corrections:
          c.outcome === 'rejected' || ref === undefined
            ? []
            : [
                c.outcome === 'upheld'
                  ? { record: ref, action: 'withdraw' }
                  : { record: ref, action: 'correct', set: { severity: 'fine_low' } },
              ],
      });
      return;
    }
    case 'withdraw': {
      const o = nth(objections, c.pick);
      if (o) await svc.withdrawObjection(o.id, day);
      return;
    }
    case 'publish':
      await svc.publish({ record: rec.id, subject: rec.subject, family: 'ndrc_penalty', class: c.cls, day });
      return;
    case 'correct': {
      const p = nth(pubs, c.pick);
      if (p) await svc.markCorrected(p.id, day);
      return;
    }
    case 'apply': {
      const p = pickFrom(pubs, (x) => x.stopped === undefined, c.pick);
      if (p) await svc.applyRepair({ publication: p.id, day, facts });
      return;
    }
    case 'forward': {
      const r = pickFrom(repairs, (x) => x.status === 'applied', c.pick);
      if (r) await svc.forwardRepair(r.id, day);
      return;
    }
    case 'decideRepair': {
      const r = pickFrom(repairs, (x) => x.status === 'forwarded', c.pick);
      if (r) await svc.decideRepair(r.id, day, c.granted ? 'granted' : 'refused', 'reasons');
      return;
    }
  }
}

/** One sequence through every transition, always run first, so each kind of command is known to be exercised. */
const base: Omit<Command, 'op' | 'pick' | 'step'> = {
  outcome: 'rejected',
  granted: true,
  facts: [true, true, true],
  target: 'record',
  cls: 'general',
};
const walkthrough: Command[] = [
  { ...base, op: 'publish', pick: 1, step: 0 },
  { ...base, op: 'file', pick: 1, step: 1 },
  { ...base, op: 'refer', pick: 1, step: 1 },
  { ...base, op: 'decide', pick: 1, step: 1, outcome: 'partly_upheld' },
  { ...base, op: 'file', pick: 2, step: 1 },
  { ...base, op: 'withdraw', pick: 1, step: 1 },
  { ...base, op: 'correct', pick: 1, step: 1 },
  { ...base, op: 'apply', pick: 1, step: 100 },
  { ...base, op: 'forward', pick: 1, step: 2 },
  { ...base, op: 'decideRepair', pick: 1, step: 1 },
  { ...base, op: 'file', pick: 1, step: 1, target: 'repair' },
  { ...base, op: 'decide', pick: 1, step: 30, outcome: 'upheld' },
];

describe('workflow properties', () => {
  /** Commands that went through, by kind: a property over sequences that all fail would prove nothing. */
  const accepted = new Map<string, number>();

  it('as-of reports, countdowns and KPIs before each event are unchanged by later events; restarts rebuild the state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 10, maxLength: 40 }), async (commands) => {
        const ledger = await memoryLedger();
        const log = new MemoryLog();
        const svc = await DueProcessService.open(ledger, log);
        const records = subjects.flatMap((s, i) => [
          penalty(s, { occurredAt: '2025-12-01', reportedAt: '2025-12-01', basis: `case-${i}-a` }),
          penalty(s, {
            occurredAt: '2025-12-02',
            reportedAt: '2025-12-02',
            basis: `case-${i}-b`,
            severity: 'fine_top',
          }),
        ]);
        await ledger.append(records);
        // One subject in Shandong (a channel with an extended limit), one on the fallback channel.
        await ledger.putSubjects([{ id: subjects[0]!, type: 'natural', jurisdiction: '371081', roles: [] }]);
        let day = toEpochDay('2026-01-05');
        const snapshots: { asOf: string; view: string }[] = [];
        const view = async (asOf: string) =>
          JSON.stringify({
            reports: await Promise.all(subjects.map((s) => svc.report(s, asOf))),
            kpi: await svc.overdue(asOf),
          });
        for (const c of commands) {
          day += c.step;
          const iso = fromEpochDay(day);
          const before = fromEpochDay(day - 1);
          snapshots.push({ asOf: before, view: await view(before) });
          const logBefore = (await log.read()).length;
          const ledgerBefore = await ledger.count();
          try {
            await run(svc, c, iso, records);
            if ((await log.read()).length > logBefore) accepted.set(c.op, (accepted.get(c.op) ?? 0) + 1);
          } catch (e) {
            if (!(e instanceof MosaicError)) throw e;

            // A refused command leaves no trace.
            expect((await log.read()).length).toBe(logBefore);
            expect(await ledger.count()).toBe(ledgerBefore);
          }
        }
        for (const s of snapshots) expect(await view(s.asOf)).toBe(s.view);
        const restarted = await DueProcessService.open(ledger, log);
        expect(await restarted.state()).toEqual(await svc.state());
      }),
      { numRuns: 80, examples: [[walkthrough]] },
    );
    for (const op of OPS) expect(accepted.get(op) ?? 0, op).toBeGreaterThan(0);
  }, 60_000);
});
