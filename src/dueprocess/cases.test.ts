// Runs the golden cases in policies/dueprocess/cases through the deadline engine and the service.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromEpochDay, toEpochDay } from '../core/dates.js';
import { shipped } from '../core/paths.js';
import { readYaml } from '../core/yaml-doc.js';
import { dueAfter, dueProcessCalendar } from './deadlines.js';
import { fictionalPerson, memoryService, penalty } from './fixtures.js';
import { shippedDueProcessPolicy } from './policy.js';
import type { DeadlineRule } from './schema.js';

const dir = shipped('policies', 'dueprocess', 'cases');
function cases<T>(file: string): (T & { note: string })[] {
  const p = readYaml(`${dir}/${file}`);
  if (p.issues.length) throw new Error(p.issues.map((i) => i.message).join('\n'));
  return (p.value as { cases: (T & { note: string })[] }).cases;
}

const policy = shippedDueProcessPolicy();
const cal = dueProcessCalendar();

it('every case file is run by this suite', () => {
  expect(readdirSync(dir).sort()).toEqual(['10-deadlines.yaml', '20-repairs.yaml', '30-countdowns.yaml']);
});

describe('deadlines', () => {
  type C = { channel?: string; limit?: 'extended'; rule?: DeadlineRule; from: string; due: string };
  for (const c of cases<C>('10-deadlines.yaml'))
    it(c.note, () => {
      let rule: Pick<DeadlineRule, 'days' | 'count' | 'roll_to_working_day'>;
      if (c.rule) rule = c.rule;
      else {
        const ch = policy.channel(c.channel!);
        rule = c.limit === 'extended' ? ch.extended! : ch.deadline;
      }
      expect(fromEpochDay(dueAfter(rule, toEpochDay(c.from), cal))).toBe(c.due);
      expect(cal.isWorkingDay(c.due)).toBe(true);
    });
});

describe('repair applications', () => {
  type C = {
    family: string;
    class: string;
    published: string;
    apply: string;
    facts: Record<string, boolean>;
    regime: string;
    failed: string[];
  };
  for (const c of cases<C>('20-repairs.yaml'))
    it(c.note, async () => {
      const svc = await memoryService();
      const subject = fictionalPerson(7);
      const rec = penalty(subject, { occurredAt: c.published, reportedAt: c.published });
      await svc.ledger.append([rec]);
      const pub = await svc.publish({
        record: rec.id,
        subject,
        family: c.family,
        class: c.class,
        day: c.published,
      });
      const r = await svc.applyRepair({ publication: pub.id, day: c.apply, facts: c.facts });
      expect(r.regime).toBe(c.regime);
      expect(r.checks.filter((k) => !k.ok).map((k) => k.code)).toEqual(c.failed);
      expect(r.status).toBe(c.failed.length ? 'refused_at_intake' : 'applied');
      for (const k of r.checks) expect(k.message.length).toBeGreaterThan(10);
    });
});

describe('publication countdowns', () => {
  type C = {
    family: string;
    class: string;
    published: string;
    decided?: string;
    restrictionMonths?: number;
    corrected?: string;
    asOf: string;
    expect: Record<string, unknown>;
  };
  for (const c of cases<C>('30-countdowns.yaml'))
    it(c.note, async () => {
      const svc = await memoryService();
      const subject = fictionalPerson(8);
      const rec = penalty(subject, { occurredAt: c.decided ?? c.published, reportedAt: c.published });
      await svc.ledger.append([rec]);
      const pub = await svc.publish({
        record: rec.id,
        subject,
        family: c.family,
        class: c.class,
        day: c.published,
        ...(c.decided ? { decided: c.decided } : {}),
        ...(c.restrictionMonths ? { restrictionMonths: c.restrictionMonths } : {}),
      });
      if (c.corrected) await svc.markCorrected(pub.id, c.corrected);
      const [cd] = await svc.countdowns(subject, c.asOf);
      expect(cd).toMatchObject(c.expect);
    });
});
